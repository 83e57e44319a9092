/*
 * An action's organisations to tick (co-leads, partners, developers), each set in its own
 * [data-partner-picker]: a search box above the checkboxes shows only the organisations whose
 * acronym or name holds what is typed, and the line above says which are ticked.
 *
 * Ticked organisations stay in view whatever is typed, so one can be unticked at once.
 * Without this script every checkbox shows and the search box stays hidden; the form
 * sends the same either way (the search box has no name, so it is never sent).
 *
 * Its words come from the page, in its language (templates/actions/action_form.html): "none"
 * from data-none, and how many are shown from data-one or data-other, as the language's
 * plural rules say, with "{shown}" and "{total}" for the numbers.
 */
(function () {
  "use strict";

  var language = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;

  // "Côte d'Ivoire" is found by "cote": compare without accents or case.
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  document.querySelectorAll("[data-partner-picker]").forEach(function (picker) {
    setUp(picker);
  });

  function setUp(picker) {
    var search = picker.querySelector("[data-partner-search]");
    var shownCount = picker.querySelector("[data-partner-shown]");
    var chosenList = picker.querySelector("[data-partner-chosen]");
    var boxes = Array.prototype.slice.call(picker.querySelectorAll('input[type="checkbox"]'));

    function shownWords(shown, total) {
      var one = plural ? plural.select(shown) === "one" : shown === 1;
      var words = shownCount.getAttribute(one ? "data-one" : "data-other") || "";
      return words.replace("{shown}", String(shown)).replace("{total}", String(total));
    }

    var labelOf = new Map();
    boxes.forEach(function (box) {
      labelOf.set(box, plain(box.closest("label").textContent));
    });

    function showChosen() {
      var chosen = boxes.filter(function (box) { return box.checked; }).map(function (box) {
        return box.getAttribute("data-short");
      });
      chosenList.textContent = chosen.length ? chosen.join(", ") : chosenList.getAttribute("data-none");
    }

    function filter() {
      var words = plain(search.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      boxes.forEach(function (box) {
        var label = labelOf.get(box);
        var matches = words.every(function (word) { return label.indexOf(word) !== -1; });
        var visible = box.checked || matches;
        box.closest("label").hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      shownCount.textContent = words.length ? shownWords(shown, boxes.length) : "";
    }

    search.addEventListener("input", filter);
    // Enter in the search box would send the whole form: it only searches.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", showChosen);
    });
    picker.querySelector("[data-partner-search-row]").hidden = false;
    showChosen();
    filter();
  }
})();
