// "Copy link" on the result page. A static file because the CSP allows only script-src
// 'self'. Without JavaScript the button stays hidden and the link is still there to select.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentElement.querySelector("[data-copy-status]");
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { if (status) { status.textContent = button.getAttribute("data-copied"); } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          input.select();  // refused (permissions): leave the link selected to copy by hand
        });
      } else {
        input.select();
        try { if (document.execCommand("copy")) { done(); } } catch (e) { /* selected anyway */ }
      }
    });
  });
})();
