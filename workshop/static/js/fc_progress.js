// Follows a flight-controller run: polls its state, marks each step, opens the result when there
// is one (the recorded run, or the unit an identified board belongs to). Without JavaScript the
// page refreshes itself instead (a <noscript> refresh).
(function () {
  "use strict";
  var panel = document.getElementById("fc-progress");
  if (!panel || panel.dataset.finished === "true") { return; }
  var bar = document.getElementById("fc-bar");
  var count = document.getElementById("fc-count");
  var countText = count.textContent;  // "Step 0 of 7" in the page's language: keep its words
  var POLL_MS = 400;
  var failures = 0;

  function show(state) {
    var done = state.done.length;
    bar.max = state.steps.length;
    bar.value = done;
    count.textContent = countText.replace(/\d+/, String(done));
    panel.querySelectorAll("#fc-steps li").forEach(function (item) {
      var step = item.dataset.step;
      item.className = state.done.indexOf(step) >= 0 ? "done" : (step === state.current ? "current" : "waiting");
    });
  }

  function finished(state) {
    if (state.open_url) {
      window.location.assign(state.open_url);
      return;
    }
    var error = document.getElementById("fc-error");
    error.textContent = state.error || "";
    error.hidden = !state.error;
    document.getElementById("fc-done").hidden = false;
    panel.dataset.finished = "true";
  }

  function poll() {
    fetch(panel.dataset.poll, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state);
        if (state.finished) { finished(state); } else { window.setTimeout(poll, POLL_MS); }
      })
      .catch(function () {
        // A tablet's Wi-Fi drops for a moment: keep asking, slower, and reload at last.
        failures += 1;
        if (failures > 10) { window.location.reload(); } else { window.setTimeout(poll, POLL_MS * failures); }
      });
  }
  window.setTimeout(poll, POLL_MS);
})();
