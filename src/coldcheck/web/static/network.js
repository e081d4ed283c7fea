// On a flaky network. The service worker (sw.js) keeps the shell and the last board.
// Every POST form is checked for a connection before it goes, so a dropped network never
// loses what was typed nor shows the browser's error page: the page says it was not sent.
// Safety-critical steps are never queued (they need the server's rules now); a concern
// alone may wait on this device and is sent when ColdCheck answers again, the time it was
// raised kept as the device's claim. What was typed (never a PIN, password or form token)
// is kept as a draft until it is recorded, so a lost session costs nothing typed.
(function () {
  var NOT_SENT = "Not sent: no connection to ColdCheck. Nothing was recorded. Your entries are kept; send again when the network is back.";
  var QUEUE = "coldcheck-queue";
  var DRAFT_MS = 30 * 60 * 1000;
  var SECRET = /pin|password|csrf/i;
  var pid = (location.pathname.match(/^\/p\/([^/]+)/) || [])[1] || "";
  var header = document.querySelector("header[data-who]");
  var who = header ? header.dataset.who : "";
  var zone = header ? header.dataset.timezone : ""; // times as the pages give them
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js").catch(function () { /* no worker: pages work as before */ }); }

  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key) || "null") || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or private mode */ }
  }
  function clock(ms) {
    var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (zone) { options.timeZone = zone; }
    try { return new Intl.DateTimeFormat([], options).format(new Date(ms)); } catch (e) { return new Date(ms).toTimeString().slice(0, 5); }
  }
  function ago(ms) {
    var minutes = Math.floor((Date.now() - ms) / 60000);
    return minutes < 1 ? "just now" : minutes === 1 ? "1 minute ago" : minutes + " minutes ago";
  }
  function token() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // The kept board's age, kept current while it is shown; back online, the live board.
  var banner = document.getElementById("offline-banner");
  if (banner) {
    var at = Number(banner.dataset.keptAt);
    var age = function () { banner.textContent = "Offline: this board is from " + clock(at) + ", " + ago(at) + ". It may be out of date."; };
    age();
    setInterval(age, 30000);
    // "online" can come while ColdCheck is still out of reach: reload only once it answers.
    window.addEventListener("online", function () { reachable().then(function (ok) { if (ok) { location.reload(); } }); });
  }
  var list = document.getElementById("offline-boards");
  if (list && window.caches) {
    caches.open("coldcheck-boards-v1").then(function (c) { return c.keys(); }).then(function (keys) {
      keys.forEach(function (request) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = new URL(request.url).pathname;
        a.textContent = "The last board kept on this device";
        li.appendChild(a); list.appendChild(li);
      });
    });
  }

  // Drafts: every POST form but the log-in and the handoff forms (app.js keeps theirs).
  function draftKey(form) { return "coldcheck-draft:" + location.pathname + location.search + ":" + form.getAttribute("action"); }
  function drafted(form) { return form.method === "post" && !form.classList.contains("handoff") && !/^\/log(in|out)/.test(form.getAttribute("action") || ""); }
  function fields(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SECRET.test(el.name) || el.disabled) { return; }
      if (el.type === "password" || el.type === "file" || el.type === "hidden" || el.type === "submit" || el.type === "button") { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      out.push([el.name, el.value]);
    });
    return out;
  }
  function saveDraft(form) { if (drafted(form)) { write(draftKey(form), { at: Date.now(), fields: fields(form) }); } }
  function say(form, text, kind) {
    var box = form.querySelector(".network-note");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.firstChild);
    }
    box.className = "network-note " + (kind || "not-sent");
    box.textContent = text;
    box.scrollIntoView({ block: "nearest" });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!drafted(form)) { return; }
    form.addEventListener("input", function () { saveDraft(form); });
    form.addEventListener("change", function () { saveDraft(form); });
    // A form the server drew again with what was sent (after a refusal) already holds it.
    if (form.dataset.sent) { return; }
    var draft = read(draftKey(form), null);
    if (!draft || Date.now() - draft.at > DRAFT_MS || !draft.fields.length) { return; }
    draft.fields.forEach(function (f) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== f[0]) { return; }
        if (el.type === "checkbox" || el.type === "radio") { if (el.value === f[1]) { el.checked = true; } } else { el.value = f[1]; }
      });
    });
    say(form, "Restored what you entered at " + clock(draft.at) + ". Check it before sending.", "restored");
  });
  // What happened to the form sent last: recorded (forget its draft), or the log-in page
  // (the session ended: say so; the draft is restored on the form after logging in).
  var sent = sessionStorage.getItem("coldcheck-sent");
  if (sent) {
    sessionStorage.removeItem("coldcheck-sent");
    // Recorded: forget the form's draft from every page it was drawn on (a form refused
    // and sent again was drawn on its own address, so the first draft is kept elsewhere).
    if (document.querySelector("[data-entries]")) {
      try {
        var action = sent.slice(sent.lastIndexOf(":"));
        Object.keys(localStorage).forEach(function (k) {
          if (k.indexOf("coldcheck-draft:") === 0 && k.slice(k.lastIndexOf(":")) === action) { localStorage.removeItem(k); }
        });
      } catch (e) { /* private mode */ }
    }
    var login = document.querySelector("form[action='/login']");
    if (login) { say(login, "Not sent: your session had ended, so nothing was recorded. Log in again: what you entered is kept and filled in again.", "not-sent"); }
  }

  function reachable() {
    var stop = new AbortController();
    var timer = setTimeout(function () { stop.abort(); }, 6000);
    return fetch("/api/v1/health", { cache: "no-store", credentials: "omit", signal: stop.signal })
      .then(function (r) { return r.ok; }, function () { return false; })
      .finally(function () { clearTimeout(timer); });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method !== "post") { return; }
    if (form.dataset.checked) { delete form.dataset.checked; return; } // checked: it goes
    event.preventDefault();
    if (form.dataset.checking) { return; } // a second tap while the first is checked
    form.dataset.checking = "1";
    var submitter = event.submitter;
    saveDraft(form);
    if (/^\/logout/.test(form.getAttribute("action") || "") && window.caches) { caches.delete("coldcheck-boards-v1"); }
    reachable().then(function (ok) {
      delete form.dataset.checking;
      if (ok) {
        if (drafted(form)) { sessionStorage.setItem("coldcheck-sent", draftKey(form)); }
        form.dataset.checked = "1";
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      } else if (form.dataset.queue === "concern" && pid && who) {
        queue(form);
      } else {
        say(form, NOT_SENT);
      }
    });
  });

  // The concerns waiting on this device, for this person on this production.
  function queued() { return read(QUEUE, []).filter(function (e) { return e.pid === pid && e.who === who; }); }
  function drop(id) { write(QUEUE, read(QUEUE, []).filter(function (e) { return e.id !== id; })); }
  function queue(form) {
    var at = Date.now();
    var entry = { id: at.toString(36) + Math.random().toString(36).slice(2), at: at, pid: pid, who: who, action: form.getAttribute("action"), fields: fields(form) };
    write(QUEUE, read(QUEUE, []).concat([entry]));
    form.reset();
    try { localStorage.removeItem(draftKey(form)); } catch (e) { /* private mode */ }
    say(form, "No connection to ColdCheck: your concern is kept on this device, waiting to send. It is sent by itself when the network is back, with the time you raised it (" + clock(at) + ").", "queued");
    show();
  }
  var shown = null;
  function show(note) {
    var waiting = queued();
    var main = document.querySelector("main");
    if (!main || (!waiting.length && !note)) { if (shown) { shown.remove(); shown = null; } return; }
    if (!shown) { shown = document.createElement("section"); shown.id = "queued"; shown.setAttribute("aria-live", "polite"); main.insertBefore(shown, main.firstChild); }
    shown.textContent = "";
    if (note) { var p = document.createElement("p"); p.className = "network-note sent"; p.textContent = note; shown.appendChild(p); }
    waiting.forEach(function (e) {
      var text = (e.fields.filter(function (f) { return f[0] === "text"; })[0] || ["", ""])[1];
      var item = document.createElement("p");
      item.className = "network-note queued";
      item.textContent = e.failed
        ? "Not recorded: your concern from " + clock(e.at) + " (\u201c" + text + "\u201d). ColdCheck answered: " + e.failed
        : "Waiting to send: your concern from " + clock(e.at) + " (\u201c" + text + "\u201d). It is sent when the network is back.";
      shown.appendChild(item);
    });
  }
  var flushing = false;
  function flush() {
    var waiting = queued().filter(function (e) { return !e.failed; });
    // The device knows it is offline: nothing is tried (a try could still slip out
    // through the service worker's own connection while the page's is down).
    if (flushing || !waiting.length || !token() || navigator.onLine === false) { return; }
    flushing = true;
    var sentNow = [];
    var next = function () {
      var e = waiting.shift();
      if (!e) { flushing = false; show(sentNow.length ? "Sent: your concern from " + sentNow.join(", ") + " is recorded." : ""); return; }
      var body = new URLSearchParams();
      e.fields.forEach(function (f) { body.append(f[0], f[1]); });
      body.set("csrf_token", token());
      body.set("device_time", String(e.at * 1000));
      body.set("device_key", e.id);
      fetch(e.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (r) {
        if (r.redirected && new URL(r.url).pathname === "/login") { throw new Error("logged out"); }
        return r.text().then(function (html) {
          if (r.ok && html.indexOf("data-entries") >= 0) { drop(e.id); sentNow.push(clock(e.at)); return; }
          var page = new DOMParser().parseFromString(html, "text/html");
          var why = page.querySelector("[role=alert]");
          var all = read(QUEUE, []);
          all.forEach(function (x) { if (x.id === e.id) { x.failed = (why ? why.textContent : "status " + r.status).replace(/\s+/g, " ").trim(); } });
          write(QUEUE, all);
        });
      }).then(next, function () { flushing = false; show(sentNow.length ? "Sent: your concern from " + sentNow.join(", ") + " is recorded." : ""); });
    };
    next();
  }
  var waitingHere = document.getElementById("offline-waiting");
  if (waitingHere) { // the offline page: whose they are is not said here, only how many
    var count = read(QUEUE, []).filter(function (e) { return !e.failed; }).length;
    if (count) { waitingHere.textContent = count + (count === 1 ? " concern is" : " concerns are") + " waiting on this device; each is sent when its author opens ColdCheck with the network back."; waitingHere.hidden = false; }
  }
  if (pid && who) {
    show();
    flush();
    if (!banner) { window.addEventListener("online", flush); } // the kept board reloads, then sends
    setInterval(function () { if (queued().length) { flush(); } }, 15000);
  }
})();
