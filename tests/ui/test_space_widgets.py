"""Dashboard, stacking plan view and cases panel driven with qtbot."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog

from landapp import revitalisation as rv
from landapp.evaluation import fill_demo_metrics
from landapp.store.filters import F

pytestmark = pytest.mark.gui


@pytest.fixture
def store(demo_project):
    if not demo_project.count("enterprise_metrics"):
        fill_demo_metrics(demo_project)
    rv.set_target(demo_project, 2026, 150000)
    return demo_project


def test_dashboard_figures_filters_and_export(qtbot, store, tmp_path):
    from ui.dashboard import Dashboard

    d = Dashboard(store)
    qtbot.addWidget(d)
    d.resize(1400, 900)
    d.show()
    f = d.figures
    assert f["leasable_m2"] > 0 and 0 < f["vacancy_rate"] < 1
    assert f["idle_count"] >= 20 and f["campaign"]["target_m2"] == 150000
    assert set(f["mu_classes"]) == {"A", "B", "C"}
    assert "%" in d.kf["vacancy"].value and "净吸纳" in d.kf["vacancy"].sub
    from landapp.vacancy import add_months, load_space, net_absorption
    (ab,) = net_absorption(load_space(store), add_months(f["as_of"], -12), f["as_of"])
    assert f["absorption_12m_m2"] == pytest.approx(ab["net_absorption_m2"])
    park_leasable = f["leasable_m2"]
    d.zone.setCurrentIndex(1)  # first zone: the figures shrink to that zone
    assert d.figures["zone"] == d.zone.currentText()
    assert 0 < d.figures["leasable_m2"] < park_leasable
    assert len(d.charts["zone"].items) == 1
    assert d.zone.currentText() in d.title.text()
    d.date.setDate(d.date.date().addYears(-1))
    assert d.figures["as_of"].year == 2025 and d.figures["mu_year"] == 2025
    d.date.setDate(d.date.date().addYears(-2))  # before any per-mu figures: said, not a later year's
    assert d.figures["mu_year"] is None and d.figures["mu_note"] and not d.charts["mu"].items
    d.date.setDate(d.date.date().addYears(2))
    out = d.save_png(str(tmp_path / "dash.png"))
    assert out and (tmp_path / "dash.png").stat().st_size > 20000
    from PySide6.QtGui import QImage
    img = QImage(out)
    assert img.width() == 2 * d.page.width() and img.height() == 2 * d.page.height()  # sharp in reports
    d.copy_to_clipboard()
    assert not QApplication.clipboard().image().isNull()


def test_dashboard_follows_store_edits(qtbot, store):
    from ui.dashboard import Dashboard

    d = Dashboard(store)
    qtbot.addWidget(d)
    before = d.figures["vacant_m2"]
    unit = store.rows("units", F("status") == "空置", limit=1)[0]
    store.update("units", unit["fid"], {"status": "预留"})
    assert d.figures["vacant_m2"] == pytest.approx(before - unit["area"])
    d.close()


def test_stacking_view_click_edits_unit(qtbot, store, monkeypatch, tmp_path):
    from ui import stacking_view
    from ui.stacking_view import StackingView

    towers = [r["fid"] for r in store.rows("buildings", F("btype") == "楼宇", geometry=False)]
    b = store.rows("units", (F("status") == "空置") & F("building_id").in_(towers), limit=1)[0]["building_id"]
    view = StackingView(store, b)
    qtbot.addWidget(view)
    view.resize(1300, 900)
    view.show()
    qtbot.waitExposed(view)
    plan = view.canvas.plan
    assert plan.data.building["fid"] == b
    rect, unit = next((r, u) for r, u in plan.blocks if u.status == "空置")

    def fake_exec(dlg):  # the planner signs a lease for the vacant unit in the dialog
        dlg.status.setCurrentIndex(dlg.status.findData("已租"))
        dlg.tenant.setText("新入驻科技有限公司")
        dlg.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(stacking_view.UnitDialog, "exec", fake_exec)
    with qtbot.waitSignal(view.canvas.unit_clicked) as sig:
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()), int(rect.center().y())))
    assert sig.args[0].fid == unit.fid
    assert store.get("units", unit.fid)["status"] == "已租"
    lease = store.rows("leases", (F("unit_id") == unit.fid) & (F("tenant") == "新入驻科技有限公司"))
    assert len(lease) == 1 and lease[0]["status"] == "有效"
    # the plan redrew from the store: the unit now shows its tenant
    u2 = next(u for _, u in view.canvas.plan.blocks if u.fid == unit.fid)
    assert u2.tenants == ("新入驻科技有限公司",)
    view.colour.setCurrentIndex(1)
    assert view.canvas.plan.colour_by == "expiry"
    assert view.export("png", str(tmp_path / "s.png")) and (tmp_path / "s.png").exists()
    assert view.export("pdf", str(tmp_path / "s.pdf")) and (tmp_path / "s.pdf").read_bytes()[:4] == b"%PDF"


def test_unit_dialog_rejects_bad_lease_and_keeps_data(qtbot, store):
    from landapp.vacancy import default_as_of
    from ui.stacking_view import UnitDialog

    unit = store.rows("units", F("status") == "空置", limit=1)[0]
    dlg = UnitDialog(store, unit["fid"], default_as_of(store))
    qtbot.addWidget(dlg)
    dlg.status.setCurrentIndex(dlg.status.findData("已租"))
    dlg.tenant.setText("")
    dlg.save()
    assert "承租企业" in dlg.error.text()
    assert store.get("units", unit["fid"])["status"] == "空置"  # rolled back


def test_cases_panel_open_and_advance(qtbot, store):
    from ui.cases_panel import AdvanceDialog, CasesPanel, OpenCaseDialog

    b = store.rows("buildings", limit=1)[0]["fid"]
    rv.open_case(store, "buildings", b, opened="2025-01-01", target_date="2025-06-30")  # overdue
    panel = CasesPanel(store)
    qtbot.addWidget(panel)
    n = panel.table.rowCount()
    assert n == store.count("revitalisation_cases") and "150,000" in panel.progress.text()
    from landapp.vacancy import default_as_of
    late = {c["fid"] for c in rv.overdue(store, default_as_of(store))}
    col = [k for k, _, _ in __import__("ui.cases_panel", fromlist=["COLUMNS"]).COLUMNS].index("target_date")
    flagged = {panel.table.item(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(n)
               if panel.table.item(i, col).background().color().name() == "#ffcdd2"}
    assert flagged == late and len(late) >= 1
    code = store.rows("parcels", F("status") == "闲置", limit=1)[0]["code"]
    dlg = OpenCaseDialog(store, panel, code="不存在")
    qtbot.addWidget(dlg)
    dlg.save()
    assert "不存在" in dlg.error.text() and dlg.case_id is None
    dlg.code.setText(code)
    dlg.responsible.setText("王五")
    dlg.save()
    assert dlg.case_id is not None and panel.table.rowCount() == n + 1
    panel.select_case(dlg.case_id)
    assert panel.selected_case_id() == dlg.case_id and panel.history.rowCount() == 1
    case = store.get("revitalisation_cases", dlg.case_id)
    adv = AdvanceDialog(store, case, panel)
    qtbot.addWidget(adv)
    assert [adv.state.itemData(i) for i in range(adv.state.count())] == ["方案", "终止"]
    adv.save()
    assert store.get("revitalisation_cases", dlg.case_id)["state"] == "方案"
    panel.select_case(dlg.case_id)
    assert panel.history.rowCount() == 2


def test_space_menu_opens_every_panel_once(qtbot, store):
    from layers.themes import THEMES
    from ui.main_window import MainWindow

    win = MainWindow(store)
    qtbot.addWidget(win)
    titles = [a.text() for a in win.menuBar().actions()]
    assert any("盘活" in t for t in titles)
    dash = win.open_panel("dashboard")
    assert dash.figures["leasable_m2"] > 0
    assert win.open_panel("dashboard") is dash  # shown again, not duplicated
    for pid in ("stacking", "cases", "idle", "evaluation"):
        win.open_panel(pid)
    assert {"dashboard", "stacking", "cases", "idle", "evaluation"} <= set(win.workspace.panels)
    b = store.rows("buildings", F("fid").in_({u for (u,) in store.values("units", ["building_id"])}),
                   limit=2)[1]["fid"]
    assert win.open_stacking(b).canvas.plan.data.building["fid"] == b
    assert "idle" in THEMES["parcels"]
    win.detach()


def test_idle_panel_records_exemption(qtbot, store):
    from landapp import idle
    from ui.idle_panel import IdleLandPanel

    panel = IdleLandPanel(store)
    qtbot.addWidget(panel)
    assert panel.rows and panel.rows[0]["status"] in (idle.RECLAIMABLE, idle.SUSPECTED)
    code = panel.rows[0]["code"]
    assert panel.select_code(code)
    panel.reason.setCurrentText(idle.EXEMPTION_REASONS[1])
    panel.record_exemption()
    row = next(r for r in panel.rows if r["code"] == code)
    assert row["status"] == idle.EXEMPT and row["exemption"] == idle.EXEMPTION_REASONS[1]
    assert store.rows("parcels", F("code") == code)[0]["idle_exemption"] == idle.EXEMPTION_REASONS[1]
    panel.kind.setCurrentIndex(1)
    assert "批而未供" in panel.summary.text() and panel.table.rowCount() > 10
    panel.kind.setCurrentIndex(2)
    assert "供而未用" in panel.summary.text()


def test_panel_edits_go_on_the_window_undo_stack(qtbot, store):
    from landapp import idle
    from ui.main_window import MainWindow

    win = MainWindow(store)
    qtbot.addWidget(win)
    panel = win.open_panel("idle")
    code = panel.rows[0]["code"]
    panel.select_code(code)
    panel.reason.setCurrentText(idle.EXEMPTION_REASONS[0])
    panel.record_exemption()
    assert win.session.stack.count() == 1 and "闲置豁免" in win.session.stack.text(0)
    get = lambda: store.rows("parcels", F("code") == code)[0]["idle_exemption"]
    assert get() == idle.EXEMPTION_REASONS[0]
    win.session.undo()
    assert get() is None
    assert next(r for r in panel.rows if r["code"] == code)["status"] != idle.EXEMPT  # the panel followed
    win.session.redo()
    assert get() == idle.EXEMPTION_REASONS[0]


def test_add_and_delete_units(qtbot, store):
    from landapp.errors import LandappError
    from ui.stacking_view import AddUnitDialog, StackingView, delete_unit

    b = store.rows("buildings", F("btype") == "楼宇", limit=1)[0]["fid"]
    view = StackingView(store, b)
    qtbot.addWidget(view)
    floors_before = len(view.canvas.plan.data.floors)
    dlg = AddUnitDialog(store, b, view)
    qtbot.addWidget(dlg)
    dlg.floor.setCurrentIndex(0)  # a new floor on top
    dlg.code.setText("R01")
    dlg.area.setValue(321.0)
    dlg.save()
    assert dlg.unit_fid is not None
    assert len(view.canvas.plan.data.floors) == floors_before + 1
    top = view.canvas.plan.data.floors[0]
    assert [(u.code, u.area) for u in top.units] == [("R01", 321.0)]
    delete_unit(store, dlg.unit_fid)
    assert store.count("units", F("fid") == dlg.unit_fid) == 0
    leased = store.rows("leases", (F("building_id") == b) & F("unit_id").is_not_null(), limit=1)[0]["unit_id"]
    with pytest.raises(LandappError, match="租约"):
        delete_unit(store, leased)


def test_evaluation_panel_scheme_and_filters(qtbot, store, tmp_path):
    from landapp import evaluation as ev
    from ui.evaluation_panel import EvaluationPanel, SchemeDialog

    panel = EvaluationPanel(store)
    qtbot.addWidget(panel)
    n = panel.table.rowCount()
    assert n == len(panel.results) > 50 and "A 类" in panel.summary.text()
    panel.low_only.setChecked(True)
    assert 0 < panel.table.rowCount() < n
    panel.level.setCurrentIndex(1)
    assert panel.results and all(r.name.startswith("5101") for r in panel.results[:5])
    dlg = SchemeDialog(store, panel)
    qtbot.addWidget(dlg)
    # the form shows the stored scheme (Sichuan by default): its five indicators, three classes
    on = [k for k, (use, *_rest) in dlg.ind_rows.items() if use.checkState() == Qt.CheckState.Checked]
    assert on == [i["key"] for i in ev.SICHUAN["indicators"]] and dlg.cls_table.rowCount() == 3
    assert dlg.form_config()["indicators"] == ev.SICHUAN["indicators"]
    # a planner raises the tax weight and the A threshold in the form
    weight = dlg.ind_rows["tax_per_mu"][1]
    weight.setValue(45.0)
    dlg.cls_table.item(0, 2).setText("130")
    dlg.save()
    cfg = ev.load_config(store)
    assert next(i for i in cfg["indicators"] if i["key"] == "tax_per_mu")["weight"] == 45.0
    assert cfg["classes"][0]["min_score"] == 130.0 and cfg["classes"][-1]["min_score"] is None
    dlg = SchemeDialog(store, panel)
    qtbot.addWidget(dlg)
    dlg.cls_table.item(0, 2).setText("六十")
    dlg.save()
    assert "不是数字" in dlg.error.text()
    dlg.cls_table.item(0, 2).setText("50")  # below B's 70: the minimum scores must descend
    dlg.save()
    assert "从高到低" in dlg.error.text()
    dlg.tabs.setCurrentIndex(1)  # the JSON tab, for those who prefer it
    dlg.text.setPlainText("{broken")
    dlg.save()
    assert "JSON" in dlg.error.text()
    dlg.text.setPlainText(json.dumps(ev.ZHEJIANG, ensure_ascii=False))
    dlg.tabs.setCurrentIndex(0)  # back to the form: it shows the text's scheme
    assert dlg.method.currentData() == "percentile" and dlg.cls_table.rowCount() == 4
    dlg.save()
    assert "D 类" in panel.summary.text()  # the panel followed the stored scheme
    users = [u for (u,) in store.values("parcels", ["land_user_id"]) if u is not None]
    ent = store.rows("enterprises", F("fid").in_(users), limit=1)[0]["name"]
    csv_path = tmp_path / "m.csv"
    csv_path.write_text(f"企业名称,年度,营业收入(万元),实缴税收(万元)\n{ent},2031,100,5\n", encoding="utf-8")
    assert panel.import_figures(str(csv_path)) == 1
    assert panel.year.findData(2031) >= 0


def test_stacking_view_whole_factory_floors_and_renewal(qtbot, store, monkeypatch):
    """A factory let whole: its floor-less unit is one block over every floor; clicking a
    floor label edits the floor; 整栋出租 signs one lease the plan shows on the block; a
    unit's dialog lists its lease history and renews; each step is undoable."""
    from landapp import leasing
    from ui import space_dialogs
    from ui.main_window import MainWindow

    loose = {b for (b,) in store.values("units", ["building_id"], F("floor_id").is_null() & (F("status") == "空置"))}
    fac = store.rows("buildings", F("fid").in_(loose) & (F("storeys") >= 2), limit=1)[0]["fid"]
    win = MainWindow(store)
    qtbot.addWidget(win)
    view = win.open_stacking(fac)
    view.resize(1200, 600)
    view.show()
    qtbot.waitExposed(view)
    plan = view.canvas.plan
    (whole,) = plan.data.whole
    rect = next(r for r, u in plan.blocks if u.fid == whole.fid)
    assert rect.height() > (len(plan.data.floors) - 1) * plan.band_height(view.canvas.rect().toRectF())

    def let(dlg):
        dlg.tenant.setText("整租制造有限公司")
        dlg.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(space_dialogs.LetWholeDialog, "exec", let)
    lease_fid = view.let_whole()
    lease = store.get("leases", lease_fid)
    assert lease["unit_id"] is None and lease["area"] == pytest.approx(whole.area)
    (w2,) = view.canvas.plan.data.whole
    assert w2.tenants == ("整租制造有限公司",) and w2.status == "已租"
    assert "整栋出租" in win.session.stack.text(win.session.stack.count() - 1)
    win.session.undo()
    assert store.count("leases", F("fid") == lease_fid) == 0 and view.canvas.plan.data.whole[0].status == "空置"

    floor = plan.data.floors[0]
    frect = next(r for r, f in view.canvas.plan.floor_rows if f.fid == floor.fid)

    def rename(dlg):
        dlg.name.setText("顶层车间")
        dlg.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(space_dialogs.FloorDialog, "exec", rename)
    with qtbot.waitSignal(view.canvas.floor_clicked):
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=frect.center().toPoint())
    assert store.get("floors", floor.fid)["name"] == "顶层车间"
    assert view.canvas.plan.data.floors[0].name == "顶层车间"

    # renewal of a leased unit in a tower: a new lease from the day after, history kept
    from landapp.vacancy import default_as_of
    as_of = default_as_of(store)
    running = {u for (u,) in store.values("leases", ["unit_id"], F("end_date") >= as_of.isoformat())}
    unit = store.rows("units", (F("status") == "已租") & F("fid").in_(running), limit=1)[0]
    cur = leasing.current_lease(store, unit["fid"], as_of)
    dlg = space_dialogs.UnitDialog(store, unit["fid"], as_of)
    qtbot.addWidget(dlg)
    n_hist = dlg.history.rowCount()
    assert n_hist == store.count("leases", F("unit_id") == unit["fid"])
    dlg.start_renewal()
    dlg.rent.setValue(66.0)
    dlg.save()
    assert dlg.error.text() == ""
    new = store.rows("leases", (F("unit_id") == unit["fid"]) & (F("start_date") > cur["end_date"]))
    assert len(new) == 1 and new[0]["tenant"] == cur["tenant"] and new[0]["rent"] == 66.0
    assert store.get("leases", cur["fid"])["end_date"] == cur["end_date"]  # the old one untouched
    again = space_dialogs.UnitDialog(store, unit["fid"], as_of)
    qtbot.addWidget(again)
    assert again.history.rowCount() == n_hist + 1 and again.history.item(0, 0).text().startswith("未来")


