"""Editing tools driven through the canvas with mouse events; do -> undo -> redo checked in
the store and in what GDAL reads from the file."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import shapely
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from landapp.store.filters import F

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
    rec = demo_project.rows("parcels", F("code") == "NEW-001")[0]
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
    # while dragging, the rubber band shows the changed edges of both parcels
    neighbours = set()
    for f in (a, b):
        ring = np.asarray(demo_project.get("parcels", f)["geometry"].geoms[0].exterior.coords)[:-1]
        k = int(np.argmin(np.hypot(ring[:, 0] - vx, ring[:, 1] - vy)))
        neighbours |= {tuple(ring[k - 1]), tuple(ring[(k + 1) % len(ring)])}
    assert neighbours <= set(c.tool.anchors)
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=end)
    assert c.tool.anchors == [] and c.tool.hover is None
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
    kids = [r for r in demo_project.rows("parcels", F("code").startswith(code + "-"))]
    assert sum(k["area_m2"] for k in kids) == pytest.approx(geom.area, rel=1e-6)
    # merge the two halves back through the menu action
    c.active_layer = "parcels"
    c.set_selection("parcels", [k["fid"] for k in kids])
    win.ask_merge_source = False  # keep the largest's attributes without asking
    win.merge_selected()
    merged = demo_project.rows("parcels", F("code") == f"{code}-1-H") or demo_project.rows(
        "parcels", F("code") == f"{code}-2-H")
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
    panel = win.open_panel("topology")
    panel.run()
    kinds = [i.kind for i in panel.issues]
    assert "overlap" in kinds
    row = kinds.index("overlap")
    # a click on the problem zooms the map to it and selects the two parcels
    item = panel.tree.topLevelItem(row)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.tree.visualItemRect(item).center())
    x, y = panel.issues[row].location
    assert win.map.layer("parcels").selection == set(panel.issues[row].fids)
    x0, y0, x1, y1 = win.canvas.view.extent
    assert x0 < x < x1 and y0 < y < y1 and x1 - x0 < 2000
    assert panel.issues[row].message in item.toolTip(2)
    assert panel.fix_button.isEnabled()
    fixed = set(panel.issues[row].fids)  # the grown parcel may overlap more than one neighbour
    panel.fix_selected()
    assert not [i for i in panel.issues if i.kind == "overlap" and set(i.fids) == fixed]


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
    merged = demo_project.rows("parcels", F("code") == f"{code}-H")
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


def double_click(qtbot, canvas, x, y):
    """What a real mouse sends for a double click (QTest.mouseDClick sends only the
    double-click event): press, release, press, double-click, release."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent

    p = QPointF(at(canvas, x, y))
    qtbot.mouseMove(canvas, p.toPoint())
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier
    for kind, buttons in [(QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonRelease, none),
                          (QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonDblClick, left),
                          (QEvent.Type.MouseButtonRelease, none)]:
        ev = QMouseEvent(kind, p, canvas.mapToGlobal(p), left, buttons, mods)
        QApplication.sendEvent(canvas, ev)


def gdal_state(path):
    """Every parcel and building as GDAL reads them from the file: fid -> every field but
    the timestamps and row versions (which count writes) (NaN as None) and the normalised geometry."""
    out = {}
    for layer in ("parcels", "buildings"):
        df = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
        cols = [k for k in df.columns if k not in ("geometry", "created", "modified", "row_version")]
        vals = df[cols].astype(object).where(df[cols].notna(), None).to_numpy().tolist()
        wkb = shapely.to_wkb(shapely.normalize(df.geometry.values))
        out[layer] = {int(f): (tuple(v), w) for f, v, w in zip(df.index, vals, wkb)}
    return out


