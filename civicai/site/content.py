"""What the site is made of, read generically from the files on disk.

A module is a folder ``NN-slug/`` of the modules folder with a ``README.md``; its lesson
notebooks are ``NN-*.ipynb`` (reading order), its kiosk demos ``demo-*.ipynb`` (listed, never
rendered as pages), its facilitator guide ``guide-animation.md``. Data sets are
``datasets/<name>/DATASHEET.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from civicai.catalog import Demo, all_demos, load_modules, read_quiz
from civicai.errors import UserError

MODULE_RE = re.compile(r"^(\d\d)-[a-z0-9-]+$")
LESSON_RE = re.compile(r"^\d\d-.+\.ipynb$")
GUIDE = "guide-animation.md"
LAW = "etat-du-droit.md"  # rendered from etat-du-droit.yaml by `civicai contenu rendre`


def markdown_to_html(text: str) -> str:
    """Markdown (CommonMark plus tables, footnotes, strikethrough) to HTML, raw HTML kept."""
    import mistune

    from mistune.toc import add_toc_hook

    md = mistune.create_markdown(escape=False, hard_wrap=False,
                                 plugins=["table", "strikethrough", "footnotes"])
    seen: dict[str, int] = {}

    def heading_id(token, index):  # GitHub-like anchors, so "#objectifs" links work
        slug = slugify(token.get("text", "")) or f"section-{index}"
        seen[slug] = seen.get(slug, 0) + 1
        return slug if seen[slug] == 1 else f"{slug}-{seen[slug] - 1}"

    add_toc_hook(md, min_level=1, max_level=6, heading_id=heading_id)
    return md(text)


def slugify(text: str) -> str:
    """« À retenir ! » -> "à-retenir" (lowercase, accents kept, like GitHub's anchors)."""
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s", "-", text)


def first_heading(text: str, default: str) -> str:
    for line in text.splitlines():
        m = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if m:
            return m.group(1).strip()
    return default


def strip_first_heading(text: str) -> str:
    """The Markdown without its first level-1 heading (the page template shows the title)."""
    return re.sub(r"^\s*#\s+.+\n?", "", text, count=1)


def section(text: str, *names: str) -> str:
    """Body of the first Markdown section whose heading contains one of ``names``."""
    lines = text.splitlines()
    wanted = [n.lower() for n in names]
    for i, line in enumerate(lines):
        m = re.match(r"^(#{1,6})\s+(.+)$", line)
        if m and any(n in m.group(2).lower() for n in wanted):
            level = len(m.group(1))
            body = []
            for nxt in lines[i + 1:]:
                m2 = re.match(r"^(#{1,6})\s+", nxt)
                if m2 and len(m2.group(1)) <= level:
                    break
                body.append(nxt)
            return "\n".join(body).strip()
    return ""


def drop_sections(text: str, *names: str) -> str:
    """The Markdown without the sections whose heading contains one of ``names``."""
    wanted = [n.lower() for n in names]
    out, skip_level = [], 0
    for line in text.splitlines():
        m = re.match(r"^(#{1,6})\s+(.+)$", line)
        if m:
            level = len(m.group(1))
            if skip_level and level <= skip_level:
                skip_level = 0
            if not skip_level and any(n in m.group(2).lower() for n in wanted):
                skip_level = level
        if not skip_level:
            out.append(line)
    return "\n".join(out)


def list_items(markdown: str) -> list[str]:
    """Top-level items of the Markdown lists in ``markdown`` (continuation lines joined)."""
    items: list[str] = []
    for line in markdown.splitlines():
        m = re.match(r"^(?:[-*+]|\d+[.)])\s+(.+)$", line)
        if m:
            items.append(m.group(1).strip())
        elif items and line.startswith(("  ", "\t")) and line.strip() and not re.match(
                r"^\s+(?:[-*+]|\d+[.)])\s", line):
            items[-1] += " " + line.strip()
    return items


def table_first_column(markdown: str) -> list[str]:
    """Cells of the first column of the first Markdown table (header and rule skipped)."""
    rows = [line for line in markdown.splitlines() if line.strip().startswith("|")]
    cells = [line.strip().strip("|").split("|")[0].strip() for line in rows]
    return [c for c in cells[2:] if c and not set(c) <= set("-: ")] if len(rows) > 2 else []


def duration(readme: str) -> str:
    """The line of the README that gives the module's length (« Durée : 1 h 30 »), if any."""
    for line in readme.splitlines():
        m = re.search(r"dur[ée]e\s*(?:totale)?\s*\**\s*[:：]\s*\**\s*(.+)", line, re.I)
        if m:
            return re.sub(r"[*_`]", "", m.group(1)).strip().rstrip(".")
    m = re.search(r"\batelier d(?:e|'une durée de)\s+(\d+\s*(?:minutes|min|h(?:\s*\d+)?))",
                  readme, re.I)
    return m.group(1) if m else ""


@dataclass
class Notebook:
    path: Path
    title: str
    slug: str  # output file stem


@dataclass
class Module:
    path: Path
    number: str
    slug: str
    title: str
    readme: str
    duration: str
    notebooks: list[Notebook] = field(default_factory=list)
    demos: list[Demo] = field(default_factory=list)
    guide: Path | None = None
    law: Path | None = None
    quiz: Path | None = None

    @property
    def objectives(self) -> list[str]:
        """The objectives: first column of a table under « Objectifs », else its list."""
        text = section(self.readme, "objectif")
        return table_first_column(text) or list_items(text)


@dataclass
class Dataset:
    path: Path
    name: str
    title: str
    text: str


def notebook_title(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            return first_heading(cell.source, path.stem)
    return path.stem


def clean_title(title: str) -> str:
    """« Module 2 : les biais... » -> « Les biais... » (the site adds « Module 2 » itself)."""
    title = re.sub(r"^\s*module\s+\d+\s*[:·—–-]\s*", "", title, flags=re.I).strip()
    return title[:1].upper() + title[1:]


def short_objective(text: str, limit: int = 130) -> str:
    """The gist of an objective for a card: before any parenthesis, dash or colon; no Markdown."""
    text = re.sub(r"[*_`]", "", text)
    text = re.split(r"\s[(—–]|\s:\s|\.\s+Grande idée|;\s*$", text)[0].strip().rstrip(".;,")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text


def _quiz_title(path: Path) -> str:
    try:
        return str(read_quiz(path).get("titre", ""))
    except UserError:
        return ""


def discover_modules(modules_dir: Path) -> list[Module]:
    """Every module folder (``NN-slug`` with a README.md), in number order."""
    modules_dir = Path(modules_dir)
    if not modules_dir.is_dir():
        raise UserError(f"Dossier des modules introuvable : {modules_dir}. "
                        "Indiquez-le avec --modules.")
    demos = all_demos(modules_dir)
    catalogued = {m.folder.name: m for m in load_modules(modules_dir)}
    found = []
    for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir()):
        m = MODULE_RE.match(folder.name)
        has_readme = (folder / "README.md").is_file()
        in_gallery = any(d.notebook.split("/")[0] == folder.name for d in demos)
        entry = catalogued.get(folder.name)
        if not m or not (entry or has_readme or (folder / "quiz.yaml").is_file() or in_gallery):
            continue  # a module has a module.yaml (or, until all have one: a README, a quiz, a listed demo)
        readme = (folder / "README.md").read_text(encoding="utf-8") if has_readme else ""
        title = clean_title((entry.title if entry else "") or first_heading(readme, "")
                            or _quiz_title(folder / "quiz.yaml") or folder.name[3:].replace("-", " "))
        module = Module(folder, m.group(1), folder.name, title, readme, duration(readme))
        lessons = [n.path for n in entry.notebooks] if entry else [
            nb for nb in sorted(folder.glob("*.ipynb")) if LESSON_RE.match(nb.name)]
        module.notebooks = [Notebook(nb, notebook_title(nb), nb.stem) for nb in lessons]
        module.demos = [d for d in demos if d.notebook.split("/")[0] == folder.name]
        listed = {d.notebook.split("/", 1)[1] for d in module.demos}
        for nb in sorted(folder.glob("demo-*.ipynb")):  # a demo missing from the catalogue
            if nb.name not in listed:
                module.demos.append(Demo(nb.stem, f"{folder.name}/{nb.name}",
                                         notebook_title(nb), ""))
        if (folder / GUIDE).is_file():
            module.guide = folder / GUIDE
        if (folder / LAW).is_file():
            module.law = folder / LAW
        if (folder / "quiz.yaml").is_file():
            module.quiz = folder / "quiz.yaml"
        found.append(module)
    return found


def discover_datasets(datasets_dir: Path) -> list[Dataset]:
    datasets_dir = Path(datasets_dir)
    if not datasets_dir.is_dir():
        return []
    out = []
    for sheet in sorted(datasets_dir.glob("*/DATASHEET.md")):
        text = sheet.read_text(encoding="utf-8")
        out.append(Dataset(sheet, sheet.parent.name, first_heading(text, sheet.parent.name), text))
    return out
