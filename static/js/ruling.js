/* The ruling form shows only the fields of the chosen remedy: amount, payer and payee for
   compensation, the new price for a price adjustment. The server drops the others anyway. */
(function () {
  "use strict";
  function sync() {
    var remedy = document.getElementById("id_remedy");
    if (!remedy) return;
    document.querySelectorAll("[data-remedies]").forEach(function (row) {
      var hide = row.dataset.remedies.split(" ").indexOf(remedy.value) < 0;
      row.hidden = hide;
      row.style.display = hide ? "none" : "";  /* the admin's .form-row sets its own display */
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    sync();
    var remedy = document.getElementById("id_remedy");
    if (remedy) remedy.addEventListener("change", sync);
  });
})();
