/* "Show only the changes" on the comparison page. */
(function () {
  "use strict";
  var toggle = document.querySelector("[data-toggle-unchanged]");
  var list = document.querySelector(".redline");
  if (!toggle || !list) { return; }
  toggle.addEventListener("change", function () {
    list.classList.toggle("only-changes", toggle.checked);
  });
}());
