"""The organisation's Ed25519 key (``cryptography``), made once and kept in the state folder (mode 600).

The public key is published as a ``did:key`` (W3C CCG « The did:key Method »): the identifier *is*
the key, so a verifier needs no network to resolve it. Multibase base58btc with the multicodec prefix
``0xed01`` (ed25519-pub), as the Data Integrity EdDSA cryptosuites specify.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from civicai.errors import UserError

KEY_FILE = "cle-ed25519.pem"
ED25519_PUB = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        i = _B58.find(ch)
        if i < 0:
            raise ValueError(f"not base58: {ch!r}")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def key_path(state_dir) -> Path:
    return Path(state_dir) / "organisation" / KEY_FILE


def private_key(state_dir, *, create: bool = True) -> Ed25519PrivateKey:
    """The organisation's key; made on first use, written with mode 600 before any byte of it."""
    path = key_path(state_dir)
    if not path.exists():
        if not create:
            raise UserError("Cette organisation n'a pas encore de clé : elle est créée à la première "
                            "attestation (civicai attestation generer).")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return key
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # someone loosened it: the key must stay the organisation's only
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"Le fichier {path} ne contient pas une clé Ed25519.")
    return key


def did_key(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + b58encode(ED25519_PUB + raw)


def verification_method(did: str) -> str:
    return f"{did}#{did.removeprefix('did:key:')}"


def public_from_method(method: str) -> Ed25519PublicKey:
    """The public key named by a ``did:key:z...#z...`` verification method; ValueError if it is not one."""
    did = method.split("#", 1)[0]
    if not did.startswith("did:key:z"):
        raise ValueError("not a did:key")
    raw = b58decode(did.removeprefix("did:key:z"))
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise ValueError("not an Ed25519 did:key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
