// La carte des opinions: the pages of the debate service (participant, facilitator, list). No library.
"use strict";
const debat = (() => {
  const API = document.querySelector('meta[name="api"]').content;
  const XSRF = document.querySelector('meta[name="xsrf"]').content;
  const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
  const VOTES = [["accord", "D'accord"], ["desaccord", "Pas d'accord"], ["passe", "Je passe"]];
  const $ = (id) => document.getElementById(id);

  async function api(path, body) {
    const opts = {headers: {"X-XSRFToken": XSRF}, credentials: "same-origin"};
    if (body !== undefined) {
      opts.method = "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const resp = await fetch(API + path, opts);
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error(data.error || "Une erreur est survenue. Réessayez dans un instant.");
    return data;
  }

  function say(text, error) {
    const el = $("etat") || $("message");
    el.textContent = text;
    el.classList.toggle("erreur", Boolean(error));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => k === "text" ? (node.textContent = v) : node.setAttribute(k, v));
    children.forEach((c) => node.append(c));
    return node;
  }

  function counter() {
    const box = $("texte");
    box.addEventListener("input", () => { $("compteur").textContent = `${box.value.length} sur 140 caractères`; });
  }

  function proposeForm(slug, after) {
    counter();
    $("proposer").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const r = await api(`debats/${slug}/phrases`, {texte: $("texte").value});
        $("texte").value = "";
        $("compteur").textContent = "0 sur 140 caractères";
        say(r.statut === "approuvee" ? "Phrase ajoutée au vote." :
            "Merci ! Votre phrase sera proposée au vote dès que la personne qui anime l'aura relue.");
        after();
      } catch (e) { say(e.message, true); }
    });
  }

  function header(d) {
    $("titre").textContent = d.debat.title;
    $("question").textContent = d.debat.question;
    document.title = `${d.debat.title} – La carte des opinions`;
    if (d.debat.status !== "ouvert") say("Ce débat est fermé : vous pouvez lire la carte, mais plus voter.");
  }

  function drawMap(m) {
    const box = $("carte");
    box.replaceChildren();
    $("explication").textContent = m.explication;
    if (!m.points.length) {
      box.append(el("p", {text: `Pas encore de carte : il faut au moins ${m.votes_minimum} votes par personne.`}));
      return;
    }
    const xs = m.points.map((p) => p[0]), ys = m.points.map((p) => p[1]);
    const span = Math.max(...xs.map(Math.abs), ...ys.map(Math.abs), 1e-6) * 1.15;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "-110 -110 220 220");
    svg.setAttribute("role", "img");
    const names = m.groupes.map((g) => `${g.nom} : ${g.taille} personne${g.taille > 1 ? "s" : ""}`).join(", ");
    svg.setAttribute("aria-label", `Carte de ${m.places} personnes en ${m.k} groupe${m.k > 1 ? "s" : ""}. ${names}.`);
    m.points.forEach((p, i) => {
      const c = document.createElementNS(ns, "circle");
      c.setAttribute("cx", (100 * p[0] / span).toFixed(1));
      c.setAttribute("cy", (-100 * p[1] / span).toFixed(1));
      c.setAttribute("r", i === m.moi ? 7 : 4);
      c.setAttribute("fill", COLORS[p[2] % COLORS.length]);
      if (i === m.moi) { c.setAttribute("stroke", "#000"); c.setAttribute("stroke-width", 2.5); }
      svg.append(c);
    });
    box.append(svg);
    const legend = el("ul", {class: "legende"});
    m.groupes.forEach((g, i) => legend.append(el("li", {},
      el("span", {class: "pastille", style: `background:${COLORS[i % COLORS.length]}`, "aria-hidden": "true"}),
      `${g.nom} : ${g.taille} personne${g.taille > 1 ? "s" : ""}`)));
    if (m.moi !== null) legend.append(el("li", {text: "Le point entouré de noir, c'est vous."}));
    box.append(legend);
    box.append(el("p", {class: "aide", text: `${m.places} personnes placées sur ${m.participants} ` +
      `(il faut ${m.votes_minimum} votes pour être placé), ${m.phrases} phrases au vote. ${m.critere}`}));
    if (m.consensus.length) {
      box.append(el("h3", {text: "Ce qui rassemble tous les groupes"}));
      const ul = el("ul", {class: "liste"});
      m.consensus.forEach((c) => ul.append(el("li", {text: `« ${c.texte} » (au moins ${c.accord_min} % d'accord dans chaque groupe)`})));
      box.append(ul);
    }
    m.groupes.filter((g) => g.detaille && g.distinctives.length).forEach((g) => {
      box.append(el("h3", {text: `Ce qui distingue le ${g.nom.replace("Groupe", "groupe")}`}));
      const ul = el("ul", {class: "liste"});
      g.distinctives.forEach((s) => ul.append(el("li", {text:
        `« ${s.texte} » : ${s.accord_groupe} % d'accord dans ce groupe, ${s.accord_autres} % chez les autres`})));
      box.append(ul);
    });
    if (m.groupes.some((g) => !g.detaille))
      box.append(el("p", {class: "aide", text: `Les groupes de moins de ${m.taille_minimum_groupe} personnes ` +
        "ne sont pas détaillés, pour que personne ne puisse être reconnu."}));
  }

  async function refreshMap(slug) {
    try { drawMap(await api(`debats/${slug}/carte`)); } catch (e) { say(e.message, true); }
  }

  function voteButtons(slug, phrase, current, open) {
    const group = el("div", {class: "votes", role: "group", "aria-label": `Votre avis sur la phrase ${phrase.id}`});
    VOTES.forEach(([value, label]) => {
      const b = el("button", {type: "button", class: `bouton vote ${value}`, "aria-pressed": String(current === value),
                              text: label});
      if (!open) b.disabled = true;
      b.addEventListener("click", async () => {
        try {
          await api(`debats/${slug}/votes`, {phrase: phrase.id, vote: value});
          group.querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", String(x === b)));
          say("Vote enregistré.");
          refreshMap(slug);
        } catch (e) { say(e.message, true); }
      });
      group.append(b);
    });
    return group;
  }

  async function participant(slug) {
    proposeForm(slug, () => load());
    async function load() {
      try {
        const d = await api(`debats/${slug}`);
        header(d);
        const list = $("phrases");
        list.replaceChildren();
        d.phrases.forEach((p) => list.append(el("li", {class: "phrase", "data-id": p.id},
          el("p", {text: p.texte}), voteButtons(slug, p, d.mes_votes[p.id], d.debat.status === "ouvert"))));
        const mine = $("mes-propositions");
        mine.replaceChildren();
        d.mes_propositions.forEach((p) => mine.append(el("li", {text:
          `« ${p.texte} » : ${p.statut === "refusee" ? "non retenue" : "en attente de relecture"}`})));
      } catch (e) { say(e.message, true); }
      refreshMap(slug);
    }
    await load();
    setInterval(load, 15000);
  }

  async function animation(slug) {
    proposeForm(slug, () => refreshMap(slug));
    ["pdf:synthese.pdf", "csv:resultats.csv", "decidim:decidim.csv"].forEach((pair) => {
      const [id, file] = pair.split(":");
      $(`export-${id}`).href = `${API}debats/${slug}/admin/${file}`;
    });
    $("fermer").addEventListener("click", async () => {
      if (!confirm("Fermer le débat ? Plus personne ne pourra voter.")) return;
      try { await api(`debats/${slug}/admin/fermer`, {}); say("Le débat est fermé."); } catch (e) { say(e.message, true); }
    });
    async function load() {
      try {
        header(await api(`debats/${slug}`));
        const pending = await api(`debats/${slug}/admin/attente`);
        const ul = $("attente");
        ul.replaceChildren();
        if (!pending.en_attente.length) ul.append(el("li", {text: "Aucune phrase à relire pour l'instant."}));
        pending.en_attente.forEach((p) => {
          const li = el("li", {class: "phrase", "data-id": p.id}, el("p", {text: p.texte}));
          const row = el("div", {class: "votes"});
          [["approuver", "Approuver"], ["refuser", "Refuser"]].forEach(([decision, label]) => {
            const b = el("button", {type: "button", class: `bouton ${decision}`, text: label,
                                    "aria-label": `${label} la phrase « ${p.texte} »`});
            b.addEventListener("click", async () => {
              try {
                await api(`debats/${slug}/admin/phrases/${p.id}`, {decision});
                say(decision === "approuver" ? "Phrase approuvée : elle est proposée au vote." : "Phrase refusée.");
                load();
              } catch (e) { say(e.message, true); }
            });
            row.append(b);
          });
          li.append(row);
          ul.append(li);
        });
      } catch (e) { say(e.message, true); }
      refreshMap(slug);
    }
    await load();
    setInterval(load, 5000);
  }

  async function index(facilitator) {
    async function load() {
      const d = await api("debats");
      const ul = $("debats");
      ul.replaceChildren();
      if (!d.debats.length) ul.append(el("li", {text: "Aucun débat ouvert pour l'instant."}));
      d.debats.forEach((x) => {
        const li = el("li", {}, el("a", {class: "bouton", href: `d/${x.slug}`,
          text: `${x.title}${x.status === "ouvert" ? "" : " (fermé)"}`}));
        if (facilitator) li.append(" ", el("a", {href: `d/${x.slug}/animation`, text: `Animer « ${x.title} »`}));
        ul.append(li);
      });
    }
    if (facilitator) $("ouvrir").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const d = await api("debats", {theme: $("theme").value, titre: $("titre").value});
        location.href = `d/${d.slug}/animation`;
      } catch (e) { say(e.message, true); }
    });
    try { await load(); } catch (e) { say(e.message, true); }
  }

  return {participant, animation, index};
})();
