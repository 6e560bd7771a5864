"""Two versions of one feature's shape on a small map, for the edit-conflict view (issue 16):
theirs and mine in two colours with a legend, over the neighbouring features in grey, and
the shape both started from as a dashed outline. Drawn with QPainter through a MapView,
as the sheets and overview maps draw their parcels."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from landapp.errors import FeatureNotFoundError
from landapp.i18n import tr
from layers.base import LegendEntry
from layers.decorations import draw_legend
from layers.view import MapView

THEIRS_FILL, THEIRS_LINE = QColor(30, 136, 229, 90), QColor(13, 71, 161)  # blue
MINE_FILL, MINE_LINE = QColor(251, 140, 0, 90), QColor(216, 67, 21)  # orange
SEEN_LINE = QColor(90, 90, 90)
NEIGHBOUR_FILL, NEIGHBOUR_LINE = QColor(224, 224, 224), QColor(160, 160, 160)
MAX_NEIGHBOURS = 400  # a preview, not the map: enough for the parcels around one feature


def neighbour_shapes(store, layer: str, fid: int, bbox) -> list:
    """The other active features of `layer` whose boxes meet bbox (the spatial index)."""
    out = []
    for f in store.fids_in_bbox(layer, bbox)[:MAX_NEIGHBOURS]:
        if f == fid:
            continue
        try:
            rec = store.get(layer, f)
        except FeatureNotFoundError:  # deleted since the index was read
            continue
        if not rec.get("retired") and rec.get("geometry") is not None:
            out.append(rec["geometry"])
    return out


def compare_extent(*geoms, pad: float = 0.25) -> tuple[float, float, float, float] | None:
    """The shapes' common box with room around them (a quarter of its size, at least 20 m)."""
    shown = [g for g in geoms if g is not None and not g.is_empty]
    if not shown:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(shown, dtype=object))
    d = max(pad * max(x1 - x0, y1 - y0), 20.0)
    return x0 - d, y0 - d, x1 + d, y1 + d


def _path(view: MapView, geom) -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)  # holes stay open
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon":
            continue
        for ring in [part.exterior, *part.interiors]:
            pts = [view.point_to_screen(x, y) for x, y in ring.coords]
            if pts:
                path.moveTo(pts[0])
                for q in pts[1:]:
                    path.lineTo(q)
                path.closeSubpath()
    return path


def paint_shape_conflict(p: QPainter, rect: QRectF, theirs, mine, *, seen=None,
                         neighbours=()) -> MapView | None:
    """Paint the comparison into `rect` of the painter; returns the view used (None when
    there is no shape to show)."""
    p.save()
    p.setClipRect(rect)
    p.fillRect(rect, QColor("white"))
    box = compare_extent(theirs, mine, seen)
    if box is None:
        p.restore()
        return None
    view = MapView.fit(box, int(rect.width()), int(rect.height()), margin=0.0)
    p.translate(rect.topLeft())
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(NEIGHBOUR_LINE, 1))
    p.setBrush(NEIGHBOUR_FILL)
    for g in neighbours:
        p.drawPath(_path(view, g))
    if seen is not None and not seen.is_empty:
        pen = QPen(SEEN_LINE, 1.2, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(_path(view, seen))
    # theirs first, mine over it: where they agree the colours mix, where not each shows
    for geom, fill, line, style in ((theirs, THEIRS_FILL, THEIRS_LINE, Qt.PenStyle.SolidLine),
                                    (mine, MINE_FILL, MINE_LINE, Qt.PenStyle.DashDotLine)):
        if geom is None or geom.is_empty:
            continue
        p.setPen(QPen(line, 2.2, style))
        p.setBrush(fill)
        p.drawPath(_path(view, geom))
    entries = [LegendEntry(tr("他人的图形", "Theirs"), THEIRS_FILL, THEIRS_LINE),
               LegendEntry(tr("我的图形", "Mine"), MINE_FILL, MINE_LINE)]
    if seen is not None:
        entries.append(LegendEntry(tr("修改前", "Before"), None, SEEN_LINE, kind="line"))
    if neighbours:
        entries.append(LegendEntry(tr("相邻要素", "Neighbours"), NEIGHBOUR_FILL, NEIGHBOUR_LINE))
    draw_legend(p, [(tr("图形", "Shape"), entries)], QPointF(6, 6))
    p.restore()
    return view


def shape_conflict_image(width: int, height: int, theirs, mine, *, seen=None, neighbours=()) -> QImage:
    """The comparison as a picture (tests, a saved copy of the conflict)."""
    img = QImage(int(width), int(height), QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    try:
        paint_shape_conflict(p, QRectF(0, 0, width, height), theirs, mine, seen=seen, neighbours=neighbours)
    finally:
        p.end()
    return img
