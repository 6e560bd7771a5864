"""The window a planner lives in: panels open through their menu actions without squeezing
the map (1366×768 laptop), closing them gives the room back, everything is reopenable from
视图, the window fits the screen, and what it remembers round-trips through QSettings (kept
in a temporary folder by tests/ui/conftest.py)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage

from landapp.store.filters import F

pytestmark = pytest.mark.gui


def visible_fraction(widget) -> float:
    """How much of a widget the user can see (not clipped by a scroll area or a splitter)."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return 0.0
    r = widget.visibleRegion().boundingRect()
    return (r.width() * r.height()) / (widget.width() * widget.height())


def menu_action(win, menu_id: str, object_name: str):
    menu = win.workspace.menus[menu_id]
    return next(a for a in menu.actions() if a.objectName() == object_name)


def settle(qtbot, win):
    qtbot.wait(50)
    win.layout().activate()
    qtbot.wait(50)


@pytest.fixture
def laptop(qtbot, demo_project, monkeypatch):
    """The demo park in a 1366×768 window (on a screen that size: offscreen's is 800×600)."""
    from ui.i18n import set_ui_language
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "available_geometry", lambda self: QRect(0, 0, 1366, 768))
    set_ui_language("zh")
    win = MainWindow(demo_project, is_demo=True)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    yield win
    win.detach()


def idle_rows_visible(table) -> int:
    vp = table.viewport()
    first = table.rowAt(0)
    last = table.rowAt(vp.height() - 1)
    if first < 0:
        return 0
    if last < 0:  # fewer rows than room
        return table.rowCount() - first
    if table.visualRect(table.model().index(last, 0)).bottom() > vp.height():
        last -= 1  # only whole rows count
    return last - first + 1


def floors_visible(view) -> int:
    canvas = view.canvas
    region = canvas.visibleRegion()
    return sum(1 for r, _f in canvas.plan.floor_rows if region.contains(r.toRect()))


def test_panels_opened_from_the_menu_keep_the_map_at_1366x768(laptop, qtbot, demo_project, tmp_path):
    win = laptop
    canvas = win.canvas
    before = (canvas.width(), canvas.height())
    assert before[0] >= 0.55 * 1366 and before[1] >= 0.5 * 768
    # a building with floors on the map, selected: 楼宇分层图 opens on it
    floors = Counter(b for (b,) in demo_project.values("floors", ["building_id"]))
    b = demo_project.rows("buildings", F("fid").in_([k for k, n in floors.items() if n >= 8]), limit=1)[0]["fid"]
    canvas.set_selection("buildings", [b])
    menu_action(win, "space", "open:dashboard").trigger()
    menu_action(win, "space", "open_stacking").trigger()
    menu_action(win, "space", "open:idle").trigger()
    settle(qtbot, win)
    # the map keeps its room: ≥55 % of the window's width and ≥50 % of its height
    assert canvas.width() >= 0.55 * win.width(), (canvas.width(), win.width())
    assert canvas.height() >= 0.50 * win.height(), (canvas.height(), win.height())
    assert win.width() <= 1366 and win.height() <= 768  # the window did not grow past the screen
    # the idle list in the side area: at least ten whole rows, beside the map
    idle = win.panel("idle")
    assert idle.isVisible() and idle_rows_visible(idle.table) >= 10
    assert idle.table.rowCount() >= 10
    # the big views are tabs beside the map: each, when its tab is chosen, shows what it must
    docs = win.workspace.documents
    assert [docs.tabText(i) for i in range(docs.count())] == ["地图", "运营看板", "楼宇分层图"]
    dash = win.open_panel("dashboard")  # brings its tab forward
    settle(qtbot, win)
    assert all(visible_fraction(k) > 0.98 for k in dash.kf.values()), [visible_fraction(k) for k in dash.kf.values()]
    assert any(visible_fraction(c) > 0.98 for c in dash.charts.values()), [(visible_fraction(c), c.geometry(), dash.scroll.viewport().size()) for c in dash.charts.values()]
    stacking = win.open_panel("stacking")
    settle(qtbot, win)
    assert stacking.canvas.plan.data.building["fid"] == b
    assert floors_visible(stacking) >= 8
    # and the map tab is still the map's size
    docs.setCurrentIndex(0)
    settle(qtbot, win)
    assert canvas.width() >= 0.55 * win.width() and canvas.height() >= 0.50 * win.height()
    # closing them gives all the room back, and the map picture is landscape again
    for pid in ("dashboard", "stacking", "idle"):
        win.workspace.close_panel(pid)
    settle(qtbot, win)
    assert docs.count() == 1 and not win.docks["idle"].isVisible()
    assert abs(canvas.width() - before[0]) <= 2 and abs(canvas.height() - before[1]) <= 2
    path = win.export_png(str(tmp_path / "map.png"))
    img = QImage(path)
    assert img.width() > img.height() * 1.2
    # every panel comes back from 视图 → 面板
    panels = win.workspace.menus["view.panels"]
    names = {a.objectName() for a in panels.actions()}
    from ui import actions as reg

    assert {f"panel:{pid}" for pid in reg.PANELS} <= names
    for pid in ("dashboard", "stacking", "idle", "history", "layers", "topology"):
        act = win.action(f"panel:{pid}")
        if act.isChecked():
            act.trigger()  # close it first
        assert not win.workspace.is_open(pid)
        act.trigger()
        assert win.workspace.is_open(pid), pid


