"""Import a class list (CSV) into a course's gradebook: all rows or none.

Accepted headers, French or English, any case, with or without accents:
identifiant/id/username/login, prénom/first name, nom/last name, email/courriel/mail.
Separator: comma or semicolon (what French spreadsheets write). Encoding: UTF-8 (with or
without BOM) or Windows-1252.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_ALIASES = {
    "identifiant": {"identifiant", "id", "identifier", "username", "login", "utilisateur", "nomdutilisateur",
                    "studentid", "ideleve", "userid"},
    "prenom": {"prenom", "firstname", "first", "givenname", "prenoms"},
    "nom": {"nom", "nomdefamille", "lastname", "last", "surname", "familyname"},
    "email": {"email", "courriel", "mail", "adressecourriel", "adressedecourriel", "adresseelectronique",
              "emailaddress", "adressemail"},
}
REQUIRED = ("identifiant", "prenom", "nom", "email")


@dataclass(frozen=True)
class Person:
    identifiant: str
    prenom: str
    nom: str
    email: str


def _norm(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.strip().lower())
    return "".join(ch for ch in text if ch.isalnum())


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def parse_roster(path: Path) -> list[Person]:
    """Read and check the whole file; raise UserError listing every bad line (nothing is imported)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Fichier introuvable : {path}.")
    text = _decode(path.read_bytes())
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise UserError(f"Le fichier {path.name} est vide : la première ligne doit donner les colonnes "
                        "identifiant, prénom, nom, email.")
    header = [_norm(h) for h in rows[0]]
    columns = {}
    for i, h in enumerate(header):
        for key, names in _ALIASES.items():
            if h in names and key not in columns:
                columns[key] = i
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        nice = {"identifiant": "identifiant", "prenom": "prénom", "nom": "nom", "email": "email"}
        raise UserError(
            f"{path.name}, ligne 1 : colonne(s) manquante(s) : {', '.join(nice[m] for m in missing)}. "
            "La première ligne doit nommer les colonnes : identifiant, prénom, nom, email "
            "(ou en anglais : username, first name, last name, email).")
    errors, people, seen = [], [], {}
    width = len(rows[0])
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != width:
            errors.append(f"ligne {lineno} : {len(row)} colonne(s) au lieu de {width} "
                          f"(séparateur « {delimiter} » attendu ; une virgule de trop dans un nom ?)")
            continue
        get = lambda k: row[columns[k]].strip()  # noqa: E731
        ident, email = get("identifiant"), get("email")
        if not ident:
            errors.append(f"ligne {lineno} : l'identifiant est vide")
        elif not USERNAME_RE.match(ident):
            errors.append(f"ligne {lineno} : identifiant « {ident} » invalide (lettres minuscules sans accent, "
                          "chiffres, point, tiret ou tiret bas ; c'est le nom de connexion au hub)")
        elif ident in seen:
            errors.append(f"ligne {lineno} : identifiant « {ident} » déjà utilisé à la ligne {seen[ident]}")
        else:
            seen[ident] = lineno
        if not get("prenom") or not get("nom"):
            errors.append(f"ligne {lineno} : le prénom ou le nom est vide")
        if email and not EMAIL_RE.match(email):
            errors.append(f"ligne {lineno} : adresse email « {email} » invalide")
        people.append(Person(ident, get("prenom"), get("nom"), email))
    if errors:
        shown = errors[:15]
        more = f"\n  ... et {len(errors) - 15} autre(s) erreur(s)" if len(errors) > 15 else ""
        raise UserError(f"{path.name} : rien n'a été importé, corrigez d'abord ces lignes :\n  "
                        + "\n  ".join(shown) + more)
    if not people:
        raise UserError(f"{path.name} ne contient aucune personne (seulement la ligne des colonnes).")
    return people


def import_roster(course, path: Path) -> tuple[int, int]:
    """Check the file, then add or update every person in one database transaction.

    Returns (added, updated).
    """
    from nbgrader.api import Student

    people = parse_roster(path)
    added = updated = 0
    with course.gradebook() as gb:
        session = gb.db
        try:
            existing = {s.id: s for s in session.query(Student).all()}
            for p in people:
                s = existing.get(p.identifiant)
                if s is None:
                    session.add(Student(id=p.identifiant, first_name=p.prenom, last_name=p.nom,
                                        email=p.email or None))
                    added += 1
                else:
                    s.first_name, s.last_name, s.email = p.prenom, p.nom, p.email or None
                    updated += 1
            session.commit()
        except Exception:
            session.rollback()
            raise
    return added, updated
