// Python's prompt runs a pasted `for`, `with` or `def` only once an empty line follows it, but
// Material trims the end of what a copy button copies. So a Python block whose copy ended with
// such a statement (a console example closed by a bare `...`, an embedded function) was still
// unfinished after the learner's Enter, and their next paste raised a SyntaxError. Before
// Material copies, this hands its clipboard library (which prefers data-clipboard-text) the
// same text ending in one newline: the learner's Enter then adds the empty line. Shell blocks
// are left alone, so that a pasted command never runs by itself. tests/test_prompt.py pastes
// every block into Python's prompt and IPython.
document.addEventListener("click", ({ target }) => {
  const button = target.closest("button[data-clipboard-target]");
  const code = button && document.querySelector(button.dataset.clipboardTarget);
  if (!code || !code.closest(".language-pycon, .language-python")) return;
  code.setAttribute("data-md-copying", ""); // as Material does: the copy CSS hides >>> and output
  button.dataset.clipboardText = code.innerText.trimEnd() + "\n";
  code.removeAttribute("data-md-copying");
}, true); // capture: before Material's own click handler reads the text
