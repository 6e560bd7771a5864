"""More awkward files, as planners receive them, each with its expected outcome: encodings
declared or not (and wrongly), zips from Windows and Macs, Google Earth folders, GeoPackages
with several layers, real CAD drawings (blocks, unflagged closed polylines, hatches over
outlines, numbers on a text layer, GBK R2000 files), 报盘 files in their variants, swapped
axes with a given CRS, zone prefixes, legacy datums hidden in .prj files, land-use names."""

from __future__ import annotations

import os
import zipfile

import ezdxf
import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon, box

from landapp.coords import to_lonlat
from landapp.dataio.exporter import export_layer
from landapp.dataio.importer import (
    import_source,
    land_use_values,
    remember_mapping,
    remembered_land_use_map,
)
from landapp.dataio.readers import read_source, source_layers
from landapp.errors import LandappError
from landapp.landuse import guess_code
from landapp.store.filters import F

X0, Y0 = 430000.0, 3384000.0


def parcels(n=3, crs=4544, **cols):
    data = {"DKBH": [f"T{i:03d}" for i in range(n)], "YDXZ": (["M1", "W2", "B1"] * n)[:n], **cols}
    return gpd.GeoDataFrame(data, geometry=[box(X0 + i * 200, Y0, X0 + i * 200 + 150, Y0 + 100) for i in range(n)],
                            crs=crs)


# ---- encodings ----------------------------------------------------------------------------

def test_cpg_is_honoured_even_where_detection_would_guess_wrong(tmp_path):
    path = tmp_path / "big5.shp"
    pyogrio.write_dataframe(parcels(DKMC=["臺灣測試", "龍泉驛區", "經開區"]), path, encoding="CP950")
    assert (tmp_path / "big5.cpg").read_text().strip() == "CP950"
    src = read_source(str(path))
    assert src.encoding == "cp950" and list(src.gdf["DKMC"]) == ["臺灣測試", "龍泉驛區", "經開區"]
    assert not src.warnings
    gbk = tmp_path / "gbk.shp"
    pyogrio.write_dataframe(parcels(DKMC=["一号", "二号", "三号"]), gbk, encoding="CP936")
    for declared in ("CP936", "936", "ANSI 936", "GBK"):  # what GDAL, ArcGIS and others write
        (tmp_path / "gbk.cpg").write_text(declared)
        src = read_source(str(gbk))
        assert src.encoding == "gb18030" and src.gdf["DKMC"][0] == "一号" and not src.warnings, declared


def test_a_wrong_cpg_is_overruled_with_a_warning(tmp_path):
    path = tmp_path / "liar.shp"
    pyogrio.write_dataframe(parcels(DKMC=["一号地", "二号地", "三号地"]), path, encoding="CP936")
    (tmp_path / "liar.cpg").write_text("UTF-8")
    src = read_source(str(path))
    assert src.gdf["DKMC"][0] == "一号地" and any("不符" in w for w in src.warnings)


def test_gbk_field_names_over_ascii_values_and_cut_utf8_names(tmp_path):
    gdf = gpd.GeoDataFrame({"地块编号": ["A1", "A2"], "用地性质": ["M1", "M2"]},
                           geometry=[box(X0, Y0, X0 + 50, Y0 + 50), box(X0 + 60, Y0, X0 + 110, Y0 + 50)], crs=4544)
    pyogrio.write_dataframe(gdf, tmp_path / "names.shp", encoding="CP936")
    os.unlink(tmp_path / "names.cpg")
    src = read_source(str(tmp_path / "names.shp"))
    assert src.fields == ["地块编号", "用地性质"]  # were mojibake: the values alone looked like UTF-8
    # UTF-8 without .cpg, a 12-byte field name cut to DBF's 10 bytes in the middle of a character
    gdf = gpd.GeoDataFrame({"地块名称": ["一号地"]}, geometry=[box(X0, Y0, X0 + 5, Y0 + 5)], crs=4544)
    with pytest.warns(RuntimeWarning):
        pyogrio.write_dataframe(gdf, tmp_path / "cut.shp", encoding="UTF-8")
    os.unlink(tmp_path / "cut.cpg")
    src = read_source(str(tmp_path / "cut.shp"))
    assert src.encoding == "utf-8" and src.fields == ["地块名"] and src.gdf["地块名"][0] == "一号地"
    from landapp.dataio.importer import auto_mapping

    assert auto_mapping(src.fields, "parcels") == {"地块名": "name"}  # the cut title still maps


