// The applicant's project form (calls/applicant/edit.html): conditional questions and the autosave's answers.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form) return;

  // Hide the questions whose condition is not met; without JavaScript they all show with their "(seulement si ...)"
  // hint.
  function values(name) {
    var out = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      out.push(el.value);
    });
    return out;
  }
  function refresh() {
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      block.hidden = values(block.dataset.showIf).indexOf(block.dataset.showIfValue) === -1;
    });
  }
  form.addEventListener("change", refresh);
  refresh();

  // The autosave answers 422 with the save status when a value is refused: show it rather than drop it.
  form.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
