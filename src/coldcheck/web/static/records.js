// Verify the record: the check runs on the server and tells its progress over server-sent
// events; the bar and the words follow it, and the stream is closed when it ends (an
// EventSource would otherwise reconnect and check again).
(function () {
  var box = document.getElementById("verify");
  if (!box || !window.EventSource) { return; }
  var start = document.getElementById("verify-start");
  var bar = document.getElementById("verify-progress");
  var count = document.getElementById("verify-count");
  var result = document.getElementById("verify-result");
  var root = document.getElementById("verify-root");
  start.addEventListener("click", function () {
    start.disabled = true;
    result.textContent = "Checking…";
    result.className = "";
    root.textContent = "";
    bar.max = 1; bar.value = 0; count.textContent = "";
    var source = new EventSource(box.dataset.stream);
    function end(data, kind) {
      source.close();
      start.disabled = false;
      result.textContent = data.text;
      result.className = kind;
      if (data.root) { root.textContent = "Signed head (root): " + data.root; }
    }
    source.addEventListener("progress", function (m) {
      var p = JSON.parse(m.data);
      bar.max = Math.max(p.total, 1);
      bar.value = p.done;
      bar.textContent = p.done + " of " + p.total;
      count.textContent = p.done + " of " + p.total + " entries";
    });
    source.addEventListener("done", function (m) {
      var data = JSON.parse(m.data);
      end(data, data.ok ? "ok" : "violation");
    });
    source.addEventListener("busy", function (m) { end(JSON.parse(m.data), "notice"); });
    source.onerror = function () {
      if (source.readyState !== EventSource.CLOSED) {
        end({ text: "The connection to the server was lost before the check ended; try again." }, "violation");
      }
    };
  });
})();