def test_double_click_finishes_a_parcel_without_starting_another(win, qtbot, demo_project):
    c = win.canvas
    x0, y0, _, _ = c.map.extent()
    c.zoom_to((x0 - 900, y0 - 600, x0 - 100, y0 + 200))
    win.ask_attributes = lambda layer, geom: {"code": "DBL-1", "status": "待供"}
    win.tools["add_parcel"].ask_attributes = win.ask_attributes
    win.set_tool("add_parcel")
    for x, y in [(x0 - 800, y0 - 500), (x0 - 300, y0 - 500), (x0 - 300, y0)]:
        click(qtbot, c, x, y)
    double_click(qtbot, c, x0 - 800, y0)
    rec = demo_project.rows("parcels", F("code") == "DBL-1")
    assert rec and len(shapely.get_coordinates(rec[0]["geometry"])) == 5  # 4 corners + closing
    assert c.tool.points == []  # the double click's last release did not begin a new sketch
    split = win.tools["split"]
    win.set_tool("split")
    click(qtbot, c, x0 - 850, y0 - 250)
    double_click(qtbot, c, x0 - 250, y0 - 250)
    assert not win.errors and split.points == []
    assert {"DBL-1-1", "DBL-1-2"} <= gdal_codes(demo_project)


def test_every_tool_does_undoes_and_redoes_in_the_file(win, qtbot, demo_project, monkeypatch):
    """Each tool driven through the canvas; after undo GDAL reads exactly the file before,
    after redo exactly the file after the edit."""
    from ui.forms import FeatureForm

    c, path = win.canvas, demo_project.path
    win.snapping.enabled = False
    win.ask_merge_source = False
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    a, b, shared = adjacent_pair(demo_project)
    ga = demo_project.get("parcels", a)["geometry"]
    bfid = int(demo_project.read_layer("buildings").index[0])
    bgeom = demo_project.get("buildings", bfid)["geometry"]

    def look_at(geom, layer="parcels", select=()):
        c.zoom_to(geom.buffer(40).bounds)
        win.table.set_layer(layer)
        c.set_selection(layer, list(select))

    def line_across(geom, frac=0.5):
        rect = np.asarray(shapely.minimum_rotated_rectangle(geom).exterior.coords)[:4]
        edge = max((rect[(i + 1) % 4] - rect[i] for i in range(4)), key=lambda e: np.hypot(*e))
        u = edge / np.hypot(*edge)
        mid = np.array(geom.centroid.coords[0]) + u * np.hypot(*edge) * (frac - 0.5)
        span = max(geom.bounds[2] - geom.bounds[0], geom.bounds[3] - geom.bounds[1])
        return [mid - np.array([-u[1], u[0]]) * span, mid + np.array([-u[1], u[0]]) * span]

    def drag(p, q):
        qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=p)
        qtbot.mouseMove(c, q)
        qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=q)

    def add_parcel():
        x0, y0, _, _ = c.map.extent()
        c.zoom_to((x0 - 900, y0 - 600, x0 - 100, y0 + 200))
        win.tools["add_parcel"].ask_attributes = lambda layer, g: {"code": "T-ADD", "status": "储备"}
        win.set_tool("add_parcel")
        for x, y in [(x0 - 800, y0 - 500), (x0 - 300, y0 - 500), (x0 - 300, y0)]:
            click(qtbot, c, x, y)
        qtbot.keyClick(c, Qt.Key.Key_Return)

    def add_building():
        x, y = ga.centroid.x, ga.centroid.y
        look_at(ga, "buildings")
        win.tools["add_building"].ask_attributes = lambda layer, g: {"name": "T-厂房", "btype": "标准厂房"}
        win.set_tool("add_building")
        for px, py in [(x - 5, y - 5), (x + 5, y - 5), (x + 5, y + 5), (x - 5, y + 5)]:
            click(qtbot, c, px, py)
        qtbot.keyClick(c, Qt.Key.Key_Return)

    def move_shared_vertex():
        vx, vy = shapely.get_coordinates(shared)[0]
        c.zoom_to((vx - 80, vy - 80, vx + 80, vy + 80))
        win.table.set_layer("parcels")
        win.set_tool("vertex")
        p = at(c, vx, vy)
        drag(p, QPoint(p.x() + 12, p.y() + 7))

    def add_vertex_on_shared_edge():
        mid = shared.interpolate(0.5, normalized=True)
        c.zoom_to((mid.x - 60, mid.y - 60, mid.x + 60, mid.y + 60))
        win.table.set_layer("parcels")
        win.set_tool("vertex")
        qtbot.mouseDClick(c, Qt.MouseButton.LeftButton, pos=at(c, mid.x, mid.y))

    def delete_vertex():
        vx, vy = shapely.get_coordinates(demo_project.get("parcels", a)["geometry"])[1]
        c.zoom_to((vx - 60, vy - 60, vx + 60, vy + 60))
        win.table.set_layer("parcels")
        win.set_tool("vertex")
        click(qtbot, c, vx, vy, Qt.MouseButton.RightButton)

    def reshape():
        look_at(ga, select=[a])
        win.set_tool("reshape")
        for pt in line_across(ga, 0.25):
            click(qtbot, c, *pt)
        qtbot.keyClick(c, Qt.Key.Key_Return)

    def split():
        g = demo_project.get("parcels", a)["geometry"]
        look_at(g, select=[a])
        win.set_tool("split")
        for pt in line_across(g):
            click(qtbot, c, *pt)
        qtbot.keyClick(c, Qt.Key.Key_Return)

    def merge():
        look_at(ga, select=[a, b])
        win.merge_selected()

    def move():
        look_at(ga, select=[a])
        win.set_tool("move")
        p = at(c, ga.centroid.x, ga.centroid.y)
        drag(p, QPoint(p.x() + 6, p.y() - 4))

    def move_building_vertex():
        vx, vy = shapely.get_coordinates(bgeom)[0]
        c.zoom_to((vx - 40, vy - 40, vx + 40, vy + 40))
        win.table.set_layer("buildings")
        win.set_tool("vertex")
        p = at(c, vx, vy)
        drag(p, QPoint(p.x() - 10, p.y() - 10))

    def delete_building():
        look_at(bgeom, "buildings", select=[bfid])
        win.delete_selected()

    def edit_attributes():
        look_at(ga, select=[a])

        def fill(form):
            form.widgets["status"].setCurrentIndex(form.widgets["status"].findData("在建"))
            form.widgets["far_max"].setValue(3.3)
            form.accept()
            return form.result()

        monkeypatch.setattr(FeatureForm, "exec", fill)
        win.edit_selected()

    steps = [add_parcel, add_building, move_shared_vertex, add_vertex_on_shared_edge, delete_vertex,
             reshape, move, edit_attributes, move_building_vertex, delete_building, split, merge]
    for step in steps:
        before = gdal_state(path)
        depth = win.session.stack.index()
        step()
        assert not win.errors, (step.__name__, win.errors)
        assert win.session.stack.index() == depth + 1, step.__name__  # one undoable step
        after = gdal_state(path)
        assert after != before, step.__name__
        win.session.undo()
        assert gdal_state(path) == before, step.__name__
        win.session.redo()
        assert gdal_state(path) == after, step.__name__
        if step is edit_attributes:
            rec = demo_project.get("parcels", a)
            assert (rec["status"], rec["far_max"]) == ("在建", 3.3)
        win.session.undo()  # the next step starts from the park as it was
        assert gdal_state(path) == before, step.__name__
    assert demo_project.integrity_check() == []


