"""Unit tests of civicai.learn: do the models learn, do the helpers say the truth?"""

from __future__ import annotations

import numpy as np
import pytest

from civicai.learn import charlm, corpus, digits, draw, playground, words
from civicai.learn.mlp import TinyMLP


@pytest.fixture(scope="module")
def data():
    return digits.load_split()


# --- digits ---------------------------------------------------------------------------------

def test_our_digits_loader_returns_exactly_scikit_learns_digits():
    from sklearn.datasets import load_digits

    X, y = digits.load_all()
    ref = load_digits()
    assert np.array_equal(X, ref.data) and np.array_equal(y, ref.target)


def test_split_is_stratified_disjoint_and_reproducible(data):
    X, y = digits.load_all()
    again = digits.load_split()
    assert np.array_equal(data.X_test, again.X_test)
    assert len(data.y_train) + len(data.y_test) == len(y)
    # every digit keeps about a quarter of its pictures in the test part
    for c in range(10):
        share = (data.y_test == c).sum() / (y == c).sum()
        assert 0.2 < share < 0.3
    # no picture is in both parts (compare rows)
    train_rows = {r.tobytes() for r in data.X_train}
    overlap = sum(r.tobytes() in train_rows for r in data.X_test)
    assert overlap <= 5  # a few digits are exact duplicates in the original data set
    other = digits.load_split(seed=1)
    assert not np.array_equal(data.y_test, other.y_test)


def test_accuracy_and_confusion_agree():
    y_true = np.array([0, 1, 2, 2, 1, 0])
    y_pred = np.array([0, 2, 2, 2, 1, 1])
    m = digits.confusion(y_true, y_pred, n_classes=3)
    assert m.sum() == 6 and np.trace(m) == 4
    assert digits.accuracy(y_true, y_pred) == pytest.approx(np.trace(m) / m.sum())
    with pytest.raises(ValueError):
        digits.accuracy([1, 2], [1])


def test_nearest_neighbours_and_linear_model_learn_the_digits(data):
    knn = digits.scores(digits.nearest_neighbours(1), data)
    assert knn["entraînement"] == 1.0 and knn["test"] > 0.95
    lin = digits.linear_model()
    assert digits.scores(lin, data)["test"] > 0.93
    wrong = digits.failures(lin, data.X_test, data.y_test)
    assert 0 < len(wrong) < 0.07 * len(data.y_test)
    assert (lin.predict(data.X_test[wrong]) != data.y_test[wrong]).all()


def test_overfitting_curve_shows_a_growing_gap(data):
    curve = digits.overfitting_curve(data, depths=(2, 6, 15))
    assert curve["entraînement"].iloc[-1] > 0.99
    gap = curve["entraînement"] - curve["test"]
    assert gap.iloc[-1] > 0.08 and gap.iloc[-1] > gap.iloc[0]


def test_plots_return_figures(data):
    import matplotlib

    matplotlib.use("Agg")
    lin = digits.linear_model().fit(data.X_train, data.y_train)
    for fig in (digits.show_digits(data.X_train, data.y_train, n=5), digits.show_pixels(data.X_train[0]),
                digits.plot_confusion(data.y_test, lin.predict(data.X_test)),
                digits.show_failures(lin, data.X_test, data.y_test, n=4)):
        assert fig.axes


# --- numpy network --------------------------------------------------------------------------

def test_tiny_mlp_linear_cannot_do_xor_but_a_hidden_layer_can():
    X, y = playground.make_preset("xor", n=200, seed=3)
    lin = TinyMLP(hidden=(), seed=0).fit(X, y, steps=500)
    net = TinyMLP(hidden=(8, 8), seed=0).fit(X, y, steps=500)
    assert lin.score(X, y) < 0.8
    assert net.score(X, y) > 0.95
    assert net.loss(X, y) < lin.loss(X, y)


def test_tiny_mlp_save_load_roundtrip(tmp_path):
    X, y = playground.make_preset("cercles", n=60, seed=1)
    net = TinyMLP(hidden=(5,), seed=2).fit(X, y, steps=50)
    back = TinyMLP.load(net.save(tmp_path / "m.npz"))
    assert np.allclose(back.predict_proba(X), net.predict_proba(X), atol=1e-4)
    assert back.n_parameters == net.n_parameters == 2 * 5 + 5 + 5 * 2 + 2
    with pytest.raises(RuntimeError):
        TinyMLP().predict(X)


# --- drawing demo ---------------------------------------------------------------------------

