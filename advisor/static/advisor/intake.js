// Intake form: show the chosen sector's one-line description under the select.
// The form works without this script; it only adds the description as you choose.
(function () {
  "use strict";
  var select = document.getElementById("id_sector");
  var target = document.getElementById("sector-description");
  if (!select || !target) return;
  function show() {
    var option = select.options[select.selectedIndex];
    target.textContent = (option && option.getAttribute("data-description")) || "";
  }
  select.addEventListener("change", show);
  show();
  // After a failed submit, bring the first message into view.
  var firstError = document.querySelector(".has-error");
  if (firstError) {
    var details = firstError.closest("details");
    if (details) details.open = true;
    firstError.scrollIntoView({ block: "center" });
  }
})();
