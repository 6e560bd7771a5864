"""Opportunity lists as PDF: an overview map of where the listed parcels or carriers are,
then the table, on landscape A4 pages (fonts embedded)."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from landapp.i18n import tr
from landapp.opportunities import KINDS, headers, title
from landapp.publish import format_cell
from layers.map import ParkMap
from layers.render import ensure_gui_app, pdf_document, render
from layers.vector import label_font
from layers.view import MapView

MM = 96 / 25.4
PAGE_W, PAGE_H = 297 * MM, 210 * MM
MARGIN = 12 * MM
# relative column widths per list (the location and names need the room)
WIDTHS = {"location": 5.0, "name": 2.6, "code": 2.6, "land_use": 2.2, "zone": 1.6, "contact": 1.2,
          "phone": 1.7, "industry": 1.8, "no": 0.6}
# columns whose text can wrap at any character; the others (numbers, codes, phones, dates)
# get at least the width of their longest value
WRAPPING = {"location", "name", "land_use", "zone", "industry", "supply_method", "btype"}


def _column_widths(cols, rows, heads, weights, total_w: float, fm: QFontMetricsF,
                   head_fm: QFontMetricsF) -> list[float]:
    """Unbreakable columns get their longest value, and room for their header on two lines;
    the wrapping ones share what is left by weight."""
    share = [w / sum(weights) * total_w for w in weights]
    need = [0.0 if key in WRAPPING else
            max(max((fm.horizontalAdvance(r[i]) for r in rows), default=0.0) + 5,
                head_fm.horizontalAdvance(heads[i]) / 2 + 8)
            for i, (key, *_rest) in enumerate(cols)]
    fixed = need
    left = total_w - sum(fixed)
    wrap_w = sum(w for w, n in zip(weights, need) if not n)
    if left <= 0 or not wrap_w:
        return share
    return [f if n else w / wrap_w * left for f, n, w in zip(fixed, need, weights)]


def write_list_pdf(store, df: pd.DataFrame, kind: str, path: str) -> int:
    """Returns the number of pages."""
    ensure_gui_app()
    cols = KINDS[kind][2]
    with pdf_document(path, title=f"{store.name} {title(kind)}", landscape=True) as doc:
        p = doc.painter
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # page 1: title and overview map with the listed features highlighted
        p.setFont(label_font(16, True))
        p.drawText(QRectF(0, MARGIN, PAGE_W, 10 * MM), int(Qt.AlignmentFlag.AlignHCenter), f"{store.name} {title(kind)}")
        p.setFont(label_font(9))
        p.drawText(QRectF(0, MARGIN + 10 * MM, PAGE_W, 6 * MM), int(Qt.AlignmentFlag.AlignHCenter),
                   tr(f"共 {len(df)} 项;联系人:{store.get_setting('contact') or ''} {store.get_setting('phone') or ''}",
                      f"{len(df)} items; contact: {store.get_setting('contact') or ''} {store.get_setting('phone') or ''}"))
        m = ParkMap(store, with_raster=False, with_tiles=False)
        layer = m.layer("parcels" if kind == "land" else "buildings")
        layer.selection = {int(f) for f in df.index}
        layer.selection_alpha = 230  # the listed items stand out over a faded park
        for other in m.vector_layers():
            if other.id in ("parcels", "buildings"):
                other.opacity = 0.3  # the selection is drawn at full strength on top
        frame = QRectF(MARGIN, MARGIN + 18 * MM, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN - 18 * MM)
        ext = m.extent()
        if ext:
            view = MapView.fit(ext, int(frame.width()), int(frame.height()))
            p.save()
            p.translate(frame.topLeft())
            p.setClipRect(QRectF(0, 0, frame.width(), frame.height()))
            render(p, view, m.layers, legend=True, background=QColor("white"))
            p.restore()
            p.setPen(QPen(QColor(60, 60, 60), 0.8))
            p.drawRect(frame)
        # table pages
        heads = headers(kind)
        weights = [WIDTHS.get(key, 1.3) for key, *_ in cols]
        total_w = PAGE_W - 2 * MARGIN
        body = label_font(7.2)
        head_font = label_font(7.5, True)
        rows = [[format_cell(r[key], fmt) for key, _zh, _en, fmt in cols] for _, r in df.iterrows()]
        widths = _column_widths(cols, rows, heads, weights, total_w, QFontMetricsF(body), QFontMetricsF(head_font))

        def header(y):
            p.setFont(head_font)
            x = MARGIN
            hh = max(max(p.boundingRect(QRectF(0, 0, w - 2, 1000), int(Qt.TextFlag.TextWrapAnywhere), h).height()
                         for h, w in zip(heads, widths)) + 3, 9 * MM)
            p.fillRect(QRectF(MARGIN, y, total_w, hh), QColor(31, 78, 121))
            p.setPen(QColor("white"))
            for h, w in zip(heads, widths):
                p.drawText(QRectF(x + 1, y, w - 2, hh), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWrapAnywhere), h)
                x += w
            return y + hh

        doc.new_page()
        y = header(MARGIN)
        p.setFont(body)
        fm = QFontMetricsF(body)
        for row in rows:
            heights = [p.boundingRect(QRectF(0, 0, w - 3, 1000), int(Qt.TextFlag.TextWrapAnywhere), t).height()
                       for t, w in zip(row, widths)]
            h = max(max(heights), fm.height()) + 3
            if y + h > PAGE_H - MARGIN:
                doc.new_page()
                y = header(MARGIN)
                p.setFont(body)
            x = MARGIN
            p.setPen(QColor(20, 20, 20))
            for t, w, (key, *_rest) in zip(row, widths, cols):
                align = Qt.AlignmentFlag.AlignRight if key not in ("code", "name", "zone", "location", "land_use",
                                                                   "contact", "phone", "industry", "btype",
                                                                   "supply_method", "far") else Qt.AlignmentFlag.AlignLeft
                p.drawText(QRectF(x + 1.5, y + 1.5, w - 3, h), int(align | Qt.TextFlag.TextWrapAnywhere), t)
                x += w
            p.setPen(QPen(QColor(200, 200, 200), 0.4))
            p.drawLine(QPointF(MARGIN, y + h), QPointF(MARGIN + total_w, y + h))
            y += h
    return doc.pages
