"""The store's table access (what the attribute table reads): the GeoPackage's SQL and the
interface's generic fallback (what a new backend starts from) give the same rows and order."""

from __future__ import annotations

import numpy as np
import pytest

from landapp.store import ProjectStore, TableQuery
from landapp.store.filters import F


def fallback(store, layer, query=TableQuery()):
    return ProjectStore.table_fids(store, layer, query)


QUERIES = [
    TableQuery(),
    TableQuery(order_by="area_m2", descending=True),
    TableQuery(order_by="name"),
    TableQuery(order_by="supply_date", descending=True),  # many empty cells: last either way
    TableQuery(text="汽车", search=("name", "zone")),
    TableQuery(text="NONE", search=("name", "supply_date")),  # empty cells are not the text 'None'
    TableQuery(text="xx-not-there", search=("name",), also=(("status", ("闲置",)),), order_by="code"),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.text}-{q.order_by}-{q.descending}")
def test_sql_and_fallback_agree(demo_project, query):
    got = demo_project.table_fids("parcels", query)
    assert got.dtype == np.int64
    assert got.tolist() == fallback(demo_project, "parcels", query).tolist()


def test_order_filter_and_retired(demo_project):
    n = demo_project.count("parcels", F("retired") == 0)
    all_fids = demo_project.table_fids("parcels")
    assert len(all_fids) == n and list(all_fids) == sorted(all_fids)
    retired = [r["fid"] for r in demo_project.rows("parcels", F("retired") == 1, geometry=False)]
    assert retired and not set(retired) & set(all_fids.tolist())
    by_area = demo_project.table_fids("parcels", TableQuery(order_by="area_m2", descending=True))
    cells = demo_project.table_cells("parcels", by_area[:50].tolist(), ["area_m2"])
    areas = [cells[f][0] for f in by_area[:50].tolist()]
    assert areas == sorted(areas, reverse=True)
    idle = demo_project.table_fids("parcels", TableQuery(text="idle", search=("status",),
                                                         also=(("status", ("闲置",)),)))
    assert len(idle) == demo_project.count("parcels", (F("status") == "闲置") & (F("retired") == 0)) > 0
    some = all_fids[:3].tolist() + retired[:1]
    assert demo_project.table_fids("parcels", TableQuery(only=tuple(some))).tolist() == all_fids[:3].tolist()


def test_cells_of_a_page(demo_project):
    fids = demo_project.table_fids("parcels")[:5].tolist()
    cells = demo_project.table_cells("parcels", fids + [10**9], ["code", "status"])
    assert set(cells) == set(fids)  # a fid no longer there is missing, not an error
    for f in fids:
        rec = demo_project.get("parcels", f)
        assert cells[f] == (rec["code"], rec["status"])
    assert ProjectStore.table_cells(demo_project, "parcels", fids, ["code", "status"]) == \
        {f: cells[f] for f in fids}


def test_field_names_come_from_the_schema(demo_project):
    from landapp.errors import LandappError

    with pytest.raises(LandappError):
        demo_project.table_fids("parcels", TableQuery(order_by="area_m2; DROP TABLE parcels"))
    with pytest.raises(LandappError):
        demo_project.table_cells("parcels", [1], ['code" FROM parcels --'])


def test_check_reports_progress_and_finds_overlaps_not_neighbours(empty_project):
    """Neighbours sharing an edge are not overlaps; a parcel over another is, however it lies."""
    from shapely.geometry import box

    from landapp.check import check_project

    s = empty_project
    x, y = 429000, 3383000  # inside EPSG:4544

    def box_(a, b, c, d):
        return box(x + a, y + b, x + c, y + d)

    s.insert("parcels", {"code": "A", "status": "待供", "geometry": box_(0, 0, 100, 100)})
    s.insert("parcels", {"code": "B", "status": "待供", "geometry": box_(100, 0, 200, 100)})  # touches A
    s.insert("parcels", {"code": "C", "status": "待供", "geometry": box_(150, 20, 170, 40)})  # inside B
    s.insert("parcels", {"code": "D", "status": "待供", "geometry": box_(90, 50, 110, 150)})  # over A and B
    seen = []
    rep = check_project(s, progress=lambda step, f: seen.append(f))
    pairs = sorted(tuple(sorted(p.message.split()[1:4:2])) for p in rep.problems if p.kind == "overlap")
    assert pairs == [("A", "D"), ("B", "C"), ("B", "D")]
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 5
