"""Each module's « état du droit » (etat-du-droit.yaml) and the check dates of its notebooks.

One home per legal statement: the YAML file next to the module. It is rendered to
etat-du-droit.md for readers, and maintainers list what is older than a year with
``civicai contenu verifier``. Statements marked « à vérifier » stay out of learner text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError
from civicai.french import MONTHS
from civicai.french import day as french_date  # the content's pages and reports say « vérifié le 1er ... »

FILE = "etat-du-droit.yaml"
STATUSES = ("vérifié", "à vérifier")
KINDS = ("loi", "fait")
# « Faits vérifiés le 1er décembre 2026 » at the end of a notebook's Sources block.
CHECKED_RE = re.compile(r"Faits vérifiés le (\d{1,2})(?:er)? (" + "|".join(MONTHS) + r") (\d{4})")
MAX_AGE_DAYS = 365


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    date: str
    link: str | None
    no_link_reason: str | None


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    subject: str
    text: str
    article: str | None
    status: str
    source: Source
    read_in: str | None
    checked: dt.date


@dataclass(frozen=True)
class Dated:
    """One dated statement, for the maintainers' report."""
    where: str
    what: str
    checked: dt.date


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"{where} : la date « {value} » n'est pas au format AAAA-MM-JJ.") from None


def _entry(raw: dict, where: str) -> Entry:
    missing = [k for k in ("id", "type", "sujet", "texte", "statut", "source", "verifie_le")
               if not raw.get(k)]
    if missing:
        raise UserError(f"{where} : il manque {', '.join(missing)}.")
    where = f"{where} ({raw['id']})"
    if raw["type"] not in KINDS:
        raise UserError(f"{where} : type « {raw['type']} » inconnu (loi ou fait).")
    if raw["statut"] not in STATUSES:
        raise UserError(f"{where} : statut « {raw['statut']} » inconnu (vérifié ou à vérifier).")
    if raw["type"] == "loi" and not raw.get("article"):
        raise UserError(f"{where} : une entrée de type loi doit citer son article.")
    src = raw["source"]
    for key in ("titre", "editeur", "date"):
        if not src.get(key):
            raise UserError(f"{where} : la source n'a pas de {key}.")
    if not src.get("lien") and not src.get("sans_lien"):
        raise UserError(f"{where} : la source n'a ni lien, ni raison de ne pas en avoir (sans_lien).")
    return Entry(
        id=raw["id"], kind=raw["type"], subject=raw["sujet"], text=" ".join(raw["texte"].split()),
        article=raw.get("article"), status=raw["statut"],
        source=Source(src["titre"], src["editeur"], str(src["date"]), src.get("lien"),
                      src.get("sans_lien")),
        read_in=raw.get("lu_dans"), checked=_date(raw["verifie_le"], where))


def load(module_dir: Path) -> tuple[dict, list[Entry]]:
    """The header and entries of one module's état du droit (UserError if malformed)."""
    import yaml

    path = Path(module_dir) / FILE
    if not path.is_file():
        raise UserError(f"Le module {Path(module_dir).name} n'a pas de fichier {FILE}.")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = [_entry(e, str(path)) for e in raw.get("entrees") or []]
    if not entries:
        raise UserError(f"{path} : aucune entrée.")
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise UserError(f"{path} : deux entrées ont le même identifiant.")
    return raw, entries


def notebook_checked(path: Path) -> dt.date | None:
    """The « Faits vérifiés le ... » date of the notebook's last cell, if it is a Sources block."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    if not cells or cells[-1]["cell_type"] != "markdown":
        return None
    text = "".join(cells[-1]["source"])
    match = CHECKED_RE.search(text) if text.lstrip().startswith("## Sources") else None
    if not match:
        return None
    day, month, year = match.groups()
    return dt.date(int(year), MONTHS.index(month) + 1, int(day))


def lesson_notebooks(modules: Path) -> list[Path]:
    """Lesson notebooks are numbered (01-..., 02-...); demos are not."""
    return sorted(modules.glob("*/0*.ipynb"))


def dated_statements(modules: Path) -> list[Dated]:
    """Every dated statement of the kit: état du droit entries and notebooks' check dates."""
    found = []
    for module in sorted(p for p in modules.iterdir() if (p / FILE).is_file()):
        _, entries = load(module)
        found += [Dated(f"{module.name}/{FILE}", f"{e.id} : {e.subject}", e.checked)
                  for e in entries]
    for nb in lesson_notebooks(modules):
        checked = notebook_checked(nb)
        if checked is not None:
            found.append(Dated(f"{nb.parent.name}/{nb.name}", "bloc « Sources »", checked))
    return found


def stale(modules: Path, today: dt.date, max_age_days: int = MAX_AGE_DAYS) -> list[Dated]:
    """Statements checked more than ``max_age_days`` before ``today``, oldest first."""
    old = [d for d in dated_statements(modules) if (today - d.checked).days > max_age_days]
    return sorted(old, key=lambda d: (d.checked, d.where, d.what))


def report(modules: Path, today: dt.date) -> str:
    """The maintainers' French report: what to check again, and what is missing a date."""
    old = stale(modules, today)
    lines = [f"Contenus datés du kit, au {french_date(today)} "
             f"(à revoir s'ils ont été vérifiés il y a plus de {MAX_AGE_DAYS} jours)."]
    if old:
        lines.append(f"{len(old)} affirmation(s) à vérifier de nouveau :")
        lines += [f"- {d.where} · {d.what} · vérifié le {french_date(d.checked)}" for d in old]
    else:
        lines.append("Rien à revoir : tout a été vérifié il y a moins d'un an.")
    undated = [f"{nb.parent.name}/{nb.name}" for nb in lesson_notebooks(modules)
               if notebook_checked(nb) is None]
    if undated:
        lines.append("Notebooks sans bloc « Sources » daté :")
        lines += [f"- {name}" for name in undated]
    return "\n".join(lines)
