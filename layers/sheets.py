"""Parcel sheets (宗地图 / 地块信息卡): one A4 page per parcel, drawn with the same QPainter
renderer as the map. Following the standard sheet (shared/domain.md): the parcel with a red
0.3 mm boundary, boundary points J1…Jn as 0.8 mm circles numbered clockwise from the
north-west corner, side lengths, neighbouring parcel codes and road names, the boundary
point coordinate table (X northing, Y easting, side length), 四至, area in m² (1 decimal)
and 亩, land use, indicators, buildings and their vacancy, north arrow, a scale bar at a
round scale, date, drafter and checker; the map frame stays ≥ 2 cm from the page edge.

Pages are painted in "96-dpi pixels" (1 px = 0.2646 mm) whatever the device, so the same
code paints PDF pages (QPdfWriter), the print preview and a real printer (QPrinter)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.ops
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from shapely.geometry.polygon import orient

from landapp import landuse
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import value_label
from landapp.sizhi import DIRECTIONS, SizhiFinder
from landapp.store.filters import F, current
from landapp.units import to_mu
from layers.decorations import draw_north_arrow
from layers.map import ParkMap
from layers.render import ensure_gui_app, pdf_document, render
from layers.sheet_points import (
    _halo_text,  # noqa: F401  (kept importable from here)
    _outward,
    dense_note,
    dense_points,
    draw_boundary,
    draw_detail_outlines,
    draw_point_labels,
    draw_point_marks,
    paint_detail_page,
    place_point_labels,
    plan_details,
)
from layers.vector import label_font
from layers.view import INCH_M, MapView, nice_length

MM = 96 / 25.4  # px per mm on the page
PAGE_W, PAGE_H = 210 * MM, 297 * MM
FRAME = QRectF(20 * MM, 62 * MM, 170 * MM, 118 * MM)  # ≥ 2 cm from the edge
CORNER_DEG = 20.0  # a boundary that turns by less at a vertex is a curve, not a corner
MAP_MARGIN = 1.4  # the frame shows the parcel and this much around it (its neighbours and roads)
MAP_PAD = 6.0  # ... plus this many metres, for the point numbers around a tiny parcel
SCALES = [200, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000]
RED = QColor(220, 0, 0)
INK = QColor(20, 20, 20)  # text on the sheet
FOOTER_Y = PAGE_H - 16 * MM  # the footer rule; nothing above it may run into it


def boundary_rings(geom) -> list[list[tuple[float, float]]]:
    """Every boundary ring of the parcel (outer rings of the parts, largest first, then the
    holes), each clockwise and starting at its upper-left (north-west) corner: the corner
    nearest the north-west corner of its bounding box (TD/T 1001: numbered clockwise from the
    upper left). Numbering runs on through the rings: J1…Jk on the first, Jk+1… on the next."""
    rings = []
    parts = sorted(shapely.get_parts(geom), key=lambda g: -g.area)
    for part in parts:
        part = orient(part, sign=-1.0)  # exterior clockwise
        rings.append(np.asarray(part.exterior.coords)[:-1])
    for part in parts:
        for hole in part.interiors:
            ring = np.asarray(hole.coords)[:-1]
            if shapely.LinearRing(ring).is_ccw:
                ring = ring[::-1]
            rings.append(ring)
    out = []
    for ring in rings:
        x0, y1 = float(ring[:, 0].min()), float(ring[:, 1].max())
        # J1 is a real corner: the points of a curve (an arc densified into many vertices) are
        # not, so look among the vertices where the boundary turns by CORNER_DEG or more
        d_in, d_out = ring - np.roll(ring, 1, axis=0), np.roll(ring, -1, axis=0) - ring
        turn = np.degrees(np.arctan2(d_out[:, 1], d_out[:, 0]) - np.arctan2(d_in[:, 1], d_in[:, 0]))
        corners = ring[np.abs((turn + 180.0) % 360.0 - 180.0) >= CORNER_DEG]
        if len(corners) < 3:  # a round parcel has no corners: any vertex will do
            corners = ring
        corner = corners[int(np.argmin(np.hypot(corners[:, 0] - x0, corners[:, 1] - y1)))]
        start = int(np.argmin(np.hypot(ring[:, 0] - corner[0], ring[:, 1] - corner[1])))
        ring = np.roll(ring, -start, axis=0)
        out.append([(float(x), float(y)) for x, y in ring])
    return out


def boundary_points(geom) -> list[tuple[float, float]]:
    """The outer ring of the (largest part of the) parcel, clockwise from the north-west (J1)."""
    return boundary_rings(geom)[0]


def sheet_scale(geom, frame: QRectF = FRAME) -> int:
    """The largest round scale at which the parcel and a margin around it fit the frame."""
    x0, y0, x1, y1 = geom.bounds
    need_w, need_h = (x1 - x0) * MAP_MARGIN + MAP_PAD, (y1 - y0) * MAP_MARGIN + MAP_PAD
    for denom in SCALES:
        m_per_px = denom * INCH_M / 96
        if need_w <= frame.width() * m_per_px and need_h <= frame.height() * m_per_px:
            return denom
    return SCALES[-1]


@dataclass
class SheetPlan:
    """What one parcel's sheet holds and how it is split over pages: the first page has the
    map and the text blocks, then as many table rows as fit above the footer; the rest of the
    boundary-point table goes on continuation pages (界址点坐标表(续))."""

    fid: int
    rec: dict
    blocks: list[tuple[str, list[tuple[str, float]]]]  # (heading, [(text, size)])
    rows: list[tuple[str, str, str, str, bool]]  # point, X, Y, side, first point of a further ring
    table_y: float  # where the table heading starts on the first page
    first: int  # rows on the first page
    per_page: int  # rows on a continuation page
    first_line: float = 0.0  # row height on the first page (compact when that saves a page)
    details: list = field(default_factory=list)  # enlarged details (sheet_points.Detail), two a page
    dense: np.ndarray | None = None  # per boundary point: numbered in a detail, not on the sheet's map

    @property
    def detail_pages(self) -> int:
        return math.ceil(len(self.details) / 2)

    @property
    def pages(self) -> int:
        rest = len(self.rows) - self.first
        return 1 + self.detail_pages + (math.ceil(rest / self.per_page) if rest > 0 else 0)

    def chunk(self, k: int) -> list:
        """The table rows on page k (0: the first page; the detail pages have none)."""
        if k == 0:
            return self.rows[: self.first]
        if k <= self.detail_pages:
            return []
        k -= self.detail_pages
        a = self.first + (k - 1) * self.per_page
        return self.rows[a: a + self.per_page]


LINE = 4.4 * MM  # a coordinate-table row
COMPACT_LINE = 3.7 * MM  # ... on a first page that then holds the whole table
TABLE_W = 86 * MM  # one of the table's two columns
CONT_TOP = 34 * MM  # where the table starts on a continuation page


def _rows_per_column(y: float, line: float = LINE) -> int:
    """Rows (below the heading and the header row) that fit between y and the footer, with room
    for the note under the table."""
    return max(int((FOOTER_Y - 7 * MM - y) // line) - 1, 1)


_METRICS: dict[tuple[float, bool], QFontMetricsF] = {}
_HEIGHTS: dict[tuple, float] = {}  # wrapped text's height, by font, resolution, width, flags and text


def _metrics(size: float, bold: bool = False) -> QFontMetricsF:
    """QFontMetricsF(label_font(size, bold)), made once."""
    fm = _METRICS.get((size, bold))
    if fm is None:
        fm = _METRICS[(size, bold)] = QFontMetricsF(label_font(size, bold))
    return fm


def _measure(text: str, size: float, bold: bool = False, width: float | None = None) -> float:
    fm = _metrics(size, bold)
    if width is None:
        return fm.height()
    return fm.boundingRect(QRectF(0, 0, width, 10000), int(Qt.TextFlag.TextWordWrap), text).height()


class _LabelSpots:
    """The fraction label's spot in one parcel, tried at several sizes and with or without
    shapes to avoid: the candidate boxes of a size and whether the parcel contains them are
    worked out once, and so is the union of the buildings with each shape to avoid."""

    def __init__(self, geom, buildings):
        self.geom, self.buildings = geom, buildings
        shapely.prepare(geom)
        self._grids: dict = {}
        self._obstacles: dict = {}

    def _grid(self, hw: float, hh: float):
        key = (hw, hh)
        if key not in self._grids:
            x0, y0, x1, y1 = self.geom.bounds
            xs = np.linspace(x0 + hw, x1 - hw, 24) if x1 - x0 > 2 * hw else np.array([(x0 + x1) / 2])
            ys = np.linspace(y0 + hh, y1 - hh, 24) if y1 - y0 > 2 * hh else np.array([(y0 + y1) / 2])
            cx, cy = np.tile(xs, len(ys)), np.repeat(ys, len(xs))  # row by row, as a meshgrid
            bx0, by0, bx1, by1 = cx - hw, cy - hh, cx + hw, cy + hh
            # a box the parcel contains has its centre inside and its corners in it or on its
            # edge: only the boxes that pass this (cheap) test are built and tested whole
            g = self.geom
            maybe = np.flatnonzero(shapely.contains_xy(g, cx, cy) & shapely.intersects_xy(g, bx0, by0)
                                   & shapely.intersects_xy(g, bx1, by0) & shapely.intersects_xy(g, bx1, by1)
                                   & shapely.intersects_xy(g, bx0, by1))
            boxes = np.empty(len(cx), dtype=object)
            contained = np.zeros(len(cx), dtype=bool)
            if len(maybe):
                boxes[maybe] = shapely.box(bx0[maybe], by0[maybe], bx1[maybe], by1[maybe])
                contained[maybe] = shapely.contains(g, boxes[maybe])
            self._grids[key] = (cx, cy, boxes, contained, {})
        return self._grids[key]

    def _obstacle(self, avoid):
        key = id(avoid)
        if key not in self._obstacles:
            b = self.buildings
            if avoid is not None:
                b = avoid if b is None else shapely.union(b, avoid)
            self._obstacles[key] = (b, avoid)  # avoid kept alive: its id stays its own
        return self._obstacles[key][0]

    def find(self, view: MapView, w_px: float, h_px: float, fallback: bool = True, avoid=None):
        geom = self.geom
        bgeom = self._obstacle(avoid)
        hw, hh = w_px * view.scale / 2, h_px * view.scale / 2
        cx, cy, boxes, contained, clear = self._grid(hw, hh)
        ok = contained
        if bgeom is not None and ok.any():
            if id(avoid) not in clear:  # tested only where the parcel contains the box
                free = np.zeros(len(cx), dtype=bool)
                free[contained] = ~shapely.intersects(bgeom, boxes[contained])
                clear[id(avoid)] = free
            ok = ok & clear[id(avoid)]
        if ok.any():
            pts = shapely.points(cx[ok], cy[ok])
            best = int(np.argmax(shapely.distance(geom.boundary, pts)))
            return float(cx[ok][best]), float(cy[ok][best])
        if not fallback:
            return None
        free = geom if bgeom is None else geom.difference(bgeom.buffer(3))
        if free.is_empty:
            free = geom
        spot = shapely.ops.polylabel(max(shapely.get_parts(free), key=lambda g: g.area), tolerance=1.0)
        return spot.x, spot.y


class SheetPainter:
    """Paints parcel sheets for one project; the map layers are loaded once for an atlas."""

    def __init__(self, store, *, drafter: str = "", checker: str = "", date: dt.date | None = None):
        ensure_gui_app()
        self.store = store
        self.drafter = drafter or store.get_setting("drafter") or ""
        self.checker = checker or store.get_setting("checker") or ""
        self.park_name = store.name  # read once, like the drafter and checker
        self.date = date or dt.date.today()
        self.map = ParkMap(store, parcel_theme="landuse", with_raster=False, with_tiles=False)
        for layer in self.map.layers:
            if layer.id == "parcels":
                layer.opacity = 0.35
                layer.label_opacity = 1.0  # neighbours' codes must read clearly
        self.sizhi = SizhiFinder(store)
        from landapp.vacancy import default_as_of, load_space

        self.space = load_space(store)  # vacancy as the rest of the app counts it
        self.as_of = default_as_of(store)

    # ---- planning: the texts and how the table splits over pages
    def plan(self, fid: int) -> SheetPlan:
        rec = self.store.get("parcels", fid)
        if rec is None:
            raise LandappError(tr(f"找不到地块 {fid}。", f"No parcel {fid}."))
        geom = rec["geometry"]
        blocks = [self._sizhi_block(geom, fid), self._indicator_block(rec), self._building_block(rec)]
        y = FRAME.bottom() + 4 * MM
        for head, lines in blocks:
            y += _measure(head, 9.5, True)
            for text, size in lines:
                y += _measure(text, size, width=180 * MM)
            y += 2 * MM
        rows = []
        rings = boundary_rings(geom)
        k = 0
        for r, ring in enumerate(rings):
            n = len(ring)
            for i, (x, yv) in enumerate(ring):
                nx, ny = ring[(i + 1) % n]
                k += 1
                rows.append((f"J{k}", f"{yv:.3f}", f"{x:.3f}", f"{math.hypot(nx - x, ny - yv):.2f}", bool(r and not i)))
        head_h = _measure("界址点", 9.5, True)
        fit = 2 * _rows_per_column(y + head_h)
        line = LINE
        if len(rows) <= fit:
            first = len(rows)
        elif len(rows) <= 2 * _rows_per_column(y + head_h, COMPACT_LINE):  # a little closer: no extra page
            first, line = len(rows), COMPACT_LINE
        else:  # the heading and at least a few rows on the first page, or all of it on the next
            first = fit if fit >= 8 else 0
        per_page = 2 * _rows_per_column(CONT_TOP + head_h)
        # points too dense to number at the sheet's scale go into enlarged details
        dense = dense_points(rings, sheet_scale(geom))
        details = plan_details(rings, dense, sheet_scale(geom))
        return SheetPlan(fid, rec, blocks, rows, y, first, per_page, line, details, dense)

    def _sizhi_block(self, geom, fid):
        sz = self.sizhi.sizhi(geom, fid)
        parts = [tr(f"{zh}至:{sz[key]}", f"{key.capitalize()}: {sz[key]}") for key, zh, _ in DIRECTIONS]
        return tr("四至", "Boundaries"), [(tr(";", "; ").join(parts), 8.5)]

    def _indicator_block(self, rec):
        def v(key, unit=""):
            val = rec.get(key)
            if val is None or val == "" or (isinstance(val, float) and math.isnan(val)):
                return None
            return f"{val:g}{unit}" if isinstance(val, float) else f"{val}{unit}"

        lo, hi = v("far_min"), v("far_max")
        far = (lo if lo == hi else f"{lo}–{hi}") if lo and hi else (f"≤{hi}" if hi else (f"≥{lo}" if lo else None))
        items = [(tr("容积率", "FAR"), far), (tr("建筑密度", "Coverage"), v("density", "%")),
                 (tr("绿地率", "Green"), v("green_ratio", "%")), (tr("限高", "Height"), v("height_limit", "m")),
                 (tr("投资强度", "Investment"), v("std_invest_intensity", tr("万元/亩", " 10k CNY/mu"))),
                 (tr("亩均税收", "Tax"), v("std_tax_per_mu", tr("万元/亩", " 10k CNY/mu"))),
                 (tr("供地方式", "Supply"), value_label(rec.get("supply_method")) or None),
                 (tr("出让年限", "Term"), v("term_years", tr("年", " years"))),
                 (tr("供地日期", "Transfer"), v("supply_date")),
                 (tr("约定开工", "Agreed start"), v("agreed_start")),
                 (tr("约定竣工", "Agreed completion"), v("agreed_completion"))]
        if rec.get("status") == "待供":
            items.append((tr("预计供地", "Expected supply"), v("expected_supply_date")))
        # the planning controls always show (— when unset); supply facts only when known
        text = "  ".join(f"{k} {val or '—'}" for i, (k, val) in enumerate(items) if val or i < 4)
        return tr("规划指标与供地信息", "Planning indicators and supply"), [(text, 8.2)]

    def _building_block(self, rec):
        from landapp.vacancy import building_figures

        bs = self.store.rows("buildings", (F("parcel_code") == rec.get("code")) & current())
        head = tr("地上建筑", "Buildings")
        if not bs:
            return head, [(tr("无登记建筑。", "No buildings recorded."), 8.2)]
        lines = []
        for b in bs[:8]:
            r = building_figures(self.space, b["fid"], self.as_of).vacancy_rate
            rate = "—" if r is None else f"{r:.0%}"
            text = (f"{b['name']}:{value_label(b['btype'])},{b.get('storeys') or '—'} {tr('层', 'storeys')},"
                    f"{b.get('structure') or '—'},{tr('建筑面积', 'floor area')} {b.get('floor_area') or 0:,.0f} ㎡,"
                    f"{tr('空置率', 'vacancy')} {rate}")
            lines.append((text, 8.0))
        if len(bs) > 8:
            lines.append((tr(f"……另有 {len(bs) - 8} 栋", f"… and {len(bs) - 8} more"), 8.0))
        return head, lines

    # ---- painting
    def paint(self, p: QPainter, fid: int, page: int = 1, pages: int = 1) -> None:
        """The first page of a parcel's sheet (see paint_page for continuation pages)."""
        self.paint_page(p, self.plan(fid), 0, page, pages)

    def paint_page(self, p: QPainter, plan: SheetPlan, k: int, page: int, pages: int) -> None:
        rec = plan.rec
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if 0 < k <= plan.detail_pages:  # a page of enlarged details
            self._detail_page(p, plan, k)
            self._footer(p, page, pages)
            p.restore()
            return
        if k == 0:
            self._header(p, rec)
            self._map(p, rec, rec["geometry"], plan)
            y = FRAME.bottom() + 4 * MM
            for head, lines in plan.blocks:
                y = self._text(p, 15 * MM, y, head, 9.5, True)
                for text, size in lines:
                    y = self._text(p, 15 * MM, y, text, size, width=180 * MM)
                y += 2 * MM
            title = tr("界址点坐标表(CGCS2000,X 为北坐标,Y 为东坐标,单位:米)",
                       "Boundary points (X northing, Y easting, metres)")
            y = plan.table_y
        else:
            self._text(p, 0, 12 * MM, tr("宗 地 图(续)", "PARCEL SHEET (continued)"), 16, True, width=PAGE_W,
                       align=Qt.AlignmentFlag.AlignHCenter)
            self._text(p, 0, 21 * MM, f"{rec.get('code') or ''}  {rec.get('name') or ''}", 10, width=PAGE_W,
                       align=Qt.AlignmentFlag.AlignHCenter)
            title = tr("界址点坐标表(续)", "Boundary points (continued)")
            y = CONT_TOP
        chunk = plan.chunk(k)
        if chunk:
            done = (plan.first + max(k - plan.detail_pages - 1, 0) * plan.per_page + len(chunk)) if k else len(chunk)
            note = None
            if done < len(plan.rows):
                note = tr(f"(共 {len(plan.rows)} 个界址点,此页列至 {chunk[-1][0]},续表见后页)",
                          f"({len(plan.rows)} points; listed to {chunk[-1][0]}, continued overleaf)")
            self._coordinates(p, y, title, chunk, note, plan.first_line if k == 0 else LINE)
        elif len(plan.rows):
            self._text(p, 15 * MM, y, tr(f"界址点坐标表见下页(共 {len(plan.rows)} 个界址点)。",
                                         f"The boundary-point table is overleaf ({len(plan.rows)} points)."), 8.2)
        self._footer(p, page, pages)
        p.restore()

    def _text(self, p, x, y, text, size=9.0, bold=False, colour=None, width=None,
              align=Qt.AlignmentFlag.AlignLeft) -> float:
        p.setFont(label_font(size, bold))
        p.setPen(colour if colour is not None else INK)
        fm = QFontMetricsF(p.font())
        if width is None:
            p.drawText(QPointF(x, y + fm.ascent()), text)
            return y + fm.height()
        r = QRectF(x, y, width, 1000)
        flags = int(align | Qt.TextFlag.TextWordWrap)
        p.drawText(r, flags, text)
        # the height planned with font metrics, so the plan and the page agree (the same
        # headings come on every sheet: measured once)
        font = p.font()
        key = (font.key(), p.device().logicalDpiY(), width, flags, text)
        h = _HEIGHTS.get(key)
        if h is None:
            h = fm.boundingRect(r, flags, text).height()
            if len(_HEIGHTS) > 2000:
                _HEIGHTS.clear()
            _HEIGHTS[key] = h
        return y + h

    def _header(self, p, rec) -> None:
        self._text(p, 0, 12 * MM, tr("宗 地 图", "PARCEL SHEET"), 18, True, width=PAGE_W,
                   align=Qt.AlignmentFlag.AlignHCenter)
        self._text(p, 0, 21 * MM, self.park_name, 10, width=PAGE_W, align=Qt.AlignmentFlag.AlignHCenter)
        area = rec.get("area_m2") or rec["geometry"].area
        use = rec.get("land_use")
        use_text = landuse.label(use) if use and landuse.is_known(use) else (use or "")
        rows = [
            (tr("地块编号", "Parcel code"), rec.get("code") or "", tr("地块名称", "Name"), rec.get("name") or ""),
            (tr("所在片区", "Zone"), rec.get("zone") or "", tr("状态", "Status"), value_label(rec.get("status"))),
            (tr("位置", "Location"), rec.get("location") or "", tr("土地使用权人", "Land user"), rec.get("land_user") or ""),
            (tr("用地性质", "Land use"), use_text, tr("面积", "Area"),
             f"{area:,.1f} ㎡({to_mu(area):,.2f} {tr('亩', 'mu')})"),
        ]
        x0, w = 15 * MM, 180 * MM
        y = 29 * MM
        row_h = 7.5 * MM
        grid, ink, shade = QPen(QColor(60, 60, 60), 0.6), QColor(20, 20, 20), QColor(240, 240, 240)
        flags = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        p.setPen(grid)
        col = [x0, x0 + 24 * MM, x0 + 90 * MM, x0 + 116 * MM, x0 + w]
        for r, cells in enumerate(rows):
            top = y + r * row_h
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x0, top, w, row_h))
            for c in range(4):
                if c:
                    p.drawLine(QPointF(col[c], top), QPointF(col[c], top + row_h))
                fill = c % 2 == 0
                if fill:
                    p.fillRect(QRectF(col[c] + 0.5, top + 0.5, col[c + 1] - col[c] - 1, row_h - 1), shade)
                size = 8.5
                cell_w = col[c + 1] - col[c] - 3 * MM
                text = str(cells[c])
                while size > 6.0 and _metrics(size).horizontalAdvance(text) > cell_w:
                    size -= 0.5  # a long name or land user shrinks to fit its cell instead of being cut
                p.setFont(label_font(size, bold=fill))
                p.setPen(ink)
                p.drawText(QRectF(col[c] + 2 * MM, top, cell_w, row_h), flags, text)
                p.setPen(grid)

    def _label_spot(self, geom, view: MapView, w_px: float, h_px: float, fallback: bool = True, avoid=None):
        """Where the fraction label's centre goes: inside the parcel, clear of its buildings (and
        of `avoid`, map-unit shapes such as the side lengths' boxes), as far from the boundary as
        can be; else (if fallback, or None) the pole of the parcel's free space."""
        return _LabelSpots(geom, self._buildings_union(geom)).find(view, w_px, h_px, fallback, avoid)

    def _buildings_union(self, geom):
        layer = self.map.layer("buildings")
        blds = layer.features_in(geom.bounds)
        return shapely.union_all([layer.geometry(b) for b in blds]) if blds else None

    def _map(self, p, rec, geom, plan: SheetPlan | None = None) -> None:
        denom = sheet_scale(geom)
        scale = denom * INCH_M / 96
        x0, y0, x1, y1 = geom.bounds
        view = MapView((x0 + x1) / 2, (y0 + y1) / 2, scale, int(FRAME.width()), int(FRAME.height()))
        p.save()
        p.translate(FRAME.topLeft())
        p.setClipRect(QRectF(0, 0, FRAME.width(), FRAME.height()))
        self.map.layer("parcels").label_exclude = frozenset([rec["fid"]])  # it gets the fraction label
        render(p, view, self.map.layers, decorations=False, background=QColor("white"))
        # the parcel: red 0.3 mm boundary, J points as 0.8 mm circles, side lengths
        draw_boundary(p, view, geom)
        rings = boundary_rings(geom)
        n_outer = shapely.get_num_geometries(geom)  # the rings after these are holes
        total = sum(len(r) for r in rings)
        # where the side lengths would go (along each side, inside the parcel, where they fit)
        fm6 = _metrics(6.5)
        sides: list[tuple[list[QRectF], str]] = []  # per side: spots along it, the middle first
        if total <= 60:
            for ring in rings:
                n = len(ring)
                scr = [view.point_to_screen(x, y) for x, y in ring]
                for i in range(n):
                    (ax, ay), (bx, by) = ring[i], ring[(i + 1) % n]
                    text = f"{math.hypot(bx - ax, by - ay):.2f}"
                    qa, qb = scr[i], scr[(i + 1) % n]
                    ex, ey = qb.x() - qa.x(), qb.y() - qa.y()
                    d = math.hypot(ex, ey)
                    tw, th = fm6.horizontalAdvance(text), fm6.height()
                    if d < tw + 6:
                        continue
                    # the ring runs clockwise on the map, so on screen (y down) the inside is to the left
                    nx, ny = -ey / d, ex / d
                    mid = QPointF((qa.x() + qb.x()) / 2, (qa.y() + qb.y()) / 2)
                    probe = view.to_map(mid.x() + nx * 4, mid.y() + ny * 4)
                    if not geom.contains(shapely.Point(*probe)):
                        nx, ny = -nx, -ny  # a hole's side: its outside is the parcel
                    off = 2 + abs(nx) * tw / 2 + abs(ny) * th / 2
                    spots = []
                    for t in ((0.5, 0.3, 0.7) if d > 3 * tw else (0.5,)):
                        cx_, cy_ = qa.x() + ex * t + nx * off, qa.y() + ey * t + ny * off
                        spots.append(QRectF(cx_ - tw / 2, cy_ - th / 2, tw, th))
                    if not any(spots[0].intersects(o[0]) for o, _t in sides):
                        sides.append((spots, text))
        # the fraction label: clear of the buildings and, if it can be, of the side lengths;
        # a label that does not fit the parcel gets smaller first
        code = rec.get("code") or ""
        use = rec.get("land_use") or ""
        side_boxes = None
        if sides:
            corners = [(view.to_map(b[0].left(), b[0].top()), view.to_map(b[0].right(), b[0].bottom()))
                       for b, _t in sides]
            side_boxes = shapely.union_all([shapely.box(min(a[0], c[0]), min(a[1], c[1]), max(a[0], c[0]), max(a[1], c[1]))
                                            for a, c in corners])
        spot = None
        spots = _LabelSpots(geom, self._buildings_union(geom))
        for avoid in ([side_boxes, None] if side_boxes is not None else [None]):
            for size in (9.0, 7.5, 6.5):
                label = label_font(size, True)
                fm = _metrics(size, True)
                w = max(fm.horizontalAdvance(code), fm.horizontalAdvance(use)) + 6
                spot = spots.find(view, w, 2 * fm.height(), fallback=False, avoid=avoid)
                if spot is not None:
                    break
            if spot is not None:
                break
        if spot is None:  # it fits nowhere whole: the pole of the parcel's free space, small
            spot = spots.find(view, w, 2 * fm.height())
        sx, sy = spot
        lx, ly = view.to_screen(sx, sy)
        box = QRectF(float(lx) - w / 2, float(ly) - fm.height(), w, 2 * fm.height())
        placed: list[QRectF] = [box]  # text drawn so far: a label that would overlap one is left out
        p.setFont(label_font(7.5))
        fm7 = QFontMetricsF(p.font())
        frame_rect = QRectF(0, 0, FRAME.width(), FRAME.height())
        furniture = [QRectF(FRAME.width() - 16 * MM, 2 * MM, 12 * MM, 17 * MM),  # north arrow
                     QRectF(2 * MM, FRAME.height() - 13 * MM, 66 * MM, 13 * MM)]  # scale bar
        screen_rings = [[view.point_to_screen(x, y) for x, y in ring] for ring in rings]
        signs = [1.0 if r < n_outer else -1.0 for r in range(len(rings))]  # a hole's numbers go into it
        parcel_px = shapely.transform(geom, lambda xy: np.column_stack(view.to_screen(xy[:, 0], xy[:, 1])))
        details = plan.details if plan is not None else []
        only = None
        if details:  # the dense points are numbered in the enlarged details instead
            only = {i for i in range(total) if not plan.dense[i]}
            self._detail_outlines(p, view, details, frame_rect)
        labels, dense = place_point_labels(screen_rings, signs, fm7, frame_rect, [box, *furniture], parcel_px, only)
        note = None
        if details:
            n_dense = int(plan.dense.sum())
            names = "、".join(str(d.no) for d in details)
            note = tr(f"界址点较密:{n_dense} 个点的点号见局部放大图(详图 {names},后页)",
                      f"Dense boundary points: {n_dense} numbered in enlarged details ({names}, overleaf)")
        elif dense:  # numbers had to move out along the boundary
            note = dense_note(total)
        if note:  # say so, and keep the note's corner free of point numbers
            p.setFont(label_font(7))
            fmn = QFontMetricsF(p.font())
            note_box = QRectF(2 * MM, 2 * MM, fmn.horizontalAdvance(note) + 3 * MM, fmn.height() + 1.5 * MM)
            labels, _dense = place_point_labels(screen_rings, signs, fm7, frame_rect, [box, *furniture, note_box],
                                                parcel_px, only)
        self.last_point_labels = labels
        draw_point_marks(p, screen_rings)
        p.setFont(label_font(7.5))
        draw_point_labels(p, labels)
        placed += [lab.box for lab in labels]
        if note:
            p.setFont(label_font(7))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(255, 255, 255, 230))
            p.drawRect(note_box)
            p.setPen(QColor(150, 0, 0))
            p.drawText(note_box, int(Qt.AlignmentFlag.AlignCenter), note)
            placed.append(note_box)
        # side lengths only where they fit whole inside the frame
        sides = [(([b for b in spots if frame_rect.contains(b)]), text) for spots, text in sides]
        p.setFont(label_font(6.5))
        p.setPen(QColor(40, 40, 40))
        for spots, text in sides:  # the point numbers and the fraction label come first
            tbox = next((b for b in spots if not any(b.intersects(o) for o in placed)), None)
            if tbox is not None:
                placed.append(tbox)
                p.drawText(QPointF(tbox.left(), tbox.top() + fm6.ascent()), text)
        p.setFont(label)
        p.fillRect(box, QColor(255, 255, 255, 200))
        p.setPen(QColor(20, 20, 20))
        p.drawText(QRectF(box.left(), box.top(), w, fm.height()), int(Qt.AlignmentFlag.AlignCenter), code)
        p.drawLine(QPointF(box.left() + 2, box.center().y()), QPointF(box.right() - 2, box.center().y()))
        p.drawText(QRectF(box.left(), box.center().y(), w, fm.height()), int(Qt.AlignmentFlag.AlignCenter), use)
        # furniture: north arrow, scale bar with the round scale
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 210))  # the arrow reads over labels and fills
        p.drawRoundedRect(QRectF(FRAME.width() - 16 * MM, 2 * MM, 12 * MM, 17 * MM), 4, 4)
        draw_north_arrow(p, QPointF(FRAME.width() - 10 * MM, 12 * MM), size=10 * MM)
        self._scale_bar(p, scale, denom)
        p.setClipping(False)
        p.setPen(QPen(QColor(20, 20, 20), 0.8))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(0, 0, FRAME.width(), FRAME.height()))
        p.restore()
        self.last_scale = denom

    def _detail_outlines(self, p, view: MapView, details, frame_rect: QRectF) -> None:
        draw_detail_outlines(p, view, details, frame_rect)

    def _detail_page(self, p, plan: SheetPlan, k: int) -> None:
        paint_detail_page(self, p, plan, k)

    @staticmethod
    def _outward(a: QPointF, q: QPointF, b: QPointF) -> tuple[float, float]:
        return _outward(a, q, b)

    def _scale_bar(self, p, scale: float, denom: int, frame_h: float | None = None) -> None:
        length = nice_length(40 * MM * scale)
        px = length / scale
        p.setFont(label_font(7))
        fm = QFontMetricsF(p.font())
        end = f"{length:g} m"
        ratio = f"1:{denom:,}"
        x, y = 6 * MM, (FRAME.height() if frame_h is None else frame_h) - 6 * MM
        width = px + fm.horizontalAdvance(end) / 2 + 3 * MM + fm.horizontalAdvance(ratio) + 2 * MM
        p.fillRect(QRectF(x - 2 * MM, y - 6 * MM, width + 2 * MM, 8 * MM), QColor(255, 255, 255, 230))
        p.setPen(QPen(QColor(20, 20, 20), 0.8))
        p.setBrush(QColor(20, 20, 20))
        p.drawRect(QRectF(x, y - 1.2 * MM, px / 2, 1.2 * MM))
        p.setBrush(QColor("white"))
        p.drawRect(QRectF(x + px / 2, y - 1.2 * MM, px / 2, 1.2 * MM))
        p.setPen(QColor(20, 20, 20))
        p.drawText(QPointF(x - fm.horizontalAdvance("0") / 2, y - 2 * MM), "0")
        p.drawText(QPointF(x + px - fm.horizontalAdvance(end) / 2, y - 2 * MM), end)
        p.drawText(QPointF(x + px + fm.horizontalAdvance(end) / 2 + 3 * MM, y), ratio)

    def _coordinates(self, p, y, title, chunk, note, line: float = LINE) -> float:
        y = self._text(p, 15 * MM, y, title, 9.5, True)
        per_col = math.ceil(len(chunk) / 2)
        head = (tr("点号", "Point"), tr("X(北)", "X (N)"), tr("Y(东)", "Y (E)"), tr("边长", "Side"))
        widths = [12 * MM, 28 * MM, 28 * MM, 18 * MM]
        total_w = sum(widths)
        size = 7.5 if line >= LINE else 7.0
        fonts = {True: label_font(size, True), False: label_font(size)}
        aligns = [int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)] + \
            [int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)] * 3
        ink, rule, ring_rule = QColor(20, 20, 20), QPen(QColor(170, 170, 170), 0.4), QPen(QColor(90, 90, 90), 0.8)
        for colset in range(2):
            part = chunk[colset * per_col:(colset + 1) * per_col]
            if not part:
                break
            x = 15 * MM + colset * 94 * MM
            yy = y
            for cells, bold, ring_start in [(head, True, False)] + [(r[:4], False, r[4]) for r in part]:
                if ring_start:  # a further ring (another part, or a hole) starts here
                    p.setPen(ring_rule)
                    p.drawLine(QPointF(x, yy), QPointF(x + total_w, yy))
                cx = x
                p.setFont(fonts[bold])
                p.setPen(ink)
                for cell, w, align in zip(cells, widths, aligns):
                    p.drawText(QRectF(cx, yy, w - 2, line), align, cell)
                    cx += w
                p.setPen(rule)
                p.drawLine(QPointF(x, yy + line), QPointF(x + total_w, yy + line))
                yy += line
        end = y + line * (per_col + 1)
        if note:
            end = self._text(p, 15 * MM, end + 1 * MM, note, 7.5)
        return end

    def _footer(self, p, page, pages) -> None:
        y = FOOTER_Y
        p.setPen(QPen(QColor(60, 60, 60), 0.6))
        p.drawLine(QPointF(15 * MM, y), QPointF(195 * MM, y))
        blank = "________"  # left for a signature when nobody is named
        text = (f"{tr('制图', 'Drafter')}:{self.drafter or blank}    {tr('审核', 'Checker')}:{self.checker or blank}    "
                f"{tr('日期', 'Date')}:{self.date.isoformat()}    {tr('坐标系', 'CRS')}:CGCS2000 / EPSG:{self.store.srs_id}"
                f"    {tr('比例尺', 'Scale')} 1:{getattr(self, 'last_scale', 0):,}")
        self._text(p, 15 * MM, y + 1.5 * MM, text, 8)
        self._text(p, 15 * MM, y + 1.5 * MM, f"{page} / {pages}", 8, width=180 * MM, align=Qt.AlignmentFlag.AlignRight)