def test_shared_vertex_added_and_deleted_in_both_neighbours_through_the_canvas(win, qtbot, demo_project):
    a, b, shared = adjacent_pair(demo_project)
    mid = shared.interpolate(0.37, normalized=True)
    c = win.canvas
    c.zoom_to((mid.x - 60, mid.y - 60, mid.x + 60, mid.y + 60))
    win.snapping.enabled = False
    win.set_tool("vertex")
    qtbot.mouseDClick(c, Qt.MouseButton.LeftButton, pos=at(c, mid.x, mid.y))
    gdf = pyogrio.read_dataframe(demo_project.path, layer="parcels", fid_as_index=True)
    new = [tuple(p) for p in shapely.get_coordinates(gdf.geometry[a]) if shapely.Point(p).distance(mid) < 1]
    assert len(new) == 1 and new[0] in [tuple(p) for p in shapely.get_coordinates(gdf.geometry[b])]
    # hover the new vertex and press Delete: it leaves both parcels, which stay gap-free
    qtbot.mouseMove(c, at(c, *new[0]))
    qtbot.keyClick(c, Qt.Key.Key_Delete)
    ga, gb = (demo_project.get("parcels", f)["geometry"] for f in (a, b))
    for g in (ga, gb):
        assert new[0] not in [tuple(p) for p in shapely.get_coordinates(g)]
    assert ga.intersection(gb).area < 1e-6
    assert win.history.model().rowCount() == 3


