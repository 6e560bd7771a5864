"""The map window driven like a user would: pan, zoom, identify, select, table <-> map
sync, layer toggles, search, language."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import shapely
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from landapp.store.filters import F

pytestmark = pytest.mark.gui

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def window(qtbot, demo_project):
    from ui.i18n import set_ui_language
    from ui.main_window import MainWindow

    set_ui_language("zh")
    win = MainWindow(demo_project, is_demo=True)
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    assert win.canvas.wait_for_frame()
    qtbot.waitUntil(lambda: win.table.model.loaded, timeout=5000)  # rows are read after the first paint
    yield win
    win.detach()


def screen_of(canvas, x, y) -> QPoint:
    sx, sy = canvas.view.to_screen(x, y)
    return QPoint(int(sx), int(sy))


def inner_point(geom, avoid=None):
    g = geom.buffer(-15)
    if avoid is not None:
        g = g.difference(avoid.buffer(8))
    part = max(shapely.get_parts(g), key=lambda p: p.area)
    return shapely.ops.polylabel(part, 1)


def a_parcel(store, without_buildings=True):
    parcels = store.read_layer("parcels", columns=["code", "status"])
    builds = store.read_layer("buildings").geometry.union_all()
    for fid, geom in zip(parcels.index, parcels.geometry):
        if not without_buildings or not geom.intersects(builds):
            return int(fid), geom
    raise AssertionError


def test_window_shows_the_park(window, demo_project, qtbot):
    assert "成都经济技术开发区" in window.windowTitle()
    assert window.canvas.frame is not None
    # the summary is computed when its tab is first shown, not while the project opens
    assert window._summary_dirty and "亩" not in window.summary_view.toPlainText()
    window.docks["summary"].raise_()
    qtbot.waitUntil(lambda: "亩" in window.summary_view.toPlainText(), timeout=3000)
    from layers.styles import status_colour

    fid, geom = a_parcel(demo_project)
    pt = inner_point(geom)
    window.canvas.zoom_to(geom.bounds)
    assert window.canvas.wait_for_frame()
    img = window.canvas.frame
    dpr = img.devicePixelRatio()
    sx, sy = window.canvas.view.to_screen(pt.x, pt.y)
    got = img.pixelColor(int(sx * dpr), int(sy * dpr))
    want = QColor(status_colour(demo_project.get("parcels", fid)["status"]))
    assert abs(got.red() - want.red()) + abs(got.green() - want.green()) + abs(got.blue() - want.blue()) < 20


def test_table_rows_are_read_after_the_first_frame(qtbot, demo_project):
    from ui.main_window import MainWindow

    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    try:
        assert not win.table.model.loaded and win.table.model.rowCount() == 0  # the map comes first
        assert win.table.count_label.text() in ("读取中…", "Loading…")  # says so, not "0 / 0"
        painted = []
        real_paint = win.canvas.paintEvent
        win.canvas.paintEvent = lambda e: (painted.append((win.canvas.frame is not None, win.table.model.loaded)),
                                           real_paint(e))
        win.show()
        assert win.canvas.wait_for_frame()
        qtbot.waitUntil(lambda: win.table.model.loaded, timeout=5000)
        assert (True, False) in painted  # the first frame was painted before the rows were read
        assert win.table.model.rowCount() == demo_project.count("parcels", F("retired") == 0)
        assert "/" in win.table.count_label.text()
    finally:
        win.detach()


def test_saved_themes_are_read_once_at_start(qtbot, demo_project, monkeypatch):
    """A project left with other themes opens with them, each layer read once (not with the
    default theme first and again with the saved one)."""
    import json

    from layers.vector import VectorLayer
    from ui import settings as saved
    from ui.main_window import MainWindow

    saved.project_put(demo_project.path, "themes", json.dumps({"parcels": "landuse", "buildings": "type"}))
    reads = []
    real = VectorLayer.snapshot  # every read of a layer's data (the map reads two at once)
    monkeypatch.setattr(VectorLayer, "snapshot", lambda self: (reads.append((type(self).__name__, self.theme_key)),
                                                                real(self))[1])
    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    try:
        assert win.map.layer("parcels").theme_key == "landuse" and win.map.layer("buildings").theme_key == "type"
        assert sorted(r for r in reads if r[0] in ("ParcelLayer", "BuildingLayer")) == [("BuildingLayer", "type"),
                                                                                        ("ParcelLayer", "landuse")]
    finally:
        win.detach()


def test_app_start_reads_the_map_on_its_own_thread(qtbot, demo_project, monkeypatch):
    """main.py's start (ui.app.run) reads the vector layers, with the saved themes, on a
    thread of its own while the window's modules load; the window takes those layers and
    reads none again. A read that fails still fails the window's making, with its message."""
    import json
    import threading

    import layers.map
    from landapp.errors import LandappError
    from layers.vector import VectorLayer
    from ui import settings as saved
    from ui.app import read_map_early
    from ui.main_window import MainWindow

    saved.project_put(demo_project.path, "themes", json.dumps({"parcels": "landuse"}))
    reads = []
    real = VectorLayer.snapshot
    monkeypatch.setattr(VectorLayer, "snapshot", lambda self: (
        reads.append((type(self).__name__, self.theme_key, threading.current_thread().name)), real(self))[1])
    reading = read_map_early(demo_project)
    vectors = reading.result(timeout=60)
    win = MainWindow(demo_project, map_reading=reading)
    qtbot.addWidget(win)
    try:
        assert [layer for layer in win.map.layers if layer.kind == "vector"] == vectors
        assert win.map.layer("parcels").theme_key == "landuse" and win.map.layer("parcels").data is not None
        assert len(reads) == len(vectors)  # each layer read once, none by the window
        assert ("ParcelLayer", "landuse") in [r[:2] for r in reads]
        assert all(r[2] != threading.main_thread().name for r in reads)
    finally:
        win.detach()

    def broken(store, **themes):
        raise LandappError("读取图层 parcels 失败:坏了")

    monkeypatch.setattr(layers.map, "read_vectors", broken)
    with pytest.raises(LandappError, match="坏了"):
        MainWindow(demo_project, map_reading=read_map_early(demo_project))


