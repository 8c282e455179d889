"""Does ``civicai donnees fairface`` record a good folder and explain every failure in French?"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from civicai.cli import main
from civicai.errors import UserError
from civicai.faces import cli as faces_cli
from testkit import REPO, free_port


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    monkeypatch.setenv("CIVICAI_CONFIG_DIR", str(folder))
    monkeypatch.delenv("CIVICAI_FAIRFACE_DIR", raising=False)
    return folder


def _run(*args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "civicai", *args], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120)


@pytest.mark.slow  # starts `civicai`
def test_wrong_path_exits_2_with_a_french_message_and_no_traceback(tmp_path):
    res = _run("donnees", "fairface", "--chemin", str(tmp_path / "absent"),
               env_extra={"CIVICAI_CONFIG_DIR": str(tmp_path)})
    assert res.returncode == 2
    assert "n'existe pas" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "fairface.json").exists()


def test_a_folder_that_is_not_fairface_is_refused(config_dir, tmp_path, capsys):
    (tmp_path / "autre").mkdir()
    assert main(["donnees", "fairface", "--chemin", str(tmp_path / "autre")]) == 2
    assert "ne ressemble pas à FairFace" in capsys.readouterr().err


def test_the_sample_is_recorded_and_then_shown(config_dir, fairface_sample, capsys):
    assert main(["donnees", "fairface", "--chemin", str(fairface_sample)]) == 0
    out = capsys.readouterr().out
    assert "560 images" in out and "échantillon du kit" in out
    saved = json.loads((config_dir / "fairface.json").read_text())
    assert saved == {"chemin": str(fairface_sample.resolve()), "format": "echantillon", "images": 560}
    assert main(["donnees", "fairface"]) == 0
    assert str(fairface_sample.resolve()) in capsys.readouterr().out


def test_offline_download_fails_with_a_clear_french_message(config_dir, tmp_path, monkeypatch):
    port = free_port()  # nothing listens there: like a machine without Internet
    monkeypatch.setattr(faces_cli, "RELEASE", {"fairface_label_val.csv": f"http://127.0.0.1:{port}/x"})
    with pytest.raises(UserError, match="pas d'accès à Internet.*--chemin") as err:
        faces_cli.download_release(tmp_path / "ff")
    assert "clé USB" in str(err.value)
    assert not list((tmp_path / "ff").glob("*.partiel"))
    assert not (config_dir / "fairface.json").exists()


def _release_folder(folder, *, corrupt=False):
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text("file,age,gender,race\n")
    with zipfile.ZipFile(folder / "images.zip", "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("val/1.txt", "contenu de test " * 20)
    if corrupt:  # flip a byte of the stored member: its CRC-32 no longer matches
        raw = bytearray((folder / "images.zip").read_bytes())
        i = raw.index(b"contenu de test")
        raw[i] ^= 0xFF
        (folder / "images.zip").write_bytes(bytes(raw))


def test_download_checks_zip_crc_and_recorded_sha256(tmp_path, monkeypatch):
    release = {"a.csv": "http://unused", "images.zip": "http://unused"}
    monkeypatch.setattr(faces_cli, "RELEASE", release)
    good = tmp_path / "good"
    _release_folder(good)
    archive_name = "images.zip"
    monkeypatch.setattr(faces_cli, "ARCHIVE", archive_name)
    faces_cli.download_release(good)
    sums = (good / "SHA256SUMS").read_text()
    assert "a.csv" in sums and (good / "val" / "1.txt").is_file()
    # a file that changed after the first download is caught by its SHA-256
    (good / "a.csv").write_text("modifié\n")
    with pytest.raises(UserError, match="empreinte SHA-256"):
        faces_cli.download_release(good)
    bad = tmp_path / "bad"
    _release_folder(bad, corrupt=True)
    with pytest.raises(UserError, match="abîmée"):
        faces_cli.download_release(bad)


@pytest.mark.slow  # starts `civicai`
def test_help_is_in_french():
    res = _run("donnees", "fairface", "--help")
    assert res.returncode == 0 and "télécharger" in res.stdout and "--chemin" in res.stdout