_T = np.linspace(0, 2 * np.pi, 40)
HAND_DRAWN = {  # strokes as a visitor would draw them on a 360 px canvas
    0: [list(zip(180 + 70 * np.sin(_T), 180 - 110 * np.cos(_T)))],
    1: [[(170, 60), (190, 40), (190, 320)]],
    2: [[(100, 100), (130, 60), (200, 50), (250, 90), (240, 150), (100, 310), (270, 310)]],
    3: [[(100, 60), (250, 60), (170, 170), (250, 240), (220, 310), (100, 300)]],
    4: [[(200, 40), (90, 220), (270, 220)], [(220, 120), (220, 320)]],
    5: [[(250, 50), (120, 50), (110, 160), (200, 150), (250, 220), (220, 300), (100, 300)]],
    6: [[(220, 50), (150, 100), (110, 200), (110, 280), (150, 320), (220, 300), (240, 240), (200, 200),
         (120, 230)]],
    7: [[(100, 50), (260, 50), (150, 320)]],
    8: [list(zip(180 + 50 * np.sin(_T), 110 - 60 * np.cos(_T))) +
        list(zip(180 - 60 * np.sin(_T), 250 + 70 * np.cos(_T)))],
    9: [list(zip(180 + 60 * np.sin(_T), 110 - 60 * np.cos(_T))) + [(240, 110), (230, 320)]],
}


def test_strokes_become_an_8x8_digit_in_the_data_sets_range():
    img = draw.strokes_to_digit(HAND_DRAWN[1])
    assert img.shape == (64,) and img.min() >= 0 and img.max() <= 16
    grid = img.reshape(8, 8)
    assert grid[:, 3:5].sum() > 0.8 * grid.sum()          # a vertical stroke stays in the middle columns
    # scale and position do not matter: the same drawing, smaller and elsewhere
    small = [[(x / 3 + 10, y / 3 + 50) for x, y in s] for s in HAND_DRAWN[4]]
    assert np.allclose(draw.strokes_to_digit(small), draw.strokes_to_digit(HAND_DRAWN[4]))
    assert not draw.strokes_to_digit([]).any()
    assert draw.guess([]) == []


def test_the_shipped_model_reads_most_hand_drawn_digits():
    right = [d for d, s in HAND_DRAWN.items() if draw.guess(s)[0][0] == d]
    assert len(right) >= 8, f"only {right} recognised"
    top = draw.guess(HAND_DRAWN[0])
    assert len(top) == 3 and top[0][1] >= top[1][1] >= top[2][1] and sum(p for _, p in top) <= 1 + 1e-9


def test_the_shipped_model_is_accurate_on_the_test_digits(data):
    model = draw.load_model()
    assert model.score(data.X_test / 16, data.y_test) >= 0.95
    assert draw.MODEL_FILE.stat().st_size < 100_000


def test_drawing_widget_reacts_to_mouse_and_touch_events_and_clears():
    demo = draw.DrawingDemo()
    assert "Dessinez" in demo.result.value
    demo._down(190, 40)
    for x, y in [(190, 100), (190, 200), (191, 320)]:
        demo._move(x, y)
    demo._up()
    assert "data-guess='1'" in demo.result.value
    demo.clear()
    assert demo.strokes == [] and "Dessinez" in demo.result.value
    # touch events carry a list of touches
    demo._down(*HAND_DRAWN[7][0][0])
    for p in HAND_DRAWN[7][0][1:]:
        demo._move(*p)
    demo._up()
    assert "data-guess=" in demo.result.value


# --- playground -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(playground.PRESETS))
def test_presets_have_two_balanced_classes_in_the_square(name):
    X, y = playground.make_preset(name, n=100, seed=0)
    assert X.shape == (100, 2) and np.abs(X).max() < 1
    assert 0.3 < y.mean() < 0.7


def test_the_network_beats_the_line_on_curved_shapes():
    table = playground.compare(presets=("nuages", "cercles"), steps=400)
    assert table.loc["deux nuages", "linéaire"] > 0.95
    assert table.loc["cercles", "linéaire"] < 0.8 < 0.95 < table.loc["cercles", "petit réseau"]


