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

import numpy as np
import shapely
import shapely.ops
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF
from shapely.geometry.polygon import orient

from landapp import landuse
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import value_label
from landapp.sizhi import DIRECTIONS, SizhiFinder
from landapp.units import to_mu
from layers.decorations import draw_north_arrow
from layers.map import ParkMap
from layers.render import ensure_gui_app, pdf_document, render
from layers.vector import label_font
from layers.view import INCH_M, MapView, nice_length

MM = 96 / 25.4  # px per mm on the page
PAGE_W, PAGE_H = 210 * MM, 297 * MM
FRAME = QRectF(20 * MM, 62 * MM, 170 * MM, 118 * MM)  # ≥ 2 cm from the edge
SCALES = [500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000]
RED = QColor(220, 0, 0)
INK = QColor(20, 20, 20)  # text on the sheet
FOOTER_Y = PAGE_H - 16 * MM  # the footer rule; nothing above it may run into it


def boundary_points(geom) -> list[tuple[float, float]]:
    """Exterior vertices of the (largest part of the) parcel, clockwise, starting at the
    vertex nearest the north-west corner of its bounding box (J1)."""
    poly = max(shapely.get_parts(geom), key=lambda p: p.area)
    ring = np.asarray(orient(poly, sign=-1.0).exterior.coords)[:-1]
    x0, _, _, y1 = poly.bounds
    start = int(np.argmin(np.hypot(ring[:, 0] - x0, ring[:, 1] - y1)))
    ring = np.roll(ring, -start, axis=0)
    return [(float(x), float(y)) for x, y in ring]


def sheet_scale(geom, frame: QRectF = FRAME) -> int:
    """The smallest round scale at which the parcel and a margin around it fit the frame."""
    x0, y0, x1, y1 = geom.bounds
    need_w, need_h = (x1 - x0) * 1.6 + 20, (y1 - y0) * 1.6 + 20
    for denom in SCALES:
        m_per_px = denom * INCH_M / 96
        if need_w <= frame.width() * m_per_px and need_h <= frame.height() * m_per_px:
            return denom
    return SCALES[-1]