def test_chosen_encoding_that_does_not_fit_shows_and_says_so(tmp_path):
    path = tmp_path / "gbk.shp"
    pyogrio.write_dataframe(parcels(DKMC=["一号地", "二号地", "三号地"]), path, encoding="CP936")
    src = read_source(str(path), encoding="utf-8")
    assert "\ufffd" in src.gdf["DKMC"][0] and any("无法解码" in w for w in src.warnings)
    with pytest.raises(LandappError) as e:
        read_source(str(path), encoding="klingon")
    assert "不认识的文字编码" in str(e.value)


# ---- zips -----------------------------------------------------------------------------------

def test_zip_from_windows_with_gbk_names_and_from_a_mac(tmp_path, empty_project):
    folder = tmp_path / "shp"
    folder.mkdir()
    pyogrio.write_dataframe(parcels(), folder / "AAAA.shp", encoding="CP936")
    z = tmp_path / "win.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("__MACOSX/._AAAA.shp", b"\0\5\26\7 resource fork")  # sorts first, is junk
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    raw = z.read_bytes().replace(b"AAAA", "成果".encode("gbk"))  # GBK names, no UTF-8 flag
    z.write_bytes(raw)
    assert any("\u2554" <= ch <= "\u25ff" or ord(ch) > 127 for ch in zipfile.ZipFile(z).namelist()[1])  # CP437 mojibake
    src = read_source(str(z))
    assert len(src.gdf) == 3 and not any("压缩包中有" in w for w in src.warnings)
    assert import_source(empty_project, src, "parcels").imported == 3


# ---- KML / KMZ ----------------------------------------------------------------------------

def _ring(lon, lat, d=0.001):
    return f"{lon},{lat},0 {lon + d},{lat},0 {lon + d},{lat + d},0 {lon},{lat + d},0 {lon},{lat},0"


def kml_with_folders() -> str:
    lon, lat = to_lonlat(X0, Y0, 4544)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>奥维导出</name>
