// Accessibility fixes for Django's admin (tests/browser/test_admin.py).
// Select2 names its combobox only by the chosen value, so an empty autocomplete
// (a filter, a new form) has no accessible name: add the field's own label. The
// text of the chosen value is a read-only "textbox" without a name: make it
// plain text inside the combobox, which it already names.
(function () {
  function fix() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var container = select.nextElementSibling;
      var combobox = container && container.querySelector(".select2-selection");
      if (!label || !combobox) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "-label";
      }
      var current = combobox.getAttribute("aria-labelledby") || "";
      if (current.split(" ").indexOf(label.id) === -1) {
        combobox.setAttribute("aria-labelledby", (label.id + " " + current).trim());
      }
      var rendered = combobox.querySelector(".select2-selection__rendered[role]");
      if (rendered) {
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
    });
  }
  // Select2 starts on jQuery's ready, at a moment of its own: fix whenever it adds itself.
  new MutationObserver(fix).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("load", fix);
})();
