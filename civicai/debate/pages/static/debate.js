// La carte des opinions: the pages of the debate service (participant, facilitator, list). No library.
"use strict";
const debate = (() => {
  const API = document.querySelector('meta[name="api"]').content;
  const XSRF = document.querySelector('meta[name="xsrf"]').content;
  const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
  const VOTES = [["agree", "D'accord"], ["disagree", "Pas d'accord"], ["pass", "Je passe"]];
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
    const el = $("status") || $("message");
    el.textContent = text;
    el.classList.toggle("error", Boolean(error));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => k === "text" ? (node.textContent = v) : node.setAttribute(k, v));
    children.forEach((c) => node.append(c));
    return node;
  }

  function counter() {
    const box = $("text");
    box.addEventListener("input", () => { $("counter").textContent = `${box.value.length} sur 140 caractères`; });
  }

  function proposeForm(slug, after) {
    counter();
    $("propose").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const r = await api(`debates/${slug}/statements`, {text: $("text").value});
        $("text").value = "";
        $("counter").textContent = "0 sur 140 caractères";
        say(r.status === "approved" ? "Phrase ajoutée au vote." :
            "Merci ! Votre phrase sera proposée au vote dès que la personne qui anime l'aura relue.");
        after();
      } catch (e) { say(e.message, true); }
    });
  }

  function header(d) {
    $("title").textContent = d.debate.title;
    $("question").textContent = d.debate.question;
    document.title = `${d.debate.title} – La carte des opinions`;
    if (d.debate.status !== "open") say("Ce débat est fermé : vous pouvez lire la carte, mais plus voter.");
  }

  function drawMap(m) {
    const box = $("map");
    box.replaceChildren();
    $("explanation").textContent = m.explanation;
    if (!m.points.length) {
      box.append(el("p", {text: `Pas encore de carte : il faut au moins ${m.min_votes} votes par personne.`}));
      return;
    }
    const xs = m.points.map((p) => p[0]), ys = m.points.map((p) => p[1]);
    const span = Math.max(...xs.map(Math.abs), ...ys.map(Math.abs), 1e-6) * 1.15;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "-110 -110 220 220");
    svg.setAttribute("role", "img");
    const names = m.groups.map((g) => `${g.name} : ${g.size} personne${g.size > 1 ? "s" : ""}`).join(", ");
    svg.setAttribute("aria-label", `Carte de ${m.placed} personnes en ${m.k} groupe${m.k > 1 ? "s" : ""}. ${names}.`);
    m.points.forEach((p, i) => {
      const c = document.createElementNS(ns, "circle");
      c.setAttribute("cx", (100 * p[0] / span).toFixed(1));
      c.setAttribute("cy", (-100 * p[1] / span).toFixed(1));
      c.setAttribute("r", i === m.me ? 7 : 4);
      c.setAttribute("fill", COLORS[p[2] % COLORS.length]);
      if (i === m.me) { c.setAttribute("stroke", "#000"); c.setAttribute("stroke-width", 2.5); }
      svg.append(c);
    });
    box.append(svg);
    const legend = el("ul", {class: "legend"});
    m.groups.forEach((g, i) => legend.append(el("li", {},
      el("span", {class: "swatch", style: `background:${COLORS[i % COLORS.length]}`, "aria-hidden": "true"}),
      `${g.name} : ${g.size} personne${g.size > 1 ? "s" : ""}`)));
    if (m.me !== null) legend.append(el("li", {text: "Le point entouré de noir, c'est vous."}));
    box.append(legend);
    box.append(el("p", {class: "hint", text: `${m.placed} personnes placées sur ${m.participants} ` +
      `(il faut ${m.min_votes} votes pour être placé), ${m.statements} phrases au vote. ${m.criterion}`}));
    if (m.consensus.length) {
      box.append(el("h3", {text: "Ce qui rassemble tous les groupes"}));
      const ul = el("ul", {class: "list"});
      m.consensus.forEach((c) => ul.append(el("li", {text: `« ${c.text} » (au moins ${c.min_agree} % d'accord dans chaque groupe)`})));
      box.append(ul);
    }
    m.groups.filter((g) => g.detailed && g.distinctive.length).forEach((g) => {
      box.append(el("h3", {text: `Ce qui distingue le ${g.name.replace("Groupe", "groupe")}`}));
      const ul = el("ul", {class: "list"});
      g.distinctive.forEach((s) => ul.append(el("li", {text:
        `« ${s.text} » : ${s.agree_in_group} % d'accord dans ce groupe, ${s.agree_elsewhere} % chez les autres`})));
      box.append(ul);
    });
    if (m.groups.some((g) => !g.detailed))
      box.append(el("p", {class: "hint", text: `Les groupes de moins de ${m.min_group_size} personnes ` +
        "ne sont pas détaillés, pour que personne ne puisse être reconnu."}));
  }

  async function refreshMap(slug) {
    try { drawMap(await api(`debates/${slug}/map`)); } catch (e) { say(e.message, true); }
  }

  function voteButtons(slug, statement, current, open) {
    const group = el("div", {class: "votes", role: "group", "aria-label": `Votre avis sur la phrase ${statement.id}`});
    VOTES.forEach(([value, label]) => {
      const b = el("button", {type: "button", class: `button vote ${value}`, "aria-pressed": String(current === value),
                              text: label});
      if (!open) b.disabled = true;
      b.addEventListener("click", async () => {
        try {
          await api(`debates/${slug}/votes`, {statement: statement.id, vote: value});
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
        const d = await api(`debates/${slug}`);
        header(d);
        const list = $("statements");
        list.replaceChildren();
        d.statements.forEach((s) => list.append(el("li", {class: "statement", "data-id": s.id},
          el("p", {text: s.text}), voteButtons(slug, s, d.my_votes[s.id], d.debate.status === "open"))));
        const mine = $("my-proposals");
        mine.replaceChildren();
        d.my_proposals.forEach((s) => mine.append(el("li", {text:
          `« ${s.text} » : ${s.status === "refused" ? "non retenue" : "en attente de relecture"}`})));
      } catch (e) { say(e.message, true); }
      refreshMap(slug);
    }
    await load();
    setInterval(load, 15000);
  }

  async function facilitate(slug) {
    proposeForm(slug, () => refreshMap(slug));
    ["pdf:synthese.pdf", "csv:resultats.csv", "decidim:decidim.csv"].forEach((pair) => {
      const [id, file] = pair.split(":");
      $(`export-${id}`).href = `${API}debates/${slug}/admin/${file}`;
    });
    $("close").addEventListener("click", async () => {
      if (!confirm("Fermer le débat ? Plus personne ne pourra voter.")) return;
      try { await api(`debates/${slug}/admin/close`, {}); say("Le débat est fermé."); } catch (e) { say(e.message, true); }
    });
    async function load() {
      try {
        header(await api(`debates/${slug}`));
        const pending = await api(`debates/${slug}/admin/pending`);
        const ul = $("pending");
        ul.replaceChildren();
        if (!pending.pending.length) ul.append(el("li", {text: "Aucune phrase à relire pour l'instant."}));
        pending.pending.forEach((s) => {
          const li = el("li", {class: "statement", "data-id": s.id}, el("p", {text: s.text}));
          const row = el("div", {class: "votes"});
          [["approve", "Approuver"], ["refuse", "Refuser"]].forEach(([decision, label]) => {
            const b = el("button", {type: "button", class: `button ${decision}`, text: label,
                                    "aria-label": `${label} la phrase « ${s.text} »`});
            b.addEventListener("click", async () => {
              try {
                await api(`debates/${slug}/admin/statements/${s.id}`, {decision});
                say(decision === "approve" ? "Phrase approuvée : elle est proposée au vote." : "Phrase refusée.");
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
      const d = await api("debates");
      const ul = $("debates");
      ul.replaceChildren();
      if (!d.debates.length) ul.append(el("li", {text: "Aucun débat ouvert pour l'instant."}));
      d.debates.forEach((x) => {
        const li = el("li", {}, el("a", {class: "button", href: `d/${x.slug}`,
          text: `${x.title}${x.status === "open" ? "" : " (fermé)"}`}));
        if (facilitator) li.append(" ", el("a", {href: `d/${x.slug}/animation`, text: `Animer « ${x.title} »`}));
        ul.append(li);
      });
    }
    if (facilitator) $("open").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const d = await api("debates", {theme: $("theme").value, title: $("title").value});
        location.href = `d/${d.slug}/animation`;
      } catch (e) { say(e.message, true); }
    });
    try { await load(); } catch (e) { say(e.message, true); }
  }

  return {participant, facilitate, index};
})();
