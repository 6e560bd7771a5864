"""Stacking plan (楼宇分层图) of one building: floors as horizontal bands from the top storey
down, each unit a block whose width is proportional to its area (one scale for the whole
building, so a smaller floor is a shorter band), coloured by the unit's state on the plan's
date or by years to lease expiry, labelled with tenant and area; each floor's area and
vacancy in a column on the right; a legend with the area in each class. A unit that belongs
to no floor in a building that has floors is the building let as a whole (整栋, e.g. a
standard factory let to one tenant): it is drawn as one block spanning every floor, its
width its area per floor. Drawn with QPainter onto any paint device: the widget in
ui/stacking_view.py, a PNG (QImage) or a PDF (QPdfWriter). QtGui only.

The state a unit is coloured by comes from landapp.vacancy (leases in force on the date,
then the unit's recorded status; `unit_class`), and the legend's areas are the units' split
over the classes (`UnitState.class_areas`), so the plan, `landapp vacancy`, the dashboard and
the carrier list agree on any date: a unit fitting out under a current lease is 已租, with
"装修中" as a note on its block."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
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
from landapp.vacancy import (
    Space,
    UnitState,
    building_states,
    default_as_of,
    load_space,
    unit_class,
    years_to_expiry,
)

from layers import fonts
from landapp.store.filters import F

CJK_FAMILIES = fonts.CJK_FAMILIES  # layers/fonts.py: the PDF text layer
STATUS_COLOURS = {"空置": "#E57373", "已租": "#81C784", "已售": "#64B5F6", "预留": "#FFD54F",
                  "装修中": "#BA68C8"}
EXPIRY_CLASSES = [  # (upper bound in years, colour, zh, en)
    (1.0, "#D73027", "1 年内到期", "< 1 year"), (2.0, "#FC8D59", "1–2 年", "1–2 years"),
    (3.0, "#FEE08B", "2–3 年", "2–3 years"), (5.0, "#91CF60", "3–5 年", "3–5 years"),
    (float("inf"), "#1A9850", "5 年以上", "> 5 years"),
]
VACANT_EXPIRY = "#FFFFFF"
NOT_LEASED = "#BDBDBD"
BAND_MIN_H, BAND_MAX_H = 10.0, 48.0
TENANT_ROW_H = 17.0
FLOOR_LABEL_W = 56.0
SUMMARY_W = 150.0
GAP = 1.5  # white gap between blocks
TEXT = QColor("#212121")
MUTED = QColor("#616161")
RULE = QColor("#CFD8DC")


def _luminance(c: QColor) -> float:
    """Relative luminance (WCAG): white text on fills darker than ~0.3 reads better."""
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


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
    status: str                      # the class on the plan's date (landapp.vacancy.unit_class)
    tenants: tuple[str, ...] = ()
    lease_end: dt.date | None = None
    years_left: float | None = None
    recorded_status: str = ""        # the unit record's status
    vacant: float = 0.0              # m² vacant on the date (a unit may be partly let)
    whole: bool = False              # spans every floor (the building let as a whole)
    areas: dict[str, float] = field(default_factory=dict)  # m² per class (UnitState.class_areas)
    fitting_out: bool = False        # leased and fitting out: a note, not a class


@dataclass
class StackFloor:
    level: int | None
    name: str
    units: list[StackUnit] = field(default_factory=list)
    fid: int | None = None
    recorded_area: float | None = None   # the floor record's area

    @property
    def area(self) -> float:
        return sum(u.area for u in self.units)

    @property
    def vacant(self) -> float:
        return sum(u.vacant for u in self.units)


@dataclass
class StackData:
    building: dict
    floors: list[StackFloor]  # top storey first
    as_of: dt.date
    whole: list[StackUnit] = field(default_factory=list)  # units spanning every floor
    project: str = ""

    def units(self) -> list[StackUnit]:
        return [*self.whole, *(u for f in self.floors for u in f.units)]

    @property
    def leasable(self) -> float:
        return sum(u.area for u in self.units())

    @property
    def vacant(self) -> float:
        return sum(u.vacant for u in self.units())

    def area_by(self, colour_by: str) -> dict[str, float]:
        """m² per legend class (status, or expiry class label)."""
        out: dict[str, float] = {}
        for u in self.units():
            if colour_by == "status":  # the split landapp.vacancy counts, so the totals agree
                for key, a in (u.areas or {u.status: u.area}).items():
                    out[key] = out.get(key, 0.0) + a
                continue
            key = expiry_class(u)
            out[key] = out.get(key, 0.0) + u.area
        return out


def effective_status(recorded: str, st: UnitState | None) -> str:
    """The unit's class on the date: landapp.vacancy.unit_class (one rule for the app)."""
    return unit_class(st, recorded)


