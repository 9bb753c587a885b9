/* Officer workspace: saved queue filters (kept in this browser), bell refresh.
   Everything works without this file; it only adds conveniences. */
(function () {
  "use strict";
  var KEY = "kasn.savedFilters";

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(list) { localStorage.setItem(KEY, JSON.stringify(list.slice(0, 20))); }

  function render(box) {
    box.textContent = "";
    load().forEach(function (item, i) {
      var a = document.createElement("a");
      a.href = "?" + item.query; a.textContent = item.name;
      var del = document.createElement("button");
      del.type = "button"; del.textContent = "×";
      del.setAttribute("aria-label", (document.documentElement.lang === "en" ? "Delete saved filter " : "Hapus filter tersimpan ") + item.name);
      del.addEventListener("click", function () { var l = load(); l.splice(i, 1); store(l); render(box); });
      var span = document.createElement("span"); span.appendChild(a); span.appendChild(del);
      box.appendChild(span);
    });
  }

  function init() {
    var box = document.querySelector("[data-saved-filters]");
    if (box) render(box);
    var save = document.querySelector("[data-save-filter]");
    if (save) save.addEventListener("click", function () {
      var form = document.getElementById("queue-filters");
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
      var name = window.prompt(document.documentElement.lang === "en" ? "Name for this filter" : "Nama filter ini");
      if (!name) return;
      var list = load(); list.unshift({name: name.slice(0, 60), query: params.toString()}); store(list); render(box);
    });
    // A swapped-in results table: move focus to it so keyboard and screen-reader users follow the change.
    document.body.addEventListener("htmx:afterSwap", function (ev) {
      if (ev.detail.target && ev.detail.target.id === "queue-results") {
        var s = ev.detail.target.querySelector(".summary"); if (s) { s.setAttribute("tabindex", "-1"); }
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
