// Export progress (templates/stats/export_job.html): polls the job's status until the file can be downloaded.
(function () {
  var box = document.getElementById("export-job");
  if (!box) return;
  var bar = document.getElementById("export-progress"), text = document.getElementById("export-text"),
      link = document.getElementById("export-download");
  function poll() {
    fetch(bar.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      bar.value = s.percent;
      if (s.state === "done") { text.textContent = box.dataset.labelDone; link.hidden = false; return; }
      if (s.state === "failed") { text.textContent = box.dataset.labelFailed + " " + s.error; return; }
      text.textContent = s.done + " / " + s.total;
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  if (link.hidden) { poll(); }
})();
