"""Operations dashboard (运营看板): key figures and charts for campaign reports — vacancy by
zone and by building type, lease expiry schedule, idle land, revitalised area against the
year's target, per-mu classes — filtered by zone and date; copy to the clipboard or save as
PNG. Charts are painted with QPainter (QtCharts is not in PySide6-Essentials).

`collect_figures(store, as_of, zone)` gathers the numbers (no Qt), so the same figures are
reachable from Python and tests. The main window opens it from the registry
(ui/entries/space.py), as a tab beside the map."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import layers.themes_rules  # noqa: F401  (registers the idle / per-mu / availability map themes)
from landapp import evaluation as ev
from landapp import idle
from landapp import revitalisation as rv
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import value_label
from landapp.units import MU_M2
from landapp.vacancy import (
    add_months,
    availability,
    default_as_of,
    expiry_schedule,
    load_space_fields,
    net_absorption,
)
from layers import fonts
from layers.charts import CLASS_COLOURS, paint_chart
from ui.following import FollowsStore

# ---- figures (no Qt) -------------------------------------------------------------------------

def collect_figures(store, as_of: dt.date | None = None, zone: str | None = None) -> dict:
    """Every number the dashboard shows, for one date and optionally one zone."""
    as_of = as_of or default_as_of(store)
    zones = [zone] if zone else None
    space = load_space_fields(store)  # availability and the expiry schedule read these fields only
    # the vacancy figures of every grouping and both dates from one read of units and leases
    from landapp.vacancy import UnitColumns

    columns = UnitColumns(store)
    park_figures = columns.figures(as_of, "park", zones=zones)  # = vacancy_figures(space, ...)
    (park,) = park_figures or [None]
    (avail,) = availability(space, as_of, 12, "park", zones=zones, figures=park_figures) or [None]
    year_ago = add_months(as_of, -12)
    then = columns.figures(year_ago, "park", zones=zones)
    # counted, not listed: the land held in reserve is never supplied, so the idle rules
    # read the others' fields only and 批而未供 the held parcels' few
    from landapp.store.filters import F

    parcels = idle.load_parcels(store, idle.OVERVIEW_COLUMNS,
                                F("status").not_in(idle.HELD_STATUSES) | F("status").is_null())
    held = idle.load_parcels(store, ("code", "zone", "status", "supply_date"), F("status").in_(idle.HELD_STATUSES))
    if zone:
        parcels = [p for p in parcels if p.get("zone") == zone]
        held = [p for p in held if p.get("zone") == zone]
    isum, idle_statuses = idle.idle_overview(parcels, as_of)  # = idle_summary(idle_report(...))
    # the latest year with per-mu figures up to the dashboard's date (a report dated 2025
    # shows the 2025 evaluation, not a later one)
    years = [y for y in ev.metrics_years(store) if y <= as_of.year]
    mu_year = years[-1] if years else None
    try:  # per enterprise for the park; per parcel (enterprises' figures by land share) for a zone
        if mu_year is None:
            raise LandappError(tr(f"没有 {as_of.year} 年及以前的企业亩均数据。",
                                  f"No per-mu figures for {as_of.year} or earlier."))
        if zone:
            year, results = ev.evaluate(store, mu_year, level="parcel")
            zone_parcels = {p["fid"] for p in parcels} | {p["fid"] for p in held}
            results = [r for r in results if r.id in zone_parcels]
        else:
            year, results = ev.evaluate(store, mu_year)
        classes = ev.class_counts(results)
        low = sum(r.low_efficiency for r in results)
        mu_note = None
    except LandappError as e:
        year, classes, low, mu_note = None, {}, 0, str(e)
    return {
        "as_of": as_of, "zone": zone,
        "leasable_m2": park.leasable if park else 0.0, "vacant_m2": park.vacant if park else 0.0,
        "vacancy_rate": park.vacancy_rate if park else None,
        "available_m2": avail["available_m2"] if avail else 0.0,
        "by_zone": [(f.key, f.vacancy_rate, f.leasable) for f in columns.figures(as_of, "zone", zones=zones)],
        "by_type": [(f.key, f.vacancy_rate, f.leasable) for f in columns.figures(as_of, "type", zones=zones)],
        "expiry": [(r["year"], r["area_m2"]) for r in expiry_schedule(space, as_of, years=6, zones=zones)],
        "absorption_12m_m2": sum(r["net_absorption_m2"] for r in net_absorption(
            space, year_ago, as_of, "park", zones=zones, figures=(then, park_figures))),
        "idle_count": isum["idle_count"], "idle_area_m2": isum["idle_area_m2"], "idle_fee_wan": isum["fee_wan"],
        "exempt_count": isum["by_status"].get(idle.EXEMPT, {}).get("count", 0),
        "project": store.get_setting("name") or "",
        "unsupplied_count": len(idle.approved_not_supplied(held)),
        "unused_count": idle.count_supplied_not_used(parcels, as_of, statuses=idle_statuses),
        "campaign": rv.campaign_progress(store, as_of.year, zones=zones, as_of=as_of),
        "mu_year": year, "mu_level": "parcel" if zone else "enterprise", "mu_classes": classes, "mu_low": low, "mu_note": mu_note,
    }


# ---- charts ----------------------------------------------------------------------------------

class Chart(QWidget):
    """A titled chart painted with QPainter: horizontal bars ('hbar'), vertical bars
    ('vbar') or a progress bar against a target ('progress')."""

    def __init__(self, title: str, kind: str, parent=None):
        super().__init__(parent)
        self.title, self.kind = title, kind
        self.items: list[tuple[str, float, str]] = []  # (label, value, value text)
        self.colours: list[str] = []
        self.note = ""
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_items(self, items, colours=None, note: str = "") -> None:
        self.items, self.colours, self.note = list(items), list(colours or []), note
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 200)

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        self.paint(p, QRectF(self.rect()))
        p.end()

    def paint(self, p: QPainter, r: QRectF) -> None:
        paint_chart(p, r, self.title, self.kind, self.items, self.colours, self.note)


class KeyFigure(QLabel):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("QLabel { background: white; border: 1px solid #E0E0E0; padding: 8px; }")
        self.setMinimumWidth(108)
        self.setWordWrap(True)
        self.value, self.sub = "", ""

    def set(self, value: str, sub: str = "") -> None:
        self.value, self.sub = value, sub
        self.setText(f"<div style='color:#616161'>{self.title}</div>"
                     f"<div style='font-size:20px; font-weight:bold; color:#212121'>{value}</div>"
                     f"<div style='color:#757575'>{sub}</div>")


# ---- the dashboard ---------------------------------------------------------------------------

class Dashboard(FollowsStore, QWidget):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(tr("运营看板", "Dashboard"))
        self.figures: dict = {}
        f = QFont()
        f.setFamilies(fonts.CJK_FAMILIES)
        self.setFont(f)
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.zone = QComboBox()
        self.zone.addItem(tr("全部片区", "All zones"), None)
        for z in sorted({r["name"] for r in store.rows("zones") if r.get("name")}):
            self.zone.addItem(z, z)
        d = default_as_of(store)
        self.date = QDateEdit(QDate(d.year, d.month, d.day), calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.copy_btn = QPushButton(tr("复制到剪贴板", "Copy"))
        self.save_btn = QPushButton(tr("保存 PNG…", "Save PNG…"))
        for w in (QLabel(tr("片区", "Zone")), self.zone, QLabel(tr("统计日", "As of")), self.date):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.copy_btn)
        bar.addWidget(self.save_btn)
        outer.addLayout(bar)
        self.page = QWidget()
        self.page.setStyleSheet("background: #F5F5F5;")
        page_lay = QVBoxLayout(self.page)
        self.title = QLabel()  # on the page, so a copied or saved picture says what it shows
        self.title.setTextFormat(Qt.TextFormat.RichText)
        page_lay.addWidget(self.title)
        self.kf_grid = QGridLayout()
        self.chart_grid = grid = QGridLayout()
        page_lay.addLayout(self.kf_grid)
        page_lay.addLayout(grid, 1)
        self.kf = {k: KeyFigure(t) for k, t in (
            ("leasable", tr("可租售面积", "Leasable area")), ("vacancy", tr("空置率", "Vacancy rate")),
            ("available", tr("一年内可招商", "Available within 12 months")),
            ("idle", tr("闲置土地", "Idle land")), ("campaign", tr("年度盘活", "Revitalised this year")),
            ("low", tr("低效企业", "Low-efficiency firms")))}

        self.charts = {
            "zone": Chart(tr("各片区空置率", "Vacancy by zone"), "hbar"),
            "type": Chart(tr("标准厂房与楼宇空置率", "Vacancy by building type"), "hbar"),
            "expiry": Chart(tr("租约到期面积(㎡,自统计日起)", "Lease expiry from the date (m²)"), "vbar"),
            "idle": Chart(tr("土地利用状况(宗)", "Land use status (parcels)"), "hbar"),
            "campaign": Chart(tr("盘活目标完成度", "Revitalised against target"), "progress"),
            "mu": Chart(tr("亩均评价分类(家)", "Per-mu classes (enterprises)"), "vbar"),
        }
        self._columns = (0, 0)
        self._reflow(1200)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.page)
        outer.addWidget(scroll, 1)
        self.zone.currentIndexChanged.connect(lambda _i: self.refresh())
        self.date.dateChanged.connect(lambda _d: self.refresh())
        self.copy_btn.clicked.connect(self.copy_to_clipboard)
        self.save_btn.clicked.connect(lambda: self.save_png())
        store.signals.changed.connect(self._on_store_changed)
        self.refresh()

    def _reflow(self, width: int) -> None:
        """Key figures and charts in as many columns as the width allows (six figures in a
        row and three charts on a wide screen; 3 × 2 figures and one or two charts across in
        a tab beside the map on a laptop), so nothing is cut off at the right."""
        kf_cols = 6 if width >= 740 else 3 if width >= 3 * 125 else 2
        chart_cols = max(1, min(3, width // 380))
        if (kf_cols, chart_cols) == self._columns:
            return
        self._columns = (kf_cols, chart_cols)
        for w in self.kf.values():
            self.kf_grid.removeWidget(w)
        for c in self.charts.values():
            self.chart_grid.removeWidget(c)
        for i, w in enumerate(self.kf.values()):
            self.kf_grid.addWidget(w, i // kf_cols, i % kf_cols)
        for c in range(6):
            self.kf_grid.setColumnStretch(c, 1 if c < kf_cols else 0)
        for i, c in enumerate(self.charts.values()):
            self.chart_grid.addWidget(c, i // chart_cols, i % chart_cols)
        for c in range(3):
            self.chart_grid.setColumnStretch(c, 1 if c < chart_cols else 0)
        scroll = getattr(self, "scroll", None)
        if scroll is not None:  # the page's width follows its new minimum now, not at the next resize
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, self._fit_page)

    def _fit_page(self) -> None:
        vp = self.scroll.viewport()
        self.page.resize(max(self.page.minimumSizeHint().width(), vp.width()),
                         max(self.page.minimumSizeHint().height(), self.page.height()))
        # the grid changed inside a resize: Qt does not lay the page out again by itself
        self.page.layout().activate()
        self.page.layout().setGeometry(self.page.rect())

    def resizeEvent(self, event) -> None:
        self._reflow(event.size().width())
        super().resizeEvent(event)

    def as_of(self) -> dt.date:
        q = self.date.date()
        return dt.date(q.year(), q.month(), q.day())

    def _on_store_changed(self, event) -> None:
        if event.layer in ("units", "leases", "parcels", "buildings", "revitalisation_cases", "case_history",
                           "enterprise_metrics", "project_settings"):
            self.refresh()

    def refresh(self):
        """Gather the figures in the background (7 s on a 100k park) and show them when
        ready; a newer refresh (another zone or date, an edit) replaces a running one."""
        from ui import jobs

        as_of, zone = self.as_of(), self.zone.currentData()
        self.job = jobs.start(lambda job: collect_figures(job.store, as_of, zone),
                              title=tr("计算运营看板", "Computing the dashboard"), store=self.store,
                              key=("dashboard", id(self)), busy=self.page, on_done=self.show_figures,
                              on_error=lambda m: self.title.setText(html.escape(m)))
        if self.job.running:
            self.title.setText(f"<span style='color:#616161'>{tr('正在计算…', 'Computing…')}</span>")
        return self.job

    def show_figures(self, f: dict) -> None:
        self.figures = f
        where = f["zone"] or tr("全部片区", "all zones")
        self.title.setText(
            f"<span style='font-size:18px; font-weight:bold; color:#212121'>"
            f"{html.escape(f['project'])} {tr('运营看板', 'dashboard')}</span>"
            f"<span style='color:#616161'>&nbsp;&nbsp;{html.escape(where)} · {tr('统计日', 'as of')} {f['as_of']}</span>")
        self.kf["low"].title = tr("低效地块", "Low-efficiency parcels") if f["mu_level"] == "parcel" else tr(
            "低效企业", "Low-efficiency firms")
        rate = f["vacancy_rate"]
        self.kf["leasable"].set(f"{f['leasable_m2'] / 1e4:,.1f} 万㎡", tr(f"空置 {f['vacant_m2'] / 1e4:,.1f} 万㎡",
                                                                        f"vacant {f['vacant_m2']:,.0f} m²"))
        ab = f["absorption_12m_m2"]
        self.kf["vacancy"].set(f"{rate:.1%}" if rate is not None else "-",
                               tr(f"近12个月净吸纳 {ab / 1e4:+,.1f} 万㎡", f"net absorption 12 mo {ab:+,.0f} m²"))
        av = f["available_m2"] / f["leasable_m2"] if f["leasable_m2"] else None
        self.kf["available"].set(f"{f['available_m2'] / 1e4:,.1f} 万㎡", f"{av:.1%}" if av is not None else "")
        self.kf["idle"].set(tr(f"{f['idle_count']} 宗", f"{f['idle_count']}"),
                            tr(f"{f['idle_area_m2'] / MU_M2:,.0f} 亩 · 闲置费 {f['idle_fee_wan']:,.0f} 万元",
                               f"{f['idle_area_m2'] / MU_M2:,.0f} mu · fees {f['idle_fee_wan']:,.0f}"))
        c = f["campaign"]
        target = f"{c['target_m2'] / 1e4:,.1f} 万㎡" if c["target_m2"] else tr("未设目标", "no target")
        self.kf["campaign"].set(f"{c['revitalised_m2'] / 1e4:,.1f} 万㎡",
                                tr(f"{c['revitalised_count']} 宗 / 目标 {target}", f"{c['revitalised_count']} / {target}"))
        self.kf["low"].set(str(f["mu_low"]) if f["mu_year"] else "-",
                           tr(f"{f['mu_year']} 年" if f["mu_year"] else "无亩均数据", str(f["mu_year"] or "no data")))
        by_zone = sorted(f["by_zone"], key=lambda r: -(r[1] or 0.0))
        pct = [(k, v or 0.0, (f"{v:.1%}" if v is not None else "-") + tr(f" · {a / 1e4:,.1f}万㎡", f" · {a:,.0f} m²"))
               for k, v, a in by_zone]
        self.charts["zone"].set_items(pct, ["#3F7FBF"])
        type_colours = {"标准厂房": "#8D6E63", "楼宇": "#3F51B5"}
        self.charts["type"].set_items([(value_label(k), v or 0.0, (f"{v:.1%}" if v is not None else "-")
                                        + tr(f" · {a / 1e4:,.1f}万㎡", f" · {a:,.0f} m²"))
                                       for k, v, a in f["by_type"]],
                                      [type_colours.get(k, "#9E9E9E") for k, _, _ in f["by_type"]])
        self.charts["expiry"].set_items([(y, a, f"{a / 1e4:,.1f}万") for y, a in f["expiry"]],
                                        ["#D73027", "#FC8D59", "#FEE08B", "#91CF60", "#1A9850", "#1A9850"])
        self.charts["idle"].set_items([
            (tr("批而未供", "Approved, not supplied"), f["unsupplied_count"], str(f["unsupplied_count"])),
            (tr("供而未用", "Supplied, not used"), f["unused_count"], str(f["unused_count"])),
            (tr("闲置(疑似/可收回)", "Idle"), f["idle_count"], str(f["idle_count"])),
            (tr("豁免(政府原因等)", "Exempt"), f["exempt_count"], str(f["exempt_count"]))],
            ["#9E9E9E", "#FFB74D", "#C62828", "#64B5F6"])
        if c["target_m2"]:
            whole = tr("(全园区目标,本片区完成)", " (park target, this zone's part)") if f["zone"] else ""
            self.charts["campaign"].set_items([(tr(f"{c['year']} 年目标 {target}{whole}", f"{c['year']} target {target}{whole}"),
                                                c["revitalised_m2"] / c["target_m2"],
                                                tr(f"已盘活 {c['revitalised_m2']:,.0f} ㎡({c['revitalised_count']} 宗),"
                                                   f"在办 {c['open_count']} 件 {c['open_m2']:,.0f} ㎡",
                                                   f"{c['revitalised_m2']:,.0f} m² revitalised, {c['open_count']} open"))])
        else:
            self.charts["campaign"].set_items([], note=tr(
                f"未设 {c['year']} 年盘活目标(在“盘活案件”中点“设年度目标…”)",
                f"No target for {c['year']} (set one in Revitalisation cases → Set target…)"))
        self.charts["mu"].title = (tr("亩均评价分类(地块)", "Per-mu classes (parcels)") if f["mu_level"] == "parcel"
                                   else tr("亩均评价分类(企业)", "Per-mu classes (enterprises)"))
        self.charts["mu"].set_items([(f"{k} {v['name']}", v["count"], str(v["count"]))
                                     for k, v in f["mu_classes"].items()], CLASS_COLOURS,
                                    note=f["mu_note"] or "")

    def image(self, scale: float = 2.0) -> QImage:
        """The dashboard page as a picture for reports, at `scale` times the screen size
        (charts and text are painted, so they stay sharp)."""
        size = self.page.size()
        img = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32)
        img.setDevicePixelRatio(scale)
        img.fill(QColor("#F5F5F5"))
        self.page.render(img)
        return img

    def copy_to_clipboard(self) -> None:
        QApplication.clipboard().setImage(self.image())

    def save_png(self, path: str | None = None) -> str | None:
        if path is None:
            from ui.exported import ask_save_path

            path = ask_save_path(self, tr("保存看板", "Save dashboard"), f"dashboard_{self.as_of()}.png", "PNG (*.png)")
            if not path:
                return None
        from layers.render import save_image

        try:
            save_image(self.image(), path, "PNG")  # whole or not at all (landapp/files.py)
        except LandappError as e:
            QMessageBox.warning(self, tr("保存失败", "Save failed"), str(e))
            return None
        from ui.exported import confirm_written

        confirm_written(self, [path], tr("运营看板图片", "the dashboard picture"))
        return path
