"""Charts painted with QPainter (QtCharts is not in PySide6-Essentials): horizontal bars
('hbar'), vertical bars ('vbar') and a progress bar against a target ('progress'). The
dashboard (ui.dashboard.Chart) paints its charts with this, and the monthly report
(layers.report) draws the same charts into images."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from landapp.i18n import tr

CJK_FAMILIES = ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei"]
CLASS_COLOURS = ["#1A9850", "#91CF60", "#FC8D59", "#D73027", "#7B3294"]


def chart_font(px: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(CJK_FAMILIES)
    f.setPixelSize(int(px))
    f.setBold(bold)
    return f


def paint_chart(p: QPainter, r: QRectF, title: str, kind: str, items: list[tuple[str, float, str]],
                colours: list[str] | None = None, note: str = "") -> None:
    """items: (label, value, value text); for 'progress' one item (label, fraction, text)."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.fillRect(r, QColor("white"))
    p.setPen(QPen(QColor("#E0E0E0"), 1))
    p.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))
    p.setPen(QColor("#212121"))
    p.setFont(chart_font(14, True))
    p.drawText(QRectF(r.left() + 10, r.top() + 6, r.width() - 20, 22), int(Qt.AlignmentFlag.AlignLeft), title)
    body = QRectF(r.left() + 10, r.top() + 34, r.width() - 20, r.height() - 44)
    p.setFont(chart_font(12))
    if not items:
        p.setPen(QColor("#9E9E9E"))
        p.drawText(body, int(Qt.AlignmentFlag.AlignCenter), note or tr("无数据", "No data"))
        return
    colours = list(colours or [])

    def colour(i: int) -> QColor:
        return QColor(colours[i % len(colours)] if colours else "#3F7FBF")

    {"hbar": _hbar, "vbar": _vbar, "progress": _progress}[kind](p, body, items, colour)


def _hbar(p: QPainter, r: QRectF, items, colour) -> None:
    fm = QFontMetricsF(p.font())
    label_w = min(r.width() * 0.4, max(fm.horizontalAdvance(lab) for lab, _, _ in items) + 8)
    text_w = max(fm.horizontalAdvance(t) for _, _, t in items) + 8
    n = len(items)
    h = min(36.0, r.height() / n)
    top = max(v for _, v, _ in items) or 1.0
    for i, (lab, v, text) in enumerate(items):
        y = r.top() + i * h
        p.setPen(QColor("#424242"))
        p.drawText(QRectF(r.left(), y, label_w - 6, h), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                   fm.elidedText(lab, Qt.TextElideMode.ElideRight, label_w - 6))
        w = (r.width() - label_w - text_w) * (v / top)
        p.fillRect(QRectF(r.left() + label_w, y + h * 0.18, max(1.0, w), h * 0.64), colour(i))
        p.drawText(QRectF(r.left() + label_w + w + 4, y, text_w, h),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)


def _vbar(p: QPainter, r: QRectF, items, colour) -> None:
    n = len(items)
    top = max(v for _, v, _ in items) or 1.0
    bw = r.width() / n
    chart_h = r.height() - 36
    for i, (lab, v, text) in enumerate(items):
        x = r.left() + i * bw
        h = chart_h * (v / top)
        p.fillRect(QRectF(x + bw * 0.15, r.top() + 16 + chart_h - h, bw * 0.7, h), colour(i))
        p.setPen(QColor("#424242"))
        p.drawText(QRectF(x, r.top() + chart_h - h, bw, 16), int(Qt.AlignmentFlag.AlignCenter), text)
        p.drawText(QRectF(x, r.bottom() - 18, bw, 18), int(Qt.AlignmentFlag.AlignCenter), lab)
    p.setPen(QColor("#9E9E9E"))
    p.drawLine(QPointF(r.left(), r.top() + 16 + chart_h), QPointF(r.right(), r.top() + 16 + chart_h))


def _progress(p: QPainter, r: QRectF, items, colour) -> None:
    (lab, frac, text), = items[:1]
    bar = QRectF(r.left(), r.top() + r.height() * 0.3, r.width(), 30)
    p.fillRect(bar, QColor("#EEEEEE"))
    p.fillRect(QRectF(bar.left(), bar.top(), bar.width() * min(1.0, frac), bar.height()),
               QColor("#1A9850" if frac >= 1 else "#3F7FBF"))
    p.setPen(QColor("#212121"))
    p.setFont(chart_font(16, True))
    p.drawText(bar, int(Qt.AlignmentFlag.AlignCenter), f"{frac:.0%}")
    p.setFont(chart_font(12))
    p.drawText(QRectF(r.left(), bar.bottom() + 8, r.width(), 40),
               int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), text)
    p.drawText(QRectF(r.left(), r.top(), r.width(), bar.top() - r.top()),
               int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), lab)


def chart_image(title: str, kind: str, items, colours=None, note: str = "",
                size: tuple[int, int] = (480, 260), scale: float = 2.5) -> QImage:
    """The chart as an image `scale` times `size` (width, height; sharp when printed)."""
    size = QSize(*size)
    img = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.scale(scale, scale)
    paint_chart(p, QRectF(0, 0, size.width(), size.height()), title, kind, items, colours, note)
    p.end()
    return img
