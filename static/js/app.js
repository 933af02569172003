// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Focus the error summary for browsers that ignore autofocus on a div.
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
  // "Visa lösenord": toggle password fields marked with data-show-password.
  document.querySelectorAll("[data-show-password]").forEach(function (checkbox) {
    checkbox.addEventListener("change", function () {
      checkbox.form.querySelectorAll("input[data-password]").forEach(function (input) {
        input.type = checkbox.checked ? "text" : "password";
      });
    });
  });
});
