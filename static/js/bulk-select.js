// The bulk form of the action lists: "Select all on this page" and a count of the ticked
// rows. Without JavaScript both stay hidden and each row is ticked on its own.
// The count's words come from the page, in its language (templates/actions/_bulk_form.html):
// data-one or data-other, as the language's plural rules say, with "{count}" for the number.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  var all = document.querySelector("[data-select-all]");
  if (!form || !all) {
    return;
  }
  var count = form.querySelector("[data-selected-count]");
  var language = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;

  function counted(element, number) {
    var one = plural ? plural.select(number) === "one" : number === 1;
    var words = element.getAttribute(one ? "data-one" : "data-other") || "";
    return words.replace("{count}", String(number));
  }

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
      count.textContent = counted(count, ticked);
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
