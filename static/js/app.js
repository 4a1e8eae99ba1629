// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Switch language as soon as one is picked; the submit button stays for no-JS users.
  for (const select of document.querySelectorAll(".language-switcher select[name=language]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});

// A printed board pack carries each figure's definition: open them all first.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details")) {
    details.open = true;
  }
});
