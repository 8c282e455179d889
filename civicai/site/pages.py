"""The HTML bodies of the site's pages: home, module, notebook (cells and pager).

``build.py`` decides which pages exist and where; this module only says what each one contains.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import nbformat

from civicai.site import content
from civicai.site.content import Module

TEMPLATES = Path(__file__).resolve().parent / "templates"
MODULES_MARK = "<!-- modules -->"
TECHNICAL_SECTIONS = ("équipe technique", "pour les développeu", "for developers")


def render_cells(nb: nbformat.NotebookNode) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", template_file="cells.html",
                            extra_template_paths=[str(TEMPLATES / "nbconvert")],
                            exclude_anchor_links=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def without_title(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy of ``nb`` without the level-1 heading of its first Markdown cell (the page shows it)."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = content.strip_first_heading(cell.source)
            break
    return nb


def module_body(site, m: Module) -> str:

    out = []
    facts = []
    if m.duration:
        facts.append(f"Durée : {escape(m.duration)}")
    if m.notebooks:
        facts.append(f"{len(m.notebooks)} notebooks")
    if facts:
        out.append(f'<p class="meta">{" · ".join(facts)}</p>')
    # The README's notes for developers stay in the repository, not on the public page.
    readme = content.drop_sections(content.strip_first_heading(m.readme), *TECHNICAL_SECTIONS)
    out.append(content.markdown_to_html(readme))
    if m.notebooks:
        out.append("<h2>Les notebooks, dans l'ordre</h2>\n<ol>")
        out += [f'<li><a href="{escape(nb.path.name)}">{escape(nb.title)}</a></li>'
                for nb in m.notebooks]
        out.append("</ol>")
    if m.demos:
        out.append("<h2>À essayer à la borne</h2>\n<p>Ces démonstrations se manipulent sans "
                   "écrire de code, sur la borne de la médiathèque (démo au kiosque).</p>\n<ul>")
        for d in m.demos:
            name = (f'<a href="{escape(site.cfg["borne"])}">{escape(d.title)}</a>'
                    if site.cfg["borne"] else f"<strong>{escape(d.title)}</strong>")
            pitch = f" : {escape(d.pitch)}" if d.pitch else ""
            out.append(f"<li>{name}{pitch}</li>")
        out.append("</ul>")
    out.append("<h2>Pour animer et pour imprimer</h2>\n<ul>")
    if m.guide is not None:
        pdf = (' (<a href="guide-animation.pdf">version PDF à imprimer</a>)' if site.pdf else "")
        out.append(f'<li><a href="guide-animation.html">Le guide d\'animation</a>{pdf}</li>')
    if m.law is not None:
        out.append('<li><a href="etat-du-droit.html">L\'état du droit</a> : ce que disent les textes, '
                   "article par article, avec leur date et leur source</li>")
    pdf = (' (<a href="fiche-participant.pdf">PDF, deux pages au plus</a>)' if site.pdf else "")
    out.append('<li><a href="fiche-participant.html">La fiche participant</a> : les idées clés, '
               f'une figure et trois questions{pdf}</li>')
    out.append("</ul>")
    return "\n".join(out)


def card(m: Module) -> str:

    items = "".join(f"<li>{escape(content.short_objective(o))}</li>" for o in m.objectives[:3])
    meta = f'<p class="meta">Durée : {escape(m.duration)}</p>' if m.duration else ""
    goals = f"<p>Vous saurez :</p><ul>{items}</ul>" if items else ""
    return (f'<li><h3><a href="modules/{m.slug}/index.html">Module {int(m.number)} : '
            f"{escape(m.title)}</a></h3>{meta}{goals}</li>")


def home_body(site) -> str:

    cards = '<ul class="cards">' + "".join(card(m) for m in site.modules) + "</ul>"
    if site.cfg.get("accueil") and Path(site.cfg["accueil"]).is_file():
        text = Path(site.cfg["accueil"]).read_text(encoding="utf-8")
        text = content.strip_first_heading(text)
    else:
        text = MODULES_MARK
    html = content.markdown_to_html(text)
    if MODULES_MARK in html:
        html = html.replace(MODULES_MARK, cards)
    else:
        html += "<h2>Les modules</h2>" + cards
    where = []
    if site.cfg["hub"]:
        where.append(f'<li><a href="{escape(site.cfg["hub"])}">Le hub</a> : les notebooks à '
                     "faire vous-même, avec un compte donné en atelier.</li>")
    if site.cfg["borne"]:
        where.append(f'<li><a href="{escape(site.cfg["borne"])}">La borne</a> : les démonstrations '
                     "sans code de la médiathèque.</li>")
    if site.datasets:
        where.append('<li><a href="datasets/index.html">Les données</a> : d\'où viennent les '
                     "données des modules, et leurs limites.</li>")
    if where:
        html += "<h2>Où trouver le kit</h2><ul>" + "".join(where) + "</ul>"
    return html
