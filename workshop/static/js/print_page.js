// A page made to be printed (a drone's passport): the print dialogue opens once the page is in,
// and the Print button opens it again.
(function () {
  "use strict";
  var again = document.getElementById("print-again");
  if (again) { again.addEventListener("click", function () { window.print(); }); }
  window.addEventListener("load", function () { window.print(); });
})();
