"""The conflict view (issue 16): two planners reshape one parcel; the second gets both shapes
drawn on a small map (theirs blue, mine orange, the neighbours grey), keeps theirs or takes
mine, and nothing is overwritten without asking. On the GeoPackage and on PostGIS."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box

from landapp.schema import ROW_VERSION
from landapp.store import open_project

pytestmark = pytest.mark.gui

X0, Y0 = 430000.0, 3384000.0


def _parcel(i: int, w: float = 100.0) -> dict:
    return {"code": f"510112001001GB0000{i}", "status": "待供", "land_use": "100101",
            "geometry": box(X0 + 110 * i, Y0, X0 + 110 * i + w, Y0 + 80)}


def _pixels_like(img, colour, tol=40) -> int:
    """How many pixels of the picture are close to `colour` (RGB)."""
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB888)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.bytesPerLine() * h)
    arr = arr.reshape(h, img.bytesPerLine())[:, :w * 3].reshape(h, w, 3).astype(int)
    c = np.array([colour.red(), colour.green(), colour.blue()])
    return int((np.abs(arr - c).max(axis=2) <= tol).sum())


def test_a_shape_conflict_shows_both_shapes_and_asks(any_project, qtbot, tmp_path):
    from layers import shape_compare as sc
    from layers.view import MapView
    from ui.conflict_dialog import ConflictDialog, _neighbours, apply_checked
    from ui.undo import EditSession

    store = any_project
    fids = [store.insert("parcels", _parcel(i)) for i in range(3)]
    fid = fids[1]
    seen = store.get("parcels", fid)
    theirs = box(X0 + 110, Y0, X0 + 210, Y0 + 120)  # a colleague makes it deeper
    mine = box(X0 + 110, Y0 - 30, X0 + 240, Y0 + 80)  # I make it wider
    other = open_project(store.path)
    try:
        other.update("parcels", fid, {"geometry": theirs})
    finally:
        other.close()
    session = EditSession(store)
    errors: list[str] = []
    session.on_error = errors.append
    asked: list[list[dict]] = []
    # keep theirs: nothing of mine written
    assert not apply_checked(session, "parcels", fid, seen, {"geometry": mine},
                             ask=lambda cs: asked.append(cs) or set())
    assert store.get("parcels", fid)["geometry"].equals(theirs) and not errors
    (c,) = asked[0]
    assert c["field"] == "geometry" and c["theirs"].equals(theirs) and c["mine"].equals(mine)

    # the view: both shapes on the map over the grey neighbours, the table row for the shape
    neighbours = _neighbours(store, "parcels", fid, asked[0])
    assert len(neighbours) == 2
    dlg = ConflictDialog("parcels", seen["code"], asked[0], neighbours=neighbours)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.preview is not None and dlg.preview.isVisible() and dlg.preview.height() >= 200
    assert dlg.table.item(0, 0).text() == "图形"
    img = dlg.preview.grab().toImage()
    img.save(str(tmp_path / "conflict_view.png"))  # kept with the test's files for a look
    # theirs (blue) and mine (orange) outlines are both drawn, and the neighbours in grey
    assert _pixels_like(img, sc.THEIRS_LINE) > 200
    assert _pixels_like(img, sc.MINE_LINE) > 200
    assert _pixels_like(img, sc.NEIGHBOUR_FILL, tol=6) > 2000
    # where only theirs lies the picture is blue-ish; where only mine, orange-ish
    view = MapView.fit(sc.compare_extent(theirs, mine, seen["geometry"]), dlg.preview.width(),
                          dlg.preview.height(), margin=0.0)
    only_theirs = view.point_to_screen(X0 + 160, Y0 + 110)
    only_mine = view.point_to_screen(X0 + 230, Y0 + 40)
    tb = img.pixelColor(int(only_theirs.x()), int(only_theirs.y()))
    tm = img.pixelColor(int(only_mine.x()), int(only_mine.y()))
    assert tb.blue() > tb.red() + 40, tb.name()
    assert tm.red() > tm.blue() + 60, tm.name()
    dlg.take_mine.click()
    assert dlg.mine_wins == {"geometry"}

    # take mine through the same path: it lands on top of theirs, and undo checks the version
    assert apply_checked(session, "parcels", fid, seen, {"geometry": mine}, ask=lambda cs: {"geometry"})
    rec = store.get("parcels", fid)
    assert rec["geometry"].equals(mine) and rec[ROW_VERSION] == seen[ROW_VERSION] + 2
    session.undo()
    assert store.get("parcels", fid)["geometry"].equals(theirs) and not errors


def test_attribute_conflicts_show_no_map(qtbot):
    from ui.conflict_dialog import ConflictDialog

    dlg = ConflictDialog("parcels", "P1", [{"field": "name", "seen": "甲", "theirs": "乙", "mine": "丙"}])
    qtbot.addWidget(dlg)
    assert dlg.preview is None and dlg.table.rowCount() == 1 and dlg.table.item(0, 2).text() == "乙"

