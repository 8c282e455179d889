/* The kiosk's script on every demo page.
   - When the visitor leaves (back button, inactivity, closed tab), ask the server to shut
     the demo's kernel down (Voila's own request is refused without the _xsrf cookie,
     Voila issue #1458; the kiosk sets that cookie on the demo page).
   - After KIOSK.idle_seconds seconds without a touch, a click or a key, go back to the
     gallery. Nothing the visitor does is recorded: only the time of the last input. */
(function () {
  "use strict";
  var settings = window.KIOSK || { idle_seconds: 180, base: "/" };
  var left = false;
  /* This tab has now loaded Voila's front-end: the gallery need not warm it up (gallery.js). */
  try { window.sessionStorage.setItem("kiosk-warmed", "1"); } catch (e) { /* private mode */ }

  function kernelId() {
    var el = document.getElementById("jupyter-config-data");
    if (!el) { return null; }
    try { return JSON.parse(el.textContent).kernelId || null; } catch (e) { return null; }
  }

  function xsrf() {
    var m = document.cookie.match(/\b_xsrf=([^;]*)\b/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function stopKernel() {
    if (left) { return; }
    left = true;
    var id = kernelId();
    if (!id) { return; }
    try {
      fetch(settings.base + "voila/api/shutdown/" + id, {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "X-XSRFToken": xsrf() }
      });
    } catch (e) { /* the server culls it anyway */ }
  }

  function backToGallery() {
    stopKernel();
    window.location.replace(settings.base);
  }

  var timer = null;
  function restartTimer() {
    if (timer !== null) { window.clearTimeout(timer); }
    timer = window.setTimeout(backToGallery, settings.idle_seconds * 1000);
  }
  ["pointerdown", "keydown", "touchstart", "wheel", "input"].forEach(function (type) {
    window.addEventListener(type, restartTimer, { capture: true, passive: true });
  });
  restartTimer();

  var back = document.getElementById("kiosk-back");
  if (back) {
    back.addEventListener("click", function (ev) { ev.preventDefault(); backToGallery(); });
  }
  window.addEventListener("pagehide", stopKernel);

  /* Accessibility fallbacks for widgets, applied as they appear (only where the demo gave
     nothing): a slider handle is named after its visible label; an output image without
     alternative text gets a generic one. A demo should still describe its own figures. */
  function nameControls(root) {
    root.querySelectorAll(".widget-slider, .widget-hslider, .widget-vslider").forEach(function (w) {
      var label = w.querySelector(".widget-label");
      var name = label && label.textContent.trim();
      w.querySelectorAll(".noUi-handle").forEach(function (h) {
        if (!h.getAttribute("aria-label") && !h.getAttribute("aria-labelledby")) {
          h.setAttribute("aria-label", name || "Curseur");
        }
      });
    });
    root.querySelectorAll("img:not([alt])").forEach(function (img) {
      img.setAttribute("alt", "Image produite par la démo");
    });
    root.querySelectorAll("select:not([aria-label]), input:not([aria-label]), textarea:not([aria-label])").forEach(function (el) {
      var labelled = el.labels && [].some.call(el.labels, function (l) { return l.textContent.trim(); });
      if (labelled) { return; }
      var w = el.closest(".widget-inline-hbox, .widget-inline-vbox");
      var label = w && w.querySelector(".widget-label");
      var name = label && label.textContent.trim();
      if (!name && !el.getAttribute("aria-labelledby") && !el.getAttribute("title")) {
        name = el.tagName === "SELECT" ? "Liste de choix" : "Zone de saisie";
      }
      if (name) { el.setAttribute("aria-label", name); }
    });
  }
  var observer = new MutationObserver(function () { nameControls(document.body); });
  observer.observe(document.body, { childList: true, subtree: true });
  nameControls(document.body);
})();
