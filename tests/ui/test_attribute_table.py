"""The attribute table as a view over the store: only the rows on screen are read, edits
change their rows in place, sort and filter come from the store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from shapely.geometry import box

from landapp.store.filters import F
from ui.attribute_table import PAGE, PAGES_KEPT, FeatureTableModel

pytestmark = pytest.mark.gui


@pytest.fixture
def model(qtbot, demo_project):
    m = FeatureTableModel(demo_project, "parcels")
    yield m
    demo_project.signals.changed.disconnect(m._on_store_changed)


def col(m, name):
    return [f.name for f in m.columns].index(name)


def shown(m, row, name):
    return m.data(m.index(row, col(m, name)))


def test_opening_reads_no_cells(demo_project, qtbot, monkeypatch):
    calls = []
    real = type(demo_project).table_cells
    monkeypatch.setattr(type(demo_project), "table_cells",
                        lambda self, *a, **k: (calls.append(a[1]), real(self, *a, **k))[1])
    m = FeatureTableModel(demo_project, "parcels")
    try:
        assert m.rowCount() == demo_project.count("parcels", F("retired") == 0) and calls == []
        shown(m, 3, "code")
        shown(m, 5, "status")
        assert len(calls) == 1 and len(calls[0]) == min(PAGE, m.rowCount())  # one page, read once
        for row in range(0, m.rowCount(), 7):
            shown(m, row, "code")
        assert len(m._pages) <= PAGES_KEPT
    finally:
        demo_project.signals.changed.disconnect(m._on_store_changed)


def test_cells_show_what_the_store_holds(model, demo_project):
    for row in (0, model.rowCount() // 2, model.rowCount() - 1):
        rec = demo_project.get("parcels", model.fid_at(row))
        assert shown(model, row, "code") == rec["code"]
        assert shown(model, row, "area_m2") == f"{rec['area_m2']:,.2f}"
        assert shown(model, row, "supply_date") == (rec["supply_date"] or "")


def test_edit_insert_retire_delete_follow_in_place(model, demo_project, qtbot):
    row = 10
    fid = model.fid_at(row)
    shown(model, row, "name")  # page cached
    with qtbot.waitSignal(model.dataChanged):
        demo_project.update("parcels", fid, {"name": "改过的名字"})
    assert model.row_of(fid) == row and shown(model, row, "name") == "改过的名字"

    n = model.rowCount()
    x0, y0, _, _ = demo_project.extent("parcels")
    new = demo_project.insert("parcels", {"code": "NEW1", "status": "待供", "geometry": box(x0 - 90, y0 - 90, x0 - 10, y0 - 10)})
    assert model.rowCount() == n + 1 and model.fid_at(n) == new and shown(model, n, "code") == "NEW1"

    demo_project.update("parcels", fid, {"retired": True})
    assert model.row_of(fid) is None and model.rowCount() == n
    demo_project.update("parcels", fid, {"retired": False})  # undo of a retire: back at the end
    assert model.row_of(fid) == n and model.total == n + 1

    demo_project.delete("parcels", new)
    assert model.row_of(new) is None and model.rowCount() == n


def test_sort_and_filter_survive_edits(model, demo_project):
    model.sort(col(model, "area_m2"), Qt.SortOrder.AscendingOrder)
    areas = [float(shown(model, r, "area_m2").replace(",", "")) for r in range(model.rowCount())]
    assert areas == sorted(areas)
    total = model.total
    model.set_filter("闲置", "status")
    idle = demo_project.count("parcels", (F("status") == "闲置") & (F("retired") == 0))
    assert model.rowCount() == idle and model.total == total
    fid = model.fid_at(0)
    demo_project.update("parcels", fid, {"status": "在建"})  # no longer passes the filter
    assert model.row_of(fid) is None and model.rowCount() == idle - 1 and model.total == total
    demo_project.update("parcels", fid, {"status": "闲置"})
    assert model.row_of(fid) == idle - 1
    other = next(r["fid"] for r in demo_project.rows("parcels", (F("status") == "在建") & (F("retired") == 0), geometry=False))
    demo_project.update("parcels", other, {"name": "别的"})  # edited but filtered out: stays out
    assert model.row_of(other) is None and model.rowCount() == idle
    model.set_filter("")
    assert model.rowCount() == model.total == total


def test_selection_rows_of_many_fids(model):
    model.sort(col(model, "code"), Qt.SortOrder.DescendingOrder)
    fids = [model.fid_at(r) for r in (5, 1, 30)] + [10**9]
    assert model.rows_of(fids).tolist() == [1, 5, 30]
    assert model.fids_at([1, 5]).tolist() == [model.fid_at(1), model.fid_at(5)]


def test_a_closed_project_reads_nothing(qtbot, demo_project):
    """The table loads after the map's first frame; a window whose project closed before
    that frame arrived must not read from the closed store (or paint cells from it)."""
    m = FeatureTableModel(demo_project, "parcels", load=False)
    demo_project.signals.changed.disconnect(m._on_store_changed)
    demo_project.close()
    m.load()  # no error
    assert m.rowCount() == 0 and not m.loaded
