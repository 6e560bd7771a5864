"""Stacking plan (楼宇分层图) of one building: floors as horizontal bands from the top storey
down, each unit a block whose width is proportional to its area (one scale for the whole
building, so a smaller floor is a shorter band), coloured by unit status or by years to
lease expiry, labelled with tenant and area. Drawn with QPainter onto any paint device:
the widget in ui/stacking_view.py, a PNG (QImage) or a PDF (QPdfWriter). QtGui only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from landapp.i18n import tr
from landapp.schema import UNIT_STATUSES, value_label
from landapp.vacancy import Space, building_states, default_as_of, load_space, years_to_expiry

CJK_FAMILIES = ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei"]
STATUS_COLOURS = {"空置": "#EF5350", "已租": "#66BB6A", "已售": "#42A5F5", "预留": "#FFCA28",
                  "装修中": "#AB47BC"}
EXPIRY_CLASSES = [  # (upper bound in years, colour, zh, en)
    (1.0, "#D73027", "1 年内到期", "< 1 year"), (2.0, "#FC8D59", "1–2 年", "1–2 years"),
    (3.0, "#FEE08B", "2–3 年", "2–3 years"), (5.0, "#91CF60", "3–5 年", "3–5 years"),
    (float("inf"), "#1A9850", "5 年以上", "> 5 years"),
]
VACANT_EXPIRY = "#FFFFFF"
NOT_LEASED = "#BDBDBD"
BAND_MIN_H, BAND_MAX_H = 10.0, 54.0
FLOOR_LABEL_W = 56.0


def font(px: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(CJK_FAMILIES)
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    return f


@dataclass
class StackUnit:
    fid: int
    code: str
    area: float
    status: str
    tenants: tuple[str, ...] = ()
    lease_end: dt.date | None = None
    years_left: float | None = None


@dataclass
class StackFloor:
    level: int | None
    name: str
    units: list[StackUnit] = field(default_factory=list)

    @property
    def area(self) -> float:
        return sum(u.area for u in self.units)


@dataclass
class StackData:
    building: dict
    floors: list[StackFloor]  # top storey first
    as_of: dt.date

    @property
    def leasable(self) -> float:
        return sum(f.area for f in self.floors)

    @property
    def vacant(self) -> float:
        return sum(u.area for f in self.floors for u in f.units if u.status == "空置")


def stacking_data(store, building_id: int, as_of: dt.date | None = None,
                  space: Space | None = None) -> StackData:
    """Floors and units of a building with tenants from the leases in force on `as_of`."""
    as_of = as_of or default_as_of(store)
    space = space or load_space(store)
    building = store.get("buildings", int(building_id))
    building.pop("geometry", None)
    floors = {f["fid"]: f for f in store.rows("floors", "building_id = ?", (int(building_id),))}
    states = building_states(space, int(building_id), as_of) if int(building_id) in space.buildings else {}
    bands: dict[object, StackFloor] = {}
    for u in store.rows("units", "building_id = ?", (int(building_id),), order_by="code, fid"):
        f = floors.get(u.get("floor_id"))
        key = f["fid"] if f else None
        if key not in bands:
            bands[key] = StackFloor(f.get("level") if f else None,
                                    (f.get("name") or f"{f.get('level')}F") if f else tr("未分层", "No floor"))
        st = states.get(u["fid"])
        bands[key].units.append(StackUnit(
            u["fid"], u.get("code") or "", float(u.get("area") or 0.0), u.get("status") or "",
            st.tenants if st else (), st.lease_end if st else None,
            years_to_expiry(st, as_of) if st else None))
    # floors without units still show, as empty bands
    for fid, f in floors.items():
        if fid not in bands:
            bands[fid] = StackFloor(f.get("level"), f.get("name") or f"{f.get('level')}F")
    order = sorted(bands.values(), key=lambda b: (b.level is None, -(b.level or 0)))
    return StackData(building, order, as_of)


def unit_colour(u: StackUnit, colour_by: str) -> QColor:
    if colour_by == "expiry":
        if u.years_left is None:
            return QColor(VACANT_EXPIRY if u.status == "空置" else NOT_LEASED)
        for upper, c, *_ in EXPIRY_CLASSES:
            if u.years_left < upper:
                return QColor(c)
    return QColor(STATUS_COLOURS.get(u.status, NOT_LEASED))


def legend_items(colour_by: str) -> list[tuple[str, QColor]]:
    if colour_by == "expiry":
        return [(tr(zh, en), QColor(c)) for _, c, zh, en in EXPIRY_CLASSES] + [
            (tr("空置", "Vacant"), QColor(VACANT_EXPIRY)), (tr("自用/预留/无租约", "Not leased"), QColor(NOT_LEASED))]
    return [(value_label(s), QColor(STATUS_COLOURS[s])) for s in UNIT_STATUSES]


class StackingPlan:
    """Lays out and paints a StackData; `blocks` (unit rectangles) are kept from the last
    layout so a widget can find the unit under the mouse."""

    def __init__(self, data: StackData, colour_by: str = "status"):
        self.data = data
        self.colour_by = colour_by
        self.blocks: list[tuple[QRectF, StackUnit]] = []

    # sizes ------------------------------------------------------------------------------
    def header_h(self) -> float:
        return 58.0

    def legend_h(self) -> float:
        return 34.0

    def preferred_height(self, band_h: float = 30.0) -> float:
        return self.header_h() + self.legend_h() + max(1, len(self.data.floors)) * band_h + 16

    def band_height(self, rect: QRectF) -> float:
        n = max(1, len(self.data.floors))
        avail = rect.height() - self.header_h() - self.legend_h() - 16
        return max(BAND_MIN_H, min(BAND_MAX_H, avail / n))

    # layout and painting ----------------------------------------------------------------
    def layout(self, rect: QRectF) -> list[tuple[QRectF, StackUnit]]:
        band_h = self.band_height(rect)
        x0 = rect.left() + FLOOR_LABEL_W
        width = max(40.0, rect.width() - FLOOR_LABEL_W - 8)
        widest = max((f.area for f in self.data.floors), default=0.0) or 1.0
        scale = width / widest
        y = rect.top() + self.header_h()
        blocks = []
        for f in self.data.floors:
            x = x0
            for u in f.units:
                w = max(2.0, u.area * scale)
                blocks.append((QRectF(x, y + 2, w, band_h - 4), u))
                x += w
            y += band_h
        self.blocks = blocks
        return blocks

    def unit_at(self, point: QPointF) -> StackUnit | None:
        for r, u in self.blocks:
            if r.contains(point):
                return u
        return None

    def paint(self, p: QPainter, rect: QRectF, selected: int | None = None) -> None:
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(rect, QColor("white"))
        self._header(p, rect)
        blocks = self.layout(rect)
        band_h = self.band_height(rect)
        y = rect.top() + self.header_h()
        p.setFont(font(12))
        for f in self.data.floors:
            p.setPen(QColor("#E0E0E0"))
            p.drawLine(QPointF(rect.left() + 4, y + band_h), QPointF(rect.right() - 4, y + band_h))
            p.setPen(QColor("#424242"))
            p.drawText(QRectF(rect.left() + 4, y, FLOOR_LABEL_W - 10, band_h),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f.name)
            y += band_h
        for r, u in blocks:
            fill = unit_colour(u, self.colour_by)
            p.setPen(QPen(QColor("#37474F"), 1.0))
            p.setBrush(fill)
            p.drawRect(r)
            if selected is not None and u.fid == selected:
                p.setPen(QPen(QColor("#0D47A1"), 3.0))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(r.adjusted(1.5, 1.5, -1.5, -1.5))
            self._label(p, r, u, fill)
        self._legend(p, rect)
        p.restore()

    def _header(self, p: QPainter, rect: QRectF) -> None:
        b, d = self.data.building, self.data
        rate = d.vacant / d.leasable if d.leasable else None
        p.setPen(QColor("#212121"))
        p.setFont(font(18, bold=True))
        title = f"{b.get('name') or ''}  {value_label(b.get('btype'))}"
        p.drawText(QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, 26),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
        p.setFont(font(12))
        mode = tr("按状态着色", "coloured by status") if self.colour_by == "status" else tr(
            "按租约剩余年限着色", "coloured by years to lease expiry")
        rate_s = f"{rate:.1%}" if rate is not None else "-"
        sub = tr(f"{b.get('zone') or ''}  {len(d.floors)} 层  可租售 {d.leasable:,.0f} ㎡  空置 {d.vacant:,.0f} ㎡"
                 f"(空置率 {rate_s})  统计日 {d.as_of}  {mode}",
                 f"{b.get('zone') or ''}  {len(d.floors)} floors  leasable {d.leasable:,.0f} m²  vacant "
                 f"{d.vacant:,.0f} m² ({rate_s})  as of {d.as_of}  {mode}")
        p.setPen(QColor("#616161"))
        p.drawText(QRectF(rect.left() + 8, rect.top() + 30, rect.width() - 16, 20),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), sub)

    def _label(self, p: QPainter, r: QRectF, u: StackUnit, fill: QColor) -> None:
        if r.width() < 28 or r.height() < 14:
            return
        dark = fill.lightnessF() < 0.45
        p.setPen(QColor("white") if dark else QColor("#212121"))
        size = min(12.0, max(9.0, r.height() * 0.36))
        p.setFont(font(size))
        fm = QFontMetricsF(p.font())
        tenant = "、".join(t for t in u.tenants if t) or (value_label(u.status) if u.status != "已租" else "")
        area = f"{u.code} {u.area:,.0f}㎡".strip()
        inner = r.adjusted(3, 1, -3, -1)
        if r.height() >= 2 * fm.height() + 2 and tenant:
            p.drawText(QRectF(inner.left(), inner.top(), inner.width(), inner.height() / 2),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                       fm.elidedText(tenant, Qt.TextElideMode.ElideRight, inner.width()))
            p.drawText(QRectF(inner.left(), inner.center().y(), inner.width(), inner.height() / 2),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                       fm.elidedText(area, Qt.TextElideMode.ElideRight, inner.width()))
        else:
            text = f"{tenant} {u.area:,.0f}㎡" if tenant else area
            p.drawText(inner, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                       fm.elidedText(text, Qt.TextElideMode.ElideRight, inner.width()))

    def _legend(self, p: QPainter, rect: QRectF) -> None:
        y = rect.bottom() - self.legend_h() + 8
        x = rect.left() + FLOOR_LABEL_W
        p.setFont(font(12))
        fm = QFontMetricsF(p.font())
        for text, colour in legend_items(self.colour_by):
            p.setPen(QPen(QColor("#37474F"), 1.0))
            p.setBrush(colour)
            p.drawRect(QRectF(x, y + 2, 16, 14))
            p.setPen(QColor("#212121"))
            p.drawText(QPointF(x + 20, y + 14), text)
            x += 20 + fm.horizontalAdvance(text) + 18


def render_image(plan: StackingPlan, width: int = 1600, height: int | None = None, scale: float = 1.0) -> QImage:
    """The plan as an image; the height follows the number of floors unless given."""
    h = int(height or plan.preferred_height(34.0))
    img = QImage(int(width * scale), int(h * scale), QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.scale(scale, scale)
    plan.paint(p, QRectF(0, 0, width, h))
    p.end()
    return img


def export_png(plan: StackingPlan, path: str, width: int = 1600) -> None:
    if not render_image(plan, width, scale=2.0).save(str(path), "PNG"):
        from landapp.errors import LandappError
        raise LandappError(tr(f"无法写入图片 {path}。", f"Cannot write the image {path}."))


def export_pdf(plan: StackingPlan, path: str) -> None:
    """A4 landscape (A3 for buildings of more than 30 floors), the plan fitted to the page."""
    w = QPdfWriter(str(path))
    size = QPageSize.PageSizeId.A3 if len(plan.data.floors) > 30 else QPageSize.PageSizeId.A4
    w.setPageLayout(QPageLayout(QPageSize(size), QPageLayout.Orientation.Landscape, QMarginsF(12, 12, 12, 12),
                                QPageLayout.Unit.Millimeter))
    w.setResolution(150)
    w.setTitle(str(plan.data.building.get("name") or ""))
    w.setCreator("landapp")
    p = QPainter(w)
    if not p.isActive():
        from landapp.errors import LandappError
        raise LandappError(tr(f"无法写入 PDF {path}。", f"Cannot write the PDF {path}."))
    page = QSizeF(w.width(), w.height())
    logical_w = 1400.0
    s = page.width() / logical_w
    logical_h = page.height() / s
    p.scale(s, s)
    plan.paint(p, QRectF(0, 0, logical_w, logical_h))
    p.end()
