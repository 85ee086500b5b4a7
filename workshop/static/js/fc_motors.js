// The motor check: one motor at a time, only with the propellers-off box ticked, a direction tap
// per motor; the stop button, and leaving or hiding the page, stop every motor at once.
(function () {
  "use strict";
  var form = document.getElementById("motor-check");
  if (!form) { return; }
  var props = form.querySelector("input[name=propellers_off]");
  var message = document.getElementById("motor-message");
  var spinning = null;  // the motor row whose spin is running
  var POLL_MS = 250;

  function say(text) {
    message.textContent = text || "";
    message.hidden = !text;
  }

  function port() {
    var checked = form.querySelector("input[name=port]:checked");
    return checked ? checked.value : "";
  }

  function fields(extra) {
    var data = new FormData();
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    data.append("port", port());
    Object.keys(extra || {}).forEach(function (key) { data.append(key, extra[key]); });
    return data;
  }

  function stopAll() {
    // A beacon survives the page going away; a fetch may not.
    navigator.sendBeacon(form.dataset.stop, fields());
  }

  function rpmText(state, motor) {
    var name = "motor_" + motor + "_rpm";
    var found = (state.measurements || []).filter(function (m) { return m.name === name; })[0];
    if (!found) { return state.error || ""; }
    return found.value === null ? form.dataset.noRpm : form.dataset.rpm.replace("RPM", String(found.value));
  }

  function follow(row, jobId) {
    fetch(form.dataset.state.replace("JOB", jobId), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.finished) {
          row.querySelector(".fc-rpm").textContent = form.dataset.spinning + " " + state.done.length + "/" + state.steps.length;
          window.setTimeout(function () { follow(row, jobId); }, POLL_MS);
          return;
        }
        spinning = null;
        row.classList.remove("spinning");
        row.querySelector(".fc-rpm").textContent = rpmText(state, row.dataset.motor);
        if (state.verdict === "error") {
          say(state.error);
          return;
        }
        row.querySelector("input[name^=job-]").value = jobId;
        row.querySelectorAll("input[type=radio]").forEach(function (input) { input.disabled = false; });
      })
      .catch(function () { stopAll(); spinning = null; row.classList.remove("spinning"); });
  }

  form.querySelectorAll(".fc-motor .spin").forEach(function (button) {
    button.addEventListener("click", function () {
      var row = button.closest(".fc-motor");
      if (!props.checked) {
        say(form.dataset.refused);
        props.focus();
        return;
      }
      if (spinning) { return; }  // one motor at a time
      say("");
      spinning = row;
      row.classList.add("spinning");
      row.querySelector(".fc-rpm").textContent = form.dataset.spinning;
      fetch(form.dataset.spin, {
        method: "POST", body: fields({ motor: row.dataset.motor, propellers_off: "y" }), credentials: "same-origin"
      })
        .then(function (response) {
          return response.json().then(function (state) { return { ok: response.ok, state: state }; });
        })
        .then(function (answer) {
          if (!answer.ok) {
            spinning = null;
            row.classList.remove("spinning");
            row.querySelector(".fc-rpm").textContent = "";
            say(answer.state.error);
            return;
          }
          follow(row, answer.state.id);
        })
        .catch(function () { spinning = null; row.classList.remove("spinning"); stopAll(); });
    });
  });

  document.getElementById("stop-motors").addEventListener("click", stopAll);
  window.addEventListener("pagehide", stopAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { stopAll(); }
  });
})();
