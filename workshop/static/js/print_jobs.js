// The print jobs page follows its jobs: while one is waiting or being sent, it looks again
// every few seconds (the server says how often), until every job has its outcome.
(function () {
  "use strict";
  var jobs = document.querySelector("[data-follow-seconds]");
  if (!jobs) { return; }
  window.setTimeout(function () { window.location.reload(); }, 1000 * Number(jobs.dataset.followSeconds));
})();
