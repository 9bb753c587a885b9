// Batch printing progress: polls the status endpoint (percent, count, ETA), shows failures, offers the download.
(function () {
  var box = document.getElementById("batch");
  if (!box) return;
  var url = box.dataset.statusUrl;
  function el(id) { return document.getElementById(id); }
  function show(s) {
    el("batch-bar").value = s.percent || 0;
    el("batch-percent").textContent = s.percent || 0;
    el("batch-count").textContent = s.done || 0;
    el("batch-total").textContent = s.total || 0;
    el("batch-eta").textContent = (s.state === "running" && s.eta_seconds != null)
      ? "\u00b7 " + box.dataset.labelEta + " " + Math.ceil(s.eta_seconds) + " " + box.dataset.labelSeconds : "";
    var labels = {done: box.dataset.labelDone, cancelled: box.dataset.labelCancelled, failed: box.dataset.labelFailed};
    el("batch-state").textContent = labels[s.state] || s.state;
    var list = el("batch-failures");
    list.innerHTML = "";
    (s.failures || []).forEach(function (f) {
      var li = document.createElement("li");
      li.textContent = (f.number || ("#" + f.letter)) + ": " + f.error;
      list.appendChild(li);
    });
    list.hidden = !(s.failures && s.failures.length);
    if (s.download_url) { el("batch-download").hidden = false; el("batch-download").href = s.download_url; }
    if (s.state === "done" || s.state === "cancelled" || s.state === "failed") { el("batch-cancel").hidden = true; return true; }
    return false;
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) { if (!show(s)) setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
