"""Editing tools driven through the canvas with mouse events; do -> undo -> redo checked in
the store and in what GDAL reads from the file."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import shapely
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

pytestmark = pytest.mark.gui


@pytest.fixture
def win(qtbot, demo_project, monkeypatch):
    from ui.i18n import set_ui_language
    from ui.main_window import MainWindow

    set_ui_language("zh")
    w = MainWindow(demo_project)
    errors = []
    w.session.on_error = errors.append
    w.errors = errors
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.detach()


def at(canvas, x, y) -> QPoint:
    sx, sy = canvas.view.to_screen(x, y)
    return QPoint(int(round(float(sx))), int(round(float(sy))))


def click(qtbot, canvas, x, y, button=Qt.MouseButton.LeftButton):
    p = at(canvas, x, y)
    qtbot.mouseMove(canvas, p)
    qtbot.mouseClick(canvas, button, pos=p)


def adjacent_pair(store):
    p = store.read_layer("parcels", columns=["code"])
    b = store.read_layer("buildings").geometry.union_all()
    geoms = p.geometry.values
    tree = shapely.STRtree(geoms)
    for i, j in zip(*tree.query(geoms, predicate="touches")):
        if i < j and not geoms[i].intersects(b) and not geoms[j].intersects(b):
            shared = geoms[i].boundary.intersection(geoms[j].boundary)
            if shared.length > 50:
                return int(p.index[i]), int(p.index[j]), shared
    raise AssertionError("no adjacent parcels")


def gdal_codes(store, where="retired = 0"):
    return set(pyogrio.read_dataframe(store.path, layer="parcels", where=where)["code"])


def test_add_parcel_by_clicking_with_snapping_undo_redo(win, qtbot, demo_project):
    c = win.canvas
    x0, y0, x1, y1 = c.map.extent()
    # an empty spot just west of the park, with a corner snapped onto a parcel vertex
    target = demo_project.read_layer("parcels").geometry.values
    corner = min((tuple(pt) for g in target for pt in shapely.get_coordinates(g)), key=lambda t: t[0])
    c.zoom_to((corner[0] - 300, corner[1] - 200, corner[0] + 100, corner[1] + 200))
    win.ask_attributes = lambda layer, geom: {"code": "NEW-001", "status": "待供"}
    win.tools["add_parcel"].ask_attributes = win.ask_attributes
    win.set_tool("add_parcel")
    px = c.view.scale
    pts = [(corner[0] - 200, corner[1] - 100), (corner[0] - 60, corner[1] - 120),
           (corner[0] + 2 * px, corner[1] + 2 * px),  # within the 10 px tolerance of the vertex
           (corner[0] - 180, corner[1] + 60)]
    for x, y in pts:
        click(qtbot, c, x, y)
    qtbot.keyClick(c, Qt.Key.Key_Return)
    assert "NEW-001" in gdal_codes(demo_project)
    rec = demo_project.rows("parcels", "code = 'NEW-001'")[0]
    coords = [tuple(p) for p in shapely.get_coordinates(rec["geometry"])]
    assert corner in coords  # snapped exactly onto the existing vertex
    assert rec["area_m2"] > 0 and rec["zone"] is None or isinstance(rec["zone"], str)
    win.session.undo()
    assert "NEW-001" not in gdal_codes(demo_project)
    win.session.redo()
    assert "NEW-001" in gdal_codes(demo_project)
    assert win.history.model().rowCount() == 2  # <project opened> + the addition


def test_typed_coordinates_and_escape(win, qtbot):
    c = win.canvas
    win.set_tool("add_parcel")
    tool = c.tool
    tool.add_point(430000.0, 3384000.0)
    assert tool.points == [(430000.0, 3384000.0)]
    qtbot.keyClick(c, Qt.Key.Key_Escape)
    assert tool.points == []


def test_vertex_tool_moves_a_shared_vertex_in_both_parcels(win, qtbot, demo_project):
    a, b, shared = adjacent_pair(demo_project)
    vx, vy = shapely.get_coordinates(shared)[0]
    c = win.canvas
    c.zoom_to((vx - 80, vy - 80, vx + 80, vy + 80))
    win.set_tool("vertex")
    win.snap_action.setChecked(False)
    win.snapping.enabled = False
    start = at(c, vx, vy)
    end = QPoint(start.x() + 15, start.y() + 10)
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(c, end)
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=end)
    ga, gb = demo_project.get("parcels", a)["geometry"], demo_project.get("parcels", b)["geometry"]
    nx, ny = c.view.to_map(end.x(), end.y())
    for g in (ga, gb):
        d = np.hypot(shapely.get_coordinates(g)[:, 0] - nx, shapely.get_coordinates(g)[:, 1] - ny).min()
        assert d < 1e-6
    assert ga.intersection(gb).area < 1e-6
    win.session.undo()
    assert (vx, vy) in [tuple(p) for p in shapely.get_coordinates(demo_project.get("parcels", a)["geometry"])]


def test_split_tool_and_merge_action(win, qtbot, demo_project):
    a, b, _ = adjacent_pair(demo_project)
    geom = demo_project.get("parcels", a)["geometry"]
    code = demo_project.get("parcels", a)["code"]
    x0, y0, x1, y1 = geom.bounds
    c = win.canvas
    c.zoom_to(geom.buffer(40).bounds)
    c.set_selection("parcels", [a])
    win.set_tool("split")
    cx, cy = geom.centroid.x, geom.centroid.y
    # a line through the centroid, across the parcel, perpendicular to its long side
    rect = shapely.minimum_rotated_rectangle(geom)
    pts = np.asarray(rect.exterior.coords)[:4]
    long_edge = max((pts[(i + 1) % 4] - pts[i] for i in range(4)), key=lambda e: np.hypot(*e))
    u = long_edge / np.hypot(*long_edge)
    p0 = np.array([cx, cy])
    perp = np.array([-u[1], u[0]])
    span = max(x1 - x0, y1 - y0)
    for pt in (p0 - perp * span, p0 + perp * span):
        click(qtbot, c, *pt)
    qtbot.keyClick(c, Qt.Key.Key_Return)
    assert not win.errors, win.errors
    assert {f"{code}-1", f"{code}-2"} <= gdal_codes(demo_project)
    assert code not in gdal_codes(demo_project)
    assert demo_project.get("parcels", a)["retired"]
    assert a in win.map.layer("retired_parcels").data.fid_index  # history can be shown on the map
    assert a not in win.map.layer("parcels").data.fid_index
    kids = [r for r in demo_project.rows("parcels", "code LIKE ?", (code + "-%",))]
    assert sum(k["area_m2"] for k in kids) == pytest.approx(geom.area, rel=1e-6)
    # merge the two halves back through the menu action
    c.active_layer = "parcels"
    c.set_selection("parcels", [k["fid"] for k in kids])
    win.ask_merge_source = False  # keep the largest's attributes without asking
    win.merge_selected()
    merged = demo_project.rows("parcels", "code = ?", (f"{code}-1-H",)) or demo_project.rows(
        "parcels", "code = ?", (f"{code}-2-H",))
    assert merged and merged[0]["area_m2"] == pytest.approx(geom.area, rel=1e-6)
    win.session.undo()
    win.session.undo()
    assert code in gdal_codes(demo_project)


def test_move_and_delete_selection(win, qtbot, demo_project, monkeypatch):
    a, _, _ = adjacent_pair(demo_project)
    geom = demo_project.get("parcels", a)["geometry"]
    c = win.canvas
    c.zoom_to(geom.buffer(200).bounds)
    c.active_layer = "parcels"
    c.set_selection("parcels", [a])
    win.set_tool("move")
    p = at(c, geom.centroid.x, geom.centroid.y)
    q = QPoint(p.x() + 20, p.y())
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=p)
    qtbot.mouseMove(c, q)
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=q)
    moved = demo_project.get("parcels", a)["geometry"]
    assert moved.centroid.x - geom.centroid.x == pytest.approx(20 * c.view.scale, rel=1e-3)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win.delete_selected()
    assert a not in set(demo_project.read_layer("parcels").index)
    win.session.undo()
    assert demo_project.get("parcels", a)["geometry"].equals(moved)


def test_form_shows_validation_errors_beside_the_field(qtbot):
    from ui.forms import FeatureForm

    form = FeatureForm("parcels", {"code": "X1", "status": "待供", "far_min": 3.0, "far_max": 2.0})
    qtbot.addWidget(form)
    form.accept()
    assert form.result() == 0
    assert form.errors["far_max"].isVisibleTo(form) and "容积率" in form.errors["far_max"].text()
    form.widgets["far_max"].setValue(4.0)
    form.widgets["land_use"].setCurrentIndex(form.widgets["land_use"].findData("100102"))
    form.accept()
    assert form.result() == 1
    assert form.values()["land_use"] == "100102" and form.changes()["far_max"] == 4.0


def test_topology_panel_finds_and_fixes_an_overlap(win, qtbot, demo_project):
    a, b, _ = adjacent_pair(demo_project)
    ga = demo_project.get("parcels", a)["geometry"]
    demo_project.update("parcels", a, {"geometry": ga.buffer(5, join_style="mitre")})
    panel = win.topology
    panel.run()
    kinds = [i.kind for i in panel.issues]
    assert "overlap" in kinds
    row = kinds.index("overlap")
    panel.tree.setCurrentItem(panel.tree.topLevelItem(row))
    assert panel.fix_button.isEnabled()
    panel.fix_selected()
    assert "overlap" not in [i.kind for i in panel.issues if a in i.fids]


def test_buildings_are_edited_with_the_same_tools(win, qtbot, demo_project):
    b = demo_project.read_layer("buildings").iloc[0]
    fid = int(demo_project.read_layer("buildings").index[0])
    vx, vy = shapely.get_coordinates(b.geometry)[0]
    c = win.canvas
    c.zoom_to((vx - 40, vy - 40, vx + 40, vy + 40))
    win.table.set_layer("buildings")  # the active layer follows the table / layer panel
    assert c.active_layer == "buildings"
    win.set_tool("vertex")
    win.snapping.enabled = False
    start = at(c, vx, vy)
    end = QPoint(start.x() - 12, start.y() - 12)
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(c, end)
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=end)
    g = demo_project.get("buildings", fid)["geometry"]
    assert (vx, vy) not in [tuple(p) for p in shapely.get_coordinates(g)]
    assert demo_project.get("buildings", fid)["footprint_m2"] == pytest.approx(g.area, abs=0.01)
    win.session.undo()
    assert (vx, vy) in [tuple(p) for p in shapely.get_coordinates(demo_project.get("buildings", fid)["geometry"])]


def test_merge_keeps_the_chosen_parcels_attributes(win, demo_project, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    a, b, _ = adjacent_pair(demo_project)
    small = min((a, b), key=lambda f: demo_project.get("parcels", f)["geometry"].area)
    code = demo_project.get("parcels", small)["code"]
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kw: (next(i for i in args[3] if i.startswith(code)), True))
    win.canvas.active_layer = "parcels"
    win.canvas.set_selection("parcels", [a, b])
    win.merge_selected()
    merged = demo_project.rows("parcels", "code = ?", (f"{code}-H",))
    assert merged and merged[0]["name"] == demo_project.get("parcels", small)["name"]


def test_reshape_tool_cuts_a_parcel_through_the_canvas(win, qtbot, demo_project):
    a, _, _ = adjacent_pair(demo_project)
    geom = demo_project.get("parcels", a)["geometry"]
    c = win.canvas
    c.zoom_to(geom.buffer(30).bounds)
    c.active_layer = "parcels"
    c.set_selection("parcels", [a])
    win.snapping.enabled = False
    win.set_tool("reshape")
    rect = shapely.minimum_rotated_rectangle(geom)
    pts = np.asarray(rect.exterior.coords)[:4]
    long_edge = max((pts[(i + 1) % 4] - pts[i] for i in range(4)), key=lambda e: np.hypot(*e))
    u = long_edge / np.hypot(*long_edge)
    perp = np.array([-u[1], u[0]])
    # a line across the parcel a quarter of the way along its long side
    centre = np.array(geom.centroid.coords[0]) - u * np.hypot(*long_edge) / 4
    span = max(geom.bounds[2] - geom.bounds[0], geom.bounds[3] - geom.bounds[1])
    for pt in (centre - perp * span, centre + perp * span):
        click(qtbot, c, *pt)
    qtbot.keyClick(c, Qt.Key.Key_Return)
    assert not win.errors, win.errors
    new = demo_project.get("parcels", a)["geometry"]
    assert 0.6 * geom.area < new.area < 0.9 * geom.area  # the smaller quarter was cut off
    win.session.undo()
    assert demo_project.get("parcels", a)["geometry"].area == pytest.approx(geom.area)
