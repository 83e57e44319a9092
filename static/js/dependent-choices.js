/*
 * Forum → round table → session: offer only the round tables of the chosen forum and the
 * sessions of the chosen round table (or forum), as soon as one is chosen.
 *
 * Reads every round table and session with its parent from the JSON element
 * #dependent-choices-data, written by the server (actions.widgets.dependent_choices_data),
 * and acts on the <select>s named forum, round_table and session of the form holding it.
 * Without this script, the server does the same on the next page (the filters) or refuses
 * a mismatched pair with a message (the action form): it only saves a round trip.
 */
(function () {
  "use strict";

  var data = document.getElementById("dependent-choices-data");
  if (!data) {
    return;
  }
  var tree = JSON.parse(data.textContent);
  var form = data.closest("form");
  var forum = form.elements.namedItem("forum");
  var roundTable = form.elements.namedItem("round_table");
  var session = form.elements.namedItem("session");
  if (!forum || !roundTable || !session) {
    return;
  }

  var forumOfRoundTable = {};
  tree.round_table.forEach(function (item) {
    forumOfRoundTable[item[0]] = item[2];
  });
  var roundTableOfSession = {};
  tree.session.forEach(function (item) {
    roundTableOfSession[item[0]] = item[2];
  });

  // The select's own empty choice ("Any round table", "---------"), kept at the top.
  function emptyOption(select) {
    var option = select.querySelector('option[value=""]');
    return option ? option.cloneNode(true) : null;
  }
  var emptyChoice = { round_table: emptyOption(roundTable), session: emptyOption(session) };

  // Offer `items` ([value, label, parent]) that `belongs` keeps. The chosen value stays
  // chosen, even when it does not belong: a page never changes what was saved or asked for
  // on its own; the server says what does not fit.
  function offer(select, items, belongs) {
    var chosen = select.value;
    var options = [];
    if (emptyChoice[select.name]) {
      options.push(emptyChoice[select.name].cloneNode(true));
    }
    items.forEach(function (item) {
      if (belongs(item) || item[0] === chosen) {
        var option = new Option(item[1], item[0], false, item[0] === chosen);
        option.lang = "en"; // the record's own names, as the server marks them
        options.push(option);
      }
    });
    select.replaceChildren.apply(select, options);
    select.value = chosen;
  }

  function offerRoundTables() {
    var forumValue = forum.value;
    offer(roundTable, tree.round_table, function (item) {
      return !forumValue || item[2] === forumValue;
    });
  }

  function offerSessions() {
    var forumValue = forum.value;
    var roundTableValue = roundTable.value;
    offer(session, tree.session, function (item) {
      if (roundTableValue) {
        return item[2] === roundTableValue;
      }
      return !forumValue || forumOfRoundTable[item[2]] === forumValue;
    });
  }

  // A child that no longer belongs to what the person just chose is cleared.
  function clearIfOutside(select, parentOf, parentValue) {
    if (select.value && parentValue && parentOf(select.value) !== parentValue) {
      select.value = "";
    }
  }

  forum.addEventListener("change", function () {
    clearIfOutside(roundTable, function (value) { return forumOfRoundTable[value]; }, forum.value);
    clearIfOutside(session, function (value) { return forumOfRoundTable[roundTableOfSession[value]]; }, forum.value);
    offerRoundTables();
    offerSessions();
  });

  roundTable.addEventListener("change", function () {
    // A round table chosen first also chooses its forum.
    if (roundTable.value && !forum.value) {
      forum.value = forumOfRoundTable[roundTable.value];
    }
    clearIfOutside(session, function (value) { return roundTableOfSession[value]; }, roundTable.value);
    offerRoundTables();
    offerSessions();
  });

  session.addEventListener("change", function () {
    // A session chosen first also chooses its round table and forum.
    if (session.value && !roundTable.value) {
      roundTable.value = roundTableOfSession[session.value];
      if (!forum.value) {
        forum.value = forumOfRoundTable[roundTable.value];
      }
      offerRoundTables();
      offerSessions();
    }
  });

  offerRoundTables();
  offerSessions();
})();
