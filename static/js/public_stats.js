/* Transparency page: each figure's chart drawn with the vendored Chart.js from the table beside it (the table is
   the source and the accessible view; suppressed counts, "<5", carry no value and draw no bar). */
(function () {
  "use strict";
  var palette = ["#0b4f8a", "#3b82c4", "#f5b301", "#067647", "#b54708", "#6941c6", "#98a2b3"];

  function read(table) {
    var columns = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); }).slice(1);
    var rows = Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (tr) {
      return { label: tr.querySelector("th").textContent.trim(),
               values: Array.prototype.map.call(tr.querySelectorAll("td"), function (td) {
                 return td.dataset.value === "" ? null : Number(td.dataset.value); }) };
    });
    return { columns: columns, rows: rows };
  }

  function config(kind, data, narrow) {
    var max = narrow ? 18 : 34;  // a phone leaves the axis little room: the full name is in the table beside
    var labels = data.rows.map(function (r) { return r.label.length > max ? r.label.slice(0, max - 2) + "…" : r.label; });
    if (kind === "doughnut") {
      return { type: "doughnut", data: { labels: labels, datasets: [{ data: data.rows.map(function (r) { return r.values[0]; }),
        backgroundColor: palette }] }, options: { maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } } };
    }
    return { type: "bar", data: { labels: labels, datasets: data.columns.map(function (c, i) {
        return { label: c, data: data.rows.map(function (r) { return r.values[i]; }), backgroundColor: palette[i % palette.length] };
      }) },
      options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: data.columns.length > 1, position: "bottom" } },
        scales: { x: { beginAtZero: true } } } };
  }

  function draw() {
    if (!window.Chart) { return; }
    Chart.defaults.font.family = '"DejaVu Sans", system-ui, sans-serif';
    Chart.defaults.color = "#1d2433";
    Chart.defaults.scales.linear.ticks.precision = 0;  // counts: no 0,5 or 0,8 ticks between whole numbers
    document.querySelectorAll("canvas[data-figure]").forEach(function (canvas) {
      var table = document.getElementById("t-" + canvas.dataset.figure);
      if (!table) { return; }
      var data = read(table), kind = canvas.dataset.kind;
      if (kind !== "doughnut") {  // one readable bar group per row
        canvas.parentNode.style.height = Math.max(220, data.rows.length * (14 + 10 * data.columns.length) + 80) + "px";
      }
      new Chart(canvas, config(kind, data, canvas.parentNode.clientWidth < 500));
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
