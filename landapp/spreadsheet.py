"""Spreadsheet cells that stay what they are (OWASP "CSV injection",
https://owasp.org/www-community/attacks/CSV_Injection).

Excel and LibreOffice evaluate a CSV cell starting with = + - @ (and tab / carriage return
in front of those) as a formula, and openpyxl turns any string starting with = into a
formula cell. A parcel named `=HYPERLINK("http://…","点此")` or a contact `=1+1` must open as
that text. Every spreadsheet writer (opportunity lists XLSX/CSV, the panels' CSV, the CLI's
--format csv) passes its values through here. Numbers stay numbers: a negative number is
written as a number, not as text."""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A number as the panels and the CLI show it (-12.5, -1,234.50, -12%): data, not a formula.
_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?%?")


def is_risky(text: str) -> bool:
    """True for text a spreadsheet program would read as a formula. A lone "-" (the
    panels' "no value") is no formula and stays as it is."""
    return (bool(text) and text.startswith(TRIGGERS) and text != "-"
            and not _NUMBER.fullmatch(text))


def csv_safe(value):
    """A CSV value: text that would be read as a formula gets a leading single quote (the
    OWASP rule; Excel and LibreOffice then show it as text); numbers, dates, None and
    ordinary text unchanged."""
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_safe(v) for v in values]


def xlsx_text_cell(cell) -> None:
    """Make an openpyxl cell holding text a string cell, never a formula. openpyxl marks a
    str starting with = as a formula ('f'); the quote prefix also keeps Excel from turning
    it into one when the cell is edited."""
    v = cell.value
    if isinstance(v, str):
        if cell.data_type != "s":
            cell.data_type = "s"
        if is_risky(v):
            cell.quotePrefix = True
