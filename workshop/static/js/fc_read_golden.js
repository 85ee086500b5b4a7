// Reading a golden configuration from a board: start the read on a port, follow its steps,
// show what was read, and let the coordinator save it.
(function () {
  "use strict";
  var box = document.getElementById("read-golden");
  if (!box) { return; }
  var progress = document.getElementById("read-progress");
  var bar = progress.querySelector("progress");
  var error = document.getElementById("read-error");
  var save = document.getElementById("read-save");
  var POLL_MS = 400;

  function fail(text) {
    error.textContent = text || "";
    error.hidden = !text;
    box.querySelectorAll(".read-port").forEach(function (b) { b.disabled = false; });
  }

  function show(state) {
    bar.value = state.done.length;
    progress.querySelectorAll("li").forEach(function (item) {
      var step = item.dataset.step;
      item.className = state.done.indexOf(step) >= 0 ? "done" : (step === state.current ? "current" : "waiting");
    });
  }

  function follow(jobId) {
    fetch(box.dataset.state.replace("JOB", jobId), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        show(state);
        if (!state.finished) { window.setTimeout(function () { follow(jobId); }, POLL_MS); return; }
        if (!state.config_text) { fail(state.error || state.reason); return; }
        document.getElementById("read-text").textContent = state.config_text;
        save.action = box.dataset.save.replace("JOB", jobId);
        save.hidden = false;
      })
      .catch(function () { window.setTimeout(function () { follow(jobId); }, POLL_MS * 3); });
  }

  box.querySelectorAll(".read-port").forEach(function (button) {
    button.addEventListener("click", function () {
      var data = new FormData();
      data.append("csrf_token", box.querySelector("input[name=csrf_token]").value);
      data.append("port", button.dataset.port);
      fail("");
      save.hidden = true;
      box.querySelectorAll(".read-port").forEach(function (b) { b.disabled = true; });
      fetch(box.dataset.start, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (state) { return { ok: response.ok, state: state }; });
        })
        .then(function (answer) {
          if (!answer.ok) { fail(answer.state.error); return; }
          progress.hidden = false;
          follow(answer.state.id);
        })
        .catch(function () { fail(error.dataset.offline); });
    });
  });
})();