def test_unit_dialog_refuses_double_letting_and_ends_a_lease(qtbot, store):
    from landapp.vacancy import default_as_of
    from ui.space_dialogs import UnitDialog

    as_of = default_as_of(store)
    running = {u for (u,) in store.values("leases", ["unit_id"], F("end_date") >= as_of.isoformat())}
    unit = store.rows("units", (F("status") == "已租") & F("fid").in_(running), limit=1)[0]
    dlg = UnitDialog(store, unit["fid"], as_of)
    qtbot.addWidget(dlg)
    dlg.lease_area.setValue(unit["area"] * 2)
    dlg.save()
    assert "大于单元面积" in dlg.error.text()
    dlg.lease_area.setValue(unit["area"])
    dlg.move_out.setDate(dlg.move_out.date().addDays(10))
    lease_fid = dlg.lease["fid"]
    dlg._end_lease()
    le = store.get("leases", lease_fid)
    assert le["status"] == "已终止" and le["end_date"] == (as_of + __import__("datetime").timedelta(days=9)).isoformat()
    assert store.get("units", unit["fid"])["status"] == "空置"
    let = [u for (u,) in store.values("leases", ["unit_id"]) if u is not None]
    vacant = store.rows("units", (F("status") == "空置") & F("fid").not_in(let), limit=1)[0]
    d2 = UnitDialog(store, vacant["fid"], as_of)
    qtbot.addWidget(d2)
    qtbot.keyClicks(d2.tenant, "Acme")  # (QTest types Latin keys only)
    assert d2.status.currentData() == "已租"  # typing a tenant lets the unit