def test_a_panel_can_float_and_move_between_areas(laptop, qtbot):
    win = laptop
    win.open_panel("dashboard")
    win.workspace.move_panel("dashboard", "float")
    assert win.docks["dashboard"].isFloating() and win.workspace.documents.count() == 1
    win.workspace.move_panel("idle", "document")
    assert win.workspace.documents.indexOf(win.workspace.host("idle")) > 0
    win.workspace.move_panel("idle", "right")
    assert win.dockWidgetArea(win.docks["idle"]) == Qt.DockWidgetArea.RightDockWidgetArea
    assert win.workspace.documents.indexOf(win.workspace.host("idle")) < 0
    win.restore_default_layout()
    settle(qtbot, win)
    assert win.workspace.area_of("dashboard") is None or not win.workspace.is_open("dashboard")
    assert win.workspace.is_open("layers") and win.workspace.is_open("table")
    assert win.canvas.width() >= 0.55 * win.width()


@pytest.mark.parametrize("screen", [(1280, 800), (1366, 768), (1920, 1080)])
def test_first_window_fits_the_available_screen(qtbot, demo_project, monkeypatch, screen):
    from ui.main_window import MainWindow

    avail = QRect(0, 0, screen[0], screen[1] - 40)  # a task bar at the bottom
    monkeypatch.setattr(MainWindow, "available_geometry", lambda self: avail)
    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    assert win.width() <= avail.width() and win.height() <= avail.height()
    assert avail.contains(win.geometry())
    if screen == (1920, 1080):
        assert (win.width(), win.height()) == (1440, 900)
    win.detach()


def test_settings_round_trip_through_a_temporary_folder(qtbot, demo_project, settings_folder, monkeypatch):
    from ui import settings as saved
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "available_geometry", lambda self: QRect(0, 0, 1920, 1040))
    # the test's own folder, not the user's
    assert str(settings_folder) in saved.settings().fileName()
    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    win.resize(780, 560)  # the offscreen screen is 800×600: Qt keeps a restored window on it
    win.show()
    qtbot.waitExposed(win)
    win.set_snapping(enabled=False, tolerance=17, avoid=True)
    win.map.layer("parcels").set_theme("idle")
    win.canvas.zoom_to((427000, 3383000, 427500, 3383400), margin=0)
    extent = win.canvas.view.extent
    win.open_panel("idle")
    win.workspace.move_panel("idle", "bottom")
    win.docks["layers"].hide()
    size = (win.width(), win.height())
    win.close()  # remembers
    win.detach()
    assert saved.get("snapping/tolerance_px", kind=float) == 17
    again = MainWindow(demo_project)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    settle(qtbot, again)
    assert again.snapping.enabled is False and again.snapping.tolerance_px == 17
    assert again.session.avoid_overlaps is True and again.snap_action.isChecked() is False
    assert again.snap_tolerance.value() == 17
    assert again.map.layer("parcels").theme_key == "idle"
    assert (again.width(), again.height()) == size
    assert not again.docks["layers"].isVisible()
    x0, y0, x1, y1 = again.canvas.view.extent  # the same place (the window may differ by a pixel)
    cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    assert x0 <= cx <= x1 and y0 <= cy <= y1 and (x1 - x0) < 2 * (extent[2] - extent[0])
    again.open_panel("idle")
    assert again.workspace.area_of("idle") == "bottom"  # where the user moved it
    # 恢复默认布局 brings the default back and forgets the saved one
    again.restore_default_layout()
    assert again.docks["layers"].isVisible()
    assert saved.get("window/state") is None
    again.detach()


def test_recent_projects_are_kept_and_missing_ones_pruned(qtbot, demo_project, tmp_path):
    from ui import settings as saved
    from ui.main_window import MainWindow

    paths = []
    for i in range(9):
        p = tmp_path / f"park{i}.gpkg"
        p.write_bytes(b"")
        paths.append(str(p))
        saved.add_recent(str(p))
    assert saved.recent_projects()[:9] == list(reversed(paths))  # newest first, ≥ 8 kept
    os.remove(paths[3])
    os.remove(paths[5])
    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    kept = win.fill_recent_menu()
    assert len(kept) == 7 and paths[3] not in kept and paths[5] not in kept
    titles = [a.text() for a in win.workspace.menus["file.recent"].actions()]
    assert titles == [os.path.basename(p) for p in kept]
    assert "park3.gpkg" in win.statusBar().currentMessage()  # says which ones went
    assert saved.recent_projects() == kept
    win.detach()


