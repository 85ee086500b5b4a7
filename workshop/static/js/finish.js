// The Finish button of a stage counts the required items still to tick as they are ticked: it
// says what is missing, and becomes the page's main button when nothing is.
(function () {
  "use strict";

  function recount() {
    var form = document.getElementById("finish-form");
    var button = document.getElementById("finish-button");
    if (!form || !button) { return; }
    var phrases = JSON.parse(button.dataset.ticks || "[\"\"]");
    var left = form.querySelectorAll("input[type=checkbox][data-required]:not(:checked)").length;
    var parts = [phrases[Math.min(left, phrases.length - 1)], button.dataset.needs]
      .filter(function (text) { return text; });
    var missing = button.querySelector(".finish-missing");
    missing.querySelector(".finish-what").textContent = parts.join(", ");
    missing.hidden = parts.length === 0;
    button.classList.toggle("primary", parts.length === 0);
  }

  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#finish-form")) { recount(); }
  });
  // kitting.js redraws the stage's work after a scan.
  document.addEventListener("workshop:work-redrawn", recount);
  recount();
})();
