"""Attestations without a hub: organisation settings, the signed credential, the PDF read back, the hub wiring."""

from __future__ import annotations

import io
import json
import shutil
import stat
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from traitlets.config import Config

from civicai.attestation import credential, issue, keys, organisation, profiles, sessions
from civicai.attestation.hubconfig import configure
from civicai.errors import UserError

WHEN = datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc)


def png(width=40, height=20) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 80, 200)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def state(tmp_path):
    state = tmp_path / "var"
    (tmp_path / "logo.png").write_bytes(png())
    organisation.save(state, name="Médiathèque Émile-Zola", place="Lunel", logo=str(tmp_path / "logo.png"))
    home = state / "homes" / "camille"
    (home / ".civicai").mkdir(parents=True)
    return state


def test_organisation_is_kept_and_a_bad_logo_is_refused_in_french(state, tmp_path):
    assert organisation.load(state) == {"name": "Médiathèque Émile-Zola", "place": "Lunel", "logo": "logo.png"}
    organisation.save(state, place="Lunel (Hérault)")  # the other settings stay
    assert organisation.load(state)["name"] == "Médiathèque Émile-Zola"
    fake = tmp_path / "faux.png"
    fake.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(UserError, match="PNG ou JPEG"):
        organisation.save(state, logo=str(fake))
    broken = tmp_path / "casse.png"
    broken.write_bytes(png()[:30])
    with pytest.raises(UserError, match="abîmé"):
        organisation.save(state, logo=str(broken))
    assert organisation.logo_path(state).read_bytes() == png()  # the good logo survived both refusals


def test_key_is_private_and_its_did_round_trips(state):
    key = keys.private_key(state)
    assert stat.S_IMODE(keys.key_path(state).stat().st_mode) == 0o600
    did = keys.did_key(key.public_key())
    assert did.startswith("did:key:z6Mk")  # the prefix every Ed25519 did:key has
    assert keys.public_from_method(keys.verification_method(did)).public_bytes_raw() == key.public_key().public_bytes_raw()
    assert keys.did_key(keys.private_key(state).public_key()) == did  # made once, then reused


def issued(state) -> Path:
    profiles.set_choice(state, "camille", name="Camille Dupré-Nguyen", quiz=False)
    return issue.issue(state, "camille", facilitator="Karim B.", when=WHEN)


