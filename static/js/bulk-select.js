// The bulk form of the action lists: "Select all on this page" and a count of the ticked
// rows. Without JavaScript both stay hidden and each row is ticked on its own.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  var all = document.querySelector("[data-select-all]");
  if (!form || !all) {
    return;
  }
  var count = form.querySelector("[data-selected-count]");

  function rows() {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[type="checkbox"][name="selected"][form="bulk-form"]')
    );
  }

  function update() {
    var boxes = rows();
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = ticked > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
    if (count) {
      count.textContent = ticked === 1 ? "1 action selected" : ticked + " actions selected";
    }
  }

  all.hidden = false;
  if (count) {
    count.hidden = false;
  }
  all.addEventListener("change", function () {
    rows().forEach(function (box) { box.checked = all.checked; });
    update();
  });
  rows().forEach(function (box) { box.addEventListener("change", update); });
  // A page restored from the back/forward cache keeps its ticks.
  window.addEventListener("pageshow", update);
  update();
})();
