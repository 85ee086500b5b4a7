// Kitting: a code scanned anywhere on the page (scan.js hands it over) or typed into the box goes
// to the server: a lot's or a place's label draws what the unit still needs from it, a part's
// own code is recorded on the part it belongs to, another label says what it opens instead.
// The kit and the checklist are redrawn in place: the page keeps its place, nothing takes the
// focus, and the scanner is ready for the next code at once, with no tap between scans. Without
// JavaScript the same forms post and the page comes back at its kitting card.
(function () {
  "use strict";
  var card = document.getElementById("kitting");
  if (!card) { return; }
  var scanForm = document.getElementById("kitting-scan");
  var message = document.getElementById("kitting-message");
  var queue = Promise.resolve();  // one change at a time: each carries the version the last left

  function version() {
    return scanForm.querySelector("input[name='part-version']").value;
  }

  function say(text, category) {
    message.textContent = text || "";
    message.className = "flash " + (category || "info");
    message.hidden = !text;
  }

  function setVersion(value) {
    document.querySelectorAll("input[name$='version']").forEach(function (input) {
      input.value = String(value);
    });
  }

  function redrawWork(html) {
    var work = document.getElementById("stage-work");
    if (!work || !html) { return; }
    var ticked = Array.prototype.map.call(
      work.querySelectorAll("input[name=item]:checked"), function (box) { return box.value; });
    work.outerHTML = html;
    document.querySelectorAll("#stage-work input[name=item]").forEach(function (box) {
      if (ticked.indexOf(box.value) >= 0) { box.checked = true; }
    });
    document.dispatchEvent(new CustomEvent("workshop:work-redrawn"));
  }

  function show(answer) {
    if (!answer) { return; }
    if (answer.open) { window.location.assign(answer.open); return; }
    if (answer.version) { setVersion(answer.version); }
    if (answer.parts_html) { document.getElementById("kitting-parts").innerHTML = answer.parts_html; }
    redrawWork(answer.work_html);
    var next = document.getElementById("next-step");
    if (next && answer.next_step) { next.textContent = answer.next_step; }
    say(answer.message, answer.category);
  }

  function send(action, data, button) {
    queue = queue.then(function () {
      // Each change bumps the unit's version: a form sent after another carries the new one.
      Array.from(data.keys()).forEach(function (key) {
        if (/-version$/.test(key)) { data.set(key, version()); }
      });
      return fetch(action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) {
          // Not an answer for this script (a login that ran out, an expired form): the page
          // itself says what happened.
          if ((response.headers.get("Content-Type") || "").indexOf("application/json") < 0) {
            window.location.reload();
            return null;
          }
          return response.json();
        })
        .then(show)
        .catch(function () { say(card.dataset.offline, "error"); })
        .then(function () {
          if (button) {  // app.js marked it busy for a page that was never going to load
            button.disabled = false;
            button.classList.remove("busy");
            button.removeAttribute("aria-busy");
          }
          if (document.activeElement && document.activeElement !== document.body) {
            document.activeElement.blur();  // a scanner's keys go to scan.js, not to a field
          }
        });
    });
  }

  document.addEventListener("workshop:scan", function (event) {
    event.preventDefault();  // at kitting the server decides what a scan is for
    var data = new FormData(scanForm);
    data.set("part-code", event.detail.code);
    send(scanForm.action, data, null);
  });

  card.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) { data.set(event.submitter.name, event.submitter.value); }
    send(form.action, data, event.submitter);
    if (form === scanForm) { form.querySelector("input[name='part-code']").value = ""; }
  });
})();