def test_summary_in_front_waits_for_the_first_frame(qtbot, demo_project, monkeypatch):
    """A layout that opens with 工程概况 in front: its job starts after the map's first frame,
    and until its figures come the panel says 计算中…"""
    from ui import jobs
    from ui.main_window import MainWindow

    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    started = []
    real_start = jobs.start
    monkeypatch.setattr(jobs, "start", lambda fn, **kw: (started.append(win.canvas.frame is not None),
                                                          real_start(fn, **kw))[1])
    try:
        win.docks["summary"].raise_()
        win.show()
        qtbot.waitExposed(win)
        assert win.summary_view.toPlainText() in ("计算中…", "Computing…") or started
        assert win.canvas.wait_for_frame()
        qtbot.waitUntil(lambda: "亩" in win.summary_view.toPlainText(), timeout=5000)
        assert started and all(started)  # no summary job before the first frame
    finally:
        win.detach()


def test_pan_by_dragging_and_arrow_keys(window, qtbot):
    c = window.canvas
    before = c.view
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    qtbot.mouseMove(c, QPoint(450, 330))
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=QPoint(450, 330))
    assert c.view.center_x == pytest.approx(before.center_x - 50 * before.scale, rel=1e-6)
    assert c.view.center_y == pytest.approx(before.center_y + 30 * before.scale, rel=1e-6)
    v = c.view
    qtbot.keyClick(c, Qt.Key.Key_Left)
    assert c.view.center_x < v.center_x


def test_panning_shows_the_last_frame_at_once(window):
    c = window.canvas
    t = time.perf_counter()
    c.pan_pixels(100, 0)
    c.repaint()  # paints the old frame moved, without waiting for the renderer
    assert time.perf_counter() - t < 0.1
    assert c.frame_view != c.view
    assert c.wait_for_frame() and c.frame_view == c.view


