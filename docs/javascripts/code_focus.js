// Material mounts a code block (its copy button, its tabindex) only once the block scrolls into
// view (content.lazy in mkdocs.yml), and tutorial_tools.code_blocks makes every block's <code>
// focusable until then. So pressing Tab can reach a block before Material has mounted it: once
// the copy button appears, focus moves to it, which is where Tab enters a mounted block. Without
// this, Tab skipped those blocks' copy buttons and lost the focus on blocks that do not scroll
// sideways (Material drops their tabindex). tests/test_browser.py walks each chapter with Tab.
document.addEventListener("focusin", ({ target }) => {
  const pre = target.parentElement;
  if (!target.matches("pre > code") || pre.querySelector("button")) return;
  const observer = new MutationObserver(() => {
    const button = pre.querySelector("button");
    if (!button) return;
    observer.disconnect();
    // Unless Tab has moved on meanwhile: focus is still on the block, or lost with its tabindex.
    if ([target, document.body].includes(document.activeElement)) button.focus();
  });
  observer.observe(pre, { childList: true, subtree: true });
});
