// The room's pages: the facilitator's view (who is in, the room's answers), the projector, my progress.
// Everything a participant typed is put in the page with textContent, never as HTML.
"use strict";
const API = document.querySelector('meta[name="api"]').content;
const XSRF = document.querySelector('meta[name="xsrf"]').content;
const POLL_MS = 4000;

async function api(method, path, body) {
  const opts = {method, headers: {"X-XSRFToken": XSRF, "Content-Type": "application/json"}};
  if (body !== undefined) opts.body = JSON.stringify(body);
  const r = await fetch(API + path, opts);
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.error || `Erreur ${r.status}. Réessayez dans un instant.`);
  return data;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function number(x) { return Number.isInteger(x) ? String(x) : x.toLocaleString("fr-FR", {maximumFractionDigits: 1}); }

function since(t, now) {
  if (!t) return "jamais";
  const min = Math.floor((now - t) / 60);
  return min < 1 ? "il y a moins d'une minute" : `il y a ${min} min`;
}

function say(text, error) {
  const s = document.getElementById("etat");
  if (s) { s.textContent = text; s.className = error ? "message erreur" : "message"; }
}

function bars(items, total) {
  const max = Math.max(1, ...items.map(i => i.n));
  return el("ul", {class: "barres"}, ...items.map(i => el("li", {},
    el("span", {text: i.label}),
    el("span", {class: "barre", style: `width:${(100 * i.n / max).toFixed(1)}%`, "aria-hidden": "true"}),
    el("span", {text: `${i.n}`, "aria-label": `${i.n} sur ${total}`}))));
}

// One question's aggregated answers (an object of GET api/answers), as a block of the page.
function answerBlock(q, minimum, projectLink) {
  const heading = el("h3", {text: `${q.question} · ${q.notebook}`});
  const count = el("p", {text: `${q.people} ${q.people > 1 ? "personnes ont" : "personne a"} répondu.`});
  const box = el("section", {class: "question", "aria-label": `Question ${q.question}`}, heading, count);
  if (q.hidden) {
    box.append(el("p", {class: "masque", text: `Rien à montrer avant ${minimum} réponses : avec moins de monde, on pourrait reconnaître qui a répondu quoi.`}));
  } else if (q.kind === "number") {
    box.append(el("p", {text: `Médiane : ${number(q.median)}`}),
      bars(q.histogram.map(b => ({label: b.low === b.high ? number(b.low) : `de ${number(b.low)} à ${number(b.high)}`, n: b.n})), q.people));
  } else if (q.kind === "choice") {
    box.append(bars(q.choices.map(c => ({label: c.value, n: c.n})), q.people));
  } else {
    box.append(q.words.length
      ? el("ul", {class: "mots"}, ...q.words.map(w => el("li", {style: `font-size:${Math.min(2.5, 1 + w.n / 4)}em`, text: `${w.word} (${w.n})`})))
      : el("p", {class: "masque", text: "Aucun mot écrit par au moins deux personnes pour l'instant."}));
  }
  if (projectLink) {
    const url = `projection?question=${encodeURIComponent(q.question)}&module=${encodeURIComponent(q.module)}`;
    box.append(el("p", {}, el("a", {class: "bouton principal", href: url, target: "_blank",
      "aria-label": `Montrer à la salle la question ${q.question}`, text: "Montrer à la salle"})));
  }
  return box;
}

// The facilitator's page ----------------------------------------------------------------------------
let moduleChoice = null;  // what the facilitator chose; null: follow the module most people have open

async function action(name, what, body) {
  try {
    say("Demande envoyée…");
    const r = await api("POST", `participants/${encodeURIComponent(name)}/${what}`, body);
    say(what === "fresh-copy" ? `Carnet neuf déposé chez ${name} : ${r.path}` : `C'est fait pour ${name}.`);
    refreshRoom();
  } catch (e) { say(e.message, true); }
}

function personRow(p, now) {
  const nb = p.notebooks[0];
  const where = nb ? `${nb.module || "hors module"} / ${nb.notebook}` : (p.server === "ready" ? "aucun carnet ouvert" : "—");
  const state = {ready: "démarré", starting: "démarre…", stopping: "s'arrête…", stopped: "arrêté"}[p.server];
  const buttons = [p.server === "stopped"
    ? el("button", {class: "bouton", type: "button", onclick: () => action(p.name, "start"), text: "Démarrer", "aria-label": `Démarrer le serveur de ${p.name}`})
    : el("button", {class: "bouton", type: "button", onclick: () => action(p.name, "stop"), text: "Arrêter", "aria-label": `Arrêter le serveur de ${p.name}`}),
    el("button", {class: "bouton", type: "button", onclick: () => action(p.name, "restart"), text: "Redémarrer", "aria-label": `Redémarrer le serveur de ${p.name}`})];
  if (nb && nb.module && p.server === "ready") {
    buttons.push(el("button", {class: "bouton", type: "button", text: "Carnet neuf",
      "aria-label": `Donner à ${p.name} une copie neuve de ${nb.notebook}`,
      onclick: () => action(p.name, "fresh-copy", {path: `${nb.module}/${nb.notebook}`})}));
  }
  return el("tr", {"data-name": p.name},
    el("th", {scope: "row", text: p.name}), el("td", {text: state}), el("td", {class: "carnet", text: where}),
    el("td", {text: since(p.last_activity, now)}),
    el("td", {class: p.stuck.length ? "difficulte" : "", text: p.stuck.length ? `Peut-être en difficulté : ${p.stuck.join(", ")}` : "—"}),
    el("td", {}, ...buttons));
}

