"""Opportunity lists as PDF: an overview map of where the listed parcels or carriers are
(numbered with the list's 序号), then the table, on landscape A4 pages with running heads
and page numbers (fonts embedded)."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from landapp.i18n import tr
from landapp.opportunities import KINDS, headers, title
from landapp.publish import format_cell
from layers.render import ensure_gui_app, pdf_document
from layers.vector import label_font

MM = 96 / 25.4
PAGE_W, PAGE_H = 297 * MM, 210 * MM
MARGIN = 12 * MM
# relative column widths per list (the location and names need the room)
WIDTHS = {"location": 6.0, "name": 2.6, "code": 2.6, "land_use": 2.2, "zone": 1.6, "contact": 1.2,
          "phone": 1.7, "industry": 1.8, "no": 0.6}
# columns whose text can wrap at any character; the others (numbers, codes, phones, dates)
# get at least the width of their longest value
WRAPPING = {"location", "name", "land_use", "zone", "industry", "supply_method", "btype"}
# ... but not narrower than this many Chinese characters (or their longest value), so a
# name does not break every three characters
MIN_CHARS = {"location": 14, "name": 7, "land_use": 5, "zone": 4, "industry": 5, "supply_method": 2, "btype": 4}


def _column_widths(cols, rows, heads, weights, total_w: float, fm: QFontMetricsF,
                   head_fm: QFontMetricsF) -> list[float]:
    """Unbreakable columns get their longest value, and room for their header on two lines;
    the wrapping ones get their minimum and share what is left by weight."""
    share = [w / sum(weights) * total_w for w in weights]
    need = [0.0 if key in WRAPPING else
            max(max((fm.horizontalAdvance(line) for r in rows for line in r[i].split("\n")), default=0.0) + 5,
                head_fm.horizontalAdvance(heads[i]) / 2 + 8)
            for i, (key, *_rest) in enumerate(cols)]
    cjk = fm.horizontalAdvance("中")
    longest = [max((fm.horizontalAdvance(r[i]) for r in rows), default=0.0) + 5 for i in range(len(cols))]
    least = [min(MIN_CHARS.get(key, 2) * cjk + 5, longest[i]) if key in WRAPPING else 0.0
             for i, (key, *_rest) in enumerate(cols)]
    room = total_w - sum(need)  # what the wrapping columns can have
    wrapping = [i for i, n in enumerate(need) if not n]
    if room <= 0 or not wrapping:
        return share
    if room < sum(least):  # not even the minimums fit: they shrink alike
        return [n if n else m * room / sum(least) for n, m in zip(need, least)]
    # share the rest by weight, but no column wider than its longest text: what one cannot
    # use goes to the others (a short location leaves room for long carrier names)
    width = list(least)
    open_ = [i for i in wrapping if width[i] < longest[i]]
    left = room - sum(least)
    while left > 0.5 and open_:
        total = sum(weights[i] for i in open_)
        given = 0.0
        for i in open_:
            add = min(left * weights[i] / total, longest[i] - width[i])
            width[i] += add
            given += add
        left -= given
        open_ = [i for i in open_ if width[i] < longest[i] - 0.01]
    if left > 0.5:  # every text fits on one line: the spare room goes by weight
        total = sum(weights[i] for i in wrapping)
        for i in wrapping:
            width[i] += left * weights[i] / total
    return [n if n else w for n, w in zip(need, width)]


def _cell_text(key: str, value, fmt: str) -> str:
    """A cell as the spreadsheet shows it; a 19-character parcel code (宗地代码) goes on two
    lines after its 12-digit county/cadastral-district/sub-district prefix, so the table's
    twenty columns fit an A4 page."""
    text = format_cell(value, fmt)
    if key == "code" and len(text) == 19:
        return text[:12] + "\n" + text[12:]
    return text


def _head_text(h: str, w: float, fm: QFontMetricsF) -> str:
    """A header that does not fit its column breaks before its unit: 面积 / (亩), not 面积(亩 / )."""
    if fm.horizontalAdvance(h) > w - 2 and "(" in h and not h.startswith("("):
        return h.replace("(", "\n(", 1)
    return h


def write_list_pdf(store, df: pd.DataFrame, kind: str, path: str, layout: dict | None = None) -> int:
    """The overview map with the listed items numbered (layers.overview), then the table;
    every page carries the list's title, the date and "page n of N". Returns the number of
    pages; `layout` (a dict) receives the first page's layout: title, frame, panel, listed
    features' and markers' boxes (page coordinates)."""
    import datetime as dt

    ensure_gui_app()
    cols = KINDS[kind][2]
    name = f"{store.name} {title(kind)}"
    today = dt.date.today().isoformat()
    with pdf_document(path, title=name, landscape=True) as doc:
        p = doc.painter
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        heads = headers(kind)
        weights = [WIDTHS.get(key, 1.3) for key, *_ in cols]
        total_w = PAGE_W - 2 * MARGIN
        body = label_font(7.2)
        head_font = label_font(7.5, True)
        rows = [[_cell_text(key, r[key], fmt) for key, _zh, _en, fmt in cols] for _, r in df.iterrows()]
        widths = _column_widths(cols, rows, heads, weights, total_w, QFontMetricsF(body), QFontMetricsF(head_font))
        head_fm = QFontMetricsF(head_font)
        heads = [_head_text(h, w, head_fm) for h, w in zip(heads, widths)]
        wrap = int(Qt.TextFlag.TextWrapAnywhere)
        p.setFont(head_font)
        head_h = max(max(p.boundingRect(QRectF(0, 0, w - 2, 1000), wrap, h).height()
                         for h, w in zip(heads, widths)) + 3, 9 * MM)
        # lay the table out first, so every page can say how many there are
        p.setFont(body)
        fm = QFontMetricsF(body)
        top, bottom = MARGIN + 7 * MM, PAGE_H - MARGIN - 5 * MM
        heights = [max(max(p.boundingRect(QRectF(0, 0, w - 3, 1000), wrap, t).height() for t, w in zip(row, widths)),
                       fm.height()) + 3 for row in rows]
        table_pages: list[list[int]] = [[]]
        y = top + head_h
        for i, h in enumerate(heights):
            if y + h > bottom and table_pages[-1]:
                table_pages.append([])
                y = top + head_h
            table_pages[-1].append(i)
            y += h
        pages = 1 + len(table_pages)

        def furniture(page: int) -> None:
            p.setFont(label_font(7.5))
            p.setPen(QColor(90, 90, 90))
            y = PAGE_H - MARGIN - 3 * MM
            p.drawText(QRectF(MARGIN, y, total_w, 5 * MM), int(Qt.AlignmentFlag.AlignLeft), f"{name}  {today}")
            p.drawText(QRectF(MARGIN, y, total_w, 5 * MM), int(Qt.AlignmentFlag.AlignRight),
                       tr(f"第 {page} 页,共 {pages} 页", f"Page {page} of {pages}"))

        # page 1: title and overview map with the listed features highlighted and numbered
        p.setFont(label_font(16, True))
        p.setPen(QColor(20, 20, 20))
        title_rect = QRectF(0, MARGIN, PAGE_W, 10 * MM)
        p.drawText(title_rect, int(Qt.AlignmentFlag.AlignHCenter), name)
        p.setFont(label_font(9))
        contact = f"{store.get_setting('contact') or ''} {store.get_setting('phone') or ''}".strip()
        sub_rect = QRectF(0, MARGIN + 10 * MM, PAGE_W, 6 * MM)
        p.drawText(sub_rect, int(Qt.AlignmentFlag.AlignHCenter),
                   tr(f"共 {len(df)} 项" + (f";联系人:{contact}" if contact else "") + ";图中编号即表中序号",
                      f"{len(df)} items" + (f"; contact: {contact}" if contact else "")
                      + "; the numbers on the map are the list's No."))
        # the map frame, and beside it the panel for legend, north arrow and scale bar: nothing
        # of the page's furniture lies over the park
        panel_w = 52 * MM
        frame = QRectF(MARGIN, MARGIN + 18 * MM, PAGE_W - 2 * MARGIN - panel_w - 4 * MM, PAGE_H - 2 * MARGIN - 24 * MM)
        panel = QRectF(frame.right() + 4 * MM, frame.top(), panel_w, frame.height())
        from layers.overview import paint_overview

        info = paint_overview(p, store, df, kind, frame, panel)
        if layout is not None:
            layout.update(info)
            layout["title"] = [title_rect, sub_rect]
        furniture(1)

        def header(y):
            p.setFont(head_font)
            x = MARGIN
            p.fillRect(QRectF(MARGIN, y, total_w, head_h), QColor(31, 78, 121))
            p.setPen(QColor("white"))
            for h, w in zip(heads, widths):
                p.drawText(QRectF(x + 1, y, w - 2, head_h), int(Qt.AlignmentFlag.AlignCenter) | wrap, h)
                x += w
            return y + head_h

        left = {"code", "name", "zone", "location", "land_use", "contact", "phone", "industry", "btype",
                "supply_method", "far"}
        for n, chunk in enumerate(table_pages, 2):
            doc.new_page()
            p.setFont(label_font(8.5, True))
            p.setPen(QColor(20, 20, 20))
            p.drawText(QRectF(MARGIN, MARGIN, total_w, 6 * MM), int(Qt.AlignmentFlag.AlignLeft), name)
            y = header(top)
            p.setFont(body)
            for i in chunk:
                row, h = rows[i], heights[i]
                if i % 2:
                    p.fillRect(QRectF(MARGIN, y, total_w, h), QColor(244, 247, 251))
                x = MARGIN
                p.setPen(QColor(20, 20, 20))
                for t, w, (key, *_rest) in zip(row, widths, cols):
                    align = Qt.AlignmentFlag.AlignLeft if key in left else Qt.AlignmentFlag.AlignRight
                    p.drawText(QRectF(x + 1.5, y + 1.5, w - 3, h), int(align) | wrap, t)
                    x += w
                p.setPen(QPen(QColor(200, 200, 200), 0.4))
                p.drawLine(QPointF(MARGIN, y + h), QPointF(MARGIN + total_w, y + h))
                y += h
            furniture(n)
    return doc.pages