def test_playground_widget_places_points_and_trains():
    pg = playground.Playground(size=400)
    assert pg.train() is None                      # no points yet: a French message, no crash
    assert "deux couleurs" in pg.status.value
    pg.colour.value = 0
    pg._click(100, 200)                            # left half: blue
    pg.colour.value = 1
    pg._click(300, 200)                            # right half: orange
    assert pg.X.tolist() == [[-0.5, 0.0], [0.5, 0.0]] and pg.y.tolist() == [0, 1]
    pg.preset.value = "cercles"
    pg.kind.value = "petit réseau"
    assert pg.train(steps=300) > 0.95
    assert "%" in pg.status.value
    cols = playground.boundary_colours(pg.model, 10)
    assert cols.shape == (100, 3) and cols.dtype == np.uint8


# --- words ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lm():
    return charlm.CharLM(order=3).fit(corpus.load_words())


def test_next_letter_probabilities_are_learnt_from_counts(lm):
    p = lm.next_probs("mai")
    assert sum(p.values()) == pytest.approx(1)
    # the most likely next letter is the one that follows "mai" most often in the word list
    from collections import Counter

    follow = Counter((w + "$")[i + 3] for w in corpus.load_words() for i in range(len(w) - 2)
                     if w[i:i + 3] == "mai")
    assert list(p)[0] == follow.most_common(1)[0][0]
    toy = charlm.CharLM(order=2).fit(["abc", "abd", "abd"])
    q = toy.next_probs("ab")
    assert q["d"] > q["c"] > q["a"]


def test_temperature_trades_safety_for_variety(lm):
    cold = lm.generate(200, temperature=0.3, seed=0)
    hot = lm.generate(200, temperature=2.0, seed=0)
    assert len(set(cold)) < len(set(hot))
    assert lm.share_existing(cold) > lm.share_existing(hot)
    with pytest.raises(ValueError):
        charlm.apply_temperature(np.array([0.5, 0.5]), 0)


def test_most_invented_words_are_new(lm):
    invented = lm.generate(200, temperature=1.0, seed=1)
    assert lm.share_existing(invented) < 0.2
    assert lm.generate(5, seed=7) == lm.generate(5, seed=7)


def test_slider_positions_span_sage_to_creatif():
    temps = [words.position_to_temperature(p) for p in range(11)]
    assert temps == sorted(temps) and temps[0] < 0.5 and temps[-1] > 2


def test_blocklisted_words_are_never_shown():
    class Rude:
        calls = 0

        def generate_word(self, rng, temperature):
            self.calls += 1
            return "cons" if self.calls % 2 else "maison"

    assert words.invent(Rude(), 3, temperature=1.0, seed=0) == ["maison"] * 3


def test_words_widget_shows_new_words_when_the_slider_moves():
    demo = words.WordsDemo()
    before = demo.words.value
    demo.slider.value = 10
    assert demo.words.value != before and demo.words.value.count("civicai-word") == demo.n


# --- the data set ---------------------------------------------------------------------------

def test_shipped_word_list_matches_its_datasheet_and_rules():
    from civicai.paths import datasets_dir

    ws = corpus.load_words()
    assert len(ws) == 28432 and all(corpus.keep(w) for w in ws)
    folder = datasets_dir() / "mots-francais"
    sheet = (folder / "DATASHEET.md").read_text(encoding="utf-8")
    assert "28 432" in sheet and "GPL" in sheet
    assert "GNU GENERAL PUBLIC LICENSE" in (folder / "COPYING").read_text()


@pytest.mark.skipif(not corpus.DEBIAN_LIST.is_file(), reason="Debian wfrench is not installed")
def test_shipped_word_list_is_rebuilt_exactly_from_debian_wfrench():
    assert corpus.build_subset() == corpus.load_words()


def test_missing_word_list_is_a_french_user_error(tmp_path):
    from civicai.errors import UserError

    with pytest.raises(UserError, match="introuvable"):
        corpus.load_words(tmp_path / "absent.txt")


# --- torch network --------------------------------------------------------------------------

def test_torch_network_learns_and_its_live_curve_follows_the_epochs(data):
    from civicai.learn import torchnet

    res = torchnet.train_digits_net(data, hidden=32, epochs=4, live=False, progress=False, track_test=True)
    assert res.losses[-1] < res.losses[0] and res.test_accuracy > 0.85
    assert res.n_parameters == 64 * 32 + 32 + 32 * 10 + 10
    svg = torchnet._LivePlot(4, True).svg(res.losses[:3], res.test_losses[:3])
    assert svg.count("<polyline") == 2 and "époque 3 sur 4" in svg
    fig = torchnet.plot_first_layer(res.model, n=8)
    assert len([a for a in fig.axes if a.images]) == 8
