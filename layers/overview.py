"""The overview map of an opportunity list's PDF: where the listed parcels or carriers are,
numbered with the list's 序号, for readers outside the office.

- The park is drawn plainly: parcels and buildings grey, with no thematic colour (never by
  lifecycle status or vacancy: a list sent to investors must not show which plots are 闲置 or
  低效), no parcel or building labels (a building's name can be its tenant's); zones and
  roads with their names.
- Only the listed features are highlighted (land orange, carriers blue; a feature too small
  to see at the map's scale gets a ring), nothing else: no selection colours.
- The map zooms to the listed features (with their surroundings), so the towers of one zone
  are not specks on the whole park.
- Each number sits on its feature; where that spot is taken it moves to a free place inside
  the feature, else beside it with a leader line to the feature.
- The legend, north arrow and scale bar stand in a panel beside the map frame and the title
  above it, so they never cover the park.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from landapp.i18n import tr
from layers.base import LegendEntry
from layers.decorations import draw_legend, draw_north_arrow, draw_scale_bar
from layers.map import ParkMap
from layers.render import render
from layers.vector import label_font
from layers.view import MapView

LAND_FILL, LAND_LINE = QColor(251, 140, 0, 215), QColor(191, 54, 12)
CARRIER_FILL, CARRIER_LINE = QColor(30, 136, 229, 230), QColor(13, 71, 161)
MARKER = QColor(198, 40, 40)
PLAIN_PARCEL, PLAIN_BUILDING = QColor("#ECEFF1"), QColor("#B0BEC5")
MIN_SEEN_PX = 6.0  # a listed feature smaller than this on the page gets a ring around it


@dataclass
class Marker:
    no: int
    centre: QPointF  # page-frame coordinates (the frame's top-left is 0, 0)
    radius: float
    anchor: QPointF  # the feature's point the number belongs to
    leader: bool  # a line joins the number to the feature

    @property
    def box(self) -> QRectF:
        r = self.radius
        return QRectF(self.centre.x() - r, self.centre.y() - r, 2 * r, 2 * r)


def plain_park_map(store) -> ParkMap:
    """The park's layers drawn plainly (no status or vacancy colours, no parcel or building
    labels), for maps that leave the office."""
    m = ParkMap(store, with_raster=False, with_tiles=False)
    for layer_id in ("parcels", "buildings"):
        layer = m.layer(layer_id)
        layer.theme_key = None  # the plain style: one grey for all
        layer.label_column = None
        layer.reload()
    m.layer("parcels").opacity = 0.35  # light, so the listed features stand out
    m.layer("buildings").opacity = 0.75
    return m


def listed_geometries(store, df, kind: str) -> list[tuple[int, object]]:
    layer = "parcels" if kind == "land" else "buildings"
    out = []
    for fid, no in zip(df.index, df["no"]):
        rec = store.get(layer, int(fid))
        if rec is not None and rec.get("geometry") is not None:
            out.append((int(no), rec["geometry"]))
    return out


def overview_extent(park_extent, geoms) -> tuple[float, float, float, float] | None:
    """The listed features with room around them (6 % of their spread, at least 200 m),
    or the whole park when nothing is listed."""
    if not geoms:
        return park_extent
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms, dtype=object))
    pad = max(0.06 * max(x1 - x0, y1 - y0), 200.0)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _screen_geom(geom, view: MapView):
    return shapely.transform(geom, lambda xy: np.column_stack(view.to_screen(xy[:, 0], xy[:, 1])))


def draw_highlights(p: QPainter, view: MapView, items: list[tuple[int, object]], kind: str) -> list[QRectF]:
    """The listed features in the list's colour; returns their boxes on the frame."""
    fill, line = (LAND_FILL, LAND_LINE) if kind == "land" else (CARRIER_FILL, CARRIER_LINE)
    boxes = []
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for _no, geom in items:
        g = _screen_geom(geom, view)
        x0, y0, x1, y1 = g.bounds
        boxes.append(QRectF(x0, y0, x1 - x0, y1 - y0))
        p.setPen(QPen(line, 1.2))
        p.setBrush(fill)
        for part in shapely.get_parts(g):
            from PySide6.QtGui import QPolygonF

            p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in part.exterior.coords]))
        if max(x1 - x0, y1 - y0) < MIN_SEEN_PX:  # too small to see: a ring around it
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(line, 1.4))
            c = QPointF((x0 + x1) / 2, (y0 + y1) / 2)
            p.drawEllipse(c, MIN_SEEN_PX, MIN_SEEN_PX)
    p.restore()
    return boxes


