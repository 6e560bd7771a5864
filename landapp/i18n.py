"""Tiny bilingual text helper for the core (the Qt side uses Qt translation files).

Chinese first: the default language is Simplified Chinese; set LANDAPP_LANG=en (or call
set_language("en")) for English.
"""

from __future__ import annotations

import os

_language = "en" if os.environ.get("LANDAPP_LANG", "").lower().startswith("en") else "zh"


def set_language(lang: str) -> None:
    global _language
    _language = "en" if lang.lower().startswith("en") else "zh"


def language() -> str:
    return _language


def tr(zh: str, en: str) -> str:
    """Return the text in the current language."""
    return en if _language == "en" else zh


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: a Chinese character (wide or fullwidth) two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal columns (str.ljust counts characters,
    so columns after Chinese text would not line up)."""
    return text + " " * max(0, width - display_width(text))