def test_wheel_zoom_keeps_the_point_under_the_cursor(window, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    c = window.canvas
    pos = QPointF(300, 200)
    under = c.view.to_map(pos.x(), pos.y())
    ev = QWheelEvent(pos, c.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 240), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    scale = c.view.scale
    c.wheelEvent(ev)
    assert c.view.scale == pytest.approx(scale / 1.25 ** 2)
    assert c.view.to_map(pos.x(), pos.y()) == pytest.approx(under)


def test_zoom_box_full_extent_and_scale(window, qtbot):
    c = window.canvas
    window.set_tool("zoom_box")
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    qtbot.mouseMove(c, QPoint(400, 250))
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=QPoint(400, 250))
    box = window.canvas.view.extent
    assert box[2] - box[0] < 400 * 1.0001 * (box[2] - box[0]) / c.width() * c.width() / 200 * 200
    full = c.map.extent()
    assert (box[2] - box[0]) < (full[2] - full[0]) / 2
    window.canvas.zoom_full()
    e = c.view.extent
    assert e[0] <= full[0] and e[2] >= full[2]
    assert window.scale_label.text().startswith("比例尺 1:")


def test_identify_shows_parcel_and_building(window, qtbot, demo_project):
    c = window.canvas
    window.set_tool("identify")
    b = demo_project.read_layer("buildings", columns=["name", "parcel_code"]).iloc[0]
    parcel = demo_project.read_layer("parcels", where=F("code") == b["parcel_code"])
    c.zoom_to(parcel.total_bounds)
    pt = inner_point(parcel.geometry.iloc[0], avoid=demo_project.read_layer("buildings").geometry.union_all())
    assert highlighted_pixels(c) == 0
    qtbot.mouseClick(c, Qt.MouseButton.LeftButton, pos=screen_of(c, pt.x, pt.y))
    text = window.info.toPlainText()
    assert b["parcel_code"] in text and "亩" in text and "地块上的建筑" in text and b["name"] in text
    assert "闲置认定" in text and "使用权人编号" not in text  # standing under Order 53; no internal ids
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", text)  # timestamps read as dates, not ISO
    # the identified parcel is outlined on the map at once
    assert c.highlight == ("parcels", int(parcel.index[0])) and highlighted_pixels(c) > 50
    bp = b.geometry.representative_point()
    qtbot.mouseClick(c, Qt.MouseButton.LeftButton, pos=screen_of(c, bp.x, bp.y))
    assert b["name"] in window.info.toPlainText() and "空置率" in window.info.toPlainText()
    assert "占地面积" in window.info.toPlainText() and c.highlight[0] == "buildings"
    x0, y0, _, _ = window.map.extent()
    c.identify_at(x0 - 5000, y0 - 5000)  # nothing there: the outline goes
    assert c.highlight is None and highlighted_pixels(c) == 0


def highlighted_pixels(canvas) -> int:
    from ui.canvas import HIGHLIGHT_COLOUR

    img = canvas.grab().toImage()
    n = 0
    for y in range(0, img.height(), 2):
        for x in range(0, img.width(), 2):
            p = img.pixelColor(x, y)
            n += (abs(p.red() - HIGHLIGHT_COLOUR.red()) + abs(p.green() - HIGHLIGHT_COLOUR.green())
                  + abs(p.blue() - HIGHLIGHT_COLOUR.blue())) < 40
    return n


def test_select_click_and_rectangle_sync_with_table(window, qtbot, demo_project):
    c = window.canvas
    window.set_tool("select")
    fid, geom = a_parcel(demo_project)
    c.zoom_to(shapely.buffer(geom, 300).bounds)
    pt = inner_point(geom)
    qtbot.mouseClick(c, Qt.MouseButton.LeftButton, pos=screen_of(c, pt.x, pt.y))
    assert c.map.layer("parcels").selection == {fid}
    assert window.table.selected_fids() == [fid]  # map -> table
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.mouseMove(c, QPoint(c.width() - 10, c.height() - 10))
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=QPoint(c.width() - 10, c.height() - 10))
    many = c.map.layer("parcels").selection
    assert len(many) > 3 and fid in many
    assert set(window.table.selected_fids()) == many
    # table -> map
    view = window.table.view
    view.selectRow(0)
    assert c.map.layer("parcels").selection == {window.table.model.fid_at(0)}