def place_markers(view: MapView, items: list[tuple[int, object]], radius_of, frame: QRectF) -> list[Marker]:
    """A number per listed feature: on the feature's representative point if free, else at
    a free spot inside the feature, else beside it (nearest free ring position) with a
    leader. Numbers never overlap each other, never leave the frame, and a moved one keeps
    off the other listed features when it can."""
    placed: list[QRectF] = []
    leaders: list = []
    screen = [(no, _screen_geom(g, view)) for no, g in items]
    others = shapely.union_all([g for _n, g in screen]) if screen else None
    out: list[Marker] = []
    inner = frame.adjusted(1, 1, -1, -1)

    def free(c: QPointF, r: float) -> bool:
        box = QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r)
        return inner.contains(box) and not any(box.intersects(o) for o in placed)

    for no, g in screen:
        r = radius_of(no)
        shapely.prepare(g)
        rep = g.representative_point() if not g.is_empty else shapely.Point(0, 0)
        anchor = QPointF(rep.x, rep.y)
        chosen, leader = None, False
        # a feature too small to hold its number keeps it beside it, so the number does not
        # hide the feature (a tower is a speck at the scale of a zone)
        core = g.buffer(-r * 0.6) if g.area >= 3 * math.pi * r * r else shapely.Polygon()
        if not core.is_empty and free(anchor, r) and core.contains(rep):
            chosen = anchor
        else:  # a free spot inside the feature (it is big enough on the page)
            if not core.is_empty:
                x0, y0, x1, y1 = core.bounds
                xs, ys = np.meshgrid(np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
                pts = shapely.points(xs.ravel(), ys.ravel())
                inside = shapely.contains(core, pts)
                cand = sorted((math.hypot(pt.x - rep.x, pt.y - rep.y), pt.x, pt.y)
                              for pt, ok in zip(pts, inside) if ok)
                for _d, x, y in cand:
                    if free(QPointF(x, y), r):
                        chosen = QPointF(x, y)
                        break
        if chosen is None:  # beside it, with a leader line back to the feature
            best = None
            for ring in range(1, 16):
                dist = r * (1.3 + 1.1 * ring)
                for k in range(16):
                    a = 2 * math.pi * k / 16 + (ring % 2) * math.pi / 16
                    c = QPointF(anchor.x() + dist * math.cos(a), anchor.y() - dist * math.sin(a))
                    if not free(c, r):
                        continue
                    circle = shapely.Point(c.x(), c.y()).buffer(r)
                    line = shapely.LineString([(anchor.x(), anchor.y()), (c.x(), c.y())])
                    crosses = any(line.intersects(shapely.box(o.left(), o.top(), o.right(), o.bottom()))
                                  for o in placed)
                    if leaders:
                        crosses = crosses or circle.intersects(shapely.multilinestrings(leaders))
                    covers = others is not None and circle.intersects(others)
                    score = (crosses, covers)
                    if best is None or score < best[0]:
                        best = (score, c)
                    if score == (False, False):
                        break
                if best is not None and best[0] == (False, False):
                    break
            if best is not None:
                chosen, leader = best[1], True
                leaders.append([(anchor.x(), anchor.y()), (chosen.x(), chosen.y())])
            else:  # the frame is full: on the feature, as a last resort
                chosen = anchor
        m = Marker(no, chosen, r, anchor, leader)
        placed.append(m.box)
        out.append(m)
    return out


def draw_markers(p: QPainter, markers: list[Marker]) -> None:
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(MARKER, 0.9))
    for m in markers:
        if m.leader:
            d = math.hypot(m.centre.x() - m.anchor.x(), m.centre.y() - m.anchor.y()) or 1.0
            end = QPointF(m.centre.x() - (m.centre.x() - m.anchor.x()) / d * m.radius,
                          m.centre.y() - (m.centre.y() - m.anchor.y()) / d * m.radius)
            p.drawLine(m.anchor, end)
            p.setBrush(MARKER)
            p.drawEllipse(m.anchor, 1.3, 1.3)
    p.setFont(label_font(6.5, True))
    for m in markers:
        p.setPen(QPen(QColor("white"), 0.8))
        p.setBrush(MARKER)
        p.drawEllipse(m.box)
        p.setPen(QColor("white"))
        p.drawText(m.box, int(Qt.AlignmentFlag.AlignCenter), str(m.no))
    p.restore()


