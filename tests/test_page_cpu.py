"""The page CPU benchmark (tests/benchmarks/page_cpu.py): how it reads Chromium's trace."""

import importlib.util
from pathlib import Path

PAGE_CPU = Path(__file__).parent / "benchmarks" / "page_cpu.py"
spec = importlib.util.spec_from_file_location("page_cpu", PAGE_CPU)
page_cpu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(page_cpu)


def thread(pid: int, tid: int, name: str) -> dict:
    """A trace's thread_name metadata event."""
    return {"name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": name}}


def task(pid: int, tid: int, name: str = "RunTask", dur: int = 1000, tdur: int | None = 500):
    """A complete event; tdur (CPU µs) left out when None."""
    event = {"name": name, "ph": "X", "pid": pid, "tid": tid, "ts": 0, "dur": dur}
    return event if tdur is None else {**event, "tdur": tdur}


def test_the_main_thread_is_the_renderer_thread_that_ran_the_most_tasks() -> None:
    trace = {
        "traceEvents": [
            thread(1, 1, "CrBrowserMain"),
            thread(2, 2, "CrRendererMain"),  # another renderer
            thread(3, 3, "CrRendererMain"),  # the page's
            *[task(1, 1)] * 5,
            task(2, 2),
            *[task(2, 2, "Paint")] * 6,  # many events, but one task
            *[task(3, 3)] * 3,
            task(3, 3, "Layout"),
            task(3, 3, "UpdateLayoutTree") | {"ph": "B"},  # a begin event, not a complete one
        ]
    }
    events = page_cpu.main_thread_events(trace)
    assert {(e["pid"], e["tid"]) for e in events} == {(3, 3)}
    assert [e["name"] for e in events] == ["RunTask"] * 3 + ["Layout"]


def test_cpu_time_is_the_threads_own_and_wall_time_only_without_it() -> None:
    assert page_cpu.cpu_ms(task(1, 1, dur=4000, tdur=1500)) == 1.5
    assert page_cpu.cpu_ms(task(1, 1, dur=4000, tdur=None)) == 4.0
