"""Does the kit read FairFace's layouts, and say in French what is wrong when it cannot?"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from civicai.errors import UserError
from civicai.faces import config, data


def _jpeg(path, value=128):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((32, 32, 3), value, np.uint8)).save(path)


@pytest.fixture
def fairface_layout(tmp_path):
    """A tiny folder in FairFace's own layout (synthetic grey images, real vocabulary)."""
    rows = ["file,age,gender,race,service_test"]
    for i, (race, gender, age) in enumerate([("Black", "Female", "20-29"), ("White", "Male", "30-39"),
                                              ("Indian", "Female", "3-9"), ("White", "Male", "50-59")]):
        _jpeg(tmp_path / "val" / f"{i + 1}.jpg", 40 * i)
        rows.append(f"val/{i + 1}.jpg,{age},{gender},{race},True")
    (tmp_path / "fairface_label_val.csv").write_text("\n".join(rows) + "\n")
    _jpeg(tmp_path / "train" / "1.jpg")
    (tmp_path / "fairface_label_train.csv").write_text(
        "file,age,gender,race,service_test\ntrain/1.jpg,20-29,Male,East Asian,False\n")
    return tmp_path


def test_sample_layout_is_read_with_its_560_labelled_images(fairface_sample):
    faces = data.read_faceset(fairface_sample)
    assert faces.layout == "echantillon"
    assert len(faces) == 560
    counts = faces.table.groupby(["race", "gender"]).size()
    assert len(counts) == 14 and set(counts) == {40}
    assert faces.table["groupe"].notna().all() and faces.table["genre"].notna().all()


def test_fairface_layout_reads_both_splits_and_audit_keeps_adults_of_val(fairface_layout):
    faces = data.read_faceset(fairface_layout)
    assert faces.layout == "fairface"
    assert len(faces) == 5
    audit_set = data.balanced_sample(faces, per_cell=40)
    # validation split only, and the child (3-9) is left out
    assert sorted(audit_set.table["file"]) == ["val/1.jpg", "val/2.jpg", "val/4.jpg"]


def test_image_paths_list_the_same_images_as_the_table_without_pandas(fairface_sample, fairface_layout):
    """The kiosk's light demo reads file names only: the same images, in the same order."""
    for folder in (fairface_sample, fairface_layout):
        table = data.read_faceset(folder).table.sort_values("file")
        assert [str(p) for p in data.image_paths(folder)] == list(table["path"])
    with pytest.raises(UserError, match="ne ressemble pas à FairFace"):
        data.image_paths(fairface_sample / "images")


def test_balanced_sample_draws_the_same_faces_with_the_same_seed(fairface_sample):
    faces = data.read_faceset(fairface_sample)
    a = data.balanced_sample(faces, per_cell=5, seed=3).table["file"].tolist()
    b = data.balanced_sample(faces, per_cell=5, seed=3).table["file"].tolist()
    assert a == b and len(a) == 70


@pytest.mark.parametrize("content, words", [
    ("file,age,gender\nimages/a.jpg,20-29,Male\n", "il manque race"),
    ("file,age,gender,race\nimages/a.jpg,20-29,Homme,White\n", "valeurs inconnues"),
])
def test_bad_label_files_are_explained_in_french(tmp_path, content, words):
    (tmp_path / "labels.csv").write_text(content)
    with pytest.raises(UserError, match=words):
        data.read_faceset(tmp_path)


def test_an_empty_label_file_is_refused_by_both_loaders_with_the_same_reason(monkeypatch, tmp_path):
    (tmp_path / "labels.csv").write_text("file,age,gender,race\n")
    monkeypatch.setenv("CIVICAI_FAIRFACE_DIR", str(tmp_path))
    for load in (data.load_fairface, data.load_fairface_images):
        found, message = load()
        assert found is None and "ne sont pas installées" in message and "est vide" not in message


def test_missing_images_are_listed(tmp_path):
    (tmp_path / "labels.csv").write_text("file,age,gender,race\nimages/absente.jpg,20-29,Male,White\n")
    with pytest.raises(UserError, match="manquent.*images/absente.jpg"):
        data.read_faceset(tmp_path)


def test_empty_variable_means_no_fairface_and_gives_the_french_explanation(monkeypatch, tmp_path):
    monkeypatch.setenv("CIVICAI_FAIRFACE_DIR", "")
    monkeypatch.setenv("CIVICAI_CONFIG_DIR", str(tmp_path))
    faces, message = data.load_fairface()
    assert faces is None
    assert "ne sont pas installées" in message and "prévenez la personne qui anime" in message
    # nothing for operators reaches learners and visitors: no command, no setting, no path
    assert "civicai" not in message and "CIVICAI_" not in message and "`" not in message


def test_config_file_is_used_when_the_variable_is_unset(monkeypatch, tmp_path, fairface_sample):
    monkeypatch.delenv("CIVICAI_FAIRFACE_DIR", raising=False)
    monkeypatch.setenv("CIVICAI_CONFIG_DIR", str(tmp_path))
    path = config.save_fairface_dir(fairface_sample, layout="echantillon", images=560)
    assert json.loads(path.read_text())["chemin"] == str(fairface_sample.resolve())
    faces, message = data.load_fairface()
    assert faces is not None and message == ""


def test_a_broken_setting_falls_back_and_the_operator_command_gives_the_reason(monkeypatch, tmp_path, capsys):
    from civicai.cli import main

    monkeypatch.setenv("CIVICAI_FAIRFACE_DIR", str(tmp_path / "nulle-part"))
    faces, message = data.load_fairface()
    assert faces is None and "nulle-part" not in message
    assert main(["donnees", "fairface"]) == 1
    out = capsys.readouterr().out
    assert "inutilisable" in out and "nulle-part" in out


def test_shipped_faces_work_offline():
    faces = data.shipped_faces(5)
    assert len(faces) == 5 and all(f.dtype == np.uint8 and f.shape == (200, 200, 3) for f in faces)
    assert len(data.shipped_non_faces(3)) == 3


def test_datasheet_column_table_matches_the_loader_and_the_sample(fairface_sample):
    """The datasheet lists exactly the values the loader accepts, and the sample uses only those."""
    from testkit import REPO

    sheet = (REPO / "datasets" / "fairface" / "DATASHEET.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line.split("|")[2] for line in sheet.splitlines()
            if line.startswith("| `") and line.count("|") >= 4}
    for column, allowed in (("age", data.AGES), ("gender", data.GENDERS), ("race", data.RACES)):
        listed = [v.strip(" `") for v in rows[column].split(",")]
        assert listed == list(allowed), column
    table = data.read_faceset(fairface_sample).table
    assert set(table["race"]) == set(data.RACES) and set(table["gender"]) == set(data.GENDERS)
    assert set(table["age"]) <= set(data.ADULT_AGES)
    assert "CC BY 4.0" in sheet and "Kärkkäinen" in sheet
