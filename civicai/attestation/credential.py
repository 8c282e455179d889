"""The attestation as an Open Badges 3.0 credential (a W3C Verifiable Credential 2.0, JSON-LD), signed.

Proof: a Data Integrity proof with the ``eddsa-jcs-2022`` cryptosuite (W3C Recommendation « Data
Integrity EdDSA Cryptosuites v1.0 », 2025-05-15, §3.3): the document and the proof options are each
canonicalised with JCS (RFC 8785, the ``rfc8785`` package), hashed with SHA-256, and the two hashes
(options first) are signed with Ed25519 (``cryptography``). JCS works on the JSON as it is, so no
JSON-LD processing, hence no context download, is needed to sign or verify; the contexts still ship in
``contexts/`` and the verifier checks every term against them.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import cache
from pathlib import Path

import rfc8785
from cryptography.exceptions import InvalidSignature

from civicai.attestation import keys
from civicai.errors import UserError
from civicai.french import number

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT_FILES = {VC_CONTEXT: "credentials-v2.json", OB_CONTEXT: "ob-context-3.0.3.json"}
CRYPTOSUITE = "eddsa-jcs-2022"
MAX_BYTES = 1_000_000


class InvalidCredential(UserError):
    """The credential cannot be trusted: the message says why, in French."""


@cache
def known_terms() -> frozenset[str]:
    """Every term the shipped contexts define, at any depth (the contexts are protected and scoped)."""
    terms: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if not key.startswith("@"):
                    terms.add(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for name in CONTEXT_FILES.values():
        walk(json.loads((Path(__file__).with_name("contexts") / name).read_text(encoding="utf-8"))["@context"])
    return frozenset(terms)


def _hash_data(document: dict, options: dict) -> bytes:
    return hashlib.sha256(rfc8785.dumps(options)).digest() + hashlib.sha256(rfc8785.dumps(document)).digest()


def sign(document: dict, state_dir, *, created: str) -> dict:
    """``document`` with a ``proof`` made with the organisation's key (created on first use)."""
    key = keys.private_key(state_dir)
    did = keys.did_key(key.public_key())
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "created": created,
               "verificationMethod": keys.verification_method(did), "proofPurpose": "assertionMethod",
               "@context": unsecured["@context"]}
    signature = key.sign(_hash_data(unsecured, options))
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = "z" + keys.b58encode(signature)
    return {**unsecured, "proof": proof}


def load(path) -> dict:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InvalidCredential(f"Le fichier {path} est trop gros pour être une attestation.")
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"Le fichier {path} est introuvable.") from None
    except (OSError, UnicodeDecodeError, ValueError):
        raise InvalidCredential(f"Le fichier {path} n'est pas un fichier JSON lisible : il a été abîmé ou "
                                "ce n'est pas une attestation.") from None


def verify(credential: dict, *, trusted_did: str | None = None) -> dict:
    """Check a credential offline; return it, or raise :class:`InvalidCredential` with the reason.

    ``trusted_did``: the organisation's ``did:key`` when the verifier has it (``civicai attestation cle``);
    without it, the signature proves the credential is intact and was signed by the key it names.
    """
    if not isinstance(credential, dict):
        raise InvalidCredential("Ce fichier n'est pas une attestation (objet JSON attendu).")
    if credential.get("@context") != [VC_CONTEXT, OB_CONTEXT]:
        raise InvalidCredential("Cette attestation ne suit pas le format Open Badges 3.0 attendu "
                                "(contextes JSON-LD inconnus).")
    unknown = sorted(_terms(credential) - known_terms())
    if unknown:
        raise InvalidCredential(f"Cette attestation contient des champs inconnus ({', '.join(unknown[:5])}) : "
                                "elle a été modifiée ou ne vient pas de ce kit.")
    proof = credential.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE or proof.get("type") != "DataIntegrityProof":
        raise InvalidCredential("Cette attestation n'est pas signée (pas de preuve eddsa-jcs-2022).")
    method = proof.get("verificationMethod", "")
    issuer = credential.get("issuer", {})
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(method, str) or method.split("#", 1)[0] != issuer_id:
        raise InvalidCredential("La signature n'est pas celle de l'organisation qui a délivré l'attestation.")
    if trusted_did and issuer_id != trusted_did:
        raise InvalidCredential("Cette attestation a été signée avec une autre clé que celle de l'organisation "
                                "indiquée : elle ne vient pas d'elle.")
    try:
        public = keys.public_from_method(method)
        value = proof.get("proofValue", "")
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError("proofValue is not multibase base58btc")
        signature = keys.b58decode(value[1:])
        unsecured = {k: v for k, v in credential.items() if k != "proof"}
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        options["@context"] = unsecured["@context"]
        public.verify(signature, _hash_data(unsecured, options))
    except (ValueError, InvalidSignature, rfc8785.CanonicalizationError):
        raise InvalidCredential("La signature ne correspond pas au contenu : cette attestation a été modifiée "
                                "après sa délivrance, ou elle est fausse. Ne vous y fiez pas.") from None
    return credential


def _terms(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("@"):
                found.add(key)
            found |= _terms(value)
    elif isinstance(node, list):
        for item in node:
            found |= _terms(item)
    return found


def build(record: dict, organisation: dict, *, issuer_did: str, credential_id: str) -> dict:
    """The unsigned Open Badges 3.0 credential of one participant's attestation (:mod:`records`)."""
    achievement_id = f"{credential_id}#formation"
    results, descriptions = [], []
    for i, grade in enumerate(record["scores"], 1):
        rid = f"{achievement_id}-resultat-{i}"
        descriptions.append({"id": rid, "type": ["ResultDescription"], "name": f"Exercice {grade['exercice']}",
                             "resultType": "RawScore"})
        results.append({"type": ["Result"], "resultDescription": rid,
                        "value": f"{number(grade['score'], 2, trim=True)} / {number(grade['max'], 2, trim=True)}"})
    modules = ", ".join(m["title"] for m in record["modules"]) or "aucun module enregistré"
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Attestation de formation : comprendre l'intelligence artificielle",
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": organisation["name"],
                   "address": {"type": ["Address"], "addressLocality": organisation["place"]}},
        "validFrom": record["issued"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": record["name"]}],
            "achievement": {
                "id": achievement_id, "type": ["Achievement"],
                "name": "Initiation à l'intelligence artificielle (civic-ai-kit)",
                "description": f"Modules suivis : {modules}.",
                "criteria": {"narrative": record["narrative"]},
                **({"resultDescription": descriptions} if descriptions else {}),
            },
            "narrative": record["summary"],
            **({"result": results} if results else {}),
        },
    }
    return copy.deepcopy(credential)
