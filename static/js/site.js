// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can forbid inline script:
// [data-print] prints the page, [data-autosubmit] sends its form on change, [data-share] sets the --share bar.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("change", function (ev) {
    if (ev.target.matches && ev.target.matches("[data-autosubmit]") && ev.target.form) ev.target.form.submit();
  });
  function shares(root) {
    root.querySelectorAll("[data-share]").forEach(function (el) { el.style.setProperty("--share", el.dataset.share); });
  }
  // [data-fold-narrow]: a <details> open on a desk, folded on a phone unless something in it is set or wrong,
  // so the list it filters starts near the top of the screen.
  function fold(root) {
    if (!window.matchMedia("(max-width: 640px)").matches) return;
    root.querySelectorAll("details[data-fold-narrow]").forEach(function (el) {
      var set = el.querySelector("[aria-invalid=true]") || Array.prototype.some.call(
        el.querySelectorAll("input:not([type=hidden]), select"),
        function (f) { return f.name !== "sort" && f.value !== ""; });
      if (!set) el.removeAttribute("open");
    });
  }
  function init() { shares(document); fold(document); }
  document.addEventListener("htmx:afterSwap", function (ev) { if (ev.detail.target) shares(ev.detail.target); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
