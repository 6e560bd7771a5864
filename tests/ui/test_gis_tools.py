"""Background jobs and the GIS tools on the real window: a long job cancelled while the map
still answers, measure values by hand, the scale box, bookmarks reopened from the project,
the query builder's count, selection statistics, label fields, right-click menus."""

from __future__ import annotations

import threading

import pytest
import shapely
from PySide6.QtCore import Qt, QTimer


from ui.tools.base import MapEvent
from landapp.store.filters import F

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, demo_project):
    from ui.i18n import set_ui_language
    from ui.main_window import MainWindow

    set_ui_language("zh")
    win = MainWindow(demo_project, is_demo=True)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    assert win.canvas.wait_for_frame()
    qtbot.waitUntil(lambda: win.table.model.loaded, timeout=5000)  # rows are read after the first paint
    yield win
    from ui import jobs

    jobs.runner().cancel_all()
    assert jobs.runner().wait_all(60000)  # no worker outlives its test
    win.detach()


def _ev(canvas, kind, x, y, button="left", key=None):
    sx, sy = canvas.view.to_screen(x, y)
    return MapEvent(kind, float(x), float(y), float(sx), float(sy), button, frozenset(), key)


# ---- background jobs ------------------------------------------------------------------------

def test_long_job_cancelled_while_the_map_still_answers(window, qtbot):
    from ui import jobs

    release = threading.Event()
    entered = threading.Event()
    steps = []
    delivered = []

    def work(job):
        entered.set()
        while not release.is_set():  # a long computation: it waits for the test, not a clock
            job.progress(len(steps), 0, "长计算")
            steps.append(1)
            release.wait(0.01)
        job.check()  # a cancelled job stops here
        return "result"

    job = jobs.start(work, title="长计算", store=window.store, busy=window.table, on_done=delivered.append,
                     inline=False)
    assert entered.wait(10)
    assert job.running and window.job_indicator.isVisibleTo(window)
    assert window.table.cursor().shape() == Qt.CursorShape.BusyCursor
    # the GUI thread is free: timers fire and the map pans and renders meanwhile
    ticks = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    before = window.canvas.view
    window.canvas.pan_pixels(120, 40)
    qtbot.waitUntil(lambda: bool(ticks) and window.canvas.frame_view == window.canvas.view, timeout=10000)
    assert window.canvas.view.center_x != before.center_x
    assert job.running  # still working
    qtbot.mouseClick(window.job_indicator.cancel_button, Qt.MouseButton.LeftButton)
    assert not job.running
    release.set()
    assert jobs.runner().wait_all(10000)
    qtbot.wait(50)
    assert delivered == []  # cancelled: nothing delivered
    assert window.table.cursor().shape() != Qt.CursorShape.BusyCursor
    assert not window.job_indicator.isVisibleTo(window)


def test_job_error_is_one_sentence(window, qtbot):
    from landapp.errors import LandappError
    from ui import jobs

    errors = []

    def fail(job):
        raise LandappError("工程中没有企业亩均数据,无法评价。")

    job = jobs.start(fail, title="评价", store=window.store, on_error=errors.append, inline=False)
    assert job.wait(10000)
    assert errors == ["工程中没有企业亩均数据,无法评价。"]


def test_topology_and_dashboard_in_the_background(window, qtbot, monkeypatch):
    """On a big park (here: every park) the panels compute in a worker with a reader of
    their own, and show the same figures as computed directly."""
    from ui import jobs
    from ui.dashboard import collect_figures

    monkeypatch.setattr(jobs, "INLINE_PARCELS", 0)
    jobs._park_sizes.clear()
    dash = window.open_panel("dashboard")
    qtbot.waitUntil(lambda: bool(dash.figures), timeout=30000)
    direct = collect_figures(window.store, dash.as_of(), None)
    assert dash.figures["leasable_m2"] == pytest.approx(direct["leasable_m2"])
    assert dash.figures["idle_count"] == direct["idle_count"]
    panel = window.open_panel("topology")
    job = panel.run()
    assert job.running and not job.inline and not panel.run_button.isEnabled()
    qtbot.waitUntil(lambda: not job.running, timeout=30000)
    assert panel.run_button.isEnabled() and "问题" in panel.summary.text()
    job = panel.run()
    job.cancel()
    assert panel.summary.text() == "检查已取消。" and panel.run_button.isEnabled()


