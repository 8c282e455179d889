"""Issue a group's attestations: for each participant a PDF, its data as JSON, and the signed credential.

Files go to ``<state>/attestation/documents/<user>/`` (``attestation.pdf``, ``attestation.json`` the signed
Open Badges credential, ``donnees.json`` the plain data): that is where the hub's attestation page finds
each person's own, and only their own.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime
from pathlib import Path

from civicai.attestation import credential, document, keys, organisation, records
from civicai.errors import UserError

NAMES = ("attestation.pdf", "attestation.json", "donnees.json")


def documents_dir(state_dir, user: str) -> Path:
    if not user or "/" in user or user.startswith("."):
        raise UserError(f"Nom de compte invalide : « {user} ».")
    return Path(state_dir) / "attestation" / "documents" / user


def participants(state_dir, course: str | None) -> list[str]:
    """The course's students, or everyone who has a home on the hub."""
    state_dir = Path(state_dir)
    if course:
        return records.course_students(state_dir, course)
    homes = state_dir / "homes"
    names = sorted(p.name for p in homes.iterdir() if p.is_dir() and not p.is_symlink()) if homes.is_dir() else []
    if not names:
        raise UserError(f"Aucune personne trouvée dans {homes} : indiquez le dossier d'état du hub avec --etat, "
                        "ou un cours avec --cours.")
    return names


def issue(state_dir, user: str, *, facilitator: str, when: datetime, course: str | None = None) -> Path:
    """Write one participant's three files; return their folder."""
    state_dir = Path(state_dir)
    org = organisation.require(state_dir)
    record = records.participant_record(state_dir, user, facilitator=facilitator, organisation=org, issued=when,
                                        courses=[course] if course else None)
    did = keys.did_key(keys.private_key(state_dir).public_key())
    cred_id = f"urn:uuid:{uuid.uuid4()}"
    signed = credential.sign(credential.build(record, org, issuer_did=did, credential_id=cred_id), state_dir,
                             created=record["issued"])
    pdf = document.render(record, logo=organisation.logo_path(state_dir), credential_id=cred_id)
    folder = documents_dir(state_dir, user)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in zip(NAMES, (pdf, _json(signed), _json({**record, "credential": cred_id}))):
        tmp = folder / f".{name}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, folder / name)
    return folder


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
