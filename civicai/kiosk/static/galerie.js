/* The gallery's warm-up. A browser that has never shown a demo needs about 0.8 s more for its
   first one: it loads and compiles Voila's front-end. Once per browser session (after Chromium
   starts), the gallery opens the first demo in a hidden frame, waits for its first control, then
   removes the frame (the demo's own script then shuts its kernel down). Every demo a visitor
   opens afterwards starts warm. body[data-prechauffage] says "fini" or "inutile" when done. */
(function () {
  "use strict";
  var reglages = window.KIOSQUE || {};
  var CONTROLE = ".widget-slider, .widget-dropdown, button.widget-button, .widget-toggle-button, " +
    ".widget-radio-box, .widget-checkbox, .widget-text, .widget-textarea, canvas";

  function marquer(etat) { document.body.setAttribute("data-prechauffage", etat); }

  var deja = false;
  try { deja = window.sessionStorage.getItem("kiosque-prechauffe") === "1"; } catch (e) { deja = true; }
  if (!reglages.prechauffage || deja) { marquer("inutile"); return; }
  try { window.sessionStorage.setItem("kiosque-prechauffe", "1"); } catch (e) { /* private mode */ }

  var cadre = document.createElement("iframe");
  cadre.className = "prechauffage";
  cadre.title = "Préparation de la borne";
  cadre.src = reglages.prechauffage;
  var debut = Date.now();
  var sonde = window.setInterval(function () {
    var doc = null;
    try { doc = cadre.contentDocument; } catch (e) { doc = null; }
    var pret = doc && doc.querySelector(CONTROLE);
    if (pret || Date.now() - debut > 60000) {
      window.clearInterval(sonde);
      window.setTimeout(function () { cadre.remove(); marquer("fini"); }, 300);
    }
  }, 200);
  document.body.appendChild(cadre);
})();
