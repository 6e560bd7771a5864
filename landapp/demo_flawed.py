"""A small park with deliberate flaws, for showing what the topology panel and `landapp check`
find (the demo park itself is clean). Built by `landapp demo OUT.gpkg --flawed`:

- topology: two overlapping parcels, a gap inside a zone, a self-intersecting (bow-tie)
  polygon, a sliver, a duplicate parcel code;
- data: two buildings with one code, a unit on another building's floor, a unit larger than
  its floor, a lease larger than its unit, a spatial-index box moved 5 km, a built parcel with
  no building, a supplied parcel without an agreed start, a land-use value not understood.

What the store refuses (the invalid polygon, the broken references) is written with plain SQL,
as another program could have done."""

from __future__ import annotations

import os
import sqlite3

from shapely.geometry import Polygon, box

from landapp import gpkg
from landapp.coords import from_lonlat
from landapp.store import create_project

# what `landapp check` reports on the sample, by kind (the test checks the list)
EXPECTED_KINDS = {"invalid_geometry", "overlap", "duplicate_code", "duplicate_building_code",
                  "unit_floor_building", "unit_larger_than_floor", "lease_outside_unit", "index_box",
                  "built_without_building", "supplied_without_dates", "land_use_unknown"}


def build_flawed_sample(path: str | os.PathLike, *, overwrite: bool = True) -> None:
    x0, y0 = from_lonlat(104.30, 30.60, 4544)
    store = create_project(path, "拓扑与数据检查示例(含故意的错误)", overwrite=overwrite)
    try:
        with store.transaction():
            store.insert("zones", {"code": "Z01", "name": "检查示例片区", "kind": "片区",
                                   "geometry": box(x0, y0, x0 + 400, y0 + 200)})
            ok = {"status": "待供", "zone": "检查示例片区", "land_use": "100101"}
            p = {}
            # a row of four parcels; the 4th leaves a 20 m gap to the 3rd
            p["A"] = store.insert("parcels", {**ok, "code": "FLAW-A", "name": "正常地块",
                                              "geometry": box(x0, y0, x0 + 100, y0 + 100)})
            p["B"] = store.insert("parcels", {**ok, "code": "FLAW-B", "name": "与C重叠",
                                              "geometry": box(x0 + 100, y0, x0 + 210, y0 + 100)})
            p["C"] = store.insert("parcels", {**ok, "code": "FLAW-C", "name": "与B重叠",
                                              "geometry": box(x0 + 200, y0, x0 + 280, y0 + 100)})
            p["D"] = store.insert("parcels", {**ok, "code": "FLAW-D", "name": "留有缝隙",
                                              "geometry": box(x0 + 300, y0, x0 + 400, y0 + 100)})
            # the gap between C and D is inside the zone: covered by nothing
            store.insert("parcels", {**ok, "code": "FLAW-E", "name": "已建成但无建筑", "status": "已建成投产",
                                     "supply_date": "2018-01-01", "agreed_start": "2018-06-01",
                                     "actual_start": "2018-07-01", "actual_completion": "2020-01-01",
                                     "geometry": box(x0, y0 + 100, x0 + 100, y0 + 200)})
            store.insert("parcels", {**ok, "code": "FLAW-F", "name": "已供地缺约定开工日期", "status": "已供未开工",
                                     "supply_date": "2025-03-01", "geometry": box(x0 + 100, y0 + 100, x0 + 200, y0 + 200)})
            store.insert("parcels", {**ok, "code": "FLAW-G", "name": "用地性质待补填", "land_use": None,
                                     "land_use_source": "Q7", "geometry": box(x0 + 200, y0 + 100, x0 + 300, y0 + 199.8)})
            # a sliver along G's top edge, and a parcel reusing code FLAW-A
            store.insert("parcels", {**ok, "code": "FLAW-H", "name": "碎片",
                                     "geometry": box(x0 + 200, y0 + 199.8, x0 + 300, y0 + 200)})
            store.insert("parcels", {**ok, "code": "FLAW-A", "name": "编号重复",
                                     "geometry": box(x0 + 300, y0 + 100, x0 + 400, y0 + 150)})
            # buildings on A with one code; floors and units
            fp = box(x0 + 10, y0 + 10, x0 + 40, y0 + 40)
            b1 = store.insert("buildings", {"code": "FLAW-A-1", "name": "1号厂房", "btype": "标准厂房",
                                            "parcel_code": "FLAW-A", "storeys": 2, "floor_area": 1800.0, "geometry": fp})
            b2 = store.insert("buildings", {"code": "FLAW-A-1", "name": "2号厂房", "btype": "标准厂房",
                                            "parcel_code": "FLAW-A", "storeys": 2, "floor_area": 1800.0,
                                            "geometry": box(x0 + 50, y0 + 10, x0 + 80, y0 + 40)})
            f1 = store.insert("floors", {"building_id": b1, "level": 1, "area": 900.0})
            f2 = store.insert("floors", {"building_id": b2, "level": 1, "area": 900.0})
            u1 = store.insert("units", {"building_id": b1, "floor_id": f1, "code": "0101", "area": 400.0,
                                        "status": "已租"})
            u2 = store.insert("units", {"building_id": b1, "floor_id": f1, "code": "0102", "area": 300.0,
                                        "status": "已租"})
            store.insert("leases", {"unit_id": u1, "building_id": b1, "tenant": "示例租户有限公司",
                                    "start_date": "2025-01-01", "end_date": "2027-12-31", "area": 400.0,
                                    "status": "有效"})
    finally:
        store.close()
    # what the store refuses, written as another program could have done
    conn = sqlite3.connect(os.fspath(path))
    gpkg.register_functions(conn)
    with conn:
        bow = Polygon([(x0 + 100, y0 + 150), (x0 + 200, y0 + 200), (x0 + 200, y0 + 150), (x0 + 100, y0 + 200)])
        conn.execute("UPDATE parcels SET geom = ? WHERE code = 'FLAW-F'",
                     (gpkg.encode_geometry(bow, 4544),))
        conn.execute("UPDATE units SET floor_id = ? WHERE fid = ?", (f2, u2))      # another building's floor
        conn.execute("UPDATE units SET area = 2500 WHERE fid = ?", (u1,))          # larger than its floor
        conn.execute("UPDATE leases SET area = 3000 WHERE unit_id = ?", (u1,))     # larger than its unit
        conn.execute("UPDATE rtree_parcels_geom SET minx = minx + 5000, maxx = maxx + 5000 WHERE id = ?",
                     (p["D"],))                                                      # index box moved 5 km
    conn.close()
