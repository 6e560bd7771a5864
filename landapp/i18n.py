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
