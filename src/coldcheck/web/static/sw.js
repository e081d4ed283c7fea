// The service worker: keeps the app shell and the last board of each production on this
// device, so a dropped network on set shows that board (with its age) or a plain offline
// page, never the browser's error page. It never keeps the answer to a form, and the
// board it keeps has its form token taken out: nothing kept can be sent again.
var SHELL = "coldcheck-shell-v1";
var BOARDS = "coldcheck-boards-v1"; // app.js forgets it at log-out
var OFFLINE = "/offline";
var NO_ANSWER = "/offline?sent=true";
var ASSETS = [
  OFFLINE, NO_ANSWER, "/static/style.css", "/static/theme.js", "/static/app.js", "/static/network.js",
  "/static/htmx.min.js", "/static/scan.js", "/static/jsQR.min.js", "/static/icon-192.png", "/static/icon-512.png", "/favicon.ico",
  "/manifest.webmanifest"
];
var BOARD = /^\/p\/[^/]+$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL)
    .then(function (cache) { return cache.addAll(ASSETS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys()
    .then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== SHELL && k !== BOARDS; })
        .map(function (k) { return caches.delete(k); }));
    })
    .then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    // A form sent without the page's check (or the network dropped after it): never
    // kept, never sent again; if no answer comes, say so plainly.
    if (request.mode === "navigate") {
      event.respondWith(fetch(request).catch(function () { return caches.match(NO_ANSWER); }));
    }
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(SHELL).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () { return caches.match(url.pathname); }));
  }
});

// A page: from the network; a board that came back whole is kept (the newest replaces
// the one before); with no network, the kept board, or the offline page.
function page(request, url) {
  var isBoard = BOARD.test(url.pathname);
  return fetch(request).then(function (response) {
    if (isBoard && response.ok && response.type === "basic") { keep(url.pathname, response.clone()); }
    return response;
  }).catch(function () {
    return (isBoard ? kept(url.pathname) : Promise.resolve(null)).then(function (answer) {
      return answer || caches.match(OFFLINE);
    });
  });
}

function keep(path, response) {
  return response.text().then(function (html) {
    // No form token is kept: the copy can be read, and nothing on it can be sent.
    var clean = html.replace(/ hx-headers='[^']*'/g, "")
      .replace(/(name="csrf_token" value=")[^"]*"/g, "$1\"");
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    headers.set("X-ColdCheck-Kept-At", String(Date.now()));
    return caches.open(BOARDS).then(function (cache) {
      return cache.put(path, new Response(clean, { status: 200, headers: headers }));
    });
  });
}

// The kept board, marked with when it was kept (network.js says how old it is).
function kept(path) {
  return caches.open(BOARDS).then(function (cache) { return cache.match(path); }).then(function (answer) {
    if (!answer) { return null; }
    var at = answer.headers.get("X-ColdCheck-Kept-At") || "0";
    return answer.text().then(function (html) {
      var banner = '<div class="offline" role="alert" id="offline-banner" data-kept-at="' + at +
        '">Offline: this board is from an earlier visit.</div>';
      return new Response(html.replace("<main>", "<main>" + banner),
        { status: 200, headers: answer.headers });
    });
  });
}
