"""The import checks and writes a chunk of rows at a time inside one transaction, and checks
values a column at a time: a bad row in a late chunk leaves the project as it was, and the
result (rows, fids, report) is the same whatever the chunk size and whether the rows went
column-wise or one by one."""

from __future__ import annotations

import hashlib
import math

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely.geometry import Polygon, box

from landapp.dataio import importer
from landapp.dataio.importer import import_source
from landapp.dataio.readers import read_source
from landapp.errors import LandappError
from landapp.store import create_project
from landapp.store.filters import current

X0, Y0 = 430000.0, 3384000.0


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def grid(n: int, **columns) -> gpd.GeoDataFrame:
    geoms = [box(X0 + (k % 40) * 60, Y0 + (k // 40) * 60, X0 + (k % 40) * 60 + 50, Y0 + (k // 40) * 60 + 50)
             for k in range(n)]
    data = {"DKBH": [f"G{k:05d}" for k in range(n)], "地块名称": [f"网格地块{k}" for k in range(n)], **columns}
    return gpd.GeoDataFrame(data, geometry=geoms, crs=4544)


def mixed() -> gpd.GeoDataFrame:
    """Rows that take every path: plain rows, values to trim, synonyms, old and unknown land
    uses, a bad number, FAR min above max, missing code and name, duplicates, a bow tie to
    repair, an empty geometry, an over-long name, NaN numbers."""
    n = 60
    gdf = grid(n)
    codes = [f"M{k:03d}" for k in range(n)]
    codes[5] = codes[4]  # twice in the file
    codes[7] = None  # IMP-000008
    codes[8] = "  "
    names = [f"地块{k}" for k in range(n)]
    names[9] = None  # the code becomes the name
    names[10] = "长" * 300  # over the limit
    names[16] = "  带空格的名称  "
    land_use = (["M1", "100101", "工业用地", "B2", "XYZ未知", None, " R2 ", ""] * 8)[:n]
    status = (["已建成", "储备", None, "建设中", "在建", "胡说"] * 10)[:n]
    far_max = [1.5 + (k % 4) * 0.5 for k in range(n)]
    far_max[12] = 99.0  # out of range
    far_max[13] = float("nan")
    far_min = [0.5] * n
    far_min[14] = 5.0  # above far_max
    storeys = [float(k % 3) for k in range(n)]
    gdf["DKBH"], gdf["地块名称"], gdf["YDXZ"], gdf["状态"] = codes, names, land_use, status
    gdf["容积率上限"], gdf["容积率下限"], gdf["备注"] = far_max, far_min, [f" 备注{k % 7} " for k in range(n)]
    gdf["层数"] = storeys
    geoms = list(gdf.geometry)
    geoms[20] = Polygon([(X0, Y0 + 5000), (X0 + 100, Y0 + 5100), (X0 + 100, Y0 + 5000), (X0, Y0 + 5100)])
    geoms[21] = Polygon()
    gdf.geometry = geoms
    return gdf


MAPPING = {"DKBH": "code", "地块名称": "name", "YDXZ": "land_use", "状态": "status",
           "容积率上限": "far_max", "容积率下限": "far_min", "备注": "note"}


def outcome(store, rep) -> tuple:
    rows = store.rows("parcels", order_by="fid")
    stored = [{k: (v.wkb if k == "geometry" else v) for k, v in r.items() if k not in ("created", "modified")}
              for r in rows]
    return (rep.summary(), rep.warnings, [(p.index, p.message, p.fatal) for p in rep.problems], rep.fids,
            rep.extent, stored)


@pytest.mark.parametrize("ext", [".gpkg", ".shp"])
def test_chunks_and_column_checks_give_the_one_by_one_result(tmp_path, ext):
    path = str(tmp_path / f"mixed{ext}")
    pyogrio.write_dataframe(mixed(), path, **({"encoding": "CP936"} if ext == ".shp" else {}))
    results = []
    for k, (chunk, column_wise) in enumerate([(None, True), (7, True), (1, True), (None, False)]):
        store = create_project(tmp_path / f"p{k}.gpkg", "测试")
        try:
            if not column_wise:  # every row through the row-by-row checks
                original = importer._Run._columns

                def none_simple(self, filled, distinct, simple, m):
                    simple[:] = False
                    return [], []

                importer._Run._columns = none_simple
            try:
                rep = import_source(store, read_source(path), "parcels", mapping=MAPPING, skip_invalid=True,
                                    chunk_rows=chunk)
            finally:
                if not column_wise:
                    importer._Run._columns = original
            results.append(outcome(store, rep))
        finally:
            store.close()
    first = results[0]
    assert first[0].startswith("读取 60 个要素") and len(first[5]) > 40
    messages = " ".join(m for _, m, _ in first[2])
    assert "#13" in messages and "#15" in messages and "XYZ未知" in messages and "已自动修复" in messages
    stored = {r["code"]: r for r in first[5]}
    assert "IMP-000008" in stored and "IMP-000009" in stored and stored["M009"]["name"] is None
    assert stored["M000"]["status"] == "已建成投产" and stored["M000"]["land_use_source"] == "M1"
    assert stored["M016"]["name"] == "带空格的名称" and stored["M013"]["far_max"] is None
    for other in results[1:]:
        assert other == first


def test_bad_row_in_a_late_chunk_writes_nothing(tmp_path, empty_project):
    n = 1600
    far = [1.5] * n
    far[-1] = 99.0
    path = str(tmp_path / "late.gpkg")
    pyogrio.write_dataframe(grid(n, 容积率=far), path)
    before = digest(empty_project.path)
    with pytest.raises(LandappError) as e:
        import_source(empty_project, read_source(path), "parcels", chunk_rows=100)
    assert f"#{n}" in str(e.value) and "工程未作任何修改" in str(e.value)
    assert digest(empty_project.path) == before and empty_project.count("parcels") == 0
    assert empty_project.integrity_check() == []


def test_feature_outside_the_crs_in_a_late_chunk_writes_nothing(tmp_path, empty_project):
    gdf = grid(900)
    geoms = list(gdf.geometry)
    geoms[-1] = box(X0 + 2e6, Y0, X0 + 2e6 + 50, Y0 + 50)  # far east of CM 105°E's zone
    gdf.geometry = geoms
    path = str(tmp_path / "far.gpkg")
    pyogrio.write_dataframe(gdf, path)
    before = digest(empty_project.path)
    with pytest.raises(LandappError) as e:
        import_source(empty_project, read_source(path), "parcels", chunk_rows=100, src_crs="EPSG:4544")
    assert "第 900 个要素" in str(e.value)
    assert digest(empty_project.path) == before and empty_project.count("parcels") == 0


def test_shapefile_columns_stay_arrow_until_asked(tmp_path):
    """A shapefile's text is decoded per column into Arrow; the GeoDataFrame is built only
    when asked, with the values the importer reads."""
    gdf = grid(30, 面积=[float(k) if k % 3 else math.nan for k in range(30)])
    path = str(tmp_path / "g.shp")
    pyogrio.write_dataframe(gdf, path, encoding="CP936")
    src = read_source(path)
    assert src._gdf is None and len(src) == 30 and src.encoding == "gb18030"
    values = src.values(["地块名称", "面积"], 27, 29)
    assert values["地块名称"] == ["网格地块27", "网格地块28"] and values["面积"][0] is None
    assert np.allclose(src.total_bounds(), gdf.total_bounds)
    assert list(src.gdf["地块名称"])[:2] == ["网格地块0", "网格地块1"] and src.gdf.geometry.iloc[0].equals(gdf.geometry.iloc[0])


def test_zone_and_parcel_found_for_every_chunk(tmp_path, demo_project):
    """所在地块 is filled from where each building lies in every chunk (the project's parcels
    are read once, before the rows are written) and the note counts them all."""
    parcel = demo_project.rows("parcels", current(), order_by="fid", limit=1)[0]
    c = parcel["geometry"].representative_point()
    gdf = gpd.GeoDataFrame({"建筑名称": [f"厂房{k}" for k in range(12)], "类型": ["厂房"] * 12},
                           geometry=[box(c.x - 0.5 + k * 0.01, c.y - 0.5, c.x - 0.45 + k * 0.01, c.y - 0.45)
                                     for k in range(12)], crs=demo_project.srs_id)
    path = str(tmp_path / "b.gpkg")
    pyogrio.write_dataframe(gdf, path)
    rep = import_source(demo_project, read_source(path), "buildings", chunk_rows=5)
    assert rep.imported == 12
    assert {demo_project.get("buildings", f)["parcel_code"] for f in rep.fids} == {parcel["code"]}
    assert any(w.startswith("12 个要素按所在位置填写了“所在地块”") for w in rep.warnings)


def test_shapefile_read_raw_or_through_latin1_gives_the_same(tmp_path, monkeypatch):
    """The file's bytes (GDAL recoding nothing) and the latin-1 route give the same Source."""
    from landapp.dataio import readers

    gdf = grid(25, 备注=[None if k % 4 == 0 else f"第{k}号" for k in range(25)], 面积=[k * 1.5 for k in range(25)])
    path = str(tmp_path / "r.shp")
    pyogrio.write_dataframe(gdf, path, encoding="CP936")
    raw = read_source(path)
    monkeypatch.setattr(readers, "_shapefile_raw", lambda p: None)
    latin1 = read_source(path)
    assert raw.fields == latin1.fields == ["DKBH", "地块名称", "备注", "面积"]
    assert raw.encoding == latin1.encoding == "gb18030" and raw.warnings == latin1.warnings
    assert raw.values(raw.fields, 0, 25) == latin1.values(latin1.fields, 0, 25)
    assert raw.values(["备注"], 0, 2)["备注"] == [None, "第1号"]


def test_chunked_import_on_each_backend(tmp_path, any_project):
    """Chunks in one transaction on GeoPackage and PostGIS alike: a bad row in the last chunk
    leaves the project empty; without it every row arrives, in file order."""
    n = 30
    far = [1.5] * n
    far[-1] = 99.0
    path = str(tmp_path / "pg.gpkg")
    pyogrio.write_dataframe(grid(n, 容积率=far), path)
    with pytest.raises(LandappError):
        import_source(any_project, read_source(path), "parcels", chunk_rows=8)
    assert any_project.count("parcels") == 0
    rep = import_source(any_project, read_source(path), "parcels", chunk_rows=8, skip_invalid=True)
    assert rep.imported == n - 1 and len(set(rep.fids)) == n - 1
    assert [r["code"] for r in any_project.rows("parcels", order_by="fid")] == [f"G{k:05d}" for k in range(n - 1)]
