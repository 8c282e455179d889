/* The kiosk's script on every demo page.
   - When the visitor leaves (back button, inactivity, closed tab), ask the server to shut
     the demo's kernel down (Voila's own request is refused without the _xsrf cookie,
     Voila issue #1458; the kiosk sets that cookie on the demo page).
   - After KIOSQUE.inactivite seconds without a touch, a click or a key, go back to the
     gallery. Nothing the visitor does is recorded: only the time of the last input. */
(function () {
  "use strict";
  var reglages = window.KIOSQUE || { inactivite: 180, base: "/" };
  var parti = false;
  /* This tab has now loaded Voila's front-end: the gallery need not warm it up (galerie.js). */
  try { window.sessionStorage.setItem("kiosque-prechauffe", "1"); } catch (e) { /* private mode */ }

  function kernelId() {
    var el = document.getElementById("jupyter-config-data");
    if (!el) { return null; }
    try { return JSON.parse(el.textContent).kernelId || null; } catch (e) { return null; }
  }

  function xsrf() {
    var m = document.cookie.match(/\b_xsrf=([^;]*)\b/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function arreterNoyau() {
    if (parti) { return; }
    parti = true;
    var id = kernelId();
    if (!id) { return; }
    try {
      fetch(reglages.base + "voila/api/shutdown/" + id, {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "X-XSRFToken": xsrf() }
      });
    } catch (e) { /* the server culls it anyway */ }
  }

  function retourGalerie() {
    arreterNoyau();
    window.location.replace(reglages.base);
  }

  var minuteur = null;
  function relancer() {
    if (minuteur !== null) { window.clearTimeout(minuteur); }
    minuteur = window.setTimeout(retourGalerie, reglages.inactivite * 1000);
  }
  ["pointerdown", "keydown", "touchstart", "wheel", "input"].forEach(function (type) {
    window.addEventListener(type, relancer, { capture: true, passive: true });
  });
  relancer();

  var retour = document.getElementById("kiosque-retour");
  if (retour) {
    retour.addEventListener("click", function (ev) { ev.preventDefault(); retourGalerie(); });
  }
  window.addEventListener("pagehide", arreterNoyau);

  /* Accessibility fallbacks for widgets, applied as they appear (only where the demo gave
     nothing): a slider handle is named after its visible label; an output image without
     alternative text gets a generic one. A demo should still describe its own figures. */
  function nommer(racine) {
    racine.querySelectorAll(".widget-slider, .widget-hslider, .widget-vslider").forEach(function (w) {
      var label = w.querySelector(".widget-label");
      var nom = label && label.textContent.trim();
      w.querySelectorAll(".noUi-handle").forEach(function (h) {
        if (!h.getAttribute("aria-label") && !h.getAttribute("aria-labelledby")) {
          h.setAttribute("aria-label", nom || "Curseur");
        }
      });
    });
    racine.querySelectorAll("img:not([alt])").forEach(function (img) {
      img.setAttribute("alt", "Image produite par la démo");
    });
    racine.querySelectorAll("select:not([aria-label]), input:not([aria-label]), textarea:not([aria-label])").forEach(function (el) {
      var nomme = el.labels && [].some.call(el.labels, function (l) { return l.textContent.trim(); });
      if (nomme) { return; }
      var w = el.closest(".widget-inline-hbox, .widget-inline-vbox");
      var label = w && w.querySelector(".widget-label");
      var nom = label && label.textContent.trim();
      if (!nom && !el.getAttribute("aria-labelledby") && !el.getAttribute("title")) {
        nom = el.tagName === "SELECT" ? "Liste de choix" : "Zone de saisie";
      }
      if (nom) { el.setAttribute("aria-label", nom); }
    });
  }
  var observateur = new MutationObserver(function () { nommer(document.body); });
  observateur.observe(document.body, { childList: true, subtree: true });
  nommer(document.body);
})();