def test_layer_toggle_hides_the_layer(window, demo_project):
    fid, geom = a_parcel(demo_project)
    pt = inner_point(geom)
    c = window.canvas
    c.zoom_to(geom.bounds)
    assert c.wait_for_frame()
    dpr = c.frame.devicePixelRatio()

    def colour():
        sx, sy = c.view.to_screen(pt.x, pt.y)
        return c.frame.pixelColor(int(sx * dpr), int(sy * dpr))

    shown = colour()
    window.layer_panel.set_visible("parcels", False)
    assert c.wait_for_frame()
    from layers.render import BACKGROUND
    assert colour() != shown and colour() == BACKGROUND
    window.layer_panel.set_visible("parcels", True)
    assert c.wait_for_frame() and colour() == shown


def test_moving_buildings_under_the_parcels_hides_them(window, qtbot, demo_project):
    from layers.styles import status_colour

    b = demo_project.rows("buildings", limit=1)[0]
    parcel = demo_project.rows("parcels", F("code") == b["parcel_code"])[0]
    c = window.canvas
    c.zoom_to(b["geometry"].buffer(30).bounds)
    pt = inner_point(b["geometry"].buffer(12))

    def colour():
        assert c.wait_for_frame()
        sx, sy = c.view.to_screen(pt.x, pt.y)
        dpr = c.frame.devicePixelRatio()
        return c.frame.pixelColor(int(sx * dpr), int(sy * dpr))

    parcel_colour = QColor(status_colour(parcel["status"]))
    assert colour() != parcel_colour  # the building is drawn over its parcel
    panel = window.layer_panel
    panel.list.setCurrentItem(panel.item_for("buildings"))
    order = [panel.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.list.count())]
    qtbot.mouseClick(panel.down, Qt.MouseButton.LeftButton)
    new = [panel.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.list.count())]
    assert new.index("buildings") == order.index("buildings") + 1 and new.index("buildings") > new.index("parcels")
    assert panel.current_layer().id == "buildings"  # still the one being moved
    assert colour() == parcel_colour  # now under the parcels
    qtbot.mouseClick(panel.up, Qt.MouseButton.LeftButton)
    assert colour() != parcel_colour


def test_opacity_slider_fades_the_current_layer_and_says_how_much(window):
    panel = window.layer_panel
    raster = next(layer for layer in window.map.layers if layer.kind == "raster")
    panel.list.setCurrentItem(panel.item_for(raster.id))
    assert panel.opacity.value() == 55 and panel.opacity_label.text() == "不透明度 55%"
    panel.opacity.setValue(30)
    assert raster.opacity == 0.3 and panel.opacity_label.text() == "不透明度 30%"
    panel.list.setCurrentItem(panel.item_for("parcels"))
    assert panel.opacity_label.text() == "不透明度 100%" and window.map.layer("parcels").opacity == 1.0


def test_theme_choice_changes_colours_and_legend(window):
    panel = window.layer_panel
    panel.list.setCurrentItem(panel.item_for("parcels"))
    i = panel.theme.findData("landuse")
    panel.theme.setCurrentIndex(i)
    panel.theme.activated.emit(i)
    assert window.map.layer("parcels").theme_key == "landuse"
    labels = [panel.legend.item(k).text() for k in range(panel.legend.count())]
    assert any("工业用地" in t for t in labels)


def test_legend_shows_every_visible_layer_and_tells_towers_by_their_outline(window):
    panel = window.layer_panel
    panel.list.setCurrentItem(panel.item_for("buildings"))
    labels = [panel.legend.item(k).text() for k in range(panel.legend.count())]
    assert labels[0] == "建筑" and "楼宇" in labels and "已建成投产" in labels and "片区" in labels
    entries = {e.label: e for e in window.map.layer("buildings").legend()}
    assert entries["楼宇"].width > entries["标准厂房"].width  # heavy navy outline, as drawn
    panel.set_visible("parcels", False)
    labels = [panel.legend.item(k).text() for k in range(panel.legend.count())]
    assert "已建成投产" not in labels
    panel.set_visible("parcels", True)


def toolbar_overflows(win) -> list[str]:
    from PySide6.QtWidgets import QToolBar

    return [a.iconText() for tb in win.findChildren(QToolBar) for a in tb.actions()
            if not a.isSeparator() and tb.widgetForAction(a) is not None and not tb.widgetForAction(a).isVisible()]