def select_parcels(store, codes: Sequence[str] = (), zone: str | None = None, fids: Sequence[int] = ()) -> list[int]:
    """Parcels for an atlas: by fid, by code, by zone, or all active ones (in code order);
    parcels asked for by code come in the order asked (each once)."""
    rows = store.values("parcels", ["fid", "code", "zone"], current())
    if fids:
        wanted = {int(f) for f in fids}
        rows = [r for r in rows if r[0] in wanted]
    if codes:
        missing = sorted(set(codes) - {r[1] for r in rows})
        if missing:
            raise LandappError(tr(f"找不到地块 {'、'.join(missing)}。", f"No parcel with code {', '.join(missing)}."))
        asked = set(codes)
        rows = [r for r in rows if r[1] in asked]
    if zone:
        if zone not in {r[2] for r in rows}:
            raise LandappError(tr(f"没有片区“{zone}”的地块。", f"There are no parcels in zone '{zone}'."))
        rows = [r for r in rows if r[2] == zone]
    if codes:
        where = {c: i for i, c in reversed(list(enumerate(codes)))}  # the first time a code is asked
        rows.sort(key=lambda r: (where[r[1]], r[1]))
    else:  # in code order, parcels without a code last (each group in fid order)
        rows.sort(key=lambda r: (r[1] is None, r[1] or ""))
    return [int(r[0]) for r in rows]


