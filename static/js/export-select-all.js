// The export page's "Select all" toggle (django-import-export wires it with an inline handler, which
// the Content-Security-Policy blocks; templates/admin/import_export/export.html leaves it out).
(function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    if (typeof onSelectToggleChange === "function") {
      toggle.addEventListener("change", onSelectToggleChange);
    }
  });
})();