def stacking_data(store, building_id: int, as_of: dt.date | None = None,
                  space: Space | None = None) -> StackData:
    """Floors and units of a building with tenants from the leases in force on `as_of`."""
    as_of = as_of or default_as_of(store)
    space = space or load_space(store)
    building = store.get("buildings", int(building_id))
    building.pop("geometry", None)
    floors = {f["fid"]: f for f in store.rows("floors", F("building_id") == int(building_id))}
    states = building_states(space, int(building_id), as_of) if int(building_id) in space.buildings else {}
    bands: dict[object, StackFloor] = {}
    whole: list[StackUnit] = []
    for u in store.rows("units", F("building_id") == int(building_id), order_by=("code", "fid")):
        st = states.get(u["fid"])
        recorded = u.get("status") or ""
        unit = StackUnit(
            u["fid"], u.get("code") or "", float(u.get("area") or 0.0), effective_status(recorded, st),
            st.tenants if st else (), st.lease_end if st else None,
            years_to_expiry(st, as_of) if st else None, recorded,
            st.vacant if st else (float(u.get("area") or 0.0) if recorded == "空置" else 0.0),
            areas=st.class_areas() if st else {}, fitting_out=bool(st and st.fitting_out))
        f = floors.get(u.get("floor_id"))
        if f is None and floors:
            unit.whole = True
            whole.append(unit)
            continue
        key = f["fid"] if f else None
        if key not in bands:
            bands[key] = StackFloor(f.get("level") if f else None,
                                    (f.get("name") or f"{f.get('level')}F") if f else tr("未分层", "No floor"),
                                    fid=f["fid"] if f else None, recorded_area=f.get("area") if f else None)
        bands[key].units.append(unit)
    # floors without units still show, as empty bands
    for fid, f in floors.items():
        if fid not in bands:
            bands[fid] = StackFloor(f.get("level"), f.get("name") or f"{f.get('level')}F", fid=fid,
                                    recorded_area=f.get("area"))
    order = sorted(bands.values(), key=lambda b: (b.level is None, -(b.level or 0)))
    project = ""
    if hasattr(store, "get_setting"):
        project = store.get_setting("name") or ""
    return StackData(building, order, as_of, whole, project)


def expiry_class(u: StackUnit) -> str:
    """The legend label of a unit in the years-to-expiry colouring."""
    if u.years_left is None:
        return tr("空置", "Vacant") if u.status == "空置" else tr("自用/预留/无租约", "Not leased")
    for upper, _, zh, en in EXPIRY_CLASSES:
        if u.years_left < upper:
            return tr(zh, en)
    return tr(EXPIRY_CLASSES[-1][2], EXPIRY_CLASSES[-1][3])


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


def _legend_keys(colour_by: str) -> list[str]:
    """The keys of StackData.area_by in legend order."""
    if colour_by == "expiry":
        return [lab for lab, _ in legend_items("expiry")]
    return list(UNIT_STATUSES)