# ---- measure ----------------------------------------------------------------------------------

def test_measure_distance_and_area_by_hand(window, qtbot):
    c = window.canvas
    window.snapping.enabled = False
    window.set_tool("measure_distance")
    tool = c.tool
    x0, y0 = c.view.center_x, c.view.center_y
    for dx, dy in [(0, 0), (30, 0), (30, 40)]:
        c.dispatch(_ev(c, "press", x0 + dx, y0 + dy))
        c.dispatch(_ev(c, "release", x0 + dx, y0 + dy))
    c.dispatch(_ev(c, "double", x0 + 30, y0 + 40))
    assert tool.finished and tool.length_m == pytest.approx(70.0)  # 30 + 40
    assert "70.00 m" in window.statusBar().currentMessage()
    window.set_tool("measure_area")
    tool = c.tool
    for dx, dy in [(0, 0), (30, 0), (30, 40), (0, 40)]:
        c.dispatch(_ev(c, "press", x0 + dx, y0 + dy))
        c.dispatch(_ev(c, "release", x0 + dx, y0 + dy))
    c.dispatch(_ev(c, "release", x0, y0 + 40, button="right"))  # a right click ends it
    assert tool.area_m2 == pytest.approx(1200.0)
    assert tool.area_mu == pytest.approx(1.8)  # 1200 / (10000/15)
    assert tool.length_m == pytest.approx(140.0)  # the perimeter
    msg = window.statusBar().currentMessage()
    assert "1,200.0 ㎡" in msg and "1.80 亩" in msg
    c.dispatch(_ev(c, "key", 0, 0, key="Escape"))
    assert tool.points == []


def test_measure_snaps_like_editing(window, qtbot, demo_project):
    c = window.canvas
    rec = demo_project.rows("parcels", limit=1)[0]
    c.zoom_to(rec["geometry"].buffer(20).bounds)
    vx, vy = shapely.get_coordinates(rec["geometry"])[0]
    window.snapping.enabled = True
    window.set_tool("measure_distance")
    off = 3 * c.view.scale  # three pixels beside the vertex
    c.dispatch(_ev(c, "release", vx + off, vy - off))
    assert c.tool.points[0] == pytest.approx((vx, vy))


# ---- scale box and bookmarks ------------------------------------------------------------------

def test_scale_box_sets_the_scale(window, qtbot):
    box = window.scale_box
    box.lineEdit().setText("1:2000")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert window.canvas.view.scale_denominator() == pytest.approx(2000)
    assert box.lineEdit().text() == "1:2,000"
    box.activated.emit(box.findData(5000))
    assert window.canvas.view.scale_denominator() == pytest.approx(5000)
    window.canvas.zoom_by(2)  # the box follows the map
    assert box.lineEdit().text() == "1:2,500"
    box.lineEdit().setText("大概一千")
    assert not box.apply_text()
    assert "不是比例尺" in window.statusBar().currentMessage()
    assert window.canvas.view.scale_denominator() == pytest.approx(2500)


def test_bookmark_saved_and_reopened_from_the_project(window, qtbot, demo_project):
    from landapp.store import open_project
    from ui.main_window import MainWindow
    from ui.map_extras import BookmarksMenu, add_bookmark

    c = window.canvas
    rec = demo_project.rows("parcels", limit=1)[0]
    c.zoom_to(rec["geometry"].buffer(50).bounds)
    extent = c.view.extent
    assert add_bookmark(window, "一号地块") is not None
    path = demo_project.path
    window.detach()
    demo_project.close()
    store = open_project(path)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    try:
        win.canvas.zoom_full()
        menu = BookmarksMenu(win)
        menu.rebuild()
        act = next(a for a in menu.actions() if a.text() == "一号地块")
        act.trigger()
        got = win.canvas.view.extent
        # the bookmark's extent is shown whole, centred
        assert got[0] <= extent[0] + 1e-6 and got[2] >= extent[2] - 1e-6
        assert got[1] <= extent[1] + 1e-6 and got[3] >= extent[3] - 1e-6
        assert (got[0] + got[2]) / 2 == pytest.approx((extent[0] + extent[2]) / 2)
    finally:
        win.detach()
        store.close()