<Folder><name>一期</name><Placemark><name>K-1</name><description>工业用地</description><MultiGeometry>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{_ring(lon, lat)}</coordinates></LinearRing></outerBoundaryIs></Polygon>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{_ring(lon + 0.002, lat)}</coordinates></LinearRing></outerBoundaryIs></Polygon>
</MultiGeometry></Placemark></Folder>
<Folder><name>二期</name>
<Placemark><name>K-2</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{_ring(lon, lat + 0.002)}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><name>K-3</name><LineString><coordinates>{_ring(lon + 0.002, lat + 0.002)}</coordinates></LineString></Placemark>
<Placemark><name>路</name><LineString><coordinates>{lon},{lat - 0.001},0 {lon + 0.003},{lat - 0.001},0</coordinates></LineString></Placemark>
</Folder></Document></kml>"""


@pytest.mark.parametrize("kmz", [False, True])
def test_kml_folders_are_all_read_and_closed_lines_become_parcels(tmp_path, empty_project, kmz):
    if kmz:
        path = tmp_path / "a.kmz"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("doc.kml", kml_with_folders())
    else:
        path = tmp_path / "a.kml"
        path.write_text(kml_with_folders(), encoding="utf-8")
    src = read_source(str(path))
    assert list(src.gdf["name"]) == ["K-1", "K-2", "K-3", "路"]  # was: the first folder only
    assert list(src.gdf["folder"]) == ["一期", "二期", "二期", "二期"]
    assert "tessellate" not in src.gdf and source_layers(str(path)) == [] if kmz else ["一期", "二期"]
    rep = import_source(empty_project, src, "parcels", mapping={"name": "code", "description": "note"})
    assert rep.imported == 3 and rep.skipped == 1  # the open road line is no parcel
    assert any("折线已转为面" in w for w in rep.warnings)
    k1 = empty_project.rows("parcels", F("code") == "K-1")[0]
    assert len(shapely.get_parts(k1["geometry"])) == 2 and k1["note"] == "工业用地"


# ---- GeoPackage with several layers ----------------------------------------------------------

def test_geopackage_layers_choose_the_polygons_and_say_so(tmp_path):
    path = tmp_path / "two.gpkg"
    lines = gpd.GeoDataFrame({"name": ["中线"]}, geometry=[shapely.LineString([(X0, Y0), (X0 + 9, Y0)])], crs=4544)
    pyogrio.write_dataframe(lines, path, layer="道路中线")
    pyogrio.write_dataframe(parcels(2), path, layer="地块")
    assert source_layers(str(path)) == ["道路中线", "地块"]
    src = read_source(str(path))
    assert len(src.gdf) == 2 and any("读取了“地块”" in w for w in src.warnings)
    assert len(read_source(str(path), layer="道路中线").gdf) == 1
    with pytest.raises(LandappError) as e:
        read_source(str(path), layer="没有")
    assert "道路中线、地块" in str(e.value)


# ---- DXF as CAD users draw it --------------------------------------------------------------

def cad_drawing(path, version="R2010"):
    doc = ezdxf.new(version)
    msp = doc.modelspace()
    msp.add_lwpolyline([(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100)], close=True,
                       dxfattribs={"layer": "红线"})
    msp.add_text("DK-001", dxfattribs={"layer": "注记", "insert": (X0 + 40, Y0 + 50)})
    msp.add_text("面积:10000.0㎡", dxfattribs={"layer": "红线", "insert": (X0 + 40, Y0 + 70)})
    # closed by clicking back on the first point, no closed flag; a hatch over the same outline
    pts = [(X0 + 300, Y0), (X0 + 400, Y0), (X0 + 400, Y0 + 100), (X0 + 300, Y0 + 100), (X0 + 300, Y0)]
    msp.add_lwpolyline(pts, dxfattribs={"layer": "红线"})
    hatch = msp.add_hatch(dxfattribs={"layer": "红线"})
    hatch.paths.add_polyline_path(pts[:-1], is_closed=True)
    msp.add_mtext("DK-002\\P二类工业", dxfattribs={"layer": "注记", "insert": (X0 + 350, Y0 + 50)})
    msp.add_lwpolyline([(X0 + 500, Y0), (X0 + 600, Y0), (X0 + 600, Y0 + 100)], dxfattribs={"layer": "红线"})
    blk = doc.blocks.new("宗地")  # a block reference: outline on layer 0, the number an attribute
    blk.add_lwpolyline([(0, 0), (80, 0), (80, 60), (0, 60)], close=True, dxfattribs={"layer": "0"})
    blk.add_attdef("编号", (30, 30))
    doc.modelspace().add_blockref("宗地", (X0 + 700, Y0), dxfattribs={"layer": "红线"}).add_auto_attribs({"编号": "DK-003"})
    if version == "R2000":  # a GBK drawing as Chinese AutoCAD saves it
        doc.saveas(path, encoding="cp936")
        path.write_bytes(path.read_bytes().replace(b"ANSI_1252", b"ANSI_936"))
    else:
        doc.saveas(path)
    return path


@pytest.mark.parametrize("version", ["R2010", "R2000"])
def test_cad_drawing_as_drawn(tmp_path, empty_project, version):
    path = cad_drawing(tmp_path / "红线.dxf", version)
    if version == "R2000":
        assert "红线".encode("gbk") in path.read_bytes()
    assert source_layers(str(path)) == ["注记", "红线"]
    src = read_source(str(path), dxf_layers_filter=["红线"])
    assert list(src.gdf["label"]) == ["DK-001", "DK-002", "DK-003"]  # not 面积:…, first line of the MTEXT
    assert any("未闭合" in w for w in src.warnings) and any("填充" in w for w in src.warnings)
    rep = import_source(empty_project, src, "parcels", src_crs="EPSG:4544")
    areas = {r["code"]: r["area_m2"] for r in empty_project.rows("parcels")}
    assert areas == pytest.approx({"DK-001": 10000, "DK-002": 10000, "DK-003": 4800})
    assert rep.imported == 3 and not [w for w in rep.warnings if "重叠" in w]


def test_dwg_and_damaged_dxf_get_a_sentence(tmp_path):
    dwg = tmp_path / "a.dwg"
    dwg.write_bytes(b"AC1027" + b"\0" * 100)
    with pytest.raises(LandappError) as e:
        read_source(str(dwg))
    assert "另存为" in str(e.value)
    bad = tmp_path / "bad.dxf"
    bad.write_text("  0\nSECTION\n  2\nENTITIES\n  0\nLWPOLYLINE\n 90\nnot a number\n", encoding="ascii")
    with pytest.raises(LandappError):
        read_source(str(bad))


# ---- CSV ------------------------------------------------------------------------------------

def test_csv_bad_wkt_row_rejected_alone_and_semicolons(tmp_path, empty_project):
    path = tmp_path / "w.csv"
    path.write_text("地块编号;用地性质;wkt\n"
                    f"W1;M2;POLYGON(({X0} {Y0},{X0 + 100} {Y0},{X0 + 100} {Y0 + 100},{X0} {Y0}))\n"
                    f"W2;B1;POLYGON(({X0 + 200} {Y0},{X0 + 300}\n", encoding="gbk")
    src = read_source(str(path))
    assert any("第 3 行" in w for w in src.warnings)
    rep = import_source(empty_project, src, "parcels", src_crs="EPSG:4544")
    assert rep.imported == 1 and rep.skipped == 1 and empty_project.rows("parcels")[0]["code"] == "W1"


def test_surveyor_xy_csv_with_the_crs_given(tmp_path, empty_project):
    """X is the northing: with --src-crs given the swap is still seen from the digits."""
    path = tmp_path / "xy.csv"
    path.write_text("地块编号,X,Y\n" + "".join(f"S1,{Y0 + dy},{X0 + dx}\n" for dx, dy in [(0, 0), (80, 0), (80, 60), (0, 60)]),
                    encoding="utf-8-sig")
    rep = import_source(empty_project, read_source(str(path)), "parcels", src_crs="EPSG:4544")
    g = empty_project.rows("parcels")[0]["geometry"]
    assert abs(g.bounds[0] - X0) < 0.01 and abs(g.bounds[1] - Y0) < 0.01
    assert any("已互换" in w for w in rep.warnings)
    with pytest.raises(LandappError):  # told not to swap: the data lie outside the zone
        import_source(empty_project, read_source(str(path)), "parcels", src_crs="EPSG:4544", swap_xy=False)


# ---- 报盘 -------------------------------------------------------------------------------------

BAOPAN_ONE = """【属性描述】
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=35
精度=0.01
转换参数=,,,,,,
【地块坐标】
9,{ha},BP-1,带内部扣除的地块,面,H48G001001,工业用地,100101,@
J1,1,{y0},{x0}
J2,1,{y0},{x1}
J3,1,{y1},{x1}
J4,1,{y1},{x0}
J1,1,{y0},{x0}
K1,2,{hy0},{hx0}
K2,2,{hy0},{hx1}
K3,2,{hy1},{hx1}
K1,2,{hy0},{hx0}
"""


def _one(ha, system=None, prefix=0):
    text = BAOPAN_ONE.format(ha=ha, y0=Y0, y1=Y0 + 100, x0=X0 + prefix, x1=X0 + 200 + prefix,
                             hy0=Y0 + 20, hy1=Y0 + 60, hx0=X0 + 20 + prefix, hx1=X0 + 60 + prefix)
    return text.replace("2000国家大地坐标系", system) if system else text


def test_baopan_single_parcel_with_a_hole_in_hectares(tmp_path, empty_project):
    path = tmp_path / "one.txt"
    path.write_text(_one("1.9200"), encoding="gbk")  # 200 × 100 − 40 × 40 / 2 = 19200 m² = 1.92 ha
    src = read_source(str(path))
    assert len(src.gdf) == 1 and not [w for w in src.warnings if "不符" in w]
    rep = import_source(empty_project, src, "parcels")
    rec = empty_project.rows("parcels")[0]
    assert rep.crs == "EPSG:4544" and rec["code"] == "BP-1" and rec["area_m2"] == pytest.approx(19200)
    assert len(rec["geometry"].geoms[0].interiors) == 1
    path.write_text(_one("2.5000"), encoding="gbk")
    assert any("申报面积 2.5 与按界址点算得的 19200.0 ㎡" in w for w in read_source(str(path)).warnings)


@pytest.mark.parametrize("system", ["80西安坐标系", "国家80坐标系", "54北京坐标系", "1954年北京坐标系"])
def test_baopan_legacy_systems_are_refused(tmp_path, system):
    path = tmp_path / "old.txt"
    path.write_text(_one("1.92", system), encoding="gbk")
    with pytest.raises(LandappError) as e:
        read_source(str(path))
    assert "转换参数" in str(e.value) and "不做无参数的平移" in str(e.value)


def test_baopan_local_grid_is_refused(tmp_path):
    path = tmp_path / "local.txt"
    path.write_text(_one("1.92", "成都独立坐标系"), encoding="gbk")
    with pytest.raises(LandappError) as e:
        read_source(str(path))
    assert "地方坐标系" in str(e.value)


def test_baopan_zone_prefix_that_contradicts_the_zone_is_refused(tmp_path, empty_project):
    path = tmp_path / "bad.txt"
    path.write_text(_one("1.92", prefix=36_000_000), encoding="gbk")  # 带号=35, eastings say 36
    with pytest.raises(LandappError) as e:
        import_source(empty_project, read_source(str(path)), "parcels")
    assert "带号 36" in str(e.value) and empty_project.count("parcels") == 0


# ---- coordinate systems ----------------------------------------------------------------------

def test_legacy_datum_hidden_in_an_esri_prj(tmp_path, empty_project):
    """A .prj from older Chinese software: a generic name on 'D_unknown' with Krassowsky's
    ellipsoid is Beijing 1954 whatever it is called."""
    pyogrio.write_dataframe(parcels(), tmp_path / "bj.shp", encoding="UTF-8")
    (tmp_path / "bj.prj").write_text(
        'PROJCS["Gauss_Kruger_CM_105E",GEOGCS["GCS_Unknown",DATUM["D_unknown",SPHEROID["Krasovsky_1940",'
        '6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],'
        'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],'
        'PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')
    with pytest.raises(LandappError) as e:
        import_source(empty_project, read_source(str(tmp_path / "bj.shp")), "parcels")
    assert "北京 1954 或西安 1980" in str(e.value) and empty_project.count("parcels") == 0
    # the user insists the .prj is wrong: allowed, never silently
    rep = import_source(empty_project, read_source(str(tmp_path / "bj.shp")), "parcels", src_crs="EPSG:4544",
                        dry_run=True)
    assert any("坐标未作任何转换" in w and "偏差" in w for w in rep.warnings)


def test_prefixed_crs_over_unprefixed_eastings_and_six_degree_prefix(tmp_path, empty_project):
    gdf = parcels(1, crs=4523)  # says 'zone 35 prefixed' but the eastings are 6 digits
    gdf.to_file(tmp_path / "a.geojson")
    rep = import_source(empty_project, read_source(str(tmp_path / "a.geojson")), "parcels", mapping={"DKBH": "code"})
    assert rep.crs == "EPSG:4544" and any("不带带号" in w for w in rep.warnings)
    assert abs(empty_project.rows("parcels")[0]["geometry"].bounds[0] - X0) < 0.01
    from landapp.dataio.crs import propose

    lon, lat = 104.3, 30.6
    from pyproj import Transformer

    e, n = Transformer.from_crs(4326, 4496, always_xy=True).transform(lon, lat)  # 6-degree zone 18, prefixed
    assert propose((e, n, e + 100, n + 100))[0].epsg == 4496


def test_nan_coordinates_in_a_geopackage_are_refused(tmp_path):
    poly = Polygon([(X0, Y0), (X0 + 10, Y0), (np.nan, Y0 + 10), (X0, Y0)])
    path = tmp_path / "nan.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"code": ["N"]}, geometry=[poly], crs=4544), path)
    with pytest.raises(LandappError) as e:
        read_source(str(path))
    assert "NaN" in str(e.value)


# ---- land use, duplicates, overlaps ----------------------------------------------------------

def test_land_use_names_and_the_users_own_values(tmp_path, empty_project):
    assert [guess_code(v) for v in ("M1", "M2二类工业用地", "0901 商业用地", "二类工业用地", "工业", "商务设施用地", "研发总部")] == \
        ["100101", "100102", "0901", "100102", "1001", "0902", None]
    gdf = parcels(4)
    gdf["YDXZ"] = ["工业", "研发总部", "M1一类工业用地", "研发总部"]
    gdf.to_file(tmp_path / "lu.geojson")
    src = read_source(str(tmp_path / "lu.geojson"))
    mapping = {"DKBH": "code", "YDXZ": "land_use"}
    assert land_use_values(src, mapping) == [("研发总部", 2, None), ("工业", 1, "1001"), ("M1一类工业用地", 1, "100101")]
    rep = import_source(empty_project, src, "parcels", mapping=mapping, land_use_map={"研发总部": "100101"})
    recs = {r["code"]: (r["land_use"], r["land_use_source"]) for r in empty_project.rows("parcels")}
    assert recs["T001"] == ("100101", "研发总部") and recs["T000"] == ("1001", "工业") and not rep.problems
    remember_mapping(empty_project, src, "parcels", mapping, {"研发总部": "100101"})
    assert remembered_land_use_map(empty_project, src, "parcels") == {"研发总部": "100101"}
    assert land_use_values(src, mapping, remembered_land_use_map(empty_project, src, "parcels"))[0] == ("研发总部", 2, "100101")


def test_duplicates_in_the_file_and_overlaps_among_new_parcels(tmp_path, empty_project):
    gdf = gpd.GeoDataFrame({"code": ["D1", "D1", "D2"]},
                           geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 50, Y0, X0 + 150, Y0 + 100),
                                     box(X0 + 150, Y0, X0 + 250, Y0 + 100)], crs=4544)  # D2 only touches
    gdf.to_file(tmp_path / "d.geojson")
    rep = import_source(empty_project, read_source(str(tmp_path / "d.geojson")), "parcels", dry_run=True)
    assert any("在文件中重复" in w for w in rep.warnings)
    assert [w for w in rep.warnings if "互相重叠" in w] == ["导入的地块 D1 与 D1 互相重叠 5000.0 ㎡。"]
    rep = import_source(empty_project, read_source(str(tmp_path / "d.geojson")), "parcels", skip_duplicates=True)
    assert rep.imported == 2 and sorted(r["code"] for r in empty_project.rows("parcels")) == ["D1", "D2"]
    rep = import_source(empty_project, read_source(str(tmp_path / "d.geojson")), "parcels", skip_duplicates=True)
    assert rep.imported == 0 and rep.skipped == 3


# ---- exports ----------------------------------------------------------------------------------

def test_exports_for_google_earth_cad_and_gbk(tmp_path, demo_project):
    rec = demo_project.rows("parcels", F("retired") == 0, order_by="fid")[0]
    kml = tmp_path / "p.kml"
    export_layer(demo_project, "parcels", str(kml), fids=[rec["fid"]], gcj02=True)
    k = pyogrio.read_dataframe(kml)
    assert k["Name"][0] == rec["code"] and "地块编号" in k.columns and "用地性质" in k.columns
    assert f"面积:{rec['area_m2']:.1f} ㎡" in k["description"][0]
    back = read_source(str(kml))  # our KML comes back in by its Chinese titles
    from landapp.dataio.importer import auto_mapping

    assert auto_mapping(back.fields, "parcels")["地块编号"] == "code"
    dxf = tmp_path / "p.dxf"
    export_layer(demo_project, "parcels", str(dxf), fids=[rec["fid"]])
    doc = ezdxf.readfile(dxf)
    assert doc.header["$INSUNITS"] == 6 and "地块" in doc.layers and "地块_注记" in doc.layers
    texts = doc.modelspace().query("TEXT")
    assert [t.dxf.text for t in texts] == [rec["code"], rec["land_use"]]
    assert {t.dxf.layer for t in texts} == {"地块_注记"} and doc.styles.get(texts[0].dxf.style).dxf.font == "simsun.ttc"
    assert shapely.Point(texts[0].dxf.align_point.x, texts[0].dxf.align_point.y).within(rec["geometry"])
    gpkg = tmp_path / "p.gpkg"
    export_layer(demo_project, "parcels", str(gpkg))
    assert pyogrio.list_layers(gpkg)[0][0] == "parcels"
    with pytest.raises(LandappError) as e:
        export_layer(demo_project, "parcels", str(tmp_path / "p.geojson"), gcj02=True)
    assert "GCJ-02" in str(e.value)
    demo_project.update("parcels", rec["fid"], {"name": "𠀀号地块"})  # a character GBK does not have
    notes: list[str] = []
    export_layer(demo_project, "parcels", str(tmp_path / "g.shp"), encoding="gbk", notes=notes)
    assert notes and "UTF-8" in notes[0]
    export_layer(demo_project, "parcels", str(tmp_path / "u.shp"), encoding="utf-8")
    assert (tmp_path / "u.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    u = read_source(str(tmp_path / "u.shp"))
    assert "𠀀号地块" in set(u.gdf["name"])


def test_zone_filled_from_location_and_import_undone_and_redone(tmp_path, demo_project):
    from landapp.dataio.importer import ImportedFeatures

    zone = demo_project.rows("zones", order_by="fid")[0]
    p = zone["geometry"].representative_point()
    gdf = gpd.GeoDataFrame({"code": ["Z-1", "Z-2"]}, geometry=[p.buffer(20), shapely.Point(p.x + 1e5, p.y).buffer(20)],
                           crs=demo_project.srs_id)
    gdf.to_file(tmp_path / "z.geojson")
    before = demo_project.count("parcels")
    rep = import_source(demo_project, read_source(str(tmp_path / "z.geojson")), "parcels")
    got = {r["code"]: r["zone"] for r in demo_project.rows("parcels", F("code").startswith("Z-"))}
    assert got == {"Z-1": zone["name"], "Z-2": None} and any("所在片区" in w for w in rep.warnings)
    assert rep.extent[0] < p.x < rep.extent[2]
    events = []
    demo_project.signals.changed.connect(events.append)
    edit = ImportedFeatures("parcels", rep.fids, "z.geojson")
    assert "导入 2 个要素" in edit.text
    edit.revert(demo_project)  # undo: one transaction, one event
    assert demo_project.count("parcels") == before and [(e.op, len(e.fids)) for e in events] == [("delete", 2)]
    edit.apply(demo_project)  # redo
    assert demo_project.count("parcels") == before + 2
    assert {r["code"]: r["zone"] for r in demo_project.rows("parcels", F("code").startswith("Z-"))} == got
    assert demo_project.integrity_check() == []


def test_zip_bombs_of_many_small_entries_lying_headers_and_damage(tmp_path):
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as zf:
        for k in range(12):  # each under the per-entry limit, together 120 MB from ~120 kB
            zf.writestr(f"part{k}.dbf", b"\0" * (10 * 2**20))
    with pytest.raises(LandappError) as e:
        read_source(str(many))
    assert "压缩炸弹" in str(e.value)
    folder = tmp_path / "shp"
    folder.mkdir()
    pyogrio.write_dataframe(parcels(), folder / "a.shp", encoding="CP936")
    liar = tmp_path / "liar.zip"
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
        zf.writestr("pad.bin", b"\0" * 200_000)
    raw = bytearray(liar.read_bytes())
    cd = raw.rfind(b"PK\x01\x02")  # the last central-directory entry (pad.bin): claim 1 byte
    raw[cd + 24:cd + 28] = (1).to_bytes(4, "little")
    liar.write_bytes(bytes(raw))
    with pytest.raises(LandappError) as e:
        read_source(str(liar))
    assert "压缩" in str(e.value) and "Traceback" not in str(e.value)
    locked = tmp_path / "locked.zip"
    with zipfile.ZipFile(locked, "w") as zf:
        zf.writestr("a.shp", b"x" * 100)
    raw = bytearray(locked.read_bytes())
    raw[6] |= 1  # the 'encrypted' flag, in the local header and the central directory
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 8] |= 1
    locked.write_bytes(bytes(raw))
    with pytest.raises(LandappError) as e:
        read_source(str(locked))
    assert "密码" in str(e.value)


def test_geojson_without_crs_in_metres_is_not_taken_for_degrees(tmp_path, empty_project):
    """GDAL gives every GeoJSON WGS84 (RFC 7946); many tools write projected metres anyway.
    Read as degrees they became infinities and 'invalid beyond repair'."""
    path = tmp_path / "gk.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"地块编号":"GJ-1"},'
                    f'"geometry":{{"type":"Polygon","coordinates":[[[{X0},{Y0}],[{X0 + 100},{Y0}],[{X0 + 100},{Y0 + 100}],'
                    f'[{X0},{Y0}]]]}}}}]}}', encoding="utf-8")
    src = read_source(str(path))
    assert src.crs.to_epsg() == 4326
    rep = import_source(empty_project, src, "parcels")
    assert rep.imported == 1 and rep.crs == "EPSG:4544" and any("以米计" in w for w in rep.warnings)
    assert empty_project.rows("parcels")[0]["area_m2"] == pytest.approx(5000)
    with pytest.raises(LandappError) as e:  # insisting on degrees: one sentence, nothing written
        import_source(empty_project, src, "parcels", src_crs="EPSG:4326")
    assert "源坐标系多半不对" in str(e.value) and empty_project.count("parcels") == 1


def test_buildings_with_other_departments_words_land_on_their_parcel(tmp_path, demo_project):
    parcel = demo_project.rows("parcels", F("retired") == 0, order_by="fid", limit=1)[0]
    c = parcel["geometry"].representative_point()
    path = tmp_path / "b.csv"
    path.write_text("建筑名称,层数,类型,wkt\n"
                    f'1号厂房,2,标准化厂房,"{box(c.x - 5, c.y - 5, c.x + 5, c.y + 5).wkt}"\n'
                    f'研发楼,12,写字楼,"{box(c.x + 6, c.y - 5, c.x + 9, c.y + 5).wkt}"\n', encoding="gbk")
    rep = import_source(demo_project, read_source(str(path)), "buildings", src_crs=f"EPSG:{demo_project.srs_id}")
    got = [(r["name"], r["btype"], r["storeys"], r["parcel_code"]) for r in
           (demo_project.get("buildings", f) for f in rep.fids)]
    assert got == [("1号厂房", "标准厂房", 2, parcel["code"]), ("研发楼", "楼宇", 12, parcel["code"])]
