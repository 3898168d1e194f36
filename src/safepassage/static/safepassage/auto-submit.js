// A <select data-auto-submit> sends its form as soon as a choice is made (the case list's status
// filter). A static file, not an inline handler: the Content-Security-Policy allows no inline
// script. Without JavaScript the form's own button does the same.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-auto-submit") && field.form) {
    field.form.submit();
  }
});
