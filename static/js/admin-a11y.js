// Django's autocomplete boxes (select2) name their combobox after the chosen value only: empty, it
// has no name at all, and a screen reader announces a nameless "combo box". Name each one after
// the <label> of the <select> it stands for, followed by the chosen value.
(function () {
  "use strict";

  function labelFor(select) {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (!label) return null;
    if (!label.id) label.id = `${select.id}-label`;
    return label;
  }

  function nameSelection(selection) {
    const container = selection.closest(".select2-container");
    const select = container && container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    const label = labelFor(select);
    if (!label) return;
    const rendered = selection.querySelector(".select2-selection__rendered[id]");
    selection.setAttribute("aria-labelledby", rendered ? `${label.id} ${rendered.id}` : label.id);
    if (rendered) rendered.setAttribute("aria-labelledby", label.id);
  }

  function nameAll(root) {
    for (const selection of root.querySelectorAll(".select2-selection[role=combobox]")) {
      nameSelection(selection);
    }
  }

  // select2 draws its boxes after the page loads, and again for every inline row added.
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) nameAll(node);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", () => nameAll(document));
})();