class StackingPlan:
    """Lays out and paints a StackData; `blocks` (unit rectangles) and `floor_rows` (floor
    label rectangles) are kept from the last layout so a widget can find what the mouse is
    on."""

    def __init__(self, data: StackData, colour_by: str = "status"):
        self.data = data
        self.colour_by = colour_by
        self.blocks: list[tuple[QRectF, StackUnit]] = []
        self.floor_rows: list[tuple[QRectF, StackFloor]] = []

    # sizes ------------------------------------------------------------------------------
    def facts(self) -> str:
        """The building's carrier facts planners quote to investors (one line)."""
        b = self.data.building
        parts = []
        for key, zh, en, unit in (("ground_height", "首层层高", "ground floor", "m"),
                                  ("floor_height", "标准层层高", "typical floor", "m"),
                                  ("floor_load", "楼面荷载", "floor load", "t/㎡"),
                                  ("structure", "结构", "structure", ""),
                                  ("asking_rent", "租金", "rent", tr("元/㎡·月", "CNY/m²·month")),
                                  ("industry", "产业方向", "industry", ""),
                                  ("operator", "运营主体", "operator", "")):
            v = b.get(key)
            if v in (None, ""):
                continue
            v = f"{v:g}" if isinstance(v, float) else str(v)
            parts.append(tr(f"{zh} {v}{(' ' + unit) if unit else ''}", f"{en} {v}{(' ' + unit) if unit else ''}"))
        contact = " ".join(str(b[k]) for k in ("contact", "phone") if b.get(k))
        if contact:
            parts.append(tr(f"联系人 {contact}", f"contact {contact}"))
        return " · ".join(parts)

    def header_h(self) -> float:
        return 90.0 if self.facts() else 72.0

    def legend_h(self) -> float:
        return 40.0

    def footer_h(self, footer: bool) -> float:
        return 22.0 if footer else 0.0

    def preferred_height(self, band_h: float = 30.0, footer: bool = False) -> float:
        return (self.header_h() + self.legend_h() + self.footer_h(footer)
                + max(1, len(self.data.floors)) * band_h + 16)

    def band_height(self, rect: QRectF, footer: bool = False) -> float:
        n = max(1, len(self.data.floors))
        avail = rect.height() - self.header_h() - self.legend_h() - self.footer_h(footer) - 16
        return max(BAND_MIN_H, min(BAND_MAX_H, avail / n))

    def _whole_per_floor(self) -> float:
        n = max(1, len(self.data.floors))
        return sum(u.area for u in self.data.whole) / n

    # layout and painting ----------------------------------------------------------------
    def layout(self, rect: QRectF, footer: bool = False) -> list[tuple[QRectF, StackUnit]]:
        band_h = self.band_height(rect, footer)
        x0 = rect.left() + FLOOR_LABEL_W
        width = max(40.0, rect.width() - FLOOR_LABEL_W - SUMMARY_W - 8)
        per_floor = self._whole_per_floor()
        widest = max((f.area for f in self.data.floors), default=0.0) + per_floor or 1.0
        scale = width / widest
        top = rect.top() + self.header_h()
        blocks: list[tuple[QRectF, StackUnit]] = []
        rows: list[tuple[QRectF, StackFloor]] = []
        xw = x0
        n = max(1, len(self.data.floors))
        for u in self.data.whole:  # one block over every floor
            w = max(2.0, u.area / n * scale)
            blocks.append((QRectF(xw, top + 2, w, n * band_h - 4), u))
            xw += w
        y = top
        for f in self.data.floors:
            rows.append((QRectF(rect.left(), y, FLOOR_LABEL_W, band_h), f))
            x = xw
            for u in f.units:
                w = max(2.0, u.area * scale)
                blocks.append((QRectF(x, y + 2, w, band_h - 4), u))
                x += w
            y += band_h
        self.blocks, self.floor_rows = blocks, rows
        return blocks

    def unit_at(self, point: QPointF) -> StackUnit | None:
        for r, u in self.blocks:
            if r.contains(point):
                return u
        return None

    def floor_at(self, point: QPointF) -> StackFloor | None:
        """The floor whose label (left column) is under `point`."""
        for r, f in self.floor_rows:
            if r.contains(point):
                return f
        return None

    def paint(self, p: QPainter, rect: QRectF, selected: int | None = None, *, footer: bool = False) -> None:
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.fillRect(rect, QColor("white"))
        self._header(p, rect)
        blocks = self.layout(rect, footer)
        band_h = self.band_height(rect, footer)
        top = rect.top() + self.header_h()
        right = rect.right() - SUMMARY_W
        # column heads over the floor labels and the floor summaries
        p.setFont(font(11))
        p.setPen(MUTED)
        p.drawText(QRectF(rect.left() + 4, top - 16, FLOOR_LABEL_W - 10, 14),
                   int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), tr("楼层", "Floor"))
        p.drawText(QRectF(right + 8, top - 16, SUMMARY_W - 12, 14),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   tr("面积 · 空置率", "Area · vacancy"))
        y = top
        label_px = min(13.0, max(9.0, band_h * 0.42))
        for i, f in enumerate(self.data.floors):
            if i % 2 == 1:  # zebra rows keep a long tower readable
                p.fillRect(QRectF(rect.left() + 2, y, rect.width() - 4, band_h), QColor("#FAFAFA"))
            p.setPen(QPen(RULE, 0.8))
            p.drawLine(QPointF(rect.left() + 4, y + band_h), QPointF(rect.right() - 4, y + band_h))
            p.setFont(font(label_px, bold=True))
            p.setPen(TEXT)
            p.drawText(QRectF(rect.left() + 4, y, FLOOR_LABEL_W - 12, band_h),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f.name)
            self._floor_summary(p, QRectF(right + 8, y, SUMMARY_W - 12, band_h), f, label_px)
            y += band_h
        p.setPen(QPen(RULE, 0.8))
        p.drawLine(QPointF(rect.left() + 4, top), QPointF(rect.right() - 4, top))
        p.drawLine(QPointF(right, top), QPointF(right, y))
        for r, u in blocks:
            fill = unit_colour(u, self.colour_by)
            p.setPen(QPen(QColor("white"), GAP))
            p.setBrush(fill)
            p.drawRect(r)
            if fill.name() == VACANT_EXPIRY.lower():  # a white block needs an outline
                p.setPen(QPen(QColor("#90A4AE"), 0.8))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(r.adjusted(GAP, GAP, -GAP, -GAP))
            if selected is not None and u.fid == selected:
                p.setPen(QPen(QColor("#0D47A1"), 3.0))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(r.adjusted(1.5, 1.5, -1.5, -1.5))
            self._label(p, r, u, fill)
        self._legend(p, rect, footer)
        if footer:
            self._footer(p, rect)
        p.restore()

    def _floor_summary(self, p: QPainter, r: QRectF, f: StackFloor, px: float) -> None:
        area = f.area + self._whole_per_floor()
        if area <= 0:
            p.setFont(font(px * 0.9))
            p.setPen(MUTED)
            p.drawText(r, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                       tr("未划分单元", "no units"))
            return
        vacant = f.vacant + sum(u.vacant for u in self.data.whole) / max(1, len(self.data.floors))
        rate = vacant / area
        p.setFont(font(px * 0.92))
        p.setPen(TEXT)
        text = f"{area:,.0f}㎡"
        p.drawText(r, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        p.setPen(QColor("#C62828") if rate >= 0.5 else (TEXT if rate > 0 else MUTED))
        p.drawText(r, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"{rate:.0%}")

    def _header(self, p: QPainter, rect: QRectF) -> None:
        b, d = self.data.building, self.data
        rate = d.vacant / d.leasable if d.leasable else None
        p.setPen(TEXT)
        p.setFont(font(18, bold=True))
        title = tr(f"{b.get('name') or ''} 楼宇分层图", f"{b.get('name') or ''} stacking plan")
        p.drawText(QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, 26),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
        p.setFont(font(12))
        mode = tr("按状态着色", "coloured by status") if self.colour_by == "status" else tr(
            "按租约剩余年限着色", "coloured by years to lease expiry")
        rate_s = f"{rate:.1%}" if rate is not None else "-"
        tenants = len({t for u in d.units() for t in u.tenants if t})
        kind = value_label(b.get("btype")) if b.get("btype") else ""
        whole = tr(" · 整栋一个单元", " · one whole-building unit") if d.whole and not any(f.units for f in d.floors) else ""
        sub = tr(f"{b.get('zone') or ''} · {kind}{whole} · {len(d.floors)} 层 · 可租售 {d.leasable:,.0f} ㎡ · "
                 f"空置 {d.vacant:,.0f} ㎡(空置率 {rate_s})· 在租企业 {tenants} 家 · 统计日 {d.as_of} · {mode}",
                 f"{b.get('zone') or ''} · {kind}{whole} · {len(d.floors)} floors · leasable {d.leasable:,.0f} m² · "
                 f"vacant {d.vacant:,.0f} m² ({rate_s}) · {tenants} tenants · as of {d.as_of} · {mode}")
        p.setPen(MUTED)
        p.drawText(QRectF(rect.left() + 8, rect.top() + 30, rect.width() - 16, 20),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), sub)
        facts = self.facts()
        if facts:
            fm = QFontMetricsF(p.font())
            p.drawText(QRectF(rect.left() + 8, rect.top() + 49, rect.width() - 16, 20),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                       fm.elidedText(facts, Qt.TextElideMode.ElideRight, rect.width() - 16))

    def _label(self, p: QPainter, r: QRectF, u: StackUnit, fill: QColor) -> None:
        if r.width() < 28 or r.height() < 12:
            return
        dark = _luminance(fill) < 0.3
        p.setPen(QColor("white") if dark else TEXT)
        size = min(12.0, max(8.5, min(r.height(), 40.0) * 0.36))
        p.setFont(font(size))
        fm = QFontMetricsF(p.font())
        tenant = "、".join(t for t in u.tenants if t) or (value_label(u.status) if u.status != "已租" else "")
        if u.fitting_out and u.status == "已租":  # the fit-out is a note on a leased unit
            tenant = tr(f"(装修中){tenant}", f"(fitting out) {tenant}").strip()  # first: long names are elided
        area = f"{u.code} {u.area:,.0f}㎡".strip()
        if self.colour_by == "expiry" and u.lease_end is not None:
            area += tr(f" · 至 {u.lease_end:%Y-%m}", f" · to {u.lease_end:%Y-%m}")
        inner = r.adjusted(4, 1, -4, -1)
        line_h = fm.height()
        if u.whole and r.height() >= 3 * line_h:  # a tall block: tenant, area, end date centred
            lines = [tenant, area] if tenant else [area]
            block_h = len(lines) * line_h
            y = inner.center().y() - block_h / 2
            for i, text in enumerate(lines):
                p.setFont(font(size + (1 if i == 0 else 0), bold=i == 0 and bool(tenant)))
                fm2 = QFontMetricsF(p.font())
                p.drawText(QRectF(inner.left(), y + i * line_h, inner.width(), line_h),
                           int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter),
                           fm2.elidedText(text, Qt.TextElideMode.ElideRight, inner.width()))
            return
        if r.height() >= 2 * line_h + 2 and tenant:
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

    def _legend(self, p: QPainter, rect: QRectF, footer: bool) -> None:
        y = rect.bottom() - self.footer_h(footer) - self.legend_h() + 10
        x = rect.left() + FLOOR_LABEL_W
        p.setFont(font(12))
        fm = QFontMetricsF(p.font())
        areas = self.data.area_by(self.colour_by)
        total = self.data.leasable or 1.0
        for key, (text, colour) in zip(_legend_keys(self.colour_by), legend_items(self.colour_by)):
            a = areas.get(key, 0.0)
            label = f"{text} {a:,.0f}㎡ ({a / total:.0%})" if a else text
            p.setPen(QPen(QColor("#90A4AE"), 0.8))
            p.setBrush(colour)
            p.drawRect(QRectF(x, y + 2, 16, 14))
            p.setPen(TEXT if a else MUTED)
            p.drawText(QPointF(x + 21, y + 14), label)
            x += 21 + fm.horizontalAdvance(label) + 20

    def tenant_rows(self) -> list[tuple[str, str, float, dt.date | None]]:
        """(tenant, unit codes, m², latest lease end) per tenant, soonest expiry first."""
        acc: dict[str, list] = {}
        for u in self.data.units():
            for t in u.tenants:
                if not t:
                    continue
                a = acc.setdefault(t, [[], 0.0, None])
                a[0].append(u.code or "-")
                a[1] += u.area / len(u.tenants)
                if u.lease_end and (a[2] is None or u.lease_end > a[2]):
                    a[2] = u.lease_end
        rows = [(t, "、".join(dict.fromkeys(v[0])), v[1], v[2]) for t, v in acc.items()]
        rows.sort(key=lambda r: (r[3] or dt.date.max, r[0]))
        return rows

    def paint_tenant_table(self, p: QPainter, rect: QRectF, start: int = 0, *, more_follow: bool = False) -> float:
        """The tenant roll (租户清单) in `rect` from row `start`, as many rows as fit; returns
        the height used (see tenant_rows_fitting for how many rows that is)."""
        rows = self.tenant_rows()
        n = self.tenant_rows_fitting(rect, start, more_follow=more_follow)
        if not n:
            return 0.0
        row_h = TENANT_ROW_H
        p.save()
        p.setFont(font(13, bold=True))
        p.setPen(TEXT)
        head = tr(f"租户清单({len(rows)} 家,按到期先后)", f"Tenants ({len(rows)}, by lease expiry)")
        if start:
            head = tr(f"租户清单(续,第 {start + 1}–{start + n} 家,共 {len(rows)} 家)",
                      f"Tenants (continued, {start + 1}–{start + n} of {len(rows)})")
        p.drawText(QRectF(rect.left() + 8, rect.top(), rect.width(), 20),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), head)
        cols = [(tr("承租企业", "Tenant"), 0.36, Qt.AlignmentFlag.AlignLeft),
                (tr("单元", "Units"), 0.28, Qt.AlignmentFlag.AlignLeft),
                (tr("面积(㎡)", "Area (m²)"), 0.12, Qt.AlignmentFlag.AlignRight),
                (tr("到期日", "Lease ends"), 0.12, Qt.AlignmentFlag.AlignRight),
                (tr("剩余(年)", "Years left"), 0.12, Qt.AlignmentFlag.AlignRight)]
        x0, w = rect.left() + 8, rect.width() - 16
        y = rect.top() + 24
        shown = rows[start:start + n]
        p.fillRect(QRectF(x0, y, w, row_h), QColor("#ECEFF1"))
        p.setFont(font(11, bold=True))
        x = x0
        for title, share, align in cols:
            p.drawText(QRectF(x + 4, y, w * share - 8, row_h), int(align | Qt.AlignmentFlag.AlignVCenter), title)
            x += w * share
        p.setFont(font(11))
        fm = QFontMetricsF(p.font())
        for i, (t, codes, area, end) in enumerate(shown):
            y += row_h
            if i % 2 == 1:
                p.fillRect(QRectF(x0, y, w, row_h), QColor("#FAFAFA"))
            left = (end - self.data.as_of).days / 365.25 if end else None
            vals = [t, codes, f"{area:,.1f}", end.isoformat() if end else "-",
                    f"{left:.1f}" if left is not None else "-"]
            x = x0
            for (_, share, align), v in zip(cols, vals):
                cw = w * share - 8
                p.setPen(QColor("#C62828") if v is vals[4] and left is not None and left < 1 else TEXT)
                p.drawText(QRectF(x + 4, y, cw, row_h), int(align | Qt.AlignmentFlag.AlignVCenter),
                           fm.elidedText(v, Qt.TextElideMode.ElideRight, cw))
                x += w * share
        if start + n < len(rows):
            y += row_h
            p.setPen(MUTED)
            note = (tr(f"…另有 {len(rows) - start - n} 家租户,续见下页", f"… {len(rows) - start - n} more tenants overleaf")
                    if more_follow else tr(f"…另有 {len(rows) - start - n} 家租户未列出",
                                           f"… {len(rows) - start - n} more tenants"))
            p.drawText(QRectF(x0 + 4, y, w, row_h), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), note)
        p.setPen(QPen(RULE, 0.8))
        p.drawLine(QPointF(x0, y + row_h), QPointF(x0 + w, y + row_h))
        p.restore()
        return y + row_h - rect.top()

    def tenant_rows_fitting(self, rect: QRectF, start: int = 0, *, more_follow: bool = False) -> int:
        """How many tenant rows from `start` fit in `rect` (heading, column heads and, when
        some are left over, the "… more" line included)."""
        left = len(self.tenant_rows()) - start
        if left <= 0 or rect.height() < 60:
            return 0
        fit = int((rect.bottom() - rect.top() - 24) // TENANT_ROW_H) - 1
        if left <= fit:
            return left
        return max(0, fit - 1)

    def _footer(self, p: QPainter, rect: QRectF) -> None:
        y = rect.bottom() - self.footer_h(True)
        p.setPen(QPen(RULE, 0.8))
        p.drawLine(QPointF(rect.left() + 4, y + 2), QPointF(rect.right() - 4, y + 2))
        p.setFont(font(10))
        p.setPen(MUTED)
        r = QRectF(rect.left() + 8, y + 4, rect.width() - 16, self.footer_h(True) - 4)
        p.drawText(r, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.data.project)
        p.drawText(r, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                   tr(f"landapp 制图 · {dt.date.today().isoformat()}", f"Made with landapp · {dt.date.today().isoformat()}"))


def render_image(plan: StackingPlan, width: int = 1600, height: int | None = None, scale: float = 1.0,
                 footer: bool = False) -> QImage:
    """The plan as an image; the height follows the number of floors unless given."""
    h = int(height or plan.preferred_height(34.0, footer))
    img = QImage(int(width * scale), int(h * scale), QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.scale(scale, scale)
    plan.paint(p, QRectF(0, 0, width, h), footer=footer)
    p.end()
    return img


def export_png(plan: StackingPlan, path: str, width: int = 1600) -> None:
    from layers.render import save_image

    save_image(render_image(plan, width, scale=2.0, footer=True), str(path), "PNG")


def _page_layout(plan: StackingPlan) -> QPageLayout:
    """A4 landscape, A3 for buildings of more than 30 floors."""
    size = QPageSize.PageSizeId.A3 if len(plan.data.floors) > 30 else QPageSize.PageSizeId.A4
    return QPageLayout(QPageSize(size), QPageLayout.Orientation.Landscape, QMarginsF(12, 12, 12, 12),
                       QPageLayout.Unit.Millimeter)


def _logical_page(w: QPdfWriter) -> tuple[float, float, float]:
    """(scale, width, height) of the page in the plan's logical units (1400 wide)."""
    logical_w = 1400.0
    s = w.width() / logical_w
    return s, logical_w, w.height() / s


def _paint_page(p: QPainter, w: QPdfWriter, plan: StackingPlan) -> int:
    """The plan, and under it as much of the tenant roll as the page has room for; returns
    the number of tenant rows painted (the rest go on roll pages, _paint_roll_page)."""
    s, logical_w, logical_h = _logical_page(w)
    p.save()
    p.scale(s, s)
    # a building of a few floors keeps bands of a readable height instead of filling the
    # page; the footer stays at the foot of the page
    footer_h = plan.footer_h(True)
    plan_h = min(logical_h - footer_h, plan.preferred_height(BAND_MAX_H))
    plan.paint(p, QRectF(0, 0, logical_w, plan_h))
    # the tenant roll under the plan where the page has room (a factory, a low-rise block)
    room = QRectF(0, plan_h + 8, logical_w, logical_h - footer_h - plan_h - 16)
    n = plan.tenant_rows_fitting(room, more_follow=True)
    if n and n < len(plan.tenant_rows()) and n < 5:
        n = 0  # a stub of a roll under a tall tower: it all goes on the next page instead
    if n:
        plan.paint_tenant_table(p, room, more_follow=True)
    plan._footer(p, QRectF(0, 0, logical_w, logical_h))
    p.restore()
    return n


def _paint_roll_page(p: QPainter, w: QPdfWriter, plan: StackingPlan, start: int) -> int:
    """A page of the building's tenant roll (a tower with more tenants than fit under its
    plan); returns the rows painted."""
    s, logical_w, logical_h = _logical_page(w)
    p.save()
    p.scale(s, s)
    p.setFont(font(18, bold=True))
    p.setPen(TEXT)
    name = plan.data.building.get("name") or ""
    p.drawText(QRectF(8, 4, logical_w - 16, 26), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
               tr(f"{name} 租户清单 · 统计日 {plan.data.as_of}", f"{name} tenant roll · as of {plan.data.as_of}"))
    footer_h = plan.footer_h(True)
    room = QRectF(0, 40, logical_w, logical_h - footer_h - 48)
    n = plan.tenant_rows_fitting(room, start, more_follow=True)
    plan.paint_tenant_table(p, room, start, more_follow=True)
    plan._footer(p, QRectF(0, 0, logical_w, logical_h))
    p.restore()
    return n


def export_pdf(plan: StackingPlan, path: str) -> None:
    """One building on one landscape page, the plan fitted to the page, its tenant roll
    below where there is room."""
    export_pdf_pages([plan], path)


def export_pdf_pages(plans: list[StackingPlan], path: str) -> None:
    """Several buildings' stacking plans in one PDF, one page each (A3 for towers of more
    than 30 floors, A4 otherwise), each followed by tenant-roll pages when its tenants do not
    all fit under the plan (a tower's roll is long)."""
    from landapp.errors import LandappError

    if not plans:
        raise LandappError(tr("没有要导出的分层图。", "No stacking plan to export."))
    from layers.render import pdf_writer

    with pdf_writer(str(path)) as w:  # written whole or not at all (landapp/files.py)
        w.setPageLayout(_page_layout(plans[0]))
        w.setResolution(150)
        name = plans[0].data.building.get("name") or ""
        w.setTitle(tr(f"{name} 楼宇分层图", f"{name} stacking plan") if len(plans) == 1
                   else tr(f"楼宇分层图({len(plans)} 栋)", f"Stacking plans ({len(plans)} buildings)"))
        p = QPainter(w)
        if not p.isActive():
            raise LandappError(tr(f"无法写入 PDF {path}。", f"Cannot write the PDF {path}."))
        try:
            for i, plan in enumerate(plans):
                if i:
                    w.setPageLayout(_page_layout(plan))
                    w.newPage()
                done = _paint_page(p, w, plan)
                total = len(plan.tenant_rows())
                while done < total:  # every tower gets its whole tenant roll, on further pages
                    w.newPage()
                    n = _paint_roll_page(p, w, plan, done)
                    if n <= 0:
                        break
                    done += n
        finally:
            p.end()