def test_cases_panel_edits_case_details(qtbot, store):
    from ui.cases_panel import COLUMNS, CasesPanel, EditCaseDialog

    panel = CasesPanel(store)
    qtbot.addWidget(panel)
    cid = panel.table.item(0, 0).data(Qt.ItemDataRole.UserRole)
    case = store.get("revitalisation_cases", cid)
    keys = [k for k, _, _ in COLUMNS]
    parcel = store.get(case["target_layer"], case["target_id"])
    assert panel.table.item(0, keys.index("target_name")).text() == (parcel.get("name") or "")
    assert panel.table.item(0, keys.index("last_step")).text() == rv.history(store, cid)[-1]["date"]
    panel.select_case(cid)
    assert panel.edit_btn.isEnabled()
    dlg = EditCaseDialog(store, case, panel)
    qtbot.addWidget(dlg)
    dlg.responsible.setText("新责任人")
    dlg.measure.setCurrentIndex(dlg.measure.findData("增资扩产"))
    dlg.has_target.setChecked(True)
    dlg.target.setDate(dlg.target.date().addYears(-30))  # before the case was opened
    dlg.save()
    assert "早于立案" in dlg.error.text()
    dlg.has_target.setChecked(False)
    dlg.save()
    c = store.get("revitalisation_cases", cid)
    assert (c["responsible"], c["measure"], c["target_date"]) == ("新责任人", "增资扩产", None)
    row = next(i for i in range(panel.table.rowCount()) if panel.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == cid)
    assert panel.table.item(row, keys.index("responsible")).text() == "新责任人"  # the panel followed


