"""Map furniture drawn by the one renderer, so the screen, PNG, PDF and parcel sheets share
it: scale bar, north arrow, legend box."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF

from landapp.i18n import tr
from layers.base import LegendEntry
from layers.vector import label_font
from layers.view import MapView, nice_length


def _fmt_length(m: float) -> str:
    return f"{m / 1000:g} km" if m >= 1000 else f"{m:g} m"


def draw_scale_bar(painter: QPainter, view: MapView, anchor: QPointF, max_px: float = 160,
                   dpi: float | None = None) -> QRectF:
    """A 1-2-5 scale bar with its length and the 1:N scale; anchor = lower-left corner."""
    length = nice_length(max_px * view.scale)
    if length <= 0:
        return QRectF()
    px = length / view.scale
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setFont(label_font(8))
    fm = QFontMetricsF(painter.font())
    x, y = anchor.x(), anchor.y()
    box = QRectF(x - 6, y - 34, px + 12 + 70, 40)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 210))
    painter.drawRoundedRect(box, 3, 3)
    half = px / 2
    painter.setPen(QPen(QColor(20, 20, 20), 1))
    painter.setBrush(QColor(20, 20, 20))
    painter.drawRect(QRectF(x, y - 10, half, 5))
    painter.setBrush(QColor(255, 255, 255))
    painter.drawRect(QRectF(x + half, y - 10, half, 5))
    painter.setPen(QColor(20, 20, 20))
    painter.drawText(QPointF(x, y - 14), "0")
    text = _fmt_length(length)
    painter.drawText(QPointF(x + px - fm.horizontalAdvance(text) / 2, y - 14), text)
    denom = view.scale_denominator(dpi or 96.0)
    painter.drawText(QPointF(x + px + 10, y - 5), f"1:{denom:,.0f}")
    painter.restore()
    return box


def scale_bar_anchor(view: MapView) -> QPointF:
    """Where the map's scale bar goes (lower left), on screen and in files alike."""
    return QPointF(16, view.height - 12)


def north_arrow_centre(view: MapView) -> QPointF:
    return QPointF(view.width - 34, 44)


def decoration_rects(view: MapView, max_px: float = 160) -> list[QRectF]:
    """The boxes the scale bar and north arrow cover, kept free of map labels."""
    a = scale_bar_anchor(view)
    length = nice_length(max_px * view.scale)
    px = length / view.scale if length > 0 else 0.0
    c = north_arrow_centre(view)
    return [QRectF(a.x() - 6, a.y() - 34, px + 12 + 80, 40), QRectF(c.x() - 16, c.y() - 36, 32, 58)]


def draw_north_arrow(painter: QPainter, centre: QPointF, size: float = 36) -> None:
    """North arrow (grid north: the projected map is drawn northing-up)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    x, y = centre.x(), centre.y()
    left = QPolygonF([QPointF(x, y - size / 2), QPointF(x - size / 4, y + size / 2), QPointF(x, y + size / 4)])
    right = QPolygonF([QPointF(x, y - size / 2), QPointF(x + size / 4, y + size / 2), QPointF(x, y + size / 4)])
    painter.setPen(QPen(QColor(20, 20, 20), 1))
    painter.setBrush(QColor(20, 20, 20))
    painter.drawPolygon(left)
    painter.setBrush(QColor(255, 255, 255))
    painter.drawPolygon(right)
    painter.setFont(label_font(10, bold=True))
    fm = QFontMetricsF(painter.font())
    painter.setPen(QColor(20, 20, 20))
    painter.drawText(QPointF(x - fm.horizontalAdvance("N") / 2, y - size / 2 - 3), "N")
    painter.restore()


def draw_legend(painter: QPainter, groups: list[tuple[str, list[LegendEntry]]], corner: QPointF,
                max_rows: int = 28) -> QRectF:
    """A legend box: one heading per layer and a swatch per entry; top-left at corner."""
    rows: list[tuple[str, LegendEntry | None]] = []
    for title, entries in groups:
        if not entries:
            continue
        if len(entries) == 1 and entries[0].label == title:  # a one-row layer: no heading over itself
            rows.append((title, entries[0]))
            continue
        rows.append((title, None))
        rows += [(e.label, e) for e in entries]
    if not rows:
        return QRectF()
    rows = rows[:max_rows]
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setFont(label_font(8.5))
    fm = QFontMetricsF(painter.font())
    line = fm.height() + 3
    width = max(fm.horizontalAdvance(t) for t, _ in rows) + 44
    box = QRectF(corner.x(), corner.y(), width, line * len(rows) + 28)
    painter.setPen(QPen(QColor(120, 120, 120), 1))
    painter.setBrush(QColor(255, 255, 255, 225))
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(QColor(20, 20, 20))
    font = painter.font()
    bold = label_font(9, bold=True)
    painter.setFont(bold)
    painter.drawText(QPointF(box.left() + 8, box.top() + fm.ascent() + 4), tr("图例", "Legend"))
    y = box.top() + 24
    for text, entry in rows:
        if entry is None:
            painter.setFont(bold)
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QPointF(box.left() + 8, y + fm.ascent()), text)
            painter.setFont(font)
        else:
            sw = QRectF(box.left() + 12, y + 2, 22, line - 6)
            if entry.kind == "line":
                painter.setPen(QPen(entry.outline or QColor(0, 0, 0), 2, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(sw.left(), sw.center().y()), QPointF(sw.right(), sw.center().y()))
            elif entry.kind == "raster":
                painter.setPen(QPen(QColor(120, 120, 120), 1))
                painter.setBrush(Qt.BrushStyle.Dense5Pattern)
                painter.drawRect(sw)
            else:
                pen = QPen(entry.outline or QColor(100, 100, 100),
                           entry.width or (2 if entry.outline else 1))
                painter.setPen(pen)
                painter.setBrush(entry.fill if entry.fill is not None else Qt.BrushStyle.NoBrush)
                painter.drawRect(sw)
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QPointF(sw.right() + 6, y + fm.ascent()), text)
        y += line
    painter.restore()
    return box
