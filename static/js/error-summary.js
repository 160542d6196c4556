// After a failed submit, move keyboard and screen-reader focus to the list of errors
// (templates/training/_form_errors.html and the account forms render it as #error-summary).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