def test_credential_verifies_offline_and_one_changed_byte_fails(state, tmp_path):
    folder = issued(state)
    raw = (folder / "attestation.json").read_bytes()
    cred = credential.verify(json.loads(raw))
    assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert cred["credentialSubject"]["identifier"][0]["identityHash"] == "Camille Dupré-Nguyen"
    did = keys.did_key(keys.private_key(state).public_key())
    credential.verify(json.loads(raw), trusted_did=did)
    # one byte of the name changed: "Camille" -> "Camilla"
    i = raw.index(b'"identityHash": "Camille')
    j = i + len(b'"identityHash": "Camill')
    tampered = raw[:j] + b"a" + raw[j + 1:]
    assert len(tampered) == len(raw) and sum(a != b for a, b in zip(raw, tampered)) == 1
    with pytest.raises(credential.InvalidCredential, match="modifiée"):
        credential.verify(json.loads(tampered))
    # every single byte of the signature matters too
    value = cred["proof"]["proofValue"]
    cred["proof"]["proofValue"] = value[:-1] + ("2" if value[-1] != "2" else "3")
    with pytest.raises(credential.InvalidCredential, match="modifiée"):
        credential.verify(cred)
    # another organisation's key is told apart
    with pytest.raises(credential.InvalidCredential, match="autre clé"):
        credential.verify(json.loads(raw), trusted_did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")


@pytest.mark.slow  # starts a process (the verifier command)
def test_verifier_command_says_in_french_why_a_file_is_refused(state, tmp_path):
    folder = issued(state)
    good = folder / "attestation.json"
    cmd = [sys.executable, "-m", "civicai", "attestation", "verifier"]
    ok = subprocess.run(cmd + [str(good)], capture_output=True, text=True)
    assert ok.returncode == 0 and "Attestation valide" in ok.stdout and "Médiathèque Émile-Zola" in ok.stdout
    raw = bytearray(good.read_bytes())
    i = raw.index(b'"validFrom": "2026-12-02')
    raw[i + len('"validFrom": "2026-12-0')] = ord("3")  # one byte: the 2nd becomes the 3rd
    bad = tmp_path / "modifiee.json"
    bad.write_bytes(bytes(raw))
    ko = subprocess.run(cmd + [str(bad)], capture_output=True, text=True)
    assert ko.returncode == 2 and "a été modifiée" in ko.stderr and "Traceback" not in ko.stderr
    extra = json.loads(good.read_text())
    extra["credentialSubject"]["salaire"] = 1
    (tmp_path / "champ.json").write_text(json.dumps(extra))
    ko = subprocess.run(cmd + [str(tmp_path / "champ.json")], capture_output=True, text=True)
    assert ko.returncode == 2 and "champs inconnus (salaire)" in ko.stderr
    (tmp_path / "vide.json").write_text("pas du json")
    ko = subprocess.run(cmd + [str(tmp_path / "vide.json")], capture_output=True, text=True)
    assert ko.returncode == 2 and "pas un fichier JSON lisible" in ko.stderr


def pdf_text(path: Path, tmp_path: Path) -> str:
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    assert sorted(tmp_path.glob("page*.png")), "pdftoppm rendered no page"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts  # embedded
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow  # starts a process (pdftoppm, pdffonts, pdftotext)
def test_pdf_is_french_and_readable_back(state, tmp_path):
    folder = issued(state)
    text = " ".join(pdf_text(folder / "attestation.pdf", tmp_path).split())
    for expected in ("Attestation de formation", "Camille Dupré-Nguyen", "Médiathèque Émile-Zola", "Lunel",
                     "Karim B.", "2 décembre 2026", "article 4", "2 février 2025", "ne dit pas qu'une organisation "
                     "respecte ce règlement"):
        assert expected in text, expected
    assert "Quiz avant" not in text  # no consent, no quiz
    data = json.loads((folder / "donnees.json").read_text())
    assert data["name"] == "Camille Dupré-Nguyen" and data["quiz_consent"] is False


def test_time_spent_sums_finished_sessions_only(tmp_path):
    t = lambda h, m: datetime(2026, 12, 2, h, m, tzinfo=timezone.utc)  # noqa: E731
    sessions.record(tmp_path, "ana", "start", t(9, 0))
    sessions.record(tmp_path, "ana", "stop", t(10, 30))
    sessions.record(tmp_path, "bob", "start", t(9, 0))
    sessions.record(tmp_path, "ana", "start", t(14, 0))  # still running: not counted yet
    assert sessions.seconds(tmp_path, "ana") == 90 * 60
    assert sessions.seconds(tmp_path, "bob") == 0


def test_names_typed_by_participants_are_checked(tmp_path):
    with pytest.raises(UserError, match="invisibles"):
        profiles.set_choice(tmp_path, "ana", name="Ana\u202eevil", quiz=True)
    with pytest.raises(UserError, match="trop long"):
        profiles.set_choice(tmp_path, "ana", name="A" * 81, quiz=True)
    assert profiles.set_choice(tmp_path, "ana", name="  Ana   Lopez ", quiz=True) == {"name": "Ana Lopez", "quiz": True}
    with pytest.raises(UserError):
        issue.documents_dir(tmp_path, "../secrets")


def test_hub_wiring_is_idempotent_and_keeps_what_is_there(state):
    c = Config()
    c.JupyterHub.template_vars = {"civicai_demonstration": False}
    c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "access:services!service=debat"]}]
    configure(c, state)
    vars_before = c.JupyterHub.template_vars
    configure(c, state)
    assert c.JupyterHub.template_vars is vars_before  # updated in place, never replaced
    assert c.JupyterHub.template_vars == {"civicai_demonstration": False, "organisation": {
        "name": "Médiathèque Émile-Zola", "place": "Lunel", "logo": "/services/attestation/logo"}}
    assert [s["name"] for s in c.JupyterHub.services] == ["attestation"]
    user = next(r for r in c.JupyterHub.load_roles if r["name"] == "user")
    assert user["scopes"] == ["self", "access:services!service=debat", "access:services!service=attestation"]
    hook = c.Spawner.pre_spawn_hook
    assert hook.__self__.previous_pre is None  # the second call did not wrap the first
    assert "authenticator_class" not in c.JupyterHub  # the workshop code stays the default


def test_choices_saved_under_the_old_french_file_name_are_still_read(tmp_path):
    """A hub updated in the middle of a workshop keeps what participants chose before (read old, write new)."""
    (tmp_path / "attestation").mkdir()
    (tmp_path / "attestation" / "profils.json").write_text('{"ana": {"name": "Ana Lopez", "quiz": true}}')
    assert profiles.get(tmp_path, "ana") == {"name": "Ana Lopez", "quiz": True}
    profiles.set_choice(tmp_path, "bo", name="Bo", quiz=False)
    assert (tmp_path / "attestation" / "profiles.json").is_file()
    assert profiles.get(tmp_path, "ana") == {"name": "Ana Lopez", "quiz": True}
