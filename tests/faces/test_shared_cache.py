"""Module 2's shared predictions: filled once by the hub's account, read by every participant."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path

import pytest
from traitlets.config import Config

from civicai.faces import classify, shared
from civicai.faces.hubconfig import FOLDER, SERVICE, configure


def test_configure_sets_service_and_folder_once(tmp_path):
    c = Config()
    configure(c, state_dir=tmp_path)
    first = (list(c.JupyterHub.services), dict(c.Spawner.environment))
    configure(c, state_dir=tmp_path)
    assert (list(c.JupyterHub.services), dict(c.Spawner.environment)) == first
    (service,) = [s for s in c.JupyterHub.services if s["name"] == SERVICE]
    assert service["command"][-2:] == [str(tmp_path.resolve() / FOLDER), "--rester"]
    assert c.Spawner.environment[shared.ENV_VAR] == str(tmp_path.resolve() / FOLDER)
    assert not any("WORKSHOP" in k or "ADMIN" in k for k in service["environment"])


def test_hub_config_wires_the_shared_cache(tmp_path, monkeypatch):
    from civicai.hub.config import configure_local

    monkeypatch.setenv("CIVICAI_MODE", "demonstration")
    c = Config()
    configure_local(c, state_dir=tmp_path)
    assert SERVICE in [s["name"] for s in c.JupyterHub.services]
    assert shared.ENV_VAR in c.Spawner.environment


def test_no_shared_folder_reads_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv(shared.ENV_VAR, raising=False)
    assert shared.shared_dir() is None and shared.read_shared("k") == {}
    monkeypatch.setenv(shared.ENV_VAR, str(tmp_path / "absent"))
    assert shared.read_shared("k") == {}
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "predictions-k.json").write_text("{pas du json")
    assert shared.read_shared("k", tmp_path / "bad") == {}


@pytest.mark.slow
def test_filled_once_then_read_without_computing(fairface_sample, tmp_path, monkeypatch):
    faces = classify.pd.read_csv(fairface_sample / "labels.csv").head(3)
    table = faces.assign(path=[str(fairface_sample / f) for f in faces["file"]])
    folder = tmp_path / "visages-cache"
    # two fillers at once (the service restarted while the first runs): the lock makes them take turns
    counts = []
    threads = [threading.Thread(target=lambda: counts.append(shared.fill(folder, list(map(Path, table["path"])))))
               for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(counts) == [0, 3]
    target = shared.shared_file(folder, classify.model_key())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # participants read, only the hub writes
    assert not list(folder.glob("*.tmp*"))
    saved = json.loads(target.read_text())
    assert len(saved) == 3

    # a participant: the shared folder, an empty personal cache; the classifier must not run
    monkeypatch.setenv(shared.ENV_VAR, str(folder))
    monkeypatch.setenv("CIVICAI_CACHE_DIR", str(tmp_path / "perso"))

    def must_not_run(image):
        raise AssertionError("the classifier ran although the shared cache holds this photo")

    monkeypatch.setattr(classify, "predict_image", must_not_run)
    preds = classify.predict_table(table, progress=False)
    digests = [classify.file_sha256(p) for p in table["path"]]
    assert list(preds["prediction"]) == [saved[d]["prediction"] for d in digests]
    assert not (tmp_path / "perso").exists()  # nothing copied into the participant's home
