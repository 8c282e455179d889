"""Do the detectors find faces, and do the capture conditions change the image as documented?"""

from __future__ import annotations

import numpy as np
import pytest

from civicai.faces import data, detect


@pytest.fixture(scope="module")
def astronaut():
    return detect.prepare(data.shipped_faces(1)[0])


@pytest.mark.parametrize("detector", detect.DETECTORS)
def test_detectors_find_the_astronaut_face_and_not_a_flat_image(astronaut, detector):
    boxes = detect.detect_faces(astronaut, detector)
    assert len(boxes) >= 1
    left, top, right, bottom = detect.nearest_centre(boxes, astronaut.shape)
    assert 0 <= left < right <= 224 and 0 <= top < bottom <= 224
    assert detect.detect_faces(np.full((224, 224, 3), 120, np.uint8), detector) == []


def test_unknown_detector_and_condition_are_refused(astronaut):
    with pytest.raises(ValueError):
        detect.detect_faces(astronaut, "magic")
    with pytest.raises(ValueError):
        detect.apply_condition(astronaut, "pluie", 1)


def test_conditions_change_the_image_in_the_documented_direction(astronaut):
    img = astronaut
    assert np.abs(detect.apply_condition(img, "exposition", 1.0).astype(int) - img).mean() < 2
    assert detect.apply_condition(img, "exposition", 0.1).mean() < 0.7 * img.mean()
    assert detect.apply_condition(img, "exposition", 4.0).mean() > img.mean()
    assert detect.apply_condition(img, "contraste", 0.2).std() < 0.3 * img.std()
    blurred = detect.apply_condition(img, "flou", 4.0)
    assert np.abs(np.diff(blurred.astype(int), axis=1)).mean() < 0.6 * np.abs(np.diff(img.astype(int), axis=1)).mean()
    small = detect.apply_condition(img, "resolution", 24)
    assert small.shape == img.shape and not np.array_equal(small, img)
    assert np.array_equal(detect.apply_condition(img, "exposition", 0.2, seed=1),
                          detect.apply_condition(img, "exposition", 0.2, seed=1))


def test_darkness_lowers_the_detection_rate_on_sample_faces(fairface_sample):
    faces = data.read_faceset(fairface_sample)
    images = [data.load_rgb(p) for p in faces.table.sort_values("file")["path"].head(12)]
    rates = detect.detection_rates(images, conditions={"exposition": (1 / 32, 1.0)},
                                   detectors=("hog", "haar"), progress=False)
    hog = rates[rates.detecteur == "hog"].set_index("niveau")["taux"]
    assert set(rates.columns) == {"condition", "niveau", "detecteur", "trouves", "n", "taux"}
    assert (rates["n"] == 12).all()
    assert hog[1 / 32] < hog[1.0]


def test_draw_boxes_does_not_touch_the_original(astronaut):
    out = detect.draw_boxes(astronaut, [(10, 10, 50, 50)])
    assert not np.array_equal(out, astronaut) and out.shape == astronaut.shape
