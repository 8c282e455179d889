"""French number and date typography, in one place: decimal comma, thin no-break space between
thousands, « 1er décembre 2026 ».

Every figure or date a participant, a teacher or a visitor reads goes through these functions, so the
kit writes « 12,5 % », « 12 346 » and « 1er décembre 2026 » the same way everywhere.

>>> number(3.14159, 2), number(2.50, 2, trim=True), percent(0.125, 1), integer(12345.6)
('3,14', '2,5', '12,5 %', '12\u202f346')
>>> parse_number(" 2,5 "), parse_number("3"), parse_number("deux"), parse_number("nan")
(2.5, 3.0, None, None)
>>> significant(0.000123456, 3)
'0,000123'
>>> day("2026-12-01"), day(datetime.date(2025, 8, 18)), day("bientôt")
('1er décembre 2026', '18 août 2025', 'bientôt')
"""

from __future__ import annotations

import datetime

THIN_NBSP = "\u202f"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def number(x: float, digits: int = 1, *, trim: bool = False) -> str:
    """``x`` with ``digits`` decimals and a decimal comma; ``trim`` drops trailing zeros (« 2,5 », « 3 »)."""
    text = f"{x:.{digits}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def parse_number(text: str) -> float | None:
    """A number as a person types it (« 2,5 », « 2.5 », « 3 »), or None when it is not a finite number."""
    import math

    cleaned = str(text).strip().replace(THIN_NBSP, "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def percent(share: float, digits: int = 0) -> str:
    """A share between 0 and 1 as a French percentage: ``percent(0.125, 1) == "12,5 %"``."""
    return f"{number(share * 100, digits)} %"


def integer(x: float) -> str:
    """A rounded count with thin no-break spaces between thousands: ``integer(12345.6) == "12 346"``."""
    return f"{round(x):,}".replace(",", THIN_NBSP)


def significant(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant figures, with a decimal comma (tiny probabilities)."""
    return format(x, f".{digits}g").replace(".", ",")


def day(when: datetime.date | str) -> str:
    """A date the French way, « 1er décembre 2026 »; an ISO string that is not a date comes back as written."""
    if isinstance(when, str):
        try:
            when = datetime.date.fromisoformat(when)
        except ValueError:
            return when
    return f"{'1er' if when.day == 1 else when.day} {MONTHS[when.month - 1]} {when.year}"