class SheetPainter:
    """Paints parcel sheets for one project; the map layers are loaded once for an atlas."""

    def __init__(self, store, *, drafter: str = "", checker: str = "", date: dt.date | None = None):
        ensure_gui_app()
        self.store = store
        self.drafter = drafter or store.get_setting("drafter") or getattr(store, "user", "")
        self.checker = checker or store.get_setting("checker") or ""
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

    # ---- one page
    def paint(self, p: QPainter, fid: int, page: int = 1, pages: int = 1) -> None:
        rec = self.store.get("parcels", fid)
        geom = rec["geometry"]
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._header(p, rec)
        self._map(p, rec, geom)
        y = self._sizhi(p, geom, fid, FRAME.bottom() + 4 * MM)
        y = self._indicators(p, rec, y + 2 * MM)
        y = self._buildings(p, rec, y + 2 * MM)
        self._coordinates(p, geom, y + 2 * MM)  # last: it takes the rows that fit above the footer
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
        br = p.boundingRect(r, int(align | Qt.TextFlag.TextWordWrap), text)
        p.drawText(r, int(align | Qt.TextFlag.TextWordWrap), text)
        return y + br.height()

    def _header(self, p, rec) -> None:
        self._text(p, 0, 12 * MM, tr("宗 地 图", "PARCEL SHEET"), 18, True, width=PAGE_W,
                   align=Qt.AlignmentFlag.AlignHCenter)
        self._text(p, 0, 21 * MM, self.store.name, 10, width=PAGE_W, align=Qt.AlignmentFlag.AlignHCenter)
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
        p.setPen(QPen(QColor(60, 60, 60), 0.6))
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
                    p.fillRect(QRectF(col[c] + 0.5, top + 0.5, col[c + 1] - col[c] - 1, row_h - 1), QColor(240, 240, 240))
                p.setFont(label_font(8.5, bold=fill))
                p.setPen(QColor(20, 20, 20))
                p.drawText(QRectF(col[c] + 2 * MM, top, col[c + 1] - col[c] - 3 * MM, row_h),
                           int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), str(cells[c]))
                p.setPen(QPen(QColor(60, 60, 60), 0.6))

    def _map(self, p, rec, geom) -> None:
        denom = sheet_scale(geom)
        scale = denom * INCH_M / 96
        c = geom.centroid
        view = MapView(c.x, c.y, scale, int(FRAME.width()), int(FRAME.height()))
        p.save()
        p.translate(FRAME.topLeft())
        p.setClipRect(QRectF(0, 0, FRAME.width(), FRAME.height()))
        self.map.layer("parcels").label_exclude = frozenset([rec["fid"]])  # it gets the fraction label
        render(p, view, self.map.layers, decorations=False, background=QColor("white"))
        # the parcel: red 0.3 mm boundary, J points as 0.8 mm circles, side lengths
        pts = boundary_points(geom)
        scr = [view.point_to_screen(x, y) for x, y in pts]
        pen = QPen(RED, 0.3 * MM)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for part in shapely.get_parts(geom):
            for ring in [part.exterior, *part.interiors]:
                p.drawPolygon(QPolygonF([view.point_to_screen(x, y) for x, y in ring.coords]))
        cx, cy = view.to_screen(c.x, c.y)
        n = len(pts)
        p.setFont(label_font(7.5))
        fm = QFontMetricsF(p.font())
        placed: list[QRectF] = []  # labels drawn so far: on dense curves, a label that would overlap is left out
        for i, (q, (x, y)) in enumerate(zip(scr, pts)):
            p.setPen(QPen(RED, 0.8))
            p.setBrush(QColor("white"))
            p.drawEllipse(q, 0.4 * MM, 0.4 * MM)
            # label outward from the centre
            dx, dy = q.x() - float(cx), q.y() - float(cy)
            d = math.hypot(dx, dy) or 1.0
            lab = f"J{i + 1}"
            pos = QPointF(q.x() + dx / d * 9 - fm.horizontalAdvance(lab) / 2, q.y() + dy / d * 9 + fm.ascent() / 2)
            box = QRectF(pos.x() - 1, pos.y() - fm.ascent() - 1, fm.horizontalAdvance(lab) + 2, fm.height() + 2)
            if any(box.intersects(o) for o in placed):
                continue
            placed.append(box)
            p.setPen(QColor(150, 0, 0))
            p.drawText(pos, lab)
        if n <= 40:  # side lengths at the middle of each side, inside the parcel
            p.setFont(label_font(6.5))
            fm = QFontMetricsF(p.font())
            for i in range(n):
                a, b = pts[i], pts[(i + 1) % n]
                length = math.hypot(b[0] - a[0], b[1] - a[1])
                qa, qb = scr[i], scr[(i + 1) % n]
                if math.hypot(qb.x() - qa.x(), qb.y() - qa.y()) < 30:
                    continue
                mx, my = (qa.x() + qb.x()) / 2, (qa.y() + qb.y()) / 2
                dx, dy = float(cx) - mx, float(cy) - my
                d = math.hypot(dx, dy) or 1.0
                text = f"{length:.2f}"
                p.setPen(QColor(40, 40, 40))
                p.drawText(QPointF(mx + dx / d * 8 - fm.horizontalAdvance(text) / 2, my + dy / d * 8 + fm.ascent() / 2), text)
        # the fraction label: parcel number over land-use code, clear of the buildings
        blds = self.map.layer("buildings").features_in(geom.bounds)
        free = geom
        if blds:
            free = geom.difference(shapely.union_all([self.map.layer("buildings").geometry(b) for b in blds]).buffer(3))
        if not free.is_empty:
            spot = shapely.ops.polylabel(max(shapely.get_parts(free), key=lambda g: g.area), tolerance=1.0)
            cx, cy = view.to_screen(spot.x, spot.y)
        code = rec.get("code") or ""
        use = rec.get("land_use") or ""
        p.setFont(label_font(9, True))
        fm = QFontMetricsF(p.font())
        w = max(fm.horizontalAdvance(code), fm.horizontalAdvance(use)) + 6
        box = QRectF(float(cx) - w / 2, float(cy) - fm.height(), w, 2 * fm.height())
        p.fillRect(box, QColor(255, 255, 255, 200))
        p.setPen(QColor(20, 20, 20))
        p.drawText(QRectF(box.left(), box.top(), w, fm.height()), int(Qt.AlignmentFlag.AlignCenter), code)
        p.drawLine(QPointF(box.left() + 2, box.center().y()), QPointF(box.right() - 2, box.center().y()))
        p.drawText(QRectF(box.left(), box.center().y(), w, fm.height()), int(Qt.AlignmentFlag.AlignCenter), use)
        # furniture: north arrow, scale bar with the round scale
        draw_north_arrow(p, QPointF(FRAME.width() - 10 * MM, 12 * MM), size=10 * MM)
        length = nice_length(40 * MM * scale)
        px = length / scale
        x, y = 6 * MM, FRAME.height() - 6 * MM
        p.fillRect(QRectF(x - 2 * MM, y - 6 * MM, px + 22 * MM, 8 * MM), QColor(255, 255, 255, 230))
        p.setPen(QPen(QColor(20, 20, 20), 0.8))
        p.setBrush(QColor(20, 20, 20))
        p.drawRect(QRectF(x, y - 1.2 * MM, px / 2, 1.2 * MM))
        p.setBrush(QColor("white"))
        p.drawRect(QRectF(x + px / 2, y - 1.2 * MM, px / 2, 1.2 * MM))
        p.setFont(label_font(7))
        p.setPen(QColor(20, 20, 20))
        p.drawText(QPointF(x, y - 2 * MM), "0")
        p.drawText(QPointF(x + px - 6, y - 2 * MM), f"{length:g} m")
        p.drawText(QPointF(x + px + 3 * MM, y), f"1:{denom:,}")
        p.setClipping(False)
        p.setPen(QPen(QColor(20, 20, 20), 0.8))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(0, 0, FRAME.width(), FRAME.height()))
        p.restore()
        self.last_scale = denom

    def _sizhi(self, p, geom, fid, y) -> float:
        sz = self.sizhi.sizhi(geom, fid)
        parts = [tr(f"{zh}至:{sz[key]}", f"{key.capitalize()}: {sz[key]}") for key, zh, _ in DIRECTIONS]
        y = self._text(p, 15 * MM, y, tr("四至", "Boundaries"), 9.5, True)
        return self._text(p, 15 * MM, y, ";".join(parts), 8.5, width=180 * MM)

    def _coordinates(self, p, geom, y) -> float:
        pts = boundary_points(geom)
        n = len(pts)
        y = self._text(p, 15 * MM, y, tr("界址点坐标表(CGCS2000,X 为北坐标,Y 为东坐标,单位:米)",
                                         "Boundary points (X northing, Y easting, metres)"), 9.5, True)
        rows = [(f"J{i + 1}", f"{pts[i][1]:.3f}", f"{pts[i][0]:.3f}",
                 f"{math.hypot(pts[(i + 1) % n][0] - pts[i][0], pts[(i + 1) % n][1] - pts[i][1]):.2f}")
                for i in range(n)]
        line = 4.4 * MM
        fit = max(int((FOOTER_Y - 6 * MM - y) // line) - 1, 1)  # rows per column above the footer and the note
        per_col = min(max(math.ceil(n / 2), 1), fit)
        head = (tr("点号", "Point"), "X", "Y", tr("边长", "Side"))
        widths = [12 * MM, 28 * MM, 28 * MM, 18 * MM]
        p.setFont(label_font(7.5))
        for colset in range(2):
            chunk = rows[colset * per_col:(colset + 1) * per_col]
            if not chunk:
                break
            x = 15 * MM + colset * 92 * MM
            yy = y
            for cells, bold in [(head, True)] + [(r, False) for r in chunk]:
                cx = x
                p.setFont(label_font(7.5, bold))
                p.setPen(QColor(20, 20, 20))
                for cell, w in zip(cells, widths):
                    p.drawText(QRectF(cx, yy, w - 2, line), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                               if cell not in head[:1] and not cell.startswith("J") else int(Qt.AlignmentFlag.AlignVCenter), cell)
                    cx += w
                p.setPen(QPen(QColor(170, 170, 170), 0.4))
                p.drawLine(QPointF(x, yy + line), QPointF(x + sum(widths), yy + line))
                yy += line
        end = y + line * (min(per_col, len(rows)) + 1)
        if len(rows) > 2 * per_col:
            end = self._text(p, 15 * MM, end + 1 * MM, tr(f"(表中列出前 {2 * per_col} 个界址点,共 {n} 个)",
                                                           f"(the first {2 * per_col} of {n} points listed)"), 7.5)
        return end

    def _indicators(self, p, rec, y) -> float:
        def v(key, unit=""):
            val = rec.get(key)
            if val is None or val == "":
                return "—"
            return f"{val:g}{unit}" if isinstance(val, float) else f"{val}{unit}"
        lo, hi = rec.get("far_min"), rec.get("far_max")
        far = (f"{v('far_min')}–{v('far_max')}" if lo not in (None, "") and hi not in (None, "")
               else f"≤{v('far_max')}" if hi not in (None, "") else f"≥{v('far_min')}" if lo not in (None, "") else "—")
        parts = [f"{tr('容积率', 'FAR')} {far}", f"{tr('建筑密度', 'Coverage')} {v('density', '%')}",
                 f"{tr('绿地率', 'Green')} {v('green_ratio', '%')}", f"{tr('限高', 'Height')} {v('height_limit', 'm')}",
                 f"{tr('供地方式', 'Supply')} {value_label(rec.get('supply_method')) or '—'}",
                 f"{tr('供地日期', 'Transfer')} {v('supply_date')}",
                 f"{tr('约定开工', 'Agreed start')} {v('agreed_start')}",
                 f"{tr('约定竣工', 'Agreed completion')} {v('agreed_completion')}"]
        y = self._text(p, 15 * MM, y, tr("规划指标与供地信息", "Planning indicators and supply"), 9.5, True)
        return self._text(p, 15 * MM, y, "  ".join(parts), 8.2, width=180 * MM)

    def _buildings(self, p, rec, y) -> float:
        bs = self.store.rows("buildings", "parcel_code = ? AND (retired = 0 OR retired IS NULL)", (rec.get("code"),))
        y = self._text(p, 15 * MM, y, tr("地上建筑", "Buildings"), 9.5, True)
        if not bs:
            return self._text(p, 15 * MM, y, tr("无登记建筑。", "No buildings recorded."), 8.2)
        lines = []
        for b in bs[:8]:
            from landapp.vacancy import building_figures

            r = building_figures(self.space, b["fid"], self.as_of).vacancy_rate
            rate = "—" if r is None else f"{r:.0%}"
            lines.append(f"{b['name']}:{value_label(b['btype'])},{b.get('storeys') or '—'} {tr('层', 'storeys')},"
                         f"{b.get('structure') or '—'},{tr('建筑面积', 'floor area')} {b.get('floor_area') or 0:,.0f} ㎡,"
                         f"{tr('空置率', 'vacancy')} {rate}")
        if len(bs) > 8:
            lines.append(tr(f"……另有 {len(bs) - 8} 栋", f"… and {len(bs) - 8} more"))
        for line in lines:
            y = self._text(p, 15 * MM, y, line, 8.0, width=180 * MM)
        return y

    def _footer(self, p, page, pages) -> None:
        y = FOOTER_Y
        p.setPen(QPen(QColor(60, 60, 60), 0.6))
        p.drawLine(QPointF(15 * MM, y), QPointF(195 * MM, y))
        text = (f"{tr('制图', 'Drafter')}:{self.drafter or '—'}    {tr('审核', 'Checker')}:{self.checker or '—'}    "
                f"{tr('日期', 'Date')}:{self.date.isoformat()}    {tr('坐标系', 'CRS')}:CGCS2000 / EPSG:{self.store.srs_id}"
                f"    {tr('比例尺', 'Scale')} 1:{getattr(self, 'last_scale', 0):,}")
        self._text(p, 15 * MM, y + 1.5 * MM, text, 8)
        self._text(p, 15 * MM, y + 1.5 * MM, f"{page} / {pages}", 8, width=180 * MM, align=Qt.AlignmentFlag.AlignRight)


def select_parcels(store, codes: Sequence[str] = (), zone: str | None = None, fids: Sequence[int] = ()) -> list[int]:
    """Parcels for an atlas: by fid, by code, by zone, or all active ones (in code order)."""
    df = store.read_layer("parcels", columns=["code", "zone"])
    if fids:
        df = df[df.index.isin(list(fids))]
    if codes:
        missing = sorted(set(codes) - set(df["code"]))
        if missing:
            raise LandappError(tr(f"找不到地块 {'、'.join(missing)}。", f"No parcel with code {', '.join(missing)}."))
        df = df[df["code"].isin(list(codes))]
    if zone:
        if zone not in set(df["zone"]):
            raise LandappError(tr(f"没有片区“{zone}”的地块。", f"There are no parcels in zone '{zone}'."))
        df = df[df["zone"] == zone]
    return [int(f) for f in df.sort_values("code").index]


def write_sheets(store, path: str, fids: Sequence[int], *, drafter: str = "", checker: str = "",
                 date: dt.date | None = None, progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> int:
    """One A4 page per parcel into a PDF (fonts embedded). Returns the pages written;
    if cancelled, the partial file is removed and 0 is returned."""
    if not fids:
        raise LandappError(tr("没有要出图的地块。", "There are no parcels to print."))
    sp = SheetPainter(store, drafter=drafter, checker=checker, date=date)
    done = 0
    with pdf_document(path, title=tr("宗地图", "Parcel sheets") + f" — {store.name}") as doc:
        for i, fid in enumerate(fids):
            if cancel is not None and cancel():
                doc.cancelled = True
                return 0
            if i:
                doc.new_page()
            sp.paint(doc.painter, fid, i + 1, len(fids))
            done += 1
            if progress is not None:
                progress(done, len(fids))
    return done
