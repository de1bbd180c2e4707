/* When a report's background generation finishes (htmx swapped in the "done" panel), reload the page so
   the frozen figures and charts appear. */
(function () {
  "use strict";
  var panel = document.getElementById("report-generation");
  if (!panel) { return; }
  var waiting = panel.dataset.status === "queued" || panel.dataset.status === "running";
  document.body.addEventListener("htmx:afterSwap", function () {
    var current = document.getElementById("report-generation");
    if (waiting && current && current.dataset.status === "done") { window.location.reload(); }
  });
}());
