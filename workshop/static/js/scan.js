// Scanning on every page: a keyboard-wedge scanner typing anywhere, and the camera.
// Whatever is read goes into the page's scan box and is sent to /scan, the one resolver, unless
// the page claims it first: a "workshop:scan" event (cancelable, the code in detail.code) is
// fired before, and a page whose work takes scans (kitting.js) cancels it and sends the code
// where its work needs it.
// Loaded in <head>: a scan that starts while the page is still loading is not lost.
(function () {
  "use strict";
  // A scanner types a whole code in a few milliseconds; a person needs far longer per key.
  // The workshop's setting (WORKSHOP_SCAN_KEY_GAP_MS) allows for a slow wireless scanner.
  var gapSetting = document.querySelector("meta[name=scan-key-gap-ms]");
  var KEY_GAP_MS = (gapSetting && Number(gapSetting.content)) || 100;
  var MIN_LENGTH = 4;

  function scanBox() {
    return document.getElementById("code") || document.getElementById("scan-top-code");
  }

  function submitScan(text) {
    if (document.readyState === "loading") {
      // The page's own scripts (kitting.js) come at its end: let them claim the scan too.
      document.addEventListener("DOMContentLoaded", function () { submitScan(text); });
      return;
    }
    var claim = new CustomEvent("workshop:scan", { detail: { code: text }, cancelable: true });
    if (!document.dispatchEvent(claim)) { return; }
    var box = scanBox();
    if (!box) { return; }
    box.value = text;
    if (box.form.requestSubmit) { box.form.requestSubmit(); } else { box.form.submit(); }
  }

  // --- keyboard wedge -------------------------------------------------------------------
  function typesText(element) {
    if (!element || element === document.body) { return false; }
    if (element.isContentEditable || element.tagName === "TEXTAREA" || element.tagName === "SELECT") {
      return true;
    }
    if (element.tagName !== "INPUT") { return false; }
    return !/^(button|submit|reset|checkbox|radio|file|hidden|image|range|color)$/i.test(element.type);
  }

  var typed = "";
  var lastKey = 0;
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var now = Date.now();
    if (now - lastKey > KEY_GAP_MS) { typed = ""; }
    lastKey = now;
    // A focused field gets what is typed: the bench scan box, a part code, a PIN. When the scan
    // box took the focus in the middle of a scan (the page finished loading), the keys that
    // came before go in front.
    if (typesText(event.target)) {
      if (typed && event.target === scanBox()) { event.target.value = typed + event.target.value; }
      typed = "";
      return;
    }
    if (event.key === "Enter") {
      if (typed.length >= MIN_LENGTH) {
        event.preventDefault();  // not a click on whatever button had the focus
        submitScan(typed);
      }
      typed = "";
    } else if (event.key.length === 1) {
      typed += event.key;
    }
  }, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpCamera);
  } else {
    setUpCamera();
  }

  function setUpCamera() {
    var root = document.getElementById("scan-tools");
    if (!root) { return; }

    // --- decoding a picture: the browser's own detector, else the vendored zxing-wasm -------
    var zxing = null;

    function loadZxing() {
      if (zxing) { return zxing; }
      zxing = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root.dataset.zxingScript;
        script.onload = function () {
          // Left alone, zxing-wasm fetches its .wasm from a CDN: the workshop serves its own.
          window.ZXingWASM.prepareZXingModule({
            overrides: {
              locateFile: function (path, prefix) {
                return path.endsWith(".wasm") ? root.dataset.zxingWasm : prefix + path;
              }
            },
            fireImmediately: true
          }).then(function () { resolve(window.ZXingWASM); }, reject);
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
      return zxing;
    }

    var nativeDetector = null;

    function detector() {
      if (nativeDetector) { return nativeDetector; }
      nativeDetector = ("BarcodeDetector" in window)
        ? window.BarcodeDetector.getSupportedFormats().then(function (formats) {
            return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
          }).catch(function () { return null; })
        : Promise.resolve(null);
      return nativeDetector;
    }

    // `source`: a Blob (a photo) or a canvas (a video frame). Resolves to the text, or null.
    function decode(source) {
      return detector().then(function (native) {
        if (native) {
          var image = source instanceof Blob ? createImageBitmap(source) : Promise.resolve(source);
          return image.then(function (bitmap) { return native.detect(bitmap); }).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        }
        return loadZxing().then(function (reader) {
          var input = source instanceof Blob
            ? source
            : source.getContext("2d").getImageData(0, 0, source.width, source.height);
          return reader.readBarcodes(input, { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 });
        }).then(function (results) {
          return results.length ? results[0].text : null;
        });
      });
    }

    function say(message) {
      var line = document.getElementById("scan-message");
      line.textContent = message;
      line.hidden = !message;
    }

    // --- the photo fallback: plain HTTP, no camera permission, or no camera at all ----------
    var photo = document.getElementById("scan-photo");
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      if (!file) { return; }
      say(root.dataset.reading);
      decode(file).then(function (text) {
        photo.value = "";
        if (text) { say(""); submitScan(text); } else { say(root.dataset.notFound); }
      }, function () {
        photo.value = "";
        say(root.dataset.notFound);
      });
    });

    // --- the live camera (a secure page only: HTTPS, or this machine itself) ----------------
    var dialog = document.getElementById("scan-camera");
    var video = dialog.querySelector("video");
    var canvas = document.createElement("canvas");
    var stream = null;
    var timer = null;

    function stopCamera() {
      window.clearTimeout(timer);
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      stream = null;
      if (dialog.open) { dialog.close(); }
    }

    function look() {
      if (!stream) { return; }
      if (video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext("2d").drawImage(video, 0, 0);
        decode(canvas).then(function (text) {
          if (text) { stopCamera(); submitScan(text); } else { timer = window.setTimeout(look, 150); }
        }, function () { timer = window.setTimeout(look, 150); });
      } else {
        timer = window.setTimeout(look, 150);
      }
    }

    function canUseCamera() {
      return window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
    }

    document.getElementById("scan-button").addEventListener("click", function () {
      say("");
      if (!canUseCamera()) { photo.click(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          dialog.showModal();
          return video.play();
        })
        .then(look)
        .catch(function () {  // refused, or no camera: a photo instead
          stopCamera();
          photo.hidden = false;
          say(root.dataset.noCamera);
        });
    });
    dialog.querySelector("[data-close]").addEventListener("click", stopCamera);
    dialog.addEventListener("cancel", stopCamera);
  }
})();