def test_overlap_is_reported_or_clipped(win, qtbot, demo_project):
    a, b, _ = adjacent_pair(demo_project)
    gb = demo_project.get("parcels", b)["geometry"]
    c = win.canvas
    c.zoom_to(gb.buffer(60).bounds)
    c.set_selection("parcels", [b])
    win.snapping.enabled = False
    win.set_tool("move")
    # drag B halfway onto A: without 'avoid overlaps' the move is made and reported
    ga = demo_project.get("parcels", a)["geometry"]
    towards = np.array(ga.centroid.coords[0]) - np.array(gb.centroid.coords[0])
    step = towards / np.hypot(*towards) * 15
    p = at(c, gb.centroid.x, gb.centroid.y)
    q = at(c, gb.centroid.x + step[0], gb.centroid.y + step[1])
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=p)
    qtbot.mouseMove(c, q)
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=q)
    code_a = demo_project.get("parcels", a)["code"]
    assert [o["other_fid"] for o in win.session.last_overlaps] == [a]
    assert code_a in win.statusBar().currentMessage() and "重叠" in win.statusBar().currentMessage()
    win.session.undo()
    win.avoid_action.trigger()
    assert win.session.avoid_overlaps
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=p)
    qtbot.mouseMove(c, q)
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=q)
    moved = demo_project.get("parcels", b)["geometry"]
    assert moved.intersection(demo_project.get("parcels", a)["geometry"]).area < 0.01
    assert moved.area < gb.area and win.session.last_overlaps == []


def test_typed_coordinates_make_a_parcel(win, qtbot, demo_project):
    win.ask_attributes = lambda layer, geom: {"code": "TYPED-1", "status": "待供"}
    win.tools["add_parcel"].ask_attributes = win.ask_attributes
    win.set_tool("add_parcel")
    # X northing first, as in a boundary-point table (J1, X, Y) pasted from Excel
    win.enter_coordinates("J1\t3380100.00\t420100.00\nJ2\t3380100.00\t420200.00\n"
                          "J3, 3380000.00, 420200.00\nJ4，3380000，35420100")
    qtbot.keyClick(win.canvas, Qt.Key.Key_Return)
    rec = demo_project.rows("parcels", F("code") == "TYPED-1")[0]
    assert rec["geometry"].equals(shapely.box(420100, 3380000, 420200, 3380100))
    assert rec["area_m2"] == pytest.approx(10000) and rec["area_mu"] == pytest.approx(15.0)
    win.enter_coordinates("3380100")
    assert win.errors and "第 1 行" in win.errors[-1]


