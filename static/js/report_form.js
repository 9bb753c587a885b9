// Public report form (templates/reports/): hide the identity fields for an anonymous report; send once on review.
(function () {
  var radios = document.querySelectorAll('input[name="anonymity"]');
  var identity = document.getElementById("identity");
  if (radios.length && identity) {
    var update = function () {
      var anon = document.querySelector('input[name="anonymity"]:checked');
      identity.hidden = !!(anon && anon.value === "anonymous");
    };
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  }
  var review = document.getElementById("submit-report");
  if (review) {  // one click sends once; the server would return the same report anyway
    var form = review.form;
    form.addEventListener("submit", function (ev) {
      if (ev.submitter && ev.submitter.value === "submit") {
        if (form.dataset.sent) { ev.preventDefault(); return; }
        form.dataset.sent = "1";
      }
    });
  }
})();