def test_toolbars_fit_the_window_in_both_languages(window, qtbot):
    assert toolbar_overflows(window) == []
    en = window.switch_language("en")
    qtbot.addWidget(en)
    try:
        qtbot.waitExposed(en)
        assert toolbar_overflows(en) == []
        assert en.tool_actions["pan"].text() == "Pan"
    finally:
        from ui.i18n import set_ui_language

        en.detach()
        set_ui_language("zh")


def test_basemap_says_why_it_is_empty(window, qtbot, monkeypatch):
    tiles = window.map.layer("tiles")
    monkeypatch.setattr(tiles, "_request", lambda key: None)  # no network in tests
    tiles.api_key = None
    tiles.set_provider("tianditu")
    window.layer_panel.set_visible("tiles", True)
    qtbot.waitUntil(lambda: "天地图需要密钥" in window.statusBar().currentMessage(), timeout=3000)
    tiles.set_provider("osm")
    tiles.offline = True  # a fetch failed
    tiles.changed()
    qtbot.waitUntil(lambda: "无法连接" in window.statusBar().currentMessage(), timeout=3000)
    window.layer_panel.set_visible("tiles", False)


def test_search_zooms_to_the_hit(window, demo_project):
    rec = demo_project.rows("parcels", F("land_user").is_not_null(), limit=1)[0]
    assert window.search_for(rec["land_user"][:8]) or window.search_for(rec["code"])
    sel = window.map.layer("parcels").selection
    assert len(sel) == 1
    hit = demo_project.get("parcels", next(iter(sel)))
    x0, y0, x1, y1 = window.canvas.view.extent
    c = hit["geometry"].centroid
    assert x0 < c.x < x1 and y0 < c.y < y1
    assert not window.search_for("没有这个地块XYZ")


def test_search_finds_tenants_and_renamed_parcels(window, demo_project):
    users = {r["land_user"] for r in demo_project.rows("parcels", geometry=False)}
    users |= {r["operator"] for r in demo_project.rows("buildings", geometry=False)}
    lease = next(r for r in demo_project.rows("leases") if r["tenant"] not in users)
    assert window.search_for(lease["tenant"])  # a tenant only: found through its lease
    assert window.canvas.active_layer == "buildings"
    rented = {r["building_id"] for r in demo_project.rows("leases", F("tenant") == lease["tenant"])}
    assert len(window.map.layer("buildings").selection & rented) == 1
    fid, _ = a_parcel(demo_project)
    demo_project.update("parcels", fid, {"name": "改名后的地块甲"})
    assert window.search_for("改名后的地块甲")
    assert window.map.layer("parcels").selection == {fid}


def test_attribute_table_columns_show_whole_codes_and_titles(window, demo_project):
    view = window.table.view
    header = view.horizontalHeader()
    model = window.table.model
    code = demo_project.rows("parcels", limit=1)[0]["code"]
    assert header.sectionSize(0) > view.fontMetrics().horizontalAdvance(code)
    for c in range(model.columnCount()):
        title = model.headerData(c, Qt.Orientation.Horizontal)
        assert header.sectionSize(c) >= min(header.fontMetrics().horizontalAdvance(title), 280), title
    n = model.rowCount()
    assert window.table.count_label.text() == f"{n:,} / {n:,} 条"


def test_attribute_table_sort_and_filter(window, demo_project):
    model = window.table.model
    n = model.rowCount()
    assert n == demo_project.count("parcels", F("retired") == 0)
    col = [f.name for f in model.columns].index("area_m2")
    model.sort(col, Qt.SortOrder.DescendingOrder)
    areas = [float(model.data(model.index(r, col)).replace(",", "")) for r in range(5)]
    assert areas == sorted(areas, reverse=True)
    model.set_filter("闲置", "status")
    assert 0 < model.rowCount() < n
    assert all(model.data(model.index(r, [f.name for f in model.columns].index("status"))) == "闲置"
               for r in range(model.rowCount()))


def test_clicking_a_column_title_sorts(window, qtbot):
    header = window.table.view.horizontalHeader()
    model = window.table.model
    col = [f.name for f in model.columns].index("area_m2")
    header.resizeSection(col, 120)
    window.table.view.scrollTo(model.index(0, col))
    x = header.sectionViewportPosition(col) + 20
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert model.sort_column == col


