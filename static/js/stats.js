/* Dashboard charts: draws each table's numbers with the vendored Chart.js; a click opens the case list behind it. */
(function () {
  "use strict";
  var node = document.getElementById("stats-data");
  if (!node || !window.Chart) { return; }
  var tables = JSON.parse(node.textContent);
  var palette = ["#0b4f8a", "#3b82c4", "#7fb3e0", "#f5b301", "#b54708", "#b42318", "#067647", "#6941c6", "#5b6576", "#98a2b3", "#1d2433", "#d0d5dd", "#12b76a"];
  Chart.defaults.font.family = '"DejaVu Sans", system-ui, sans-serif';
  Chart.defaults.color = "#1d2433";
  Chart.defaults.animation = false;
  Chart.defaults.scales.linear.ticks.precision = 0;  // counts: no 0,5 or 0,8 ticks between whole numbers

  function col(t, i) { return t.rows.map(function (r) { return typeof r.cells[i].v === "number" ? r.cells[i].v : null; }); }
  function labels(t) { return t.rows.map(function (r) { return r.label.length > 38 ? r.label.slice(0, 36) + "…" : r.label; }); }
  function bar(t, horizontal, series) {
    return { type: "bar", data: { labels: labels(t), datasets: series },
      options: { indexAxis: horizontal ? "y" : "x", maintainAspectRatio: false,
        plugins: { legend: { display: series.length > 1 } }, scales: { x: { beginAtZero: true }, y: { beginAtZero: true } } } };
  }
  function single(t, i, color) { return [{ label: t.columns[i + 1 + (t.ranked ? 1 : 0)], data: col(t, i), backgroundColor: color || palette[0], cellIndex: i }]; }

  var builders = {
    funnel: function (t) { return bar(t, true, [{ label: t.columns[1], data: col(t, 0), backgroundColor: palette.slice(0, 5), cellIndex: 0 }]); },
    bar: function (t) { return bar(t, false, single(t, 0)); },
    hbar: function (t) { return bar(t, true, single(t, 0)); },
    doughnut: function (t) {
      return { type: "doughnut", data: { labels: labels(t), datasets: [{ data: col(t, 0), backgroundColor: palette, cellIndex: 0 }] },
        options: { maintainAspectRatio: false, plugins: { legend: { position: "right" } } } };
    },
    line: function (t) {
      return { type: "line", data: { labels: labels(t), datasets: [
          { label: t.columns[1], data: col(t, 0), borderColor: palette[0], backgroundColor: palette[0], tension: 0.2 },
          { label: t.columns[2], data: col(t, 1), borderColor: palette[6], backgroundColor: palette[6], tension: 0.2 }] },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } } };
    },
    stacked: function (t) {
      var c = bar(t, true, [1, 2, 3, 4].map(function (i, k) {
        return { label: t.columns[i + 2], data: col(t, i), backgroundColor: [palette[6], palette[3], palette[5], palette[9]][k], cellIndex: i };
      }));
      c.options.scales = { x: { stacked: true, beginAtZero: true }, y: { stacked: true } };
      return c;
    },
    steps: function (t) {
      return bar(t, true, [
        { label: t.columns[2], data: t.rows.map(function (r) { return r.p50; }), backgroundColor: palette[0] },
        { label: t.columns[3], data: t.rows.map(function (r) { return r.p90; }), backgroundColor: palette[2] }]);
    }
  };

  tables.forEach(function (t) {
    var canvas = document.querySelector('canvas[data-chart="' + t.key + '"]');
    if (!canvas || !builders[t.chart]) { return; }
    var config = builders[t.chart](t);
    if (config.options.indexAxis === "y" && t.rows.length > 8) {  // one readable bar per row
      canvas.parentNode.style.height = Math.max(260, t.rows.length * 24 + 70) + "px";
    }
    config.options.onClick = function (evt, elements) {
      if (!elements.length) { return; }
      var el = elements[0], ds = config.data.datasets[el.datasetIndex];
      if (ds.cellIndex === undefined) { return; }
      var href = t.rows[el.index].cells[ds.cellIndex].href;
      if (href) { window.location.href = href; }
    };
    config.options.onHover = function (evt, elements) { evt.native.target.style.cursor = elements.length ? "pointer" : "default"; };
    new Chart(canvas, config);
  });
})();
