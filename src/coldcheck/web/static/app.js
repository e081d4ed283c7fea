// Live board: refresh the board when the log moves (server-sent events), and scan QR tags
// with the device camera where the browser can (BarcodeDetector); typing a tag always works.
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
  var scan = document.getElementById("scan");
  if (scan) {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { scan.hidden = true; return; }
    scan.addEventListener("click", async function () {
      var video = document.getElementById("camera");
      video.hidden = false;
      var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      await video.play();
      var detector = new BarcodeDetector({ formats: ["qr_code"] });
      var tick = async function () {
        var codes = await detector.detect(video);
        if (codes.length) {
          stream.getTracks().forEach(function (t) { t.stop(); });
          document.getElementById("item-query").value = codes[0].rawValue;
          document.getElementById("find-item").submit();
        } else { requestAnimationFrame(tick); }
      };
      tick();
    });
  }
})();