def test_selecting_the_whole_park_does_not_ask_every_row(window, qtbot, monkeypatch):
    """Qt's header asks every row whether a column is fully selected (seconds at 100k rows);
    the table's own header does not."""
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QApplication

    from ui.attribute_table import FeatureTableModel

    calls = []
    real = FeatureTableModel.rowCount
    # patched before the model exists: Qt looks its Python overrides up when it is made
    monkeypatch.setattr(FeatureTableModel, "rowCount",
                        lambda self, parent=QModelIndex(): (calls.append(1), real(self, parent))[1])
    window.table.set_layer("buildings")
    QApplication.processEvents()
    calls.clear()
    window.canvas.select_in(window.map.extent())
    for _ in range(3):
        QApplication.processEvents()
    n = window.table.model.rowCount()
    assert len(window.table.selected_fids()) == n > 200
    assert len(calls) < 5 * n  # Qt's own header: ~14 calls a row


def test_table_filter_matches_what_is_shown_in_english(qtbot, demo_project):
    from ui.attribute_table import FeatureTableModel
    from ui.i18n import set_ui_language

    set_ui_language("en")
    m = FeatureTableModel(demo_project, "parcels")
    try:
        n_idle = demo_project.count("parcels", (F("status") == "闲置") & (F("retired") == 0))
        m.set_filter("idle", "status")  # the label shown in English
        assert m.rowCount() == n_idle > 0
        m.set_filter("闲置", "status")  # the stored value still works
        assert m.rowCount() == n_idle
        m.set_filter("none")  # empty cells are not the text 'None'
        assert m.rowCount() == 0
    finally:
        demo_project.signals.changed.disconnect(m._on_store_changed)
        set_ui_language("zh")


def test_whole_numbers_show_without_decimals_beside_an_empty_cell(qtbot, demo_project):
    """One building without 层数 makes the column read as floats; the table still shows 3, not 3.0."""
    from shapely.geometry import box

    from ui.attribute_table import FeatureTableModel

    demo_project.insert("buildings", {"name": "无层数", "btype": "其他", "geometry": box(429000, 3383000, 429010, 3383010)})
    m = FeatureTableModel(demo_project, "buildings")
    try:
        col = [f.name for f in m.columns].index("storeys")
        shown = {m.data(m.index(r, col)) for r in range(m.rowCount())}
        assert "" in shown and all(v == "" or v.isdigit() for v in shown)
    finally:
        demo_project.signals.changed.disconnect(m._on_store_changed)


def test_edits_in_the_store_show_up(window, demo_project):
    fid, _ = a_parcel(demo_project)
    demo_project.update("parcels", fid, {"name": "新名称地块"})
    model = window.table.model
    row = model.row_of(fid)
    assert model.data(model.index(row, [f.name for f in model.columns].index("name"))) == "新名称地块"


def test_switch_to_english(window, qtbot):
    new = window.switch_language("en")
    qtbot.addWidget(new)
    try:
        menus = [a.text() for a in new.menuBar().actions()]
        assert "&File" in menus
        assert new.docks["layers"].windowTitle() == "Layers"
        assert "Parcel" in new.table.model.headerData(0, Qt.Orientation.Horizontal)
    finally:
        from ui.i18n import set_ui_language
        new.detach()
        set_ui_language("zh")


def test_status_bar_shows_coordinates(window, qtbot):
    qtbot.mouseMove(window.canvas, QPoint(300, 300))
    qtbot.waitUntil(lambda: "°E" in window.coords_label.text())
    assert "104." in window.coords_label.text() and "30." in window.coords_label.text()


def test_bad_project_gives_a_clear_message(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import open_or_explain

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    bad = tmp_path / "bad.gpkg"
    bad.write_text("not a geopackage")
    assert open_or_explain(str(bad)) is None
    assert shown == [f"{bad} 不是 GeoPackage 文件(.gpkg)。"]


def test_demo_copy_keeps_the_repository_clean(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths

    from ui import app

    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _loc: str(tmp_path / "appdata"))
    path = app.demo_copy()
    assert path.startswith(str(tmp_path)) and os.path.exists(path)
    assert os.path.exists(os.path.join(tmp_path, "appdata", "demo_park_map.pgw"))


def test_main_py_exits_cleanly_on_a_missing_file(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ROOT}
    code = ("import sys; sys.argv=['main.py', sys.argv[1]];"
            "from PySide6.QtWidgets import QMessageBox;"
            "QMessageBox.critical = staticmethod(lambda *a: print(a[2]));"
            "import runpy; runpy.run_path('main.py', run_name='__main__')")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "missing.gpkg")], cwd=ROOT,
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and "找不到工程文件" in r.stdout and "Traceback" not in r.stderr


