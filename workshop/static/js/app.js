// Small helpers for the bench tablet; the app works without them.
(function () {
  "use strict";
  // Keep the scan box ready for the next scan: a USB scanner types into whatever has focus.
  var box = document.getElementById("code");
  if (box) {
    box.focus();
    box.select();
  }
  // One tap, one submit: a slow answer must not turn into a second change.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.form === event.target) {
      window.setTimeout(function () {
        button.disabled = true;
        // A printer or a slow disk may take seconds: show that the tap was taken.
        button.classList.add("busy");
        button.setAttribute("aria-busy", "true");
      }, 0);
    }
  });
})();