def test_info_panel_shows_lineage_and_field_level_history(win, qtbot, demo_project):
    from landapp import editing as ed

    a, _, _ = adjacent_pair(demo_project)
    code = demo_project.get("parcels", a)["code"]
    win.session.run(ed.UpdateAttributes("parcels", a, {"status": "在建"}))
    old_status = win.session.stack.command(0).edit.old["status"]
    geom = demo_project.get("parcels", a)["geometry"]
    cx, cy = geom.centroid.x, geom.centroid.y
    w = geom.bounds[2] - geom.bounds[0]
    win.session.run(ed.SplitFeature("parcels", a, shapely.LineString([(cx, cy - 2 * w), (cx, cy + 2 * w)]),
                                   date="2026-11-20"))
    kid = win.session.stack.command(1).edit.child_fids[0]
    win.info.show_feature("parcels", kid)
    text = win.info.toPlainText()
    assert "地块沿革" in text and f"由 {code} 拆分而来" in text and "2026-11-20" in text
    assert demo_project.user in text
    # the parent's history: who changed the status, from what to what
    win.info.show_feature("parcels", a)
    text = win.info.toPlainText()
    assert "已注销" in text and "已拆分为" in text and f"{code}-1" in text
    from landapp.schema import value_label

    assert f"状态:{value_label(old_status)} → 在建" in text
    # the parent's code is a link: following it switches the history layer on
    assert not win.map.layer("retired_parcels").visible
    from PySide6.QtCore import QUrl

    win.info.show_feature("parcels", kid)
    win.info.anchorClicked.emit(QUrl(f"parcels:{a}"))
    assert win.info.current == ("parcels", a) and win.map.layer("retired_parcels").visible
    # with the history layer on, identify finds the retired parent under its children
    win.canvas.zoom_to(geom.buffer(30).bounds)
    hit = win.canvas.identify_at(*geom.representative_point().coords[0])
    assert hit == ("parcels", a)


def test_a_failed_undo_leaves_the_history_honest(win, demo_project):
    from landapp import editing as ed

    a, _, _ = adjacent_pair(demo_project)
    win.session.run(ed.UpdateAttributes("parcels", a, {"name": "新名称"}))
    assert win.session.stack.count() == 1
    win.session.store.delete("parcels", a)  # e.g. deleted in another program meanwhile
    win.session.undo()
    assert win.errors  # told why
    assert win.session.stack.count() == 0  # the command that could not be undone is gone


def test_unit_form_has_a_widget_per_field_and_errors_beside_them(qtbot, demo_project):
    from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

    from landapp.vacancy import default_as_of
    from ui.stacking_view import UnitDialog

    store = demo_project
    unit = store.rows("units", (F("status") == "空置") & F("floor_id").is_not_null(), limit=1)[0]
    floors = store.rows("floors", F("building_id") == unit["building_id"])
    dlg = UnitDialog(store, unit["fid"], default_as_of(store))
    qtbot.addWidget(dlg)
    w = dlg.unit_editor.widgets
    # the floor is picked from the building's floors, rent is a number with its unit
    assert isinstance(w["floor_id"], QComboBox) and w["floor_id"].count() == len(floors) + 1
    assert w["floor_id"].currentData() == unit["floor_id"]
    assert isinstance(w["asking_rent"], QDoubleSpinBox) and "元/㎡·月" in w["asking_rent"].suffix()
    w["asking_rent"].setValue(20000)
    assert w["asking_rent"].value() == 10000  # the widget keeps to the schema's range
    w["area"].setValue(w["area"].minimum())  # emptied: the area is required
    w["status"].setCurrentIndex(0)  # no status: required too
    dlg.save()
    assert dlg.result() == 0
    for name in ("area", "status"):  # every broken rule at once, each beside its field
        assert dlg.unit_editor.errors[name].isVisibleTo(dlg) and "必填" in dlg.unit_editor.errors[name].text()
    assert not dlg.unit_editor.errors["asking_rent"].isVisibleTo(dlg)
    assert store.get("units", unit["fid"])["asking_rent"] == unit["asking_rent"]  # nothing written
    w["asking_rent"].setValue(36.5)
    w["area"].setValue(unit["area"])
    w["status"].setCurrentIndex(w["status"].findData("空置"))
    w["note"].setText("临街,可分割")
    dlg.save()
    assert dlg.result() == 1
    rec = store.get("units", unit["fid"])
    assert (rec["asking_rent"], rec["note"], rec["area"]) == (36.5, "临街,可分割", unit["area"])


