// Register import page (registers/detail.html): poll the status while the worker imports, then show the counts.
(function () {
  "use strict";
  var box = document.getElementById("register-progress");
  if (!box || !box.querySelector("progress")) { return; }
  var show = function (s) {
    box.querySelector("progress").value = s.percent;
    box.querySelector(".pct").textContent = s.percent;
    box.querySelector(".state").textContent = s.label;
    Object.keys(s.counts || {}).forEach(function (k) {
      var el = box.querySelector(".count-" + k);
      if (el) { el.textContent = s.counts[k]; }
    });
    if (s.state === "failed") { var f = box.querySelector(".failed"); f.textContent = s.error; f.hidden = false; }
  };
  var poll = function () {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      show(s);
      if (s.state === "queued" || s.state === "running") { setTimeout(poll, 1000); }
    });
  };
  if (box.dataset.state === "queued" || box.dataset.state === "running") { setTimeout(poll, 500); }
})();
