// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can forbid inline script:
// [data-print] prints the page, [data-autosubmit] sends its form on change, [data-share] sets the --share bar.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("change", function (ev) {
    if (ev.target.matches && ev.target.matches("[data-autosubmit]") && ev.target.form) ev.target.form.submit();
    if (ev.target.matches && ev.target.matches("input[type=file][data-max-bytes]")) tooLarge(ev.target);
  });
  // An evidence file over the limit is taken out of the selection before anything is sent (a 30 MB video was
  // uploaded in full, then refused), with a message naming it; the other files stay selected.
  function tooLarge(input) {
    var limit = Number(input.dataset.maxBytes), keep = [], refused = [];
    Array.prototype.forEach.call(input.files || [], function (f) { (f.size > limit ? refused : keep).push(f); });
    var note = document.getElementById(input.id + "-too-large") ||
      (input.id && input.parentNode.querySelector("[data-too-large-note]"));
    if (!refused.length) {
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      return;
    }
    if (window.DataTransfer) {
      var list = new DataTransfer();
      keep.forEach(function (f) { list.items.add(f); });
      input.files = list.files;
    } else {
      input.value = "";
    }
    if (!note) {
      note = document.createElement("p");
      note.className = "error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-too-large-note", "");
      if (input.id) {
        note.id = input.id + "-too-large";
        var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (described.indexOf(note.id) < 0) input.setAttribute("aria-describedby", described.concat(note.id).join(" "));
      }
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = refused.map(function (f) {
      return input.dataset.tooLarge.replace("{name}", f.name).replace("{size}", (f.size / 1048576).toFixed(1).replace(".", ",") + " MB");
    }).join(" ");
    input.setAttribute("aria-invalid", "true");
  }
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
