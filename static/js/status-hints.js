/*
 * The report form says, before saving, what the status rules will adjust or refuse:
 * "Completed" with 40 % is saved as 100 %, a cancelled action's progress cannot move, moving
 * into "In progress" dates the start today, and so on.
 *
 * The rules are not written here: the server tried each status on the action with
 * actions.services.settle_status (actions.forms.status_report_outcomes) and wrote what it
 * said into #status-outcomes-data. The rules look at progress only as kept, set to 100 or
 * moved elsewhere, so the outcome of each status comes in those three cases. The server
 * still decides when the report is sent, and says again what it adjusted.
 */
(function () {
  "use strict";

  var data = document.getElementById("status-outcomes-data");
  var hint = document.getElementById("status-hint");
  if (!data || !hint) {
    return;
  }
  var known = JSON.parse(data.textContent);
  var form = data.closest("form");
  var status = form.elements.namedItem("status");
  var progress = form.elements.namedItem("progress");

  function progressCase() {
    var typed = progress.value.trim();
    if (!/^\d{1,3}$/.test(typed) || Number(typed) > 100) {
      return null; // the server's own message says what a progress must be
    }
    var value = Number(typed);
    if (value === known.progress) {
      return "same";
    }
    return value === 100 ? "full" : "other";
  }

  function say(intro, text, kind) {
    var paragraph = document.createElement("p");
    paragraph.className = "status-hint-" + kind;
    var strong = document.createElement("strong");
    strong.textContent = intro;
    paragraph.append(strong, " " + text);
    hint.replaceChildren(paragraph);
  }

  function update() {
    var which = progressCase();
    var outcome = which && known.outcomes[status.value] && known.outcomes[status.value][which];
    if (!outcome) {
      hint.replaceChildren();
    } else if (outcome.refused) {
      say(hint.getAttribute("data-refused-intro"), outcome.refused, "refused");
    } else if (outcome.adjusted.length) {
      say(hint.getAttribute("data-adjusted-intro"), outcome.adjusted.join(" "), "adjusted");
    } else {
      hint.replaceChildren();
    }
  }

  status.addEventListener("change", update);
  progress.addEventListener("input", update);
  update();
})();
