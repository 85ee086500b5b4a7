// Buttons that fill a field with a recent value (a receiving unit's code at the handover): one
// tap instead of typing. Without JavaScript the field is typed as before.
(function () {
  "use strict";
  document.querySelectorAll("[data-fills]").forEach(function (group) {
    var field = document.getElementById(group.dataset.fills);
    if (!field) { return; }
    group.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-code]");
      if (!button) { return; }
      field.value = button.dataset.code;
      group.querySelectorAll("button[data-code]").forEach(function (other) {
        other.classList.toggle("on", other === button);
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
    });
  });
})();
