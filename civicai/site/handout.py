"""Content of the participant handouts: key ideas, one figure, three questions.

Written content wins: ``site/fiches/<module>.yaml`` (French, by the site's authors)::

    idees: [...]          # 3 to 5 key ideas, Markdown inline allowed
    questions: [...]      # 3 questions
    figure:
      notebook: 02-x.ipynb   # a lesson notebook of the module
      code: plot_curve       # optional: only images of cells whose code contains this text
      image: 1               # the n-th of those images (from 1)
      alt: ...               # text alternative
      legende: ...           # caption

Missing parts are derived from the module: the README's « À retenir » (else the notebooks'),
the guide's discussion questions (else the quiz), the first figure of the notebooks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml
from markupsafe import Markup

from civicai.errors import UserError
from civicai.site.content import Module, list_items, section


@dataclass
class Figure:
    src: str
    alt: str
    caption: str


@dataclass
class Handout:
    ideas: list[Markup]
    questions: list[Markup]
    figure: Figure | None
    foot: str
    origin: dict  # where each part came from: "fiche" or "module"


def inline_markdown(text: str) -> Markup:
    """One line of Markdown (bold, italics, code, links) as HTML without the paragraph."""
    from civicai.site.content import markdown_to_html

    html = markdown_to_html(text).strip()
    html = re.sub(r"^<p>(.*)</p>$", r"\1", html, flags=re.S)
    return Markup(html)


def images_of(nb: nbformat.NotebookNode, code: str = "") -> list[tuple[str, str]]:
    """(mime type, base64 data) of every image a notebook produced, in order.

    With ``code``, only the images of the cells whose source contains that text.
    """
    found = []
    for cell in nb.cells:
        if code and code not in cell.get("source", ""):
            continue
        for out in cell.get("outputs", []):
            for mime in ("image/png", "image/jpeg"):
                if mime in out.get("data", {}):
                    found.append((mime, out["data"][mime].replace("\n", "")))
                    break
    return found


def load_fiche(fiches_dir: Path | None, module: Module) -> dict:
    if fiches_dir is None:
        return {}
    f = Path(fiches_dir) / f"{module.slug}.yaml"
    if not f.is_file():
        return {}
    try:
        return yaml.safe_load(f.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"La fiche {f} est mal formée ({exc}).") from None


def derive_ideas(module: Module) -> list[str]:
    ideas = list_items(section(module.readme, "à retenir", "a retenir"))
    if not ideas:
        for nb in module.notebooks:
            node = nbformat.read(nb.path, as_version=4)
            for cell in node.cells:
                if cell.cell_type == "markdown":
                    items = list_items(section(cell.source, "à retenir", "a retenir"))
                    if items:
                        ideas.append(items[0])
                        break
    return ideas[:5]


def derive_questions(module: Module) -> list[str]:
    questions: list[str] = []
    if module.guide is not None:
        guide = module.guide.read_text(encoding="utf-8")
        questions = [q for q in list_items(section(guide, "questions pour", "discussion", "débat"))
                     if q.rstrip("*_ ").endswith("?")]
    if len(questions) < 3 and module.quiz is not None:
        from civicai.quiz import Quiz

        questions += [q.question for q in Quiz.load(module.quiz).questions]
    return questions[:3]


def build_handout(module: Module, executed: dict, fiches_dir: Path | None, foot: str) -> Handout:
    """Gather the handout of ``module``; ``executed`` maps notebook path to executed notebook."""
    fiche = load_fiche(fiches_dir, module)
    origin = {}
    ideas = fiche.get("idees") or []
    origin["idees"] = "fiche" if ideas else "module"
    ideas = ideas or derive_ideas(module)
    questions = fiche.get("questions") or []
    origin["questions"] = "fiche" if questions else "module"
    questions = questions or derive_questions(module)

    figure = None
    spec = fiche.get("figure") or {}
    candidates = [nb for nb in module.notebooks
                  if not spec.get("notebook") or nb.path.name == spec["notebook"]]
    if spec.get("notebook") and not candidates:
        raise UserError(f"La fiche du module {module.slug} cite le notebook {spec['notebook']}, "
                        "qui n'existe pas dans ce module.")
    for nb in candidates:
        node = executed.get(nb.path)
        imgs = images_of(node, str(spec.get("code", ""))) if node is not None else []
        index = int(spec.get("image", 1)) - 1
        if len(imgs) > index:
            mime, data = imgs[index]
            figure = Figure(
                f"data:{mime};base64,{data}",
                spec.get("alt") or f"Figure produite par le notebook « {nb.title} »",
                spec.get("legende") or f"Figure tirée du notebook « {nb.title} ».")
            origin["figure"] = "fiche" if spec else "module"
            break
    return Handout([inline_markdown(i) for i in ideas], [inline_markdown(q) for q in questions],
                   figure, foot, origin)