@pytest.mark.slow
def test_table_over_100k_parcels_scrolls_without_copying(qtbot, tmp_path):
    from landapp.demo import build_synthetic_park
    from landapp.store import open_project
    from ui.attribute_table import AttributeTable
    from ui.canvas import MapCanvas
    from layers.map import ParkMap

    path = tmp_path / "big.gpkg"
    build_synthetic_park(path, 100_000, seed=2)
    store = open_project(path)
    canvas = MapCanvas(ParkMap(store, with_tiles=False, with_raster=False))
    table = AttributeTable(store, canvas)
    qtbot.addWidget(table)
    table.resize(1200, 600)
    table.show()
    m = table.model
    assert m.rowCount() == 100_000
    t = time.perf_counter()
    for row in range(0, 100_000, 97):  # scrolling touches rows anywhere, each read is O(1)
        m.data(m.index(row, 0))
    assert time.perf_counter() - t < 1.0
    t = time.perf_counter()
    m.sort([f.name for f in m.columns].index("area_m2"), Qt.SortOrder.DescendingOrder)
    table.view.scrollToBottom()
    assert time.perf_counter() - t < 3.0
    store.close()


def test_summary_follows_edits_once_per_burst(window, qtbot, demo_project):
    from shapely.geometry import box

    x0, y0, _, _ = window.map.extent()
    n = demo_project.count("parcels", F("retired") == 0)
    calls = []
    orig = window.refresh_summary
    window.refresh_summary = lambda: (calls.append(1), orig())[1]
    window.docks["summary"].show()
    window.docks["summary"].raise_()
    qtbot.waitUntil(lambda: not window._summary_dirty, timeout=3000)  # first shown: computed once
    calls.clear()
    for i in range(3):  # a burst of edits
        demo_project.insert("parcels", {"code": f"NEW{i}", "status": "待供",
                                        "geometry": box(x0 - 500 + i * 60, y0 - 500, x0 - 450 + i * 60, y0 - 450)})
    qtbot.waitUntil(lambda: f"{n + 3:,}" in window.summary_view.toPlainText(), timeout=3000)
    assert len(calls) == 1


def test_table_follows_inserts_deletes_and_undo_without_rereading(window, demo_project, monkeypatch):
    from shapely.geometry import box

    from landapp import editing as ed

    model = window.table.model
    reads = []
    monkeypatch.setattr(model, "load", lambda: reads.append(1))
    n = model.rowCount()
    x0, y0, _, _ = window.map.extent()
    fid = demo_project.insert("parcels", {"code": "TBL-1", "status": "待供",
                                          "geometry": box(x0 - 300, y0 - 300, x0 - 250, y0 - 250)})
    assert model.rowCount() == n + 1 and model.fid_at(n) == fid
    victim = model.fid_at(0)
    demo_project.delete("parcels", victim)
    assert model.rowCount() == n and model.row_of(victim) is None
    split = ed.SplitFeature("parcels", model.fid_at(1), _line_across(demo_project.get("parcels", model.fid_at(1))["geometry"]))
    parent = split.fid
    split.apply(demo_project)  # the parent retires (leaves the table), two children arrive
    assert model.row_of(parent) is None and model.rowCount() == n + 1
    split.revert(demo_project)
    assert model.row_of(parent) is not None and model.rowCount() == n
    assert reads == []  # all of it without re-reading the layer
    assert "条" in window.table.count_label.text() and str(n) in window.table.count_label.text()


def _line_across(geom):
    from shapely.geometry import LineString

    c = geom.centroid
    x0, y0, x1, y1 = geom.bounds
    return LineString([(c.x, y0 - 10), (c.x + 1, y1 + 10)])
