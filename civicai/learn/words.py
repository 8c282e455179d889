"""« Invente des mots »: the letter-by-letter model invents words; a slider from « sage » to « créatif ».

numpy and ipywidgets only (no torch, no scikit-learn): the kiosk kernel stays light.
"""

from __future__ import annotations

import html

from civicai.kiosk.style import widgets_css

# Slider positions 0..10 mapped to temperatures: 0 is « sage » (0.25), 10 is « créatif » (2.5).
T_MIN, T_MAX = 0.25, 2.5


def position_to_temperature(pos: float) -> float:
    """Slider position (0 = sage, 10 = créatif) to a temperature, on a log scale.

    >>> round(position_to_temperature(0), 2), round(position_to_temperature(10), 2)
    (0.25, 2.5)
    """
    return float(T_MIN * (T_MAX / T_MIN) ** (pos / 10))


_MODEL = None

# A kiosk is public: words a visitor should not be shown by a machine are never displayed (exact matches).
BLOCKLIST = frozenset("""
con cons conne connes connard connards connasse cul culs merde merdes pute putes bite bites chier salope salopes
encule enculé enculés nique niquer couille couilles foutre bordel pd nazi nazis nègre nègres negre bâtard bâtards
""".split())


def invent(model, n: int, *, temperature: float, seed: int) -> list[str]:
    """``n`` invented words, skipping the blocklist (deterministic for a seed)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    words: list[str] = []
    while len(words) < n:
        w = model.generate_word(rng, temperature=temperature)
        if w not in BLOCKLIST:
            words.append(w)
    return words


def word_model(order: int = 3):
    """The model of the demo, trained once per kernel on the shipped French words (about 1 s)."""
    global _MODEL
    if _MODEL is None or _MODEL.order != order:
        from civicai.learn.charlm import CharLM
        from civicai.learn.corpus import load_words

        _MODEL = CharLM(order=order).fit(load_words())
    return _MODEL


def words_html(words, known) -> str:
    """The invented words in big letters; a word copied from the training list is marked."""
    items = []
    for w in words:
        mark = (" <span style='font-size:20px;color:#8a5a00'>(copié de la liste)</span>" if w in known else "")
        items.append(f"<li class='civicai-word' style='margin:6px 0'>{html.escape(w)}{mark}</li>")
    return ("<ul style='font-size:40px;line-height:1.4;font-weight:bold;list-style:none;padding:0;margin:0;"
            f"columns:2;column-gap:60px'>{''.join(items)}</ul>")




class WordsDemo:
    """A temperature slider labelled « sage » … « créatif », a « D'autres mots » button, the words."""

    def __init__(self, n: int = 8, *, seed: int = 0):
        import ipywidgets as w

        self.model = word_model()
        self.n, self.seed = n, seed
        self.slider = w.IntSlider(value=4, min=0, max=10, step=1, readout=False, continuous_update=False,
                                  layout=w.Layout(width="520px", height="60px"))
        self.slider.add_class("civicai-temperature")
        left = w.HTML(widgets_css() + "<span style='font-size:32px'>sage</span>")
        right = w.HTML("<span style='font-size:32px'>créatif</span>")
        self.again = w.Button(description="D'autres mots !", icon="refresh", button_style="primary",
                              layout=w.Layout(width="300px", height="70px"))
        self.again.style.font_size = "28px"
        self.again.add_class("civicai-again")
        self.words = w.HTML()
        self.words.add_class("civicai-words")
        self.slider.observe(lambda _: self.refresh(), "value")
        self.again.on_click(lambda _: self.refresh())
        self.refresh()
        self.widget = w.VBox([w.HBox([left, self.slider, right], layout=w.Layout(align_items="center",
                                                                                 gap="20px")),
                              self.again, self.words], layout=w.Layout(gap="20px"))

    @property
    def temperature(self) -> float:
        return position_to_temperature(self.slider.value)

    def refresh(self):
        self.seed += 1
        self.current = invent(self.model, self.n, temperature=self.temperature, seed=self.seed)
        self.words.value = words_html(self.current, self.model.words)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