# ---- select by attribute and statistics -------------------------------------------------------

def test_query_builder_counts_then_selects(window, qtbot, demo_project):
    from ui.query_dialog import open_select_by_attribute

    df = demo_project.read_layer("parcels", columns=["status", "area_m2"], geometry=False)
    dlg = open_select_by_attribute(window, "parcels")
    qtbot.addWidget(dlg)
    dlg.set_row(0, "status", "=", "待供")
    dlg.set_row(1, "status", "=", "储备", join="OR")
    expected = int(df.status.isin(["待供", "储备"]).sum())
    assert dlg.count() == expected
    assert f"{expected:,}" in dlg.result.text()
    assert window.map.layer("parcels").selection == set()  # counting selects nothing
    qtbot.mouseClick(dlg.select_button, Qt.MouseButton.LeftButton)
    assert window.map.layer("parcels").selection == set(df.index[df.status.isin(["待供", "储备"])])
    dlg.rows[1].field.setCurrentIndex(0)  # (不用): row 2 drops out
    dlg.set_row(0, "area_m2", ">", "很大")
    assert dlg.count() is None and "不是数字" in dlg.result.text()
    dlg.set_row(0, "area_m2", ">", "20000")
    dlg.mode_within.setChecked(True)  # narrow the selection
    chosen = dlg.select()
    want = df.index[df.status.isin(["待供", "储备"]) & (df.area_m2 > 20000)]
    assert chosen == sorted(want)


def test_statistics_follow_the_selection(window, qtbot, demo_project):
    from landapp.units import MU_M2

    df = demo_project.read_layer("parcels", columns=["status", "area_m2"], geometry=False)
    panel = window.open_panel("statistics")
    fids = df.index[df.status == "在建"].tolist()[:7] + df.index[df.status == "闲置"].tolist()[:3]
    window.canvas.set_selection("parcels", fids)
    qtbot.waitUntil(lambda: panel.stats.get("count") == 10, timeout=10000)
    sub = df.loc[fids]
    assert panel.stats["area_m2"] == pytest.approx(sub.area_m2.sum())
    assert panel.stats["area_mu"] == pytest.approx(sub.area_m2.sum() / MU_M2)
    groups = {k: (n, a) for k, n, a, _ in panel.stats["groups"]}
    assert panel.by.currentData() == "status", (panel.by.currentData(), groups)
    assert groups["在建"][0] == 7 and groups["闲置"][0] == 3
    assert groups["闲置"][1] == pytest.approx(sub[sub.status == "闲置"].area_m2.sum())
    text = panel.view.toPlainText()
    assert f"{sub.area_m2.sum() / MU_M2:,.2f}" in text and "在建" in text


# ---- labels -----------------------------------------------------------------------------------

def test_label_field_changes_what_is_drawn(window, qtbot, demo_project):
    from PySide6.QtGui import QImage, QPainter

    from layers import labels
    from layers.render import render
    from ui.context_menus import set_labels

    rec = demo_project.rows("parcels", F("status") == "待供", limit=1)[0]
    c = window.canvas
    c.zoom_to(rec["geometry"].buffer(30).bounds)
    layer = window.map.layer("parcels")

    def picture():
        img = QImage(c.view.width, c.view.height, QImage.Format.Format_ARGB32)
        img.fill(0xFFFFFFFF)
        p = QPainter(img)
        render(p, c.view, [layer], decorations=False)
        p.end()
        return img

    fraction = picture()
    set_labels(window, "parcels", "none")
    bare = picture()
    set_labels(window, "parcels", "name")
    named = picture()
    assert fraction != bare and named != bare and named != fraction
    i = layer.data.fid_index[rec["fid"]]
    assert layer.data.labels[i] == rec["name"]
    set_labels(window, "parcels", "area_mu")
    picture()
    assert layer.data.labels[i] == f"{rec['area_mu']:,.2f}亩"
    # the choice is kept in the project and comes back with it
    assert labels.saved_modes(demo_project) == {"parcels": "area_mu"}


# ---- right-click menus ------------------------------------------------------------------------