def test_language_switch_keeps_undo_selection_theme_and_extent(qtbot, laptop, demo_project):
    from landapp import editing as ed
    from ui.i18n import set_ui_language

    win = laptop
    fid = demo_project.read_layer("parcels", columns=["code"], geometry=False).index[0]
    win.session.run(ed.UpdateAttributes("parcels", int(fid), {"name": "改过的地块"}))
    assert win.session.stack.count() == 1
    win.canvas.set_selection("parcels", [int(fid)])
    win.map.layer("parcels").set_theme("idle")
    win.canvas.zoom_to((427000, 3383000, 427500, 3383400))
    extent = win.canvas.view.extent
    win.open_panel("dashboard")
    stack = win.session.stack
    try:
        same = win.switch_language("en")
        assert same is win
        assert [a.text() for a in win.menuBar().actions()][:3] == ["&File", "&Edit", "&View"]
        assert win.menuBar().actions()[-1].text() == "&Help"
        assert win.docks["layers"].windowTitle() == "Layers"
        assert win.workspace.documents.tabText(1) == "Dashboard"
        assert win.session.stack is stack and stack.count() == 1 and stack.canUndo()
        assert win.map.layer("parcels").selection == {int(fid)}
        assert win.map.layer("parcels").theme_key == "idle"
        ex = win.canvas.view.extent  # the same centre and scale (the map may be a few pixels taller)
        assert abs((ex[0] + ex[2]) - (extent[0] + extent[2])) < 1 and abs((ex[1] + ex[3]) - (extent[1] + extent[3])) < 1
        assert abs((ex[2] - ex[0]) - (extent[2] - extent[0])) < 1
        assert "Parcel" in win.table.model.headerData(0, Qt.Orientation.Horizontal)
        win.action("undo").trigger()  # the history still works
        assert demo_project.get("parcels", int(fid))["name"] != "改过的地块"
        win.action("redo").trigger()
        assert demo_project.get("parcels", int(fid))["name"] == "改过的地块"
    finally:
        set_ui_language("zh")


def test_menus_in_the_usual_order_and_both_redo_keys(laptop):
    win = laptop
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles[:3] == ["文件(&F)", "编辑(&E)", "视图(&V)"] and titles[-1] == "帮助(&H)"
    keys = {s.toString() for s in win.action("redo").shortcuts()}
    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= keys


def test_search_finds_the_short_label_code_and_buildings(laptop, demo_project):
    from layers.vector import short_code

    win = laptop
    p = demo_project.read_layer("parcels", columns=["code"], geometry=False)
    fid, code = next((f, c) for f, c in zip(p.index, p["code"]) if short_code(c) != c)
    short = short_code(code)
    assert win.search_for(short)
    assert win.map.layer("parcels").selection == {int(fid)}
    # the completer offers it as one types the short code
    win.search_index.build()
    model = win.search.completer().completionModel()
    win.search.completer().setCompletionPrefix(short)
    hits = [model.index(i, 0).data() for i in range(model.rowCount())]
    assert any(short in h and code in h for h in hits)
    b = demo_project.rows("buildings", F("name").is_not_null(), limit=1)[0]
    assert win.search_for(b["name"])
    assert win.map.layer("buildings").selection == {b["fid"]}


def test_export_says_where_it_wrote(laptop, tmp_path, monkeypatch):
    from ui import exported

    shown = []
    monkeypatch.setattr(exported, "show_hook", lambda *a: shown.append(a))
    path = laptop.export_png(str(tmp_path / "m.png"))
    assert os.path.exists(path)
    (_parent, _title, text, folder) = shown[-1]
    assert folder == str(tmp_path) and "m.png" in text


def test_read_only_project_says_so_and_disables_editing(qtbot, demo_project):
    import ui.main_window as mw

    assert not mw.project_read_only(demo_project)
    os.chmod(demo_project.path, 0o444)  # as a planner gets a project to look at
    assert mw.project_read_only(demo_project)
    win = mw.MainWindow(demo_project)
    qtbot.addWidget(win)
    assert "只读" in win.windowTitle()
    for aid in ("tool:add_parcel", "tool:vertex", "merge", "delete", "import_data"):
        assert not win.action(aid).isEnabled(), aid
    assert win.action("tool:pan").isEnabled() and win.action("export_png").isEnabled()
    win.detach()



def test_qt_own_dialogs_speak_chinese(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

    from ui.i18n import set_ui_language

    set_ui_language("zh")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert any("取消" in t for t in texts), texts
    dlg = QFileDialog(None, "x")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dlg)
    from PySide6.QtWidgets import QLabel

    labels = {w.text() for w in dlg.findChildren(QLabel)}
    assert any("查找范围" in t for t in labels) and not any("Look in" in t for t in labels), labels


def test_save_dialogs_start_in_the_project_folder_then_the_last_one(qtbot, laptop, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    asked = []

    def fake(parent, title, start, filters):
        asked.append(start)
        return (str(tmp_path / "elsewhere" / "list.xlsx"), "")

    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    from ui.exported import ask_save_path

    project_folder = os.path.dirname(laptop.store.path)
    ask_save_path(laptop, "x", "机会清单.xlsx", "*.xlsx")
    assert os.path.dirname(asked[0]) == project_folder  # not the process's folder
    ask_save_path(laptop, "x", "map.png", "*.png")
    assert os.path.dirname(asked[1]) == str(tmp_path / "elsewhere")  # the folder used last
