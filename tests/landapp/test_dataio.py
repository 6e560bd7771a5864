"""Getting data in and out, on a corpus of awkward files the tests make themselves."""

from __future__ import annotations

import hashlib
import os
import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon, box

from landapp.coords import to_lonlat, wgs84_to_gcj02
from landapp.dataio.crs import propose
from landapp.dataio.exporter import export_layer
from landapp.dataio.importer import (
    auto_mapping,
    import_source,
    remember_mapping,
    remembered_mapping,
)
from landapp.dataio.readers import read_source, safe_extract
from landapp.errors import LandappError
from landapp.store.filters import F

X0, Y0 = 430000.0, 3384000.0


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def parcels_gdf(n=3, crs=4544):
    return gpd.GeoDataFrame({"DKBH": [f"T{i:03d}" for i in range(n)], "地块名称": [f"测试地块{i}" for i in range(n)],
                             "YDXZ": (["M1", "B2", "R2"] * n)[:n]},
                            geometry=[box(X0 + i * 200, Y0, X0 + i * 200 + 150, Y0 + 100) for i in range(n)], crs=crs)


def write_gbk_shapefile(folder, with_cpg=False):
    path = os.path.join(folder, "gbk.shp")
    pyogrio.write_dataframe(parcels_gdf(), path, encoding="CP936")
    cpg = os.path.join(folder, "gbk.cpg")
    if not with_cpg and os.path.exists(cpg):
        os.unlink(cpg)
    return path


def test_gbk_shapefile_without_cpg_is_detected_and_imported(tmp_path, empty_project):
    path = write_gbk_shapefile(str(tmp_path))
    src = read_source(path)
    assert src.encoding == "gb18030"
    assert list(src.gdf["地块名称"]) == ["测试地块0", "测试地块1", "测试地块2"]  # no mojibake
    assert any(".cpg" in w for w in src.warnings)
    mapping = auto_mapping(src.fields, "parcels")
    assert mapping == {"DKBH": "code", "地块名称": "name", "YDXZ": "land_use"}
    rep = import_source(empty_project, src, "parcels")
    assert rep.imported == 3 and rep.crs == "EPSG:4544"
    recs = empty_project.rows("parcels", order_by="code")
    assert [r["land_use"] for r in recs] == ["100101", "0902", "070102"]  # old codes mapped
    assert recs[0]["land_use_source"] == "M1" and recs[0]["status"] == "储备"


def test_zipped_shapefile_and_malicious_zips(tmp_path, empty_project):
    folder = tmp_path / "shp"
    folder.mkdir()
    write_gbk_shapefile(str(folder), with_cpg=True)
    z = tmp_path / "parcels.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"data/{f.name}")
    assert import_source(empty_project, read_source(str(z)), "parcels").imported == 3
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../escape.txt", "x")
    with pytest.raises(LandappError) as e:
        read_source(str(evil))
    assert "解压目录之外" in str(e.value)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.shp", b"\0" * (40 * 2**20))
    with pytest.raises(LandappError) as e:
        safe_extract(str(bomb), str(tmp_path / "out"))
    assert "压缩炸弹" in str(e.value)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(LandappError) as e:
        read_source(str(broken))
    assert "ZIP" in str(e.value)


def test_geojson_in_wgs84_is_reprojected(tmp_path, empty_project):
    lon, lat = to_lonlat(X0, Y0, 4544)
    gdf = gpd.GeoDataFrame({"code": ["G1"], "status": ["待供"]},
                           geometry=[box(lon, lat, lon + 0.001, lat + 0.001)], crs=4326)
    path = tmp_path / "a.geojson"
    gdf.to_file(path)
    rep = import_source(empty_project, read_source(str(path)), "parcels")
    g = empty_project.get("parcels", rep.fids[0])["geometry"]
    assert near(g, X0, Y0) < 0.01  # the corner lands where it should (the box turns a little: grid convergence)


def near(g, x, y) -> float:
    c = shapely.get_coordinates(g)
    return float(np.hypot(c[:, 0] - x, c[:, 1] - y).min())


def test_gcj02_traced_data_is_corrected(tmp_path, empty_project):
    lon, lat = to_lonlat(X0, Y0, 4544)
    glon, glat = wgs84_to_gcj02(lon, lat)
    gdf = gpd.GeoDataFrame({"code": ["A1"]}, geometry=[box(glon, glat, glon + 0.001, glat + 0.001)], crs=4326)
    path = tmp_path / "amap.geojson"
    gdf.to_file(path)
    plain = import_source(empty_project, read_source(str(path)), "parcels", dry_run=True)
    rep = import_source(empty_project, read_source(str(path)), "parcels", gcj02=True)
    g = empty_project.get("parcels", rep.fids[0])["geometry"]
    assert near(g, X0, Y0) < 0.05  # corrected onto the WGS84 position (better than 5 cm)
    assert plain.imported == 1


