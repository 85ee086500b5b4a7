// A page made to be printed (a drone's passport, the monthly report): the Print button opens the
// print dialogue, and a page marked data-print-on-load opens it once the page is in.
(function () {
  "use strict";
  var again = document.getElementById("print-again");
  if (again) { again.addEventListener("click", function () { window.print(); }); }
  if (document.body.hasAttribute("data-print-on-load")) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