def test_main_window_idle_list_shows_parcel_and_stacking_follows_identify(qtbot, store):
    from ui.main_window import MainWindow

    win = MainWindow(store)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    panel = win.open_panel("idle")
    row = panel.rows[0]
    panel.table.cellDoubleClicked.emit(0, 1)  # double-click a listed parcel
    assert win.canvas.map.layer("parcels").selection == {row["fid"]}
    x0, y0, x1, y1 = store.get("parcels", row["fid"])["geometry"].bounds
    vx0, vy0, vx1, vy1 = win.canvas.view.extent
    assert vx0 <= x0 and vy0 <= y0 and vx1 >= x1 and vy1 >= y1 and (vx1 - vx0) < 10 * max(x1 - x0, y1 - y0)
    b = store.rows("buildings", F("btype") == "楼宇", limit=3)[2]["fid"]
    win.info.show_feature("buildings", b)  # what the Identify tool does
    act = next(a for m in win.menuBar().actions() if "盘活" in m.text() for a in m.menu().actions()
               if a.text() == "楼宇分层图")
    act.trigger()
    assert win.panel("stacking").canvas.plan.data.building["fid"] == b
    win.detach()


def test_list_panels_export_what_they_show_as_csv(qtbot, store, tmp_path):
    import csv as _csv

    from ui.cases_panel import CasesPanel
    from ui.evaluation_panel import EvaluationPanel
    from ui.idle_panel import IdleLandPanel

    idle_panel = IdleLandPanel(store)
    qtbot.addWidget(idle_panel)
    idle_panel.kind.setCurrentIndex(1)  # 批而未供
    out = idle_panel.export_csv(str(tmp_path / "unsupplied.csv"))
    from pathlib import Path

    def read(path):
        return list(_csv.reader(Path(path).read_text(encoding="utf-8-sig").splitlines()))

    raw = Path(out).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    rows = list(_csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "地块编号" and len(rows) - 1 == idle_panel.table.rowCount() > 10
    assert rows[1][0] == idle_panel.table.item(0, 0).text()
    ev_panel = EvaluationPanel(store)
    qtbot.addWidget(ev_panel)
    ev_panel.low_only.setChecked(True)
    rows = read(ev_panel.export_csv(str(tmp_path / "mu.csv")))
    assert len(rows) - 1 == ev_panel.table.rowCount() and rows[0][-1] == "低效标记"
    cases = CasesPanel(store)
    qtbot.addWidget(cases)
    rows = read(cases.export_csv(str(tmp_path / "c.csv")))
    assert len(rows) - 1 == store.count("revitalisation_cases") and "盘活方式" in rows[0]
