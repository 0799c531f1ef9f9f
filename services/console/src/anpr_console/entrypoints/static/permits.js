// Progressive enhancement for the permit desk; every page works without it.
(function () {
  "use strict";
  // A second click while the first submit is on its way would send the form twice: disable the button.
  document.querySelectorAll("main form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
  // On the create form, show the date fields that belong to the chosen kind only.
  var kind = document.getElementById("f-kind");
  var day = document.getElementById("f-day");
  var from = document.getElementById("f-valid_from");
  if (kind && day && from && kind.closest(".permit-form")) {
    var apply = function () {
      var isDay = kind.value === "day-permit";
      day.closest(".field").hidden = !isDay;
      from.closest(".field").hidden = isDay;
      document.getElementById("f-valid_until").closest(".field").hidden = isDay;
    };
    kind.addEventListener("change", apply);
    apply();
  }
  // Focus the first marked field after a refused submit, so a keyboard user lands on it.
  var invalid = document.querySelector("main [aria-invalid=true]");
  if (invalid) { invalid.focus(); }
})();
