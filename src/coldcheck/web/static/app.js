// Live board: refresh the board when the log moves (server-sent events). Scanning a QR
// label is scan.js.
// Every handler lives here: the Content-Security-Policy runs no inline script.
(function () {
  var print = document.getElementById("print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
  var board = document.getElementById("board");
  if (board && window.EventSource) {
    var source = new EventSource(board.dataset.stream);
    var first = true;
    source.addEventListener("changed", function () {
      if (first) { first = false; return; }
      htmx.ajax("GET", board.dataset.refresh, { target: "#board", swap: "innerHTML" });
    });
  }
  handoffForms();
})();

// The handoff forms: nothing is chosen for the armorer. A preset sets every chamber in one
// tap and says so (`entered`); a chamber set by hand makes it "per chamber". The button
// stays disabled until the barrel and every chamber are set. What was entered (never the
// PIN) is kept in this browser until the step is recorded, so a lost session, a restart
// or a dropped network costs nothing typed.
function handoffForms() {
  var DRAFT_MS = 30 * 60 * 1000;
  var done = document.querySelector("[data-draft-done]");
  if (done) { try { localStorage.removeItem("coldcheck-draft:" + done.dataset.draftDone); } catch (e) { /* private mode */ } }
  document.querySelectorAll("form.handoff").forEach(function (form) {
    var key = "coldcheck-draft:" + form.dataset.draft;
    var entered = form.querySelector("input[name=entered]");
    var submit = form.querySelector("button[type=submit]");
    var unset = form.querySelector("#unset");
    var groups = [];
    form.querySelectorAll("input[type=radio]").forEach(function (r) {
      if (groups.indexOf(r.name) < 0) { groups.push(r.name); }
    });
    function missing() {
      return groups.filter(function (name) { return !form.querySelector("input[name='" + name + "']:checked"); });
    }
    function update() {
      var left = missing();
      submit.disabled = left.length > 0;
      unset.textContent = left.length ? "Still to set: " + left.map(function (n) { return n.replace("chamber-", "chamber "); }).join(", ") : "";
    }
    function save() {
      var fields = [];
      form.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked").forEach(function (i) { fields.push([i.name, i.value]); });
      fields.push(["entered", entered.value]);
      try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: fields })); } catch (e) { /* full or private */ }
    }
    function pick(name, value) {
      var input = form.querySelector("input[name='" + name + "'][value='" + value + "']");
      if (input) { input.checked = true; }
    }
    form.querySelectorAll("button[data-preset]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.dataset.barrel) { pick("barrel", button.dataset.barrel); }
        button.dataset.chambers.split(" ").forEach(function (value, i) { pick("chamber-" + (i + 1), value); });
        entered.value = button.dataset.preset;
        form.querySelectorAll("button[data-preset]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        update(); save();
      });
    });
    form.addEventListener("change", function (event) {
      if (event.target.name && event.target.name.indexOf("chamber-") === 0) {
        entered.value = "per_chamber";
        form.querySelectorAll("button[data-preset]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      }
      update(); save();
    });
    form.addEventListener("submit", save);
    if (!form.dataset.sent) {
      var draft = null;
      try { draft = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { draft = null; }
      if (draft && Date.now() - draft.at < DRAFT_MS) {
        draft.fields.forEach(function (f) {
          if (f[0] === "entered") { entered.value = f[1]; return; }
          var input = form.querySelector("input[name='" + f[0] + "'][value='" + f[1] + "']");
          if (input) { input.checked = true; }
        });
        var notice = form.querySelector("#draft-notice");
        var at = new Date(draft.at);
        notice.textContent = "Restored what you entered at " + at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ". Check every chamber before handing over.";
        notice.hidden = false;
      }
    }
    update();
  });
}