def test_snapping_follows_edits_without_reindexing(win, demo_project, monkeypatch):
    from landapp import editing as ed

    snapping, c = win.snapping, win.canvas
    x0, y0, _, _ = c.map.extent()
    corner = (x0 - 500.0, y0 - 400.0)
    assert snapping.snap(*corner, scale=0.5) is None
    built = []
    real = shapely.STRtree
    monkeypatch.setattr(shapely, "STRtree", lambda *a, **k: built.append(len(a[0])) or real(*a, **k))
    win.session.run(ed.AddFeature("parcels", {"code": "SNAP-1", "status": "储备",
                                              "geometry": shapely.box(*corner, corner[0] + 50, corner[1] + 50)}))
    hit = snapping.snap(corner[0] + 2, corner[1] + 1, scale=0.5)  # 10 px = 5 m
    assert hit is not None and (hit.kind, hit.x, hit.y) == ("vertex", *corner)
    win.session.undo()  # the parcel is gone: nothing left to snap to there
    assert snapping.snap(corner[0] + 2, corner[1] + 1, scale=0.5) is None
    assert max(built, default=0) < 10  # only the layer's small index of edited rows, never the whole layer


def test_new_building_form_proposes_its_zone_and_parcel(win, qtbot, demo_project, monkeypatch):
    from ui.forms import FeatureForm

    a, _, _ = adjacent_pair(demo_project)
    parcel = demo_project.get("parcels", a)
    seen = {}

    def look(form):
        seen["parcel"] = form.widgets["parcel_code"].currentText()
        seen["zone"] = form.widgets["zone"].currentText()
        seen["zones"] = [form.widgets["zone"].itemText(i) for i in range(form.widgets["zone"].count())]
        return 0  # cancelled

    monkeypatch.setattr(FeatureForm, "exec", look)
    c = parcel["geometry"].representative_point()
    assert win.ask_attributes("buildings", shapely.box(c.x - 4, c.y - 4, c.x + 4, c.y + 4)) is None
    assert seen["parcel"] == parcel["code"] and seen["zone"] == parcel["zone"]
    assert set(demo_project.read_layer("zones")["name"]) <= set(seen["zones"])



def test_a_parcel_drawn_over_others_is_selected_and_seen(win, qtbot, demo_project):
    """Classes are painted one brush at a time, so a new parcel overlapping one of a class
    painted later would be hidden beneath it; it becomes the selection, drawn on top."""
    a, _, _ = adjacent_pair(demo_project)
    g = demo_project.get("parcels", a)["geometry"]
    c = win.canvas
    p = g.representative_point()
    c.zoom_to((p.x - 40, p.y - 40, p.x + 50, p.y + 50))
    win.snapping.enabled = False
    win.tools["add_parcel"].ask_attributes = lambda layer, geom: {"code": "ON-TOP", "status": "储备"}
    win.set_tool("add_parcel")
    corners = [(p.x - 10, p.y - 10), (p.x + 20, p.y - 10), (p.x + 20, p.y + 20), (p.x - 10, p.y + 20)]
    for x, y in corners:
        click(qtbot, c, x, y)
    qtbot.keyClick(c, Qt.Key.Key_Return)
    fid = demo_project.rows("parcels", F("code") == "ON-TOP")[0]["fid"]
    assert c.map.layer("parcels").selection == {fid}
    assert c.wait_for_frame()
    from layers.vector import SELECTION_COLOUR

    x0, y0 = corners[0]  # the new parcel's outline, in the selection colour, over the other parcel
    sx, sy = c.view.to_screen(x0 + 15, y0)
    hits = [c.frame.pixelColor(int(sx), int(sy) + k).name() for k in (-1, 0, 1)]
    assert SELECTION_COLOUR.name() in hits


