// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Switch language as soon as one is picked; the submit button stays for no-JS users.
  for (const select of document.querySelectorAll(".language-switcher select[name=language]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Tables and charts with a column per year open on the latest years, the ones a reader
  // comes for; the first column stays in place (position: sticky in app.css).
  for (const box of document.querySelectorAll(".scroll-end, .scroll-end .chart-plot")) {
    box.scrollLeft = box.scrollWidth;
  }
});

// A printed board pack carries each figure's definition: open them all first.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details")) {
    details.open = true;
  }
});

// A table or chart wider than its box scrolls sideways. The keyboard must reach it too (Safari
// does not focus a scrolling box by itself): a box that overflows becomes a focusable region
// named after its chart, its table's caption or its section's heading; it stops when it fits.
function scrollBoxName(box) {
  const chart = box.querySelector("svg[aria-label]");
  const title = box.querySelector("caption") || box.closest("section")?.querySelector("h2");
  return chart ? chart.getAttribute("aria-label") : title ? title.textContent.trim() : "";
}

function keyboardScrolling() {
  for (const box of document.querySelectorAll(".table-scroll, .chart-plot")) {
    const overflows = box.scrollWidth > box.clientWidth + 1;
    if (overflows && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", scrollBoxName(box));
      box.dataset.keyboardScroll = "";
    } else if (!overflows && "keyboardScroll" in box.dataset) {
      for (const name of ["tabindex", "role", "aria-label", "data-keyboard-scroll"]) box.removeAttribute(name);
    }
  }
}
document.addEventListener("DOMContentLoaded", keyboardScrolling);
window.addEventListener("resize", keyboardScrolling);