function mostOpenModule(people) {
  const counts = {};
  for (const p of people) for (const nb of p.notebooks.slice(0, 1)) if (nb.module) counts[nb.module] = (counts[nb.module] || 0) + 1;
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] || "";
}

function offerModules(modules) {
  const select = document.getElementById("module");
  for (const m of modules) {
    if (m && ![...select.options].some(o => o.value === m)) select.append(el("option", {value: m, text: m}));
  }
}

async function refreshRoom() {
  const box = document.getElementById("presents");
  try {
    const data = await api("GET", "room");
    const people = data.participants;
    const table = el("table", {},
      el("caption", {text: `${people.length} ${people.length > 1 ? "personnes connectées" : "personne connectée"}` +
        ` (état d'il y a ${Math.max(0, Math.round(data.now - data.updated_at))} s)`}),
      el("thead", {}, el("tr", {}, ...["Nom", "Serveur", "Carnet ouvert", "Dernière cellule", "État", "Actions"].map(h => el("th", {scope: "col", text: h})))),
      el("tbody", {}, ...people.map(p => personRow(p, data.now))));
    box.replaceChildren(people.length ? table : el("p", {text: "Personne n'est connecté pour l'instant."}));
    offerModules(people.flatMap(p => p.notebooks.map(nb => nb.module)));
    if (moduleChoice === null) document.getElementById("module").value = mostOpenModule(people);
  } catch (e) { box.replaceChildren(el("p", {class: "message erreur", text: e.message})); }
}

async function refreshAnswers() {
  const box = document.getElementById("reponses");
  const module = document.getElementById("module").value;
  try {
    const data = await api("GET", "answers" + (module ? `?module=${encodeURIComponent(module)}` : ""));
    offerModules(data.questions.map(q => q.module));
    box.replaceChildren(...(data.questions.length ? data.questions.map(q => answerBlock(q, data.minimum, true))
      : [el("p", {text: "Aucune réponse pour l'instant."})]));
  } catch (e) { box.replaceChildren(el("p", {class: "message erreur", text: e.message})); }
}

// The projector: one question (or all of a module), nothing else ---------------------------------------
async function refreshProjection() {
  const box = document.getElementById("projection");
  const args = new URLSearchParams(location.search);
  const module = args.get("module") || "", question = args.get("question");
  try {
    const data = await api("GET", "answers" + (module ? `?module=${encodeURIComponent(module)}` : ""));
    const shown = data.questions.filter(q => !question || q.question === question);
    if (question) document.getElementById("titre").textContent = `Question ${question} : les réponses de la salle`;
    box.replaceChildren(...(shown.length ? shown.map(q => answerBlock(q, data.minimum, false))
      : [el("p", {text: "Aucune réponse pour l'instant."})]));
  } catch (e) { box.replaceChildren(el("p", {class: "message erreur", text: e.message})); }
}

// A participant's own page ---------------------------------------------------------------------------
async function refreshMine() {
  const box = document.getElementById("moi");
  try {
    const data = await api("GET", "me");
    const started = data.progress.filter(p => p.answered > 0 || p.questions > 0);
    box.replaceChildren(started.length ? el("ul", {class: "progression"}, ...started.map(p => el("li", {},
      el("strong", {text: p.module}), ` : ${p.answered} ${p.answered > 1 ? "questions répondues" : "question répondue"} sur ${p.questions}.`,
      p.left.length ? el("span", {class: "aide", text: ` Reste : ${p.left.join(", ")}.`}) : null)))
      : el("p", {text: "Vous n'avez encore répondu à aucune question d'un module."}));
  } catch (e) { box.replaceChildren(el("p", {class: "message erreur", text: e.message})); }
}

function every(fn) { fn(); setInterval(() => { if (!document.hidden) fn(); }, POLL_MS); }

if (document.getElementById("presents")) {
  document.getElementById("module").addEventListener("change", e => { moduleChoice = e.target.value; refreshAnswers(); });
  every(refreshRoom);
  every(refreshAnswers);
}
if (document.getElementById("projection")) {
  every(refreshProjection);
  document.getElementById("plein-ecran").addEventListener("click", () => document.documentElement.requestFullscreen?.());
}
if (document.getElementById("moi")) every(refreshMine);

// The grading page: one step (distribute, collect, autograde, feedback) at a time, then the page again.
for (const button of document.querySelectorAll("button.etape")) {
  button.addEventListener("click", async () => {
    const {course, assignment, step} = button.dataset;
    const status = document.getElementById("etape-etat"), out = document.getElementById("etape-sortie");
    document.querySelectorAll("button.etape").forEach(b => { b.disabled = true; });
    status.textContent = `${button.firstChild.textContent} (${assignment}) : en cours, patientez…`;
    try {
      const r = await api("POST", `grading/${encodeURIComponent(course)}/${encodeURIComponent(assignment)}/${step}`);
      status.textContent = r.ok ? "C'est fait. Voici ce que la commande a écrit :" : "L'étape a échoué. Voici pourquoi :";
      out.textContent = r.output;
      out.hidden = false;
    } catch (e) { status.textContent = e.message; }
    document.querySelectorAll("button.etape").forEach(b => { b.disabled = false; });
  });
}