def paint_atlas(sp: SheetPainter, p: QPainter, fids: Sequence[int], new_page: Callable[[], object], *,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> int | None:
    """Paint the sheets of fids on p (a PDF writer's or a printer's painter), calling new_page
    between pages. A parcel whose boundary-point table does not fit gets continuation pages,
    so the pages are planned first: the footer numbers them through the whole atlas.
    Returns the pages painted, or None if cancelled."""
    plans = []
    for fid in fids:
        if cancel is not None and cancel():
            return None
        plans.append(sp.plan(fid))
    total = sum(pl.pages for pl in plans)
    page = 0
    for i, pl in enumerate(plans):
        for k in range(pl.pages):
            if cancel is not None and cancel():
                return None
            if page:
                new_page()
            page += 1
            sp.paint_page(p, pl, k, page, total)
        if progress is not None:
            progress(i + 1, len(plans))
    return page


def write_sheets(store, path: str, fids: Sequence[int], *, drafter: str = "", checker: str = "",
                 date: dt.date | None = None, progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None, stats: dict | None = None) -> int:
    """The parcels' sheets as one A4 PDF (fonts embedded). Returns the number of parcels
    (sheets) written, and puts the page count in stats["pages"] (a sheet with a long
    boundary-point table runs on to continuation pages); if cancelled, the partial file is
    removed and 0 is returned."""
    if not fids:
        raise LandappError(tr("没有要出图的地块。", "There are no parcels to print."))
    sp = SheetPainter(store, drafter=drafter, checker=checker, date=date)
    with pdf_document(path, title=tr("宗地图", "Parcel sheets") + f" — {store.name}") as doc:
        pages = paint_atlas(sp, doc.painter, fids, doc.new_page, progress=progress, cancel=cancel)
        if pages is None:
            doc.cancelled = True
            return 0
    if stats is not None:
        stats["pages"] = pages
    return len(fids)
