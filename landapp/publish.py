"""Writing opportunity lists to spreadsheets: XLSX (title row, styled frozen header,
autofilter, column widths, number formats) and CSV (UTF-8 with BOM, so Excel shows
Chinese). Files are written beside the target and renamed, so a failure never leaves a
half-written file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers

import pandas as pd

from landapp.errors import LandappError
from landapp.files import atomic_output, write_bytes
from landapp.i18n import tr
from landapp.opportunities import KINDS, headers, title
from landapp.spreadsheet import csv_row, xlsx_text_cell


def _atomic(path: str, write) -> None:
    """write(tmp), then rename into place (landapp.files): a failure leaves no file behind
    and an existing one as it was."""
    with atomic_output(path) as tmp:
        write(tmp)


def format_cell(v, fmt: str) -> str:
    """A list cell as text, the way the spreadsheet shows it with the column's number format
    ("#,##0.0": thousands separators and one fixed decimal; "0.#": up to one decimal;
    "General": as few digits as the value needs — Excel shows 40 under "0.#" as "40.", so
    the lists use General for such columns); dates as YYYY-MM-DD. Used by the preview table
    and the PDF list, so all three agree."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, numbers.Real) and not isinstance(v, bool) and fmt == "General":
        return f"{float(v):.10g}"
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        dec = fmt.split(".", 1)[1] if "." in fmt else ""
        fixed, optional = dec.count("0"), dec.count("#")
        text = f"{v:{',' if ',' in fmt else ''}.{fixed + optional}f}"
        if optional:
            whole, _, frac = text.partition(".")
            frac = frac[:fixed] + frac[fixed:].rstrip("0")
            text = whole + ("." + frac if frac else "")
        return text
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    return str(v)


def _cell(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def write_xlsx(df: pd.DataFrame, path: str, kind: str, *, park: str = "", lang: str | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    cols = KINDS[kind][2]
    wb = Workbook()
    ws = wb.active
    ws.title = title(kind)[:31]
    heads = headers(kind, lang)
    ws.append([f"{park} {title(kind)}".strip()])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    ws["A1"].font = Font(bold=True, size=15)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append(heads)
    thin = Side(style="thin", color="999999")
    for c in range(1, len(cols) + 1):
        cell = ws.cell(row=2, column=c)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    ws.row_dimensions[2].height = 32
    for cell in (*ws[1], *ws[2]):  # the park's name and the headers are text too
        xlsx_text_cell(cell)
    for _, row in df.iterrows():
        ws.append([_cell(row[k]) for k, *_ in cols])
    for r in range(3, ws.max_row + 1):
        for c, (key, _, _, fmt) in enumerate(cols, 1):
            cell = ws.cell(row=r, column=c)
            cell.number_format = fmt
            xlsx_text_cell(cell)  # text stays text: '=1+1' is not a formula (OWASP)
            cell.border = Border(bottom=Side(style="hair", color="BBBBBB"))
            if key == "location":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    widths = {}
    for c, (key, zh, en, fmt) in enumerate(cols, 1):
        values = [format_cell(v, fmt) for v in df[key]] if key in df else []
        width = max([len(h.encode("gbk", "replace")) for h in (zh, en)[:1]] +
                    [len(v.encode("gbk", "replace")) for v in values[:500]] + [6])
        widths[key] = min(60 if key == "location" else 36, width + 2)
        ws.column_dimensions[get_column_letter(c)].width = widths[key]
    # rows as tall as their wrapped 四至 (neither Excel nor LibreOffice grows rows written
    # by openpyxl on opening); widths count GBK bytes: a Chinese character is two
    if "location" in widths:
        per_line = max(widths["location"] - 2, 10)
        for r, text in enumerate(df["location"], 3):
            n = len(str(text or "").encode("gbk", "replace"))
            # a line breaks before a code that does not fit, so allow for some slack
            ws.row_dimensions[r].height = 16 * max(1, math.ceil(n * 1.1 / per_line)) + 2
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(cols))}{max(ws.max_row, 2)}"
    # printing: A4 landscape, one page wide and as many long as it takes, the header on each
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "2:2"
    ws.oddFooter.center.text = tr("第 &P 页,共 &N 页", "Page &P of &N")
    wb.properties.title = title(kind)
    wb.properties.created = dt.datetime.now()
    # zipped in memory, then written whole: a full disk mid-zip otherwise also prints
    # "Exception ignored … ZipFile.__del__" noise on stderr
    buf = io.BytesIO()
    wb.save(buf)
    write_bytes(path, buf.getvalue())


def write_csv(df: pd.DataFrame, path: str, kind: str, *, lang: str | None = None) -> None:
    cols = KINDS[kind][2]

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(csv_row(headers(kind, lang)))
            for _, row in df.iterrows():  # text that would be a formula is quoted (OWASP)
                w.writerow(csv_row("" if _cell(row[k]) is None else _cell(row[k]) for k, *_ in cols))

    _atomic(path, write)
