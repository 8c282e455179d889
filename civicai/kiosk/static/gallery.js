/* The gallery's warm-up. A browser that has never shown a demo needs about 0.8 s more for its
   first one: it loads and compiles Voila's front-end. Once per browser session (after Chromium
   starts), the gallery opens the first demo in a hidden frame, waits for its first control, then
   removes the frame (the demo's own script then shuts its kernel down). Every demo a visitor
   opens afterwards starts warm. body[data-warmup] says "done" or "skipped" at the end. */
(function () {
  "use strict";
  var settings = window.KIOSK || {};
  var CONTROL = ".widget-slider, .widget-dropdown, button.widget-button, .widget-toggle-button, " +
    ".widget-radio-box, .widget-checkbox, .widget-text, .widget-textarea, canvas";

  function mark(state) { document.body.setAttribute("data-warmup", state); }

  var warmed = false;
  try { warmed = window.sessionStorage.getItem("kiosk-warmed") === "1"; } catch (e) { warmed = true; }
  if (!settings.warmup || warmed) { mark("skipped"); return; }
  try { window.sessionStorage.setItem("kiosk-warmed", "1"); } catch (e) { /* private mode */ }

  var frame = document.createElement("iframe");
  frame.className = "warmup-frame";
  frame.title = "Préparation de la borne";
  frame.src = settings.warmup;
  var start = Date.now();
  var probe = window.setInterval(function () {
    var doc = null;
    try { doc = frame.contentDocument; } catch (e) { doc = null; }
    var ready = doc && doc.querySelector(CONTROL);
    if (ready || Date.now() - start > 60000) {
      window.clearInterval(probe);
      window.setTimeout(function () { frame.remove(); mark("done"); }, 300);
    }
  }, 200);
  document.body.appendChild(frame);
})();
