"""Boundary-point numbers (J1…Jn) on parcel sheets: where each number goes so that none
overlaps another, and the enlarged details (局部放大图) for boundaries whose points are too
dense at the sheet's scale (a 100-point arc). Kept apart from the sheet's layout so the
label code stays in small functions (sheet text drawing is tuned elsewhere for speed)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPainterPathStroker, QPen, QPixmap,
                           QPolygonF)

from landapp.i18n import tr
from layers.render import render
from layers.vector import label_font, text_runs
from layers.view import INCH_M, MapView

MM = 96 / 25.4
RED = QColor(220, 0, 0)


HALO_PEN = QPen(QColor(255, 255, 255, 230), 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin)
_HALO_PATHS: dict = {}


def _halo_text(p: QPainter, pos: QPointF, text: str, colour: QColor) -> None:
    """Text with a thin white halo, so point numbers read over coloured neighbours: the
    text's outline stroked with HALO_PEN, then the text itself, which stays text in a PDF.
    On a PDF page or a printer the stroke is worked out once per text and font and filled
    (what a PDF's strokePath writes), and the text comes from cached glyph runs."""
    if isinstance(p.device(), (QImage, QPixmap)):  # a raster strokes its own way: as it was
        path = QPainterPath()
        path.addText(pos, p.font(), text)
        p.strokePath(path, HALO_PEN)
        p.setPen(colour)
        p.drawText(pos, text)
        return
    font = p.font()
    key = (font.key(), tuple(font.families()), text)
    halo = _HALO_PATHS.get(key)
    if halo is None:
        path = QPainterPath()
        path.addText(QPointF(0, 0), font, text)
        halo = QPainterPathStroker(HALO_PEN).createStroke(path)
        if len(_HALO_PATHS) > 4000:
            _HALO_PATHS.clear()
        _HALO_PATHS[key] = halo
    # addText puts the text at pos in 1/64 px (rounded toward zero): so does this
    p.fillPath(halo.translated(math.trunc(pos.x() * 64) / 64, math.trunc(pos.y() * 64) / 64), HALO_PEN.color())
    p.setPen(colour)
    for run in text_runs(p, text):  # shaped once per text
        p.drawGlyphRun(pos, run)


@dataclass
class PointLabel:
    """A boundary point's number on the map: its text, the point, the text's box and whether
    a leader line joins them (the number had to move away from its point)."""

    text: str
    anchor: QPointF
    box: QRectF
    leader: bool = False


# label positions tried for a point, nearest first: outward along the bisector, then turned
# by these angles, at growing distances (rows of labels along the boundary, with leaders)
_TURNS = (0, 15, -15, 30, -30, 45, -45, 60, -60, 75, -75, 95, -95, 120, -120, 150, -150)
_STEPS = 40


def _outward(a: QPointF, q: QPointF, b: QPointF) -> tuple[float, float]:
    """Unit vector pointing out of a clockwise (on the map) ring at vertex q, between a and b."""
    def normal(u: QPointF, v: QPointF):
        ex, ey = v.x() - u.x(), v.y() - u.y()
        d = math.hypot(ex, ey) or 1.0
        return ey / d, -ex / d  # on screen (y down) the inside of a clockwise map ring is to the left
    n1, n2 = normal(a, q), normal(q, b)
    ox, oy = n1[0] + n2[0], n1[1] + n2[1]
    d = math.hypot(ox, oy)
    if d < 1e-6:
        return n1
    return ox / d, oy / d


def dense_note(n: int) -> str:
    return tr(f"界址点较密(共 {n} 个):点号依次排在界线外侧,以引线指向界址点",
              f"Dense boundary points ({n}): numbers set out along the boundary with leader lines")


def place_point_labels(rings: list[list[QPointF]], signs: list[float], fm: QFontMetricsF, frame: QRectF,
                       obstacles: list[QRectF], parcel=None, only=None) -> tuple[list[PointLabel], bool]:
    """Every boundary point's number J1…Jn, none overlapping another, an obstacle (the fraction
    label, north arrow, scale bar) or a leader line, each wholly inside the frame. A number
    goes beside its point, outward along the bisector; where the points are too dense for
    that, it moves out along the boundary (turned, then further out) with a leader line, and
    the result says the sheet is dense. `parcel`: the parcel in screen pixels (moved numbers
    stay off it). `only`: the 0-based point numbers to label (all when None). Screen
    coordinates are the frame's (0, 0 at its top-left)."""
    boxes = np.array([[o.left(), o.top(), o.right(), o.bottom()] for o in obstacles], dtype=float).reshape(-1, 4)
    # the points' own circles are kept clear too (a number over a neighbour's point misleads)
    dots = np.array([[q.x(), q.y()] for ring in rings for q in ring], dtype=float).reshape(-1, 2)
    rad = 0.4 * MM
    boxes = np.vstack([boxes, np.column_stack([dots[:, 0] - rad, dots[:, 1] - rad, dots[:, 0] + rad, dots[:, 1] + rad])])
    leaders: list = []
    out: list[PointLabel] = []
    dense = False
    turns = np.radians(np.array(_TURNS, dtype=float))
    k = 0
    for ring, sign in zip(rings, signs):
        n = len(ring)
        for i, q in enumerate(ring):
            k += 1
            if only is not None and k - 1 not in only:
                continue
            text = f"J{k}"
            tw, th = fm.horizontalAdvance(text) + 2, fm.height() + 2
            ox, oy = _outward(ring[i - 1], q, ring[(i + 1) % n])
            ox, oy = ox * sign, oy * sign
            # the usual case first: beside the point, outward along the bisector
            off0 = 3 + abs(ox) * tw / 2 + abs(oy) * th / 2
            bx0, by0 = q.x() + ox * off0 - tw / 2, q.y() + oy * off0 - th / 2
            if (bx0 >= frame.left() and by0 >= frame.top() and bx0 + tw <= frame.right()
                    and by0 + th <= frame.bottom()
                    and not ((bx0 < boxes[:, 2]) & (bx0 + tw > boxes[:, 0])
                             & (by0 < boxes[:, 3]) & (by0 + th > boxes[:, 1])).any()):
                r = QRectF(bx0, by0, tw, th)
                out.append(PointLabel(text, q, r, False))
                boxes = np.vstack([boxes, [r.left(), r.top(), r.right(), r.bottom()]])
                continue
            # candidates: (distance step, turn) pairs, nearest first
            st, tu = np.meshgrid(np.arange(_STEPS), turns, indexing="ij")
            st, tu = st.ravel(), tu.ravel()
            dx = ox * np.cos(tu) - oy * np.sin(tu)
            dy = ox * np.sin(tu) + oy * np.cos(tu)
            off = 3 + st * 0.55 * th + np.abs(dx) * tw / 2 + np.abs(dy) * th / 2
            cx, cy = q.x() + dx * off, q.y() + dy * off
            x0, y0, x1, y1 = cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2
            ok = (x0 >= frame.left()) & (y0 >= frame.top()) & (x1 <= frame.right()) & (y1 <= frame.bottom())
            if len(boxes):
                ok &= ~((x0[:, None] < boxes[:, 2]) & (x1[:, None] > boxes[:, 0])
                        & (y0[:, None] < boxes[:, 3]) & (y1[:, None] > boxes[:, 1])).any(axis=1)
            cand = np.flatnonzero(ok)
            moved = cand[cand > 0]
            on_parcel = np.array([], dtype=int)
            if len(moved) and (parcel is not None or leaders):
                geoms = shapely.box(x0[moved], y0[moved], x1[moved], y1[moved])
                crossing = np.zeros(len(moved), dtype=bool)
                if leaders:
                    crossing = shapely.intersects(shapely.multilinestrings(leaders), geoms)
                inside = shapely.intersects(parcel, geoms) if parcel is not None else np.zeros(len(moved), dtype=bool)
                # off the parcel first; over it (still clear of every number and leader) if need be
                on_parcel = moved[inside & ~crossing]
                cand = np.concatenate([cand[cand == 0], moved[~inside & ~crossing]])
            chosen = None
            for c in list(cand) + list(on_parcel):
                if c == 0:
                    chosen = 0
                    break
                # the leader: from the point's circle to the nearest point of the box
                ex, ey = min(max(q.x(), x0[c]), x1[c]), min(max(q.y(), y0[c]), y1[c])
                d = math.hypot(ex - q.x(), ey - q.y()) or 1.0
                sx, sy = q.x() + (ex - q.x()) / d * 1.6, q.y() + (ey - q.y()) / d * 1.6
                line = shapely.LineString([(sx, sy), (ex, ey)])
                if len(boxes) and shapely.intersects(line, shapely.box(boxes[:, 0] + 0.5, boxes[:, 1] + 0.5,
                                                                       boxes[:, 2] - 0.5, boxes[:, 3] - 0.5)).any():
                    continue
                chosen = int(c)
                leaders.append([(sx, sy), (ex, ey)])
                break
            if chosen is None:  # nowhere free: beside the point, as before (not expected)
                chosen, dense = 0, True
            moved_ = chosen > 0 and (st[chosen] > 1 or tu[chosen] != 0)
            dense |= bool(moved_)
            r = QRectF(float(x0[chosen]), float(y0[chosen]), tw, th)
            out.append(PointLabel(text, q, r, bool(chosen > 0)))
            boxes = np.vstack([boxes, [r.left(), r.top(), r.right(), r.bottom()]])
    return out, dense


def draw_point_marks(p: QPainter, rings: list[list[QPointF]]) -> None:
    """The boundary points: 0.8 mm circles, red outline, white inside."""
    p.setPen(QPen(RED, 0.8))
    p.setBrush(QColor("white"))
    for ring in rings:
        for q in ring:
            p.drawEllipse(q, 0.4 * MM, 0.4 * MM)


def draw_point_labels(p: QPainter, labels: list[PointLabel]) -> None:
    """The numbers placed by place_point_labels (font set by the caller), leaders first."""
    p.setPen(QPen(QColor(150, 0, 0, 200), 0.5))
    for lab in labels:
        if lab.leader:
            b = lab.box
            ex, ey = min(max(lab.anchor.x(), b.left()), b.right()), min(max(lab.anchor.y(), b.top()), b.bottom())
            d = math.hypot(ex - lab.anchor.x(), ey - lab.anchor.y()) or 1.0
            start = QPointF(lab.anchor.x() + (ex - lab.anchor.x()) / d * 1.6, lab.anchor.y() + (ey - lab.anchor.y()) / d * 1.6)
            p.drawLine(start, QPointF(ex, ey))
    fm = QFontMetricsF(p.font())
    for lab in labels:
        b = lab.box
        tw = fm.horizontalAdvance(lab.text)
        _halo_text(p, QPointF(b.center().x() - tw / 2, b.top() + 1 + fm.ascent()), lab.text, QColor(150, 0, 0))




# ---- points too dense for the sheet's scale: enlarged details (局部放大图)
DENSE_PX = 12.0  # neighbouring points closer than this on the sheet cannot be numbered side by side
DENSE_MIN = 6  # fewer such points: the sheet's own map copes (numbers moved out with leaders)
DETAIL_PX = 15.0  # ... and at least this far apart in an enlarged detail (numbers move out in rows)
DETAIL_SCALES = [100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000]
DETAIL_W, DETAIL_H = 170 * MM, 108 * MM  # a detail frame; two to a page
DETAIL_MARGIN = 48.0  # px of a detail around the points it numbers (room for the numbers)


@dataclass
class Detail:
    """One enlarged detail: its number, scale, map centre, the map box of the points it
    numbers (its core) and those points (0-based, numbered through the rings)."""

    no: int
    denom: int
    centre: tuple[float, float]
    core: tuple[float, float, float, float]
    points: list[int] = field(default_factory=list)

    def title(self) -> str:
        runs: list[list[int]] = []
        for i in self.points:
            if runs and i == runs[-1][1] + 1:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        span = "、".join(f"J{a + 1}" if a == b else f"J{a + 1}–J{b + 1}" for a, b in runs)
        return tr(f"局部放大图 详图{self.no}(1:{self.denom:,}):{span},共 {len(self.points)} 个界址点",
                  f"Enlarged detail {self.no} (1:{self.denom:,}): {span}, {len(self.points)} points")


def _m_per_px(denom: int) -> float:
    return denom * 0.0254 / 96


def dense_points(rings: list[list[tuple[float, float]]], denom: int) -> np.ndarray:
    """Per boundary point (numbered through the rings): whether it lies closer than DENSE_PX
    to a neighbour at the sheet's scale; all False when there are fewer than DENSE_MIN."""
    out = []
    for ring in rings:
        xy = np.asarray(ring, dtype=float)
        d_next = np.hypot(*(np.roll(xy, -1, axis=0) - xy).T)
        d_prev = np.roll(d_next, 1)
        out.append(np.minimum(d_next, d_prev) / _m_per_px(denom) < DENSE_PX)
    mask = np.concatenate(out) if out else np.zeros(0, dtype=bool)
    return mask if mask.sum() >= DENSE_MIN else np.zeros_like(mask)


def plan_details(rings: list[list[tuple[float, float]]], dense: np.ndarray, denom: int) -> list[Detail]:
    """Enlarged details covering the dense points: the largest round scale at which they are
    DETAIL_PX apart (most of them), the dense points' area cut into detail-sized tiles; each
    tile numbers the points inside its core (dense or not)."""
    if not dense.any():
        return []
    xy = np.asarray([pt for ring in rings for pt in ring], dtype=float)
    # the boundary's length per point around each point (over six sides): a pair of close
    # points between long sides needs less enlargement than a run of close points
    spacing = []
    for ring in rings:
        r = np.asarray(ring, dtype=float)
        d_next = np.hypot(*(np.roll(r, -1, axis=0) - r).T)
        window = sum(np.roll(d_next, k) for k in range(-2, 4)) / 6.0
        spacing.append(window)
    spacing = np.concatenate(spacing)[dense]
    want = float(np.percentile(spacing, 25)) / DETAIL_PX
    finer = [d for d in DETAIL_SCALES if d < denom] or [DETAIL_SCALES[0]]
    fitting = [d for d in finer if _m_per_px(d) <= want]
    detail_denom = max(fitting) if fitting else finer[0]
    m = _m_per_px(detail_denom)
    cw, ch = (DETAIL_W - 2 * DETAIL_MARGIN) * m, (DETAIL_H - 2 * DETAIL_MARGIN) * m
    # walk each ring's dense points in boundary order, from the start of a dense run, and cut
    # the walk into pieces whose points fit one detail: details follow the boundary
    groups: list[list[int]] = []
    base = 0
    for ring in rings:
        n = len(ring)
        ids = list(range(base, base + n))
        base += n
        d = dense[ids[0]:ids[0] + n]
        if not d.any():
            continue
        starts = [i for i in range(n) if d[i] and not d[i - 1]]
        s0 = starts[0] if starts else 0
        current: list[int] = []
        for step in range(n):
            i = (s0 + step) % n
            if not d[i]:
                continue
            g = ids[i]
            trial = current + [g]
            px, py = xy[trial, 0], xy[trial, 1]
            if current and (px.max() - px.min() > cw or py.max() - py.min() > ch):
                groups.append(current)
                trial = [g]
            current = trial
        if current:
            groups.append(current)
    out = []
    for n, members in enumerate(groups, 1):
        px, py = xy[members, 0], xy[members, 1]
        pad = 4 * m  # the outline on the sheet's map: a little round the points
        core = (float(px.min()) - pad, float(py.min()) - pad, float(px.max()) + pad, float(py.max()) + pad)
        centre = ((core[0] + core[2]) / 2, (core[1] + core[3]) / 2)
        out.append(Detail(n, detail_denom, centre, core, sorted(members)))
    return out


# ---- painting the details (sp: the SheetPainter, for its map layers, text and scale bar)
def draw_detail_outlines(p: QPainter, view, details, frame_rect: QRectF) -> None:
    """Where each enlarged detail lies on the sheet's map: a dashed box named 详图n."""
    p.save()
    p.setPen(QPen(QColor(21, 101, 192), 1.0, Qt.PenStyle.DashLine))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setFont(label_font(7, True))
    fm = QFontMetricsF(p.font())
    for d in details:
        x0, y0 = view.to_screen(d.core[0], d.core[3])
        x1, y1 = view.to_screen(d.core[2], d.core[1])
        r = QRectF(float(x0), float(y0), float(x1 - x0), float(y1 - y0)).intersected(frame_rect)
        p.drawRect(r)
        text = tr(f"详图{d.no}", f"Detail {d.no}")
        t = QRectF(r.left() + 2, r.top() + 1, fm.horizontalAdvance(text) + 2, fm.height())
        if frame_rect.contains(t):
            p.setPen(QColor(21, 101, 192))
            p.drawText(t, int(Qt.AlignmentFlag.AlignCenter), text)
            p.setPen(QPen(QColor(21, 101, 192), 1.0, Qt.PenStyle.DashLine))
    p.restore()


def paint_detail_page(sp, p: QPainter, plan, k: int) -> None:
    """Page k (1-based among the detail pages) of the enlarged details: two to a page."""
    from layers.sheets import PAGE_W  # (sheets imports this module)

    rec = plan.rec
    sp._text(p, 0, 12 * MM, tr("宗 地 图(局部放大)", "PARCEL SHEET (enlarged details)"), 16, True,
             width=PAGE_W, align=Qt.AlignmentFlag.AlignHCenter)
    sp._text(p, 0, 21 * MM, f"{rec.get('code') or ''}  {rec.get('name') or ''}", 10, width=PAGE_W,
             align=Qt.AlignmentFlag.AlignHCenter)
    sp.last_detail_labels = getattr(sp, "last_detail_labels", {})
    y = 30 * MM
    for d in plan.details[2 * (k - 1): 2 * k]:
        y = sp._text(p, 20 * MM, y, d.title(), 9, True) + 1 * MM
        frame = QRectF(20 * MM, y, DETAIL_W, DETAIL_H)
        sp.last_detail_labels[d.no] = paint_detail(sp, p, rec["geometry"], d, frame)
        y = frame.bottom() + 6 * MM


def paint_detail(sp, p: QPainter, geom, d: Detail, frame: QRectF) -> list:
    """One enlarged detail in `frame`: the map at the detail's scale, the red boundary, every
    point's circle, and the numbers of the detail's points. Returns the labels placed."""
    from layers.sheets import boundary_rings  # (sheets imports this module)

    scale = d.denom * INCH_M / 96
    view = MapView(d.centre[0], d.centre[1], scale, int(frame.width()), int(frame.height()))
    p.save()
    p.translate(frame.topLeft())
    local = QRectF(0, 0, frame.width(), frame.height())
    p.setClipRect(local)
    render(p, view, sp.map.layers, decorations=False, background=QColor("white"))
    draw_boundary(p, view, geom)
    rings = boundary_rings(geom)
    n_outer = shapely.get_num_geometries(geom)
    screen_rings = [[view.point_to_screen(x, y) for x, y in ring] for ring in rings]
    signs = [1.0 if r < n_outer else -1.0 for r in range(len(rings))]
    p.setFont(label_font(7.5))
    bar = QRectF(2 * MM, local.height() - 13 * MM, 66 * MM, 13 * MM)
    # a detail shows only the boundary: numbers may stand on either side of it
    labels, _dense = place_point_labels(screen_rings, signs, QFontMetricsF(p.font()), local, [bar], None,
                                        set(d.points))
    # the circles the frame shows (a detail is a small piece of a long boundary: the rest
    # would be clipped away, but still written into the PDF)
    near = local.adjusted(-MM, -MM, MM, MM)
    draw_point_marks(p, [[q for q in ring if near.contains(q)] for ring in screen_rings])
    draw_point_labels(p, labels)
    sp._scale_bar(p, scale, d.denom, local.height())
    p.setClipping(False)
    p.setPen(QPen(QColor(20, 20, 20), 0.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(local)
    p.restore()
    return labels


def draw_boundary(p, view, geom) -> None:
    """The parcel's red 0.3 mm boundary (outer rings and holes), on the sheet and in details."""
    pen = QPen(RED, 0.3 * MM)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for part in shapely.get_parts(geom):
        for ring in [part.exterior, *part.interiors]:
            p.drawPolygon(QPolygonF([view.point_to_screen(x, y) for x, y in ring.coords]))
