"""Module delivery follows nbgitpuller's merge: never lose a participant's change."""

from __future__ import annotations

import pytest

from civicai.hub.sync import restore, sync_modules


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "source"
    (src / "m1").mkdir(parents=True)
    (src / "m1" / "a.ipynb").write_text("version 1")
    (src / "m1" / "b.md").write_text("guide v1")
    (src / "m1" / ".ipynb_checkpoints").mkdir()
    (src / "m1" / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("noise")
    return src


def test_first_delivery_copies_everything_but_checkpoints(source, tmp_path):
    home = tmp_path / "home"
    report = sync_modules(source, home)
    assert sorted(report.added) == ["modules/m1/a.ipynb", "modules/m1/b.md"]
    assert (home / "modules/m1/a.ipynb").read_text() == "version 1"
    assert not (home / "modules/m1/.ipynb_checkpoints").exists()


def test_untouched_files_are_updated_and_changed_ones_kept(source, tmp_path):
    home = tmp_path / "home"
    sync_modules(source, home)
    (home / "modules/m1/a.ipynb").write_text("my answers")  # the participant works
    (source / "m1" / "a.ipynb").write_text("version 2")      # the kit is updated
    (source / "m1" / "b.md").write_text("guide v2")
    report = sync_modules(source, home)
    assert report.kept == ["modules/m1/a.ipynb"]
    assert report.updated == ["modules/m1/b.md"]
    assert (home / "modules/m1/a.ipynb").read_text() == "my answers"
    assert (home / "modules/m1/b.md").read_text() == "guide v2"


def test_a_new_module_appears_and_a_deleted_file_comes_back(source, tmp_path):
    home = tmp_path / "home"
    sync_modules(source, home)
    (home / "modules/m1/b.md").unlink()
    (source / "m2").mkdir()
    (source / "m2" / "c.ipynb").write_text("new module")
    report = sync_modules(source, home)
    assert sorted(report.added) == ["modules/m1/b.md", "modules/m2/c.ipynb"]


def test_a_file_equal_to_the_new_version_counts_as_untouched(source, tmp_path):
    home = tmp_path / "home"
    sync_modules(source, home)
    (home / "modules/m1/a.ipynb").write_text("version 2")
    (source / "m1" / "a.ipynb").write_text("version 2")
    assert sync_modules(source, home).kept == []
    (source / "m1" / "a.ipynb").write_text("version 3")
    assert sync_modules(source, home).updated == ["modules/m1/a.ipynb"]


def test_restore_gives_a_fresh_copy_and_keeps_the_participants_version(source, tmp_path):
    home = tmp_path / "home"
    sync_modules(source, home)
    (home / "modules/m1/a.ipynb").write_text("my answers")
    saved = restore(home, "modules/m1/a.ipynb", source)
    assert (home / "modules/m1/a.ipynb").read_text() == "version 1"
    assert saved.name == "a (ma version).ipynb" and saved.read_text() == "my answers"
    with pytest.raises(FileNotFoundError):
        restore(home, "modules/m1/nope.ipynb", source)
