"""Coordinate files planners receive as text: the land-approval exchange format (报盘格式,
one or many parcels, rings numbered by 圈号) and CASS .dat point lists. X is the northing and
Y the easting in both, as Chinese surveyors write them."""

from __future__ import annotations

import re

import geopandas as gpd
import shapely
from shapely.geometry import Polygon

from landapp.errors import LandappError
from landapp.i18n import tr


def _err(zh: str, en: str) -> LandappError:
    return LandappError(tr(zh, en))


def read_baopan(text: str) -> tuple[gpd.GeoDataFrame, dict, list[str]]:
    """The land-approval exchange format (报盘格式): a [属性描述] block (坐标系, 带号 …) and a
    [地块坐标] block of parcels, each a header `界址点数,地块面积,地块编号,地块名称,面,图幅号,
    用途,地类编号,@` followed by `点号,圈号,X,Y` lines (X northing, Y easting; 圈号 numbers the
    rings: 1 outer, more for holes or parts)."""
    meta: dict = {}
    section = None
    parcels = []
    current = None
    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if line[:1] in "[【" and line[-1:] in "]】":  # CASS writes 【属性描述】 too
            section = line.strip("[]【】 ")
            continue
        if section == "属性描述":
            if "=" in line:
                k, v = line.split("=", 1)
                meta[k.strip()] = v.strip()
            continue
        if section != "地块坐标":
            continue
        parts = [p.strip() for p in line.split(",")]
        if parts[-1] == "@":
            current = {"code": parts[2] if len(parts) > 2 else "", "name": parts[3] if len(parts) > 3 else "",
                       "shape": parts[4] if len(parts) > 4 else "面",
                       "land_use_text": parts[6] if len(parts) > 6 else "",
                       "land_use": parts[7] if len(parts) > 7 else "",
                       "declared_area": num(parts[1]) if len(parts) > 1 else None, "rings": {}}
            parcels.append(current)
            continue
        if current is None or len(parts) < 4:
            continue
        try:
            ring, x, y = int(parts[1]), float(parts[2]), float(parts[3])
        except ValueError:
            raise _err(f"报盘文件这一行无法识别:{line}", f"Cannot read this line of the 报盘 file: {line}") from None
        current["rings"].setdefault(ring, []).append((y, x))  # store easting, northing
    if not parcels:
        raise _err("文件中没有 [地块坐标] 数据。", "The file has no [地块坐标] block.")
    rows, geoms, warnings = [], [], []
    for p in parcels:
        rings = [r for _, r in sorted(p["rings"].items())]
        if p.pop("shape") not in ("面", ""):
            warnings.append(tr(f"地块 {p['code']} 记录的不是面(点或线),已跳过。",
                               f"Record {p['code']} is not a polygon (points or a line); skipped."))
            continue
        if not rings or len(rings[0]) < 3:
            warnings.append(tr(f"地块 {p['code']} 的界址点不足 3 个,已跳过。", f"Parcel {p['code']} has fewer than 3 points; skipped."))
            continue
        polys = rings_to_polygons(rings)
        _check_declared_area(p, polys.area, warnings)
        geoms.append(polys)
        rows.append({k: v for k, v in p.items() if k != "rings"})
    gdf = gpd.GeoDataFrame(rows, geometry=geoms)
    return gdf, meta, warnings


def _check_declared_area(parcel: dict, area_m2: float, warnings: list[str]) -> None:
    """The header's 地块面积 is in hectares by the format (some tools write m²): a figure
    that matches neither means points are missing, misplaced or in the wrong order."""
    declared = parcel.get("declared_area")
    if not declared or area_m2 <= 0:
        return
    if any(abs(declared * k - area_m2) <= 0.01 * area_m2 for k in (10000.0, 1.0, 10000.0 / 15)):
        return
    warnings.append(tr(
        f"地块 {parcel['code']} 的申报面积 {declared:g} 与按界址点算得的 {area_m2:.1f} ㎡({area_m2 / 10000:.4f} 公顷)不符,请核对界址点。",
        f"Parcel {parcel['code']}: the declared area {declared:g} differs from the {area_m2:.1f} m² "
        f"({area_m2 / 10000:.4f} ha) of its boundary points; check the points."))


def rings_to_polygons(rings):
    """First ring outer; a later ring inside an earlier polygon is its hole, else a new part."""
    polys: list[Polygon] = []
    for r in rings:
        ring = Polygon(r)
        host = next((i for i, p in enumerate(polys) if p.contains(ring.representative_point())), None)
        if host is None:
            polys.append(ring)
        else:
            polys[host] = Polygon(polys[host].exterior.coords, [*[h.coords for h in polys[host].interiors], r])
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def read_cass_dat(text: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    """CASS .dat: `点名,编码,Y(east),X(north),H` per line. Points sharing a 编码 form one
    parcel in file order; without codes the whole file is one parcel."""
    groups: dict[str, list[tuple[float, float]]] = {}
    for raw in text.splitlines():
        parts = [p.strip() for p in raw.strip().lstrip("\ufeff").split(",")]
        if len(parts) < 4 or not parts[0]:
            continue
        try:
            east, north = float(parts[2]), float(parts[3])
        except ValueError:
            continue
        groups.setdefault(parts[1] or "1", []).append((east, north))
    rows, geoms, warnings = [], [], []
    for code, pts in groups.items():
        if len(pts) < 3:
            warnings.append(tr(f"编码 {code} 只有 {len(pts)} 个点,不能成面,已跳过。", f"Code {code} has only {len(pts)} points; skipped."))
            continue
        rows.append({"code": code})
        geoms.append(Polygon(pts))
    if not rows:
        raise _err("CASS 文件中没有能成面的坐标点。", "The CASS file has no points that form a polygon.")
    return gpd.GeoDataFrame(rows, geometry=geoms), warnings



def baopan_crs(meta: dict, warnings: list[str]):
    """CRS from the 报盘 [属性描述] block: 坐标系, 几度分带, 带号."""
    from pyproj import CRS

    system = meta.get("坐标系", "")
    if re.search(r"(?<!\d)(19)?(54|80)(?!\d)|西安|北京", system):
        raise _err(f"报盘文件使用{system},转为 CGCS2000 需要当地的转换参数,landapp 不做无参数的平移,不能直接导入;"
                   "请先用测绘部门提供的参数转换后再导入。",
                   f"The file uses {system}; converting it to CGCS2000 needs local transformation parameters, and "
                   "landapp will not shift it without them. Convert it with your survey office's parameters first.")
    if re.search(r"独立|地方|城建|任意|假定", system):
        raise _err(f"报盘文件使用{system}(地方坐标系),没有它与 CGCS2000 的转换参数,不能直接导入;请先转换为 CGCS2000。",
                   f"The file uses {system}, a local grid with no known relation to CGCS2000; convert it to CGCS2000 first.")
    try:
        width = int(meta.get("几度分带", "3"))
        zone = int(meta.get("带号", "0"))
    except ValueError:
        return None
    if width == 3 and 25 <= zone <= 45:
        warnings.append(tr(f"按报盘文件的 CGCS2000 3 度带第 {zone} 带读取。", f"Read as CGCS2000 3-degree zone {zone}."))
        return CRS.from_epsg(4534 + zone - 25)  # without the zone prefix: eastings are checked below
    if width == 6 and 13 <= zone <= 23:
        return CRS.from_epsg(4502 + zone - 13)
    return None