def paint_overview(p: QPainter, store, df, kind: str, frame: QRectF, panel: QRectF) -> dict:
    """The overview map in `frame` and its legend, north arrow and scale bar in `panel` (both
    page rectangles). Returns the layout (page coordinates): the frame, the panel's boxes,
    the listed features' boxes and the markers, for tests and callers."""
    m = plain_park_map(store)
    items = listed_geometries(store, df, kind)
    ext = overview_extent(m.extent(), [g for _n, g in items])
    layout: dict = {"frame": QRectF(frame), "features": [], "markers": [], "panel": []}
    if not ext:
        return layout
    view = MapView.fit(ext, int(frame.width()), int(frame.height()))
    p.save()
    p.translate(frame.topLeft())
    p.setClipRect(QRectF(0, 0, frame.width(), frame.height()))
    render(p, view, m.layers, decorations=False, background=QColor("white"))
    boxes = draw_highlights(p, view, items, kind)
    fm = QFontMetricsF(label_font(6.5, True))

    def radius(no: int) -> float:
        return max(fm.horizontalAdvance(str(no)) / 2 + 2.5, fm.height() / 2 + 0.5)

    markers = place_markers(view, items, radius, QRectF(0, 0, frame.width(), frame.height()))
    draw_markers(p, markers)
    p.restore()
    p.save()
    p.setPen(QPen(QColor(60, 60, 60), 0.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(frame)
    p.restore()
    # the panel beside the frame: legend, north arrow, scale bar
    listed = (tr(f"供地地块(表中 {len(items)} 宗)", f"Land on offer ({len(items)} in the list)") if kind == "land"
              else tr(f"招商载体(表中 {len(items)} 处)", f"Carriers ({len(items)} in the list)"))
    fill, line = (LAND_FILL, LAND_LINE) if kind == "land" else (CARRIER_FILL, CARRIER_LINE)
    entries = [LegendEntry(listed, fill, line), LegendEntry(tr("其他地块", "Other parcels"), PLAIN_PARCEL),
               LegendEntry(tr("建筑", "Buildings"), QColor("#CCCCCC")),
               LegendEntry(tr("片区界线", "Zone boundary"), None, QColor("#C62828"), "line"),
               LegendEntry(tr("道路", "Roads"), QColor("#FFFFFF"), QColor("#A0A0A0"))]
    legend = draw_legend(p, [(e.label, [e]) for e in entries], panel.topLeft())
    y = legend.bottom() + 6
    p.save()
    p.setFont(label_font(8))
    p.setPen(QColor(40, 40, 40))
    note = QRectF(panel.left(), y, panel.width(), 40)
    p.setBrush(MARKER)
    p.setPen(QPen(QColor("white"), 0.8))
    p.drawEllipse(QPointF(panel.left() + 8, y + 8), 6, 6)
    p.setPen(QColor(40, 40, 40))
    text_box = QRectF(panel.left() + 18, y, panel.width() - 18, 40)
    p.drawText(text_box, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
               tr("编号即表中序号;引线指向编号所属的位置", "Numbers are the list's No.; a line leads to the place"))
    p.restore()
    arrow_c = QPointF(panel.left() + 22, note.bottom() + 34)
    draw_north_arrow(p, arrow_c)
    bar = draw_scale_bar(p, view, QPointF(panel.left() + 6, arrow_c.y() + 70), max_px=min(100.0, panel.width() - 110))
    layout["panel"] = [legend, note, QRectF(arrow_c.x() - 18, arrow_c.y() - 36, 36, 58), bar]
    off = frame.topLeft()
    layout["features"] = [b.translated(off) for b in boxes]
    layout["markers"] = [Marker(mk.no, mk.centre + off, mk.radius, mk.anchor + off, mk.leader) for mk in markers]
    layout["view"] = view
    return layout