def test_kml_with_multigeometry(tmp_path, empty_project):
    lon, lat = to_lonlat(X0, Y0, 4544)
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>KML-1</name>
<MultiGeometry>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{lon},{lat} {lon + 0.001},{lat} {lon + 0.001},{lat + 0.001} {lon},{lat + 0.001} {lon},{lat}</coordinates></LinearRing></outerBoundaryIs></Polygon>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{lon + 0.002},{lat} {lon + 0.003},{lat} {lon + 0.003},{lat + 0.001} {lon + 0.002},{lat + 0.001} {lon + 0.002},{lat}</coordinates></LinearRing></outerBoundaryIs></Polygon>
</MultiGeometry></Placemark></Document></kml>"""
    path = tmp_path / "a.kml"
    path.write_text(kml, encoding="utf-8")
    rep = import_source(empty_project, read_source(str(path)), "parcels", mapping={"name": "code"})
    rec = empty_project.get("parcels", rep.fids[0])
    assert rec["code"] == "KML-1" and len(shapely.get_parts(rec["geometry"])) == 2


def test_dxf_with_arcs_bulges_hatch_and_layer_filter(tmp_path, empty_project):
    import ezdxf

    doc = ezdxf.new()
    msp = doc.modelspace()
    # a square whose east side bulges out into a half circle (bulge 1 = 180°)
    msp.add_lwpolyline([(X0, Y0, 0, 0, 0), (X0 + 100, Y0, 0, 0, 1), (X0 + 100, Y0 + 100, 0, 0, 0),
                        (X0, Y0 + 100, 0, 0, 0)], format="xyseb", close=True, dxfattribs={"layer": "红线"})
    msp.add_text("DXF-001", dxfattribs={"layer": "红线", "insert": (X0 + 50, Y0 + 50)})
    msp.add_lwpolyline([(X0 + 300, Y0), (X0 + 400, Y0), (X0 + 400, Y0 + 100)], close=False, dxfattribs={"layer": "红线"})
    hatch = msp.add_hatch(dxfattribs={"layer": "填充"})
    hatch.paths.add_polyline_path([(X0 + 500, Y0), (X0 + 600, Y0), (X0 + 600, Y0 + 80), (X0 + 500, Y0 + 80)], is_closed=True)
    msp.add_circle((X0 + 800, Y0 + 50), 20, dxfattribs={"layer": "其他"})
    path = tmp_path / "红线.dxf"
    doc.saveas(path)
    src = read_source(str(path), dxf_layers_filter=["红线"])
    assert len(src.gdf) == 1  # the open polyline is not a parcel
    rep = import_source(empty_project, src, "parcels", src_crs="EPSG:4544")
    rec = empty_project.get("parcels", rep.fids[0])
    assert rec["code"] == "DXF-001"
    assert rec["area_m2"] == pytest.approx(100 * 100 + np.pi * 50 ** 2 / 2, rel=1e-3)  # the arc, linearised
    every = read_source(str(path))
    assert len(every.gdf) == 3 and set(every.gdf["dxf_type"]) == {"LWPOLYLINE", "HATCH", "CIRCLE"}


BAOPAN = """[属性描述]
格式版本号=1.01版本
数据产生单位=测试
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=35
[地块坐标]
5,12000.00,BP-001,报盘地块一,面,,工业用地,M1,@
J1,1,{n0},{e0}
J2,1,{n0},{e1}
J3,1,{n1},{e1}
J4,1,{n1},{e0}
J1,1,{n0},{e0}
4,1500.00,BP-002,报盘地块二,面,,商业,B1,@
J1,1,{n0},{e2}
J2,1,{n0},{e3}
J3,1,{n1},{e3}
J1,1,{n0},{e2}
"""


@pytest.mark.parametrize("prefix", [False, True])
def test_baopan_file_with_and_without_zone_prefix(tmp_path, empty_project, prefix):
    p = 35_000_000 if prefix else 0
    text = BAOPAN.format(n0=Y0, n1=Y0 + 100, e0=X0 + p, e1=X0 + 120 + p, e2=X0 + 300 + p, e3=X0 + 360 + p)
    path = tmp_path / "bp.txt"
    path.write_text(text, encoding="gbk")
    src = read_source(str(path))
    assert src.encoding == "gb18030" and list(src.gdf["code"]) == ["BP-001", "BP-002"]
    rep = import_source(empty_project, src, "parcels")
    assert rep.crs == ("EPSG:4523" if prefix else "EPSG:4544")
    a = empty_project.rows("parcels", F("code") == "BP-001")[0]
    assert a["area_m2"] == pytest.approx(12000) and a["land_use"] == "100101"
    assert abs(a["geometry"].bounds[0] - X0) < 0.01  # X is northing, Y easting: not swapped


def test_legacy_datum_is_refused(tmp_path, empty_project):
    text = BAOPAN.format(n0=Y0, n1=Y0 + 100, e0=X0, e1=X0 + 120, e2=X0 + 300, e3=X0 + 360).replace(
        "2000国家大地坐标系", "1980西安坐标系")
    path = tmp_path / "xa.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LandappError) as e:
        read_source(str(path))
    assert "转换参数" in str(e.value)
    gdf = parcels_gdf(1, crs=2383)  # Xian 1980 / 3-degree GK CM 105E
    gdf.to_file(tmp_path / "xa.geojson")
    with pytest.raises(LandappError) as e:
        import_source(empty_project, read_source(str(tmp_path / "xa.geojson")), "parcels")
    assert "转换参数" in str(e.value) and empty_project.count("parcels") == 0


def test_cass_dat_in_both_axis_orders(tmp_path, empty_project):
    lines = [f"P{i},A1,{X0 + dx},{Y0 + dy},500.0" for i, (dx, dy) in enumerate([(0, 0), (80, 0), (80, 60), (0, 60)])]
    path = tmp_path / "pts.dat"
    path.write_text("\n".join(lines), encoding="utf-8")
    rep = import_source(empty_project, read_source(str(path)), "parcels")
    g = empty_project.get("parcels", rep.fids[0])["geometry"]
    assert g.area == pytest.approx(4800) and abs(g.bounds[0] - X0) < 0.01
    # the same points with X/Y swapped in a CSV: detected from the digits
    csv = tmp_path / "swapped.csv"
    csv.write_text("code,x,y\n" + "\n".join(f"S1,{Y0 + dy},{X0 + dx}" for dx, dy in [(0, 0), (80, 0), (80, 60), (0, 60)]),
                   encoding="utf-8")
    rep2 = import_source(empty_project, read_source(str(csv)), "parcels")
    g2 = empty_project.get("parcels", rep2.fids[0])["geometry"]
    assert abs(g2.bounds[0] - X0) < 0.01 and any("X/Y" in w or "互换" in w for w in rep2.warnings)


def test_csv_with_wkt(tmp_path, empty_project):
    path = tmp_path / "w.csv"
    path.write_text('地块编号,用地性质,wkt\nW1,M2,"POLYGON((430000 3384000,430100 3384000,430100 3384100,430000 3384000))"\n',
                    encoding="utf-8")
    rep = import_source(empty_project, read_source(str(path)), "parcels", src_crs="EPSG:4544")
    assert empty_project.get("parcels", rep.fids[0])["land_use"] == "100102"


def test_invalid_geometry_repaired_or_stopping(tmp_path, empty_project):
    bow = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    gdf = gpd.GeoDataFrame({"code": ["V1", "E1"]}, geometry=[bow, Polygon()], crs=4544)
    path = tmp_path / "bad.gpkg"
    pyogrio.write_dataframe(gdf, path)
    before = digest(empty_project.path)
    with pytest.raises(LandappError) as e:
        import_source(empty_project, read_source(str(path)), "parcels", repair=False)
    assert "工程未作任何修改" in str(e.value) and digest(empty_project.path) == before
    rep = import_source(empty_project, read_source(str(path)), "parcels")
    assert rep.imported == 1 and rep.repaired == 1 and rep.skipped == 1
    assert empty_project.rows("parcels")[0]["geometry"].is_valid


def test_fatal_value_error_writes_nothing(tmp_path, empty_project):
    gdf = gpd.GeoDataFrame({"code": ["OK1", "BAD"], "容积率": [1.5, 99.0]},
                           geometry=[box(X0, Y0, X0 + 10, Y0 + 10), box(X0 + 20, Y0, X0 + 30, Y0 + 10)], crs=4544)
    path = tmp_path / "v.geojson"
    gdf.to_file(path)
    before = digest(empty_project.path)
    with pytest.raises(LandappError) as e:
        import_source(empty_project, read_source(str(path)), "parcels")
    assert "#2" in str(e.value) and "容积率" in str(e.value)
    assert digest(empty_project.path) == before and empty_project.count("parcels") == 0
    rep = import_source(empty_project, read_source(str(path)), "parcels", skip_invalid=True)
    assert rep.imported == 1 and rep.skipped == 1


def test_nan_and_absurd_coordinates_are_refused(tmp_path):
    path = tmp_path / "nan.csv"
    path.write_text("code,x,y\nA,430000,3384000\nA,abc,3384000\nA,430010,3384010\n", encoding="utf-8")
    with pytest.raises(LandappError) as e:
        read_source(str(path))
    assert "不是数字" in str(e.value)
    gj = tmp_path / "absurd.geojson"
    gpd.GeoDataFrame({"code": ["X"]}, geometry=[box(1e12, 1e12, 1e12 + 5, 1e12 + 5)]).to_file(gj)
    with pytest.raises(LandappError) as e:
        read_source(str(gj))
    assert "离谱" in str(e.value)


def test_duplicates_and_overlaps_are_reported(tmp_path, empty_project):
    empty_project.insert("parcels", {"code": "T000", "status": "待供", "geometry": box(X0, Y0, X0 + 150, Y0 + 100)})
    src = read_source(write_gbk_shapefile(str(tmp_path)))
    rep = import_source(empty_project, src, "parcels")
    assert any("重复" in w for w in rep.warnings) and any("重叠" in w for w in rep.warnings)


def test_mapping_is_remembered_per_kind_of_file(tmp_path, empty_project):
    src = read_source(write_gbk_shapefile(str(tmp_path)))
    remember_mapping(empty_project, src, "parcels", {"DKBH": "code", "地块名称": "note"})
    assert remembered_mapping(empty_project, src, "parcels") == {"DKBH": "code", "地块名称": "note"}
    rep = import_source(empty_project, src, "parcels")
    assert empty_project.get("parcels", rep.fids[0])["note"] == "测试地块0"


def test_crs_candidates_from_digits():
    assert propose((35429000, 3384000, 35431000, 3386000))[0].epsg == 4523
    c = propose((3384000, 429000, 3386000, 431000))[0]
    assert c.epsg == 4544 and c.swap_xy
    assert propose((104.2, 30.5, 104.3, 30.6))[0].epsg == 4490


def test_exports_reopen(tmp_path, demo_project):
    n = demo_project.count("parcels", F("retired") == 0)
    assert export_layer(demo_project, "parcels", str(tmp_path / "p.shp"), encoding="gbk") == n
    assert (tmp_path / "p.cpg").read_text().strip().upper() in ("CP936", "936", "GBK")
    back = read_source(str(tmp_path / "p.shp"))
    assert len(back.gdf) == n and set(back.gdf["zone"]) <= set(demo_project.read_layer("zones")["name"])
    export_layer(demo_project, "parcels", str(tmp_path / "p.geojson"))
    gj = pyogrio.read_dataframe(tmp_path / "p.geojson")
    assert gj.crs.to_epsg() == 4326 and 104 < gj.total_bounds[0] < 105
    export_layer(demo_project, "buildings", str(tmp_path / "b.kml"), gcj02=True)
    k = pyogrio.read_dataframe(tmp_path / "b.kml")
    assert len(k) == demo_project.count("buildings", F("retired") == 0)
    export_layer(demo_project, "parcels", str(tmp_path / "p.dxf"), fids=[1, 2, 3])
    import ezdxf
    msp = ezdxf.readfile(tmp_path / "p.dxf").modelspace()
    codes = {demo_project.get("parcels", f)["code"] for f in (1, 2, 3)}
    assert len(msp.query("LWPOLYLINE")) == 3 and {t.dxf.text for t in msp.query("TEXT")} >= codes
    export_layer(demo_project, "zones", str(tmp_path / "z.gpkg"))
    assert len(pyogrio.read_dataframe(tmp_path / "z.gpkg")) == demo_project.count("zones")
    with pytest.raises(LandappError):
        export_layer(demo_project, "parcels", str(tmp_path / "p.doc"))


def test_curves_are_linearised(tmp_path, empty_project):
    import shutil
    import subprocess

    if not shutil.which("ogr2ogr"):
        pytest.skip("ogr2ogr (gdal-bin) not installed")
    csv = tmp_path / "curve.csv"
    csv.write_text('id,WKT\n1,"CURVEPOLYGON(COMPOUNDCURVE(CIRCULARSTRING(430000 3384000,430050 3384050,'
                   '430100 3384000),(430100 3384000,430000 3384000)))"\n', encoding="utf-8")
    gpkg = tmp_path / "curve.gpkg"
    subprocess.run(["ogr2ogr", "-q", "-f", "GPKG", str(gpkg), str(csv), "-nlt", "CURVEPOLYGON",
                    "-a_srs", "EPSG:4544", "-oo", "GEOM_POSSIBLE_NAMES=WKT"], check=True)
    rep = import_source(empty_project, read_source(str(gpkg)), "parcels")
    g = empty_project.get("parcels", rep.fids[0])["geometry"]
    assert g.area == pytest.approx(np.pi * 50 ** 2 / 2, rel=0.01)  # the half disc, as a polygon


def test_own_shapefile_export_round_trips(tmp_path, demo_project, empty_project):
    export_layer(demo_project, "parcels", str(tmp_path / "p.shp"), encoding="gbk")
    src = read_source(str(tmp_path / "p.shp"))
    mapping = auto_mapping(src.fields, "parcels")
    assert mapping["land_use_s"] == "land_use_source" and mapping["std_invest"] == "std_invest_intensity"
    rep = import_source(empty_project, src, "parcels")
    a = demo_project.read_layer("parcels").sort_values("code")
    b = empty_project.read_layer("parcels").sort_values("code")
    assert list(a["code"]) == list(b["code"]) and list(a["status"]) == list(b["status"])
    assert b["area_m2"].sum() == pytest.approx(a["area_m2"].sum(), rel=1e-9)
    assert rep.imported == len(a)


def _grid_shapefile(folder, n_side=60, round_parcels=False):
    geoms = [box(X0 + i * 60, Y0 + j * 60, X0 + i * 60 + 50, Y0 + j * 60 + 50)
             for i in range(n_side) for j in range(n_side)]
    if round_parcels:  # 257 vertices each: the rows outgrow SQLite's page cache and spill to the file
        geoms = [shapely.Point(g.centroid).buffer(25, quad_segs=64) for g in geoms]
    gdf = gpd.GeoDataFrame({"DKBH": [f"G{k:05d}" for k in range(len(geoms))],
                            "地块名称": [f"网格地块{k}" for k in range(len(geoms))]}, geometry=geoms, crs=4544)
    path = os.path.join(folder, "grid.shp")
    pyogrio.write_dataframe(gdf, path, encoding="CP936")
    return path


def test_disk_full_mid_import_leaves_the_project_byte_for_byte_unchanged(tmp_path, empty_project):
    """The disk fills up while the rows are written (simulated with a file-size limit on the
    importing process): one clear sentence, exit 2, the file's old bytes, no journal left."""
    import resource
    import sqlite3
    import subprocess
    import sys

    shp = _grid_shapefile(str(tmp_path), 50, round_parcels=True)
    project = empty_project.path
    before = digest(project)
    limit = os.path.getsize(project) + 64 * 1024

    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    r = subprocess.run([sys.executable, "-m", "landapp", "import", project, shp], capture_output=True,
                       text=True, preexec_fn=cap, check=False)
    assert r.returncode == 2 and "工程文件保持原样" in r.stderr and "Traceback" not in r.stderr
    assert not os.path.exists(project + "-journal")  # rolled back now, not at the next open
    assert digest(project) == before
    assert sqlite3.connect(project).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert empty_project.count("parcels") == 0


