// Scanning a QR label with the device's camera, from any button marked data-scan: the
// code read goes into the field its data-scan-into names and that field's form is sent,
// as if typed; the server opens the item a tag or a label's link names. The browser's own
// BarcodeDetector reads the code where it has one that knows QR; elsewhere (Firefox,
// Safari, most desktops) jsQR does, fetched from here only when first needed. Typing or
// a USB scanner always works: without a camera the button is not shown.
(function () {
  var JSQR = "/static/jsQR.min.js";
  var loading = null;

  function loadJsQR() {
    if (window.jsQR) { return Promise.resolve(window.jsQR); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = JSQR;
        script.onload = function () { resolve(window.jsQR); };
        script.onerror = function () { loading = null; reject(new Error("jsQR did not load")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // The text of the first QR code in an ImageData, or null: the fallback's one step, the
  // same for a camera frame and for a still picture.
  function decode(image) {
    var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    return code ? code.data : null;
  }

  async function detector() {
    if (!("BarcodeDetector" in window)) { return null; }
    try {
      var formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch (e) { return null; }
  }

  // One reader for a video: a function giving the code's text in the frame now, or null.
  async function reader(video) {
    var native = await detector();
    if (native) {
      return async function () {
        var codes = await native.detect(video);
        return codes.length ? codes[0].rawValue : null;
      };
    }
    await loadJsQR();
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return async function () {
      if (!video.videoWidth) { return null; }
      var scale = Math.min(1, 800 / video.videoWidth); // enough pixels for a label, less work
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      return decode(context.getImageData(0, 0, canvas.width, canvas.height));
    };
  }

  function found(text, field) {
    field.value = text.trim();
    if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
  }

  function panel() {
    var box = document.createElement("div");
    box.className = "scanner";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Scan a QR label");
    var video = document.createElement("video");
    video.setAttribute("playsinline", "");
    video.muted = true;
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    status.textContent = "Point the camera at the label's code.";
    var stop = document.createElement("button");
    stop.type = "button";
    stop.textContent = "Stop scanning";
    box.append(video, status, stop);
    document.body.appendChild(box);
    return { box: box, video: video, status: status, stop: stop };
  }

  async function scan(field) {
    var ui = panel();
    var stream = null;
    var running = true;
    function close() {
      running = false;
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      ui.box.remove();
    }
    ui.stop.addEventListener("click", close);
    document.addEventListener("keydown", function onKey(e) {
      if (e.key === "Escape") { document.removeEventListener("keydown", onKey); close(); }
    });
    ui.stop.focus();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      ui.video.srcObject = stream;
      await ui.video.play();
      var read = await reader(ui.video);
      while (running) {
        var text = await read();
        if (text) { close(); found(text, field); return; }
        await new Promise(function (r) { setTimeout(r, 120); });
      }
    } catch (e) {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      ui.status.textContent = "The camera could not be used here. Type the tag instead.";
    }
  }

  var buttons = document.querySelectorAll("[data-scan]");
  var camera = navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  buttons.forEach(function (button) {
    var field = document.getElementById(button.dataset.scanInto);
    if (!camera || !field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { scan(field); });
  });
  // For a still picture (and the tests): the same decoding a camera frame gets.
  window.coldcheckScan = { decode: function (image) { return loadJsQR().then(function () { return decode(image); }); } };
})();
