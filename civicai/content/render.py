"""Render a module's état du droit (YAML) as the Markdown page readers open."""

from __future__ import annotations

from pathlib import Path

from civicai.content.facts import FILE, french_date, load

MD_FILE = "etat-du-droit.md"


def _source(e) -> str:
    s = e.source
    where = f"<{s.link}>" if s.link else f"pas de lien : {s.no_link_reason}"
    return f"{s.title}, {s.publisher}, {s.date}, {where}"


def render(module_dir: Path) -> str:
    """The Markdown text of ``etat-du-droit.md`` (generated: edit the YAML, not this page)."""
    head, entries = load(module_dir)
    checked = max(e.checked for e in entries)
    out = [f"# {head.get('titre', 'État du droit')}", "",
           f"*Page générée à partir de `{FILE}` par `civicai contenu rendre` : modifiez le fichier "
           f"YAML, pas cette page. Dernière vérification : {french_date(checked)}.*", ""]
    if head.get("avertissement"):
        out += [" ".join(head["avertissement"].split()), ""]
    for e in entries:
        flag = "" if e.status == "vérifié" else " (à vérifier : ne pas présenter comme établi)"
        out += [f"## {e.subject}{flag}", "", e.text, ""]
        if e.article:
            out.append(f"- **Texte** : {e.article}")
        out.append(f"- **Source** : {_source(e)}")
        if e.read_in:
            out.append(f"- **Lu dans** : {e.read_in}")
        out += [f"- **Vérifié le** : {french_date(e.checked)}", ""]
    return "\n".join(out).rstrip() + "\n"


def write(module_dir: Path) -> Path:
    path = Path(module_dir) / MD_FILE
    path.write_text(render(module_dir), encoding="utf-8")
    return path