def _texts(menu):
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_right_click_menus(window, qtbot, demo_project):
    from PySide6.QtGui import QGuiApplication

    from ui.context_menus import layer_menu, map_menu, table_menu

    b = demo_project.rows("buildings", limit=1)[0]
    c = window.canvas
    c.zoom_to(b["geometry"].buffer(30).bounds)
    pt = b["geometry"].representative_point()
    menu = map_menu(window, pt.x, pt.y)
    texts = _texts(menu)
    assert {"识别", "缩放至要素", "编辑此要素属性…", "打开楼宇分层图", "测量距离", "复制坐标"} <= set(texts)
    assert texts[0] == f"建筑  {b['code']}  {b['name']}".replace("  None", "") and not menu.actions()[0].isEnabled()
    act = next(a for a in menu.actions() if a.text() == "打开楼宇分层图")
    assert act.isEnabled()
    act.trigger()
    assert window.workspace.is_open("stacking")
    assert window.panel("stacking").building.currentData() == b["fid"]
    next(a for a in map_menu(window, pt.x, pt.y).actions() if a.text() == "复制坐标").trigger()
    assert QGuiApplication.clipboard().text() == f"{pt.y:.3f}, {pt.x:.3f}"
    x0, y0, _, _ = window.map.extent()
    empty = map_menu(window, x0 - 5000, y0 - 5000)  # outside the park: nothing there
    assert not next(a for a in empty.actions() if a.text() == "识别").isEnabled()
    # the layer list: zoom to layer, style, labels, opacity
    lm = layer_menu(window, "parcels")
    assert {"缩放至图层", "样式", "标注", "不透明度", "按属性选择…"} <= set(_texts(lm))
    labels_menu = next(a for a in lm.actions() if a.text() == "标注").menu()
    labels_menu.aboutToShow.emit()
    assert "分式(编号/用地代码)" in _texts(labels_menu)
    next(a for a in labels_menu.actions() if a.text() == "名称").trigger()
    assert window.map.layer("parcels").label_mode == "name"
    opacity = next(a for a in lm.actions() if a.text() == "不透明度").menu()
    opacity.aboutToShow.emit()
    next(a for a in opacity.actions() if a.text() == "50%").trigger()
    assert window.map.layer("parcels").opacity == pytest.approx(0.5)
    # the table: zoom to, select, copy
    window.table.set_layer("parcels")
    window.table.ensure_loaded()
    tm = table_menu(window, 0, 0)
    assert {"缩放至要素", "只选择此要素", "复制单元格", "复制所选行(含表头)"} <= set(_texts(tm))
    fid = window.table.model.fid_at(0)
    next(a for a in tm.actions() if a.text() == "只选择此要素").trigger()
    assert window.map.layer("parcels").selection == {fid}
    next(a for a in table_menu(window, 0, 0).actions() if a.text() == "复制所选行(含表头)").trigger()
    lines = QGuiApplication.clipboard().text().split("\n")
    assert len(lines) == 2 and demo_project.get("parcels", fid)["code"] in lines[1]
    # a real right click on the layer list opens the menu through the window
    lst = window.layer_panel.list
    item = window.layer_panel.item_for("buildings")
    pos = lst.visualItemRect(item).center()
    assert window.context_router.open_at(lst.viewport().mapToGlobal(pos))
    assert window.context_target.context == "layers" and window.context_target.layer == "buildings"


def test_sheets_written_in_the_background(window, qtbot, demo_project, tmp_path):
    """An atlas of more than a few sheets is written by a job; the file is whole when it
    says so, and the map panned meanwhile."""
    import subprocess

    from ui.publish_dialog import export_sheets

    fids = [r["fid"] for r in demo_project.rows("parcels", limit=12, geometry=False)]
    window.canvas.set_selection("parcels", fids)
    window.canvas.active_layer = "parcels"
    path = tmp_path / "atlas.pdf"
    assert export_sheets(window, str(path), {"drafter": "张三", "checker": "李四"}) == 0  # not yet: a job
    job = window.sheets_job
    window.canvas.pan_pixels(50, 0)  # the window answers meanwhile
    assert job.wait(120000) and job.result == 12
    assert "12 宗地块的宗地图" in window.statusBar().currentMessage()
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    code = demo_project.get("parcels", fids[-1])["code"]
    assert code in text