def _annex_of(geom, depth=12.0):
    """A rectangle built out from the longest side of a (rotated) rectangular footprint:
    it shares that side exactly, as an annex built against the building."""
    ring = np.asarray(shapely.get_parts(geom)[0].exterior.coords)[:-1]
    i = max(range(len(ring)), key=lambda k: np.hypot(*(ring[(k + 1) % len(ring)] - ring[k])))
    p, q = ring[i], ring[(i + 1) % len(ring)]
    n = np.array([-(q - p)[1], (q - p)[0]]) / np.hypot(*(q - p))
    if np.dot(n, (p + q) / 2 - np.asarray(geom.centroid.coords[0])) < 0:
        n = -n  # outward
    return shapely.Polygon([p, q, q + n * depth, p + n * depth])


def _split_line(geom):
    """Two points on a line across geom, perpendicular to its long side through its centroid."""
    rect = np.asarray(shapely.minimum_rotated_rectangle(geom).exterior.coords)[:4]
    edge = max((rect[(i + 1) % 4] - rect[i] for i in range(4)), key=lambda e: np.hypot(*e))
    u = edge / np.hypot(*edge)
    mid = np.asarray(geom.centroid.coords[0])
    span = max(geom.bounds[2] - geom.bounds[0], geom.bounds[3] - geom.bounds[1])
    return [mid - np.array([-u[1], u[0]]) * span, mid + np.array([-u[1], u[0]]) * span]


def space_homes(path):
    """building_id of every floor, unit and lease as GDAL reads them from the file."""
    return {t: dict(pyogrio.read_dataframe(path, layer=t, fid_as_index=True, read_geometry=False)["building_id"])
            for t in ("floors", "units", "leases")}


