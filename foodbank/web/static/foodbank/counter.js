// The counter's camera: read QR codes with jsQR (served from our own static files) and
// submit the code as a USB scanner would. Without a camera the typed field still works.
(function () {
  "use strict";
  const start = document.getElementById("camera-start");
  const video = document.getElementById("camera");
  const canvas = document.getElementById("camera-frame");
  const field = document.getElementById("code");
  const form = document.getElementById("scan-form");
  if (!start || !navigator.mediaDevices || !window.jsQR) {
    if (start) start.hidden = true;
    return;
  }
  let stream = null;

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
  }

  function look() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const frame = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        stop();
        field.value = found.data;
        form.submit();
        return;
      }
    }
    requestAnimationFrame(look);
  }

  start.addEventListener("click", async function () {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      start.textContent = start.dataset.unavailable || "—";
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    requestAnimationFrame(look);
  });

  const counterName = document.getElementById("counter-name");
  if (counterName) {
    counterName.addEventListener("change", function () {
      document.cookie = "counter_name=" + encodeURIComponent(counterName.value) + "; path=/; SameSite=Lax";
    });
  }
})();
