// The label print page exists to be printed: open the print dialog once the fonts are in.
(function () {
  "use strict";
  document.getElementById("print-again").addEventListener("click", function () { window.print(); });
  window.addEventListener("load", function () { document.fonts.ready.then(function () { window.print(); }); });
})();