def test_cancelled_import_writes_nothing(tmp_path, empty_project):
    from landapp.dataio.importer import ImportCancelled

    src = read_source(_grid_shapefile(str(tmp_path), 40))
    before = digest(empty_project.path)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 700

    with pytest.raises(ImportCancelled) as e:
        import_source(empty_project, src, "parcels", cancel=cancel)
    assert "工程未作任何修改" in str(e.value)
    assert digest(empty_project.path) == before and empty_project.count("parcels") == 0
    assert empty_project.integrity_check() == []


def test_redecode_in_one_go_gives_what_value_by_value_gives():
    """Text columns are decoded joined (fast) unless that fails; either way each value comes
    back as decoding it alone gives, a character cut off at the end of a field included."""
    from landapp.dataio.readers import _decode, redecode

    texts = ["成都经开区", "龙泉驿", "", "A-01", "汽车城东"]
    values = [t.encode("gb18030").decode("latin-1") for t in texts] + [None, 7, 1.5]
    out, enc = redecode(values, None)
    assert enc == "gb18030" and out == texts + [None, 7, 1.5]
    cut = "十陵".encode("gb18030")[:-1].decode("latin-1")  # 10-byte DBF field ends mid-character
    out, enc = redecode(values[:2] + [cut], "gb18030")
    assert out == ["成都经开区", "龙泉驿", _decode("十陵".encode("gb18030")[:-1], "gb18030")] == ["成都经开区", "龙泉驿", "十"]
    utf = [t.encode("utf-8").decode("latin-1") for t in texts]
    assert redecode(utf, None) == (texts, "utf-8")