def test_buildings_are_split_and_merged_through_the_canvas(win, qtbot, demo_project):
    """Split and merge follow the active layer: a building with units is refused with the
    way out; an annex is split (floor area by footprint); the tower and the annex's parts
    merge, the tower's floors, units and leases move to the new building (stacking plan,
    info panel's vacancy), and undo/redo put every row back exactly, in the file too."""
    import datetime as dt

    from landapp.vacancy import building_figures, load_space

    s, c, path = demo_project, win.canvas, demo_project.path
    tower = s.rows("buildings", F("btype") == "楼宇", limit=1)[0]
    tfid, tcode = tower["fid"], tower["code"]
    space_before = space_homes(path)
    own = {t: {f for f, b in rows.items() if b == tfid} for t, rows in space_before.items()}
    assert all(own.values())  # the tower has floors, units and leases
    as_of = dt.date(2026, 11, 1)
    vacancy = building_figures(load_space(s), tfid, as_of)
    afid = s.insert("buildings", {"code": "ANX", "name": "裙房", "btype": "其他", "floor_area": 1200.0,
                                  "storeys": 2, "geometry": _annex_of(tower["geometry"])})
    win.snapping.enabled = False
    win.table.set_layer("buildings")  # the active layer follows the table / layer panel
    assert c.active_layer == "buildings"
    assert win.layer_panel.current_layer().id == "buildings"  # and the panel says which it is

    def split(fid):
        g = s.get("buildings", fid)["geometry"]
        c.zoom_to(g.buffer(40).bounds)
        c.set_selection("buildings", [fid])
        win.set_tool("split")
        for pt in _split_line(g):
            click(qtbot, c, *pt)
        qtbot.keyClick(c, Qt.Key.Key_Return)

    # 1. the tower has units, which have no shape to divide: refused, nothing changes
    before = gdal_state(path)
    split(tfid)
    assert len(win.errors) == 1 and tcode in win.errors[0] and "分层图" in win.errors[0]
    assert gdal_state(path) == before and win.session.stack.count() == 0
    win.errors.clear()

    # 2. the annex has none: it is split, its floor area shared by footprint
    split(afid)
    assert not win.errors, win.errors
    after = gdal_state(path)
    kids = s.rows("buildings", F("code").startswith("ANX-") & (F("retired") == 0))
    assert sorted(k["code"] for k in kids) == ["ANX-1", "ANX-2"]
    for k in kids:
        assert k["floor_area"] == pytest.approx(1200.0 * k["footprint_m2"] / s.get("buildings", afid)["footprint_m2"],
                                                abs=0.01)
        assert (k["name"], k["storeys"]) == ("裙房", 2)
    assert sum(k["floor_area"] for k in kids) == pytest.approx(1200.0, abs=1e-9)
    on_file = pyogrio.read_dataframe(path, layer="buildings", where="retired = 0", read_geometry=False)
    assert {"ANX-1", "ANX-2"} <= set(on_file["code"]) and "ANX" not in set(on_file["code"])
    kid_fids = [k["fid"] for k in kids]
    layer, table = win.map.layer("buildings"), win.table.model
    assert afid not in layer.data.fid_index and all(f in layer.data.fid_index for f in kid_fids)
    def rows_shown():
        return {table.fid_at(r) for r in range(table.rowCount())}

    assert afid not in rows_shown() and set(kid_fids) <= rows_shown()
    assert win.session.stack.text(0) == "拆分建筑 ANX"
    win.session.undo()
    assert gdal_state(path) == before and afid in layer.data.fid_index and afid in rows_shown()
    win.session.redo()
    assert gdal_state(path) == after

    # 3. the tower and the annex's two parts merge; the tower's space moves with it
    view = win.open_stacking(tfid)  # the planner looks at the tower's stacking plan
    n_units = sum(len(f.units) for f in view.canvas.plan.data.floors) + len(view.canvas.plan.data.whole)
    assert n_units == len(own["units"])
    c.zoom_to(tower["geometry"].buffer(40).bounds)
    c.set_selection("buildings", [tfid, *kid_fids])
    win.ask_merge_source = False  # the largest (the tower) gives its attributes
    win.merge_selected()
    assert not win.errors, win.errors
    merged = s.rows("buildings", (F("code") == f"{tcode}-H") & (F("retired") == 0))
    assert len(merged) == 1
    mfid = merged[0]["fid"]
    assert merged[0]["floor_area"] == pytest.approx(tower["floor_area"] + 1200.0)
    assert merged[0]["footprint_m2"] == pytest.approx(tower["geometry"].area + s.get("buildings", afid)["geometry"].area,
                                                      abs=0.01)
    moved = space_homes(path)
    for t, fids in own.items():
        assert {moved[t][f] for f in fids} == {mfid}
        assert {f: b for f, b in moved[t].items() if f not in fids} == \
            {f: b for f, b in space_before[t].items() if f not in fids}  # nobody else's moved
    assert tfid not in layer.data.fid_index and mfid in layer.data.fid_index
    assert mfid in rows_shown() and not {tfid, *kid_fids} & rows_shown()
    # the stacking plan follows the units to the merged building; the info panel has its vacancy
    plan = view.canvas.plan
    assert plan.data.building["fid"] == mfid and view.building.currentData() == mfid
    assert sum(len(f.units) for f in plan.data.floors) + len(plan.data.whole) == n_units
    win.info.show_feature("buildings", mfid)
    assert f"{vacancy.vacancy_rate:.1%}" in win.info.toPlainText()
    # undo puts every floor, unit and lease back on the tower; redo moves them again
    merged_state = gdal_state(path), space_homes(path)
    win.session.undo()
    assert space_homes(path) == space_before and gdal_state(path) == after
    assert tfid in layer.data.fid_index and mfid not in layer.data.fid_index
    assert view.canvas.plan.data.building["fid"] == tfid  # and back to the tower
    win.session.redo()
    assert (gdal_state(path), space_homes(path)) == merged_state
    win.session.undo()
    win.session.undo()
    assert gdal_state(path) == before and space_homes(path) == space_before
    assert s.integrity_check() == []
