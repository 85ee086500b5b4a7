// Small helpers for the bench tablet; the app works without them.
(function () {
  "use strict";
  // Keep the scan box ready for the next scan: a USB scanner types into whatever has focus.
  // Select what the page came with (the last code, shown again with its error) so that the next
  // scan replaces it, but never what a scan already typed in since the box took the focus.
  var box = document.getElementById("code");
  if (box && box.value === box.defaultValue) {
    box.focus();
    box.select();
  }
  // The field a page names for the next key (a PIN after a badge scan): Chrome skips the
  // autofocus attribute on a page that follows a key press, and the person would have to tap.
  var wanted = document.querySelector("[autofocus]");
  if (wanted && document.activeElement === document.body) { wanted.focus(); }
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
