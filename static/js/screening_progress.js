// Screening progress pages (screening/upload_detail.html, run.html): poll the status until the import or run ends.
(function () {
  "use strict";
  var upload = document.getElementById("upload-progress");
  if (upload) {
    var show = function (s) {
      upload.querySelector("progress").value = s.percent;
      upload.querySelector(".pct").textContent = s.percent;
      upload.querySelector(".state").textContent = s.label;
      if (s.state === "done") {
        upload.querySelector(".created").textContent = s.created;
        upload.querySelector(".existing").textContent = s.existing;
        upload.querySelector(".result").hidden = false;
        if (s.run_url) { var a = upload.querySelector(".run-link"); a.href = s.run_url; a.hidden = false; }
      } else if (s.state === "refused") {
        var list = upload.querySelector(".row-errors");
        list.textContent = "";
        s.errors.forEach(function (e) { var li = document.createElement("li"); li.textContent = e; list.appendChild(li); });
        upload.querySelector(".refused").hidden = false;
      }
    };
    var pollUpload = function () {
      fetch(upload.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
        show(s);
        if (s.state === "queued" || s.state === "running") { setTimeout(pollUpload, 1000); }
      });
    };
    if (upload.dataset.state === "queued" || upload.dataset.state === "running") { setTimeout(pollUpload, 500); }
  }
  var run = document.getElementById("run-progress");
  if (run) {
    var pollRun = function () {
      fetch(run.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
        run.querySelector("progress").value = s.percent;
        run.querySelector(".pct").textContent = s.percent;
        run.querySelector(".chunks").textContent = s.chunks_done + "/" + s.chunks;
        if (s.state !== "done") { setTimeout(pollRun, 1500); } else { run.querySelector(".state").textContent = run.dataset.labelDone; }
      });
    };
    if (run.dataset.state !== "done") { setTimeout(pollRun, 1500); }
  }
})();
