"""The settings object: one reader of the environment and of the settings file; configs that can run twice."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from traitlets.config import Config

from civicai.errors import UserError
from civicai.settings import SETTINGS_ENV, Settings, write
from testkit import REPO


def test_defaults_environment_then_file_the_later_wins(tmp_path):
    assert Settings.load({}).port == 8000 and Settings.load({}).facilitators == ("formateur",)
    env = {"CIVICAI_PORT": "8100", "CIVICAI_FORMATEURS": " alice, karim ,", "CIVICAI_STATE_DIR": str(tmp_path)}
    from_env = Settings.load(env)
    assert (from_env.port, from_env.facilitators, from_env.state_dir) == (8100, ("alice", "karim"), tmp_path)
    written = write(dataclasses.replace(from_env, port=8200, mode="demonstration"))
    assert written.parent == tmp_path and oct(written.stat().st_mode & 0o777) == "0o600"
    from_file = Settings.load({**env, "CIVICAI_PORT": "9999", SETTINGS_ENV: str(written)})
    assert from_file.port == 8200 and from_file.demonstration
    assert from_file.facilitators == ("alice", "karim")


def test_bad_values_get_a_french_error(tmp_path):
    with pytest.raises(UserError, match="CIVICAI_PORT doit être un nombre entier"):
        Settings.load({"CIVICAI_PORT": "huit-mille"})
    broken = tmp_path / "reglages.json"
    broken.write_text("{pas du json")
    with pytest.raises(UserError, match="illisible"):
        Settings.load({SETTINGS_ENV: str(broken)})


def test_servir_turns_its_options_into_the_settings_of_the_run(tmp_path, monkeypatch):
    import argparse

    from civicai.hub.serve import run_settings

    monkeypatch.setenv("CIVICAI_FORMATEURS", "alice")
    args = argparse.Namespace(ip="0.0.0.0", port=8100, mode_demonstration=True, formateurs=None, code="abcd-efgh")
    chosen = run_settings(args, tmp_path)
    assert chosen.demonstration and chosen.mode == "demonstration"
    assert (chosen.ip, chosen.port, chosen.state_dir, chosen.facilitators) == ("0.0.0.0", 8100, tmp_path, ("alice",))
    assert chosen.workshop_code == "abcd-efgh" and chosen.hub_port and chosen.proxy_api_port
    reread = Settings.load({SETTINGS_ENV: str(write(chosen))})
    assert dataclasses.replace(reread, forwarded=()) == dataclasses.replace(chosen, forwarded=())
    args.code, args.mode_demonstration, args.formateurs = "court", False, "karim, lea"
    with pytest.raises(UserError, match="au moins 8 caractères"):
        run_settings(args, tmp_path)
    args.code = None
    assert run_settings(args, tmp_path).facilitators == ("karim", "lea")
    assert not run_settings(args, tmp_path).demonstration


def test_secrets_are_not_forwarded_to_user_servers():
    chosen = Settings.load({"CIVICAI_FAIRFACE_DIR": "/d", "CIVICAI_ADMIN_PASSWORD": "x", SETTINGS_ENV: ""})
    assert chosen.forwarded == ("CIVICAI_FAIRFACE_DIR",)


def test_an_empty_fairface_variable_means_no_fairface():
    assert Settings.load({"CIVICAI_FAIRFACE_DIR": ""}).fairface_dir == ""
    assert Settings.load({}).fairface_dir is None


def test_no_module_but_settings_reads_a_civicai_variable():
    """The fact this module exists for: ``os.environ`` is asked for CIVICAI_* names in one file only."""
    offenders = []
    for path in sorted((REPO / "civicai").rglob("*.py")):
        if path.name == "settings.py" and path.parent.name == "civicai":
            continue
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if ("os.environ" in line or "getenv" in line) and "CIVICAI_" in line:
                offenders.append(f"{path.relative_to(REPO)}:{n}")
    # Inter-process addresses set by the hub for one process (not operator settings) are allowed.
    allowed = {"CIVICAI_DEBAT_URL", "CIVICAI_DEBAT_DB", "CIVICAI_SALLE_URL", "CIVICAI_SALLE_HOMES"}
    offenders = [o for o in offenders if not any(
        a in (REPO / o.split(":")[0]).read_text().splitlines()[int(o.split(":")[1]) - 1] for a in allowed)]
    assert offenders == []


def _config_dict(c: Config) -> dict:
    """A comparable, deep copy of a traitlets config (sets sorted)."""
    def plain(v):  # a hook is compared by the function it names, not by its object's address
        return sorted(v) if isinstance(v, (set, frozenset)) else getattr(v, "__qualname__", None) or str(v)

    return json.loads(json.dumps(c, default=plain))


def test_applying_the_hub_configuration_twice_gives_the_same_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVICAI_STATE_DIR", str(tmp_path / "etat"))
    monkeypatch.setenv("CIVICAI_HUB_PORT", "18081")
    from civicai.hub.config import apply_listen, configure_local

    course = tmp_path / "etat" / "courses" / "m1"  # a course: a folder with nbgrader_config.py
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    (course / "civicai-cours.json").write_text('{"formateurs": ["formateur"]}')
    c = Config()
    configure_local(c)
    apply_listen(c)
    once = _config_dict(c)
    assert any(s["name"].startswith("formgrader-") for s in once["JupyterHub"]["services"])
    assert any(s["name"] == "debat" for s in once["JupyterHub"]["services"])
    configure_local(c)
    apply_listen(c)
    assert _config_dict(c) == once
    fresh = Config()
    configure_local(fresh)
    apply_listen(fresh)
    assert _config_dict(fresh) == once


def test_the_slurm_configuration_can_run_twice(tmp_path):
    pytest.importorskip("batchspawner")
    from civicai.cluster.slurm import configure_slurm

    env = {"CIVICAI_SLURM_PARTITION": "interactive", "CIVICAI_STATE_DIR": str(tmp_path)}
    c = Config()
    configure_slurm(c, env=env)
    once = _config_dict(c)
    configure_slurm(c, env=env)
    assert _config_dict(c) == once


@pytest.mark.slow
def test_a_non_editable_install_finds_the_kit_and_runs_a_notebook(tmp_path):
    """A wheel installed (not -e) into a fresh venv: ``civicai --help`` works, and so does a notebook run from
    the kit's folder, although the package now lives in site-packages, away from modules/."""
    source = tmp_path / "source"  # a copy: building in the checkout would leave build/ behind
    shutil.copytree(REPO / "civicai", source / "civicai", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICAI_") and k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "wheel"), str(source)], check=True, env=env, timeout=600)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    # The dependencies come from the project's venv: its site-packages as a plain path (a path line in a
    # .pth file does not run that folder's own .pth files, so the editable civicai stays out).
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next((tmp_path / "wheel").glob("*.whl"))
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, env=env, timeout=600)
    where = subprocess.run([str(python), "-c", "import civicai; print(civicai.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(venv)), where  # the installed copy, not the checkout
    out = subprocess.run([str(venv / "bin" / "civicai"), "--help"], capture_output=True, text=True,
                         env=env, cwd=tmp_path, check=True).stdout
    assert "servir" in out
    notebook = REPO / "modules" / "01-comment-une-ia-apprend" / "demo-terrain-de-jeu.ipynb"
    code = ("import nbformat; from nbclient import NotebookClient; from civicai.paths import kit_root;"
            f"nb = nbformat.read({str(notebook)!r}, as_version=4);"
            "NotebookClient(nb, timeout=300, kernel_name='python3',"
            f" resources={{'metadata': {{'path': {str(notebook.parent)!r}}}}}).execute();"
            "print('KIT', kit_root())")
    run = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=dict(env, MPLBACKEND="Agg"),
                         cwd=notebook.parent, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"KIT {REPO}" in run.stdout
