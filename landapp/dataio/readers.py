"""Reading what planners receive: Shapefile (plain or zipped), GeoJSON, KML/KMZ, GeoPackage,
DXF (closed polylines with bulges, hatches, a layer filter), CSV with WKT or X/Y columns, and
coordinate files (the land-approval 报盘 exchange format, CASS .dat). Each reader returns a
Source: a GeoDataFrame, the file's CRS if it has one, the text encoding, and warnings.

Safety: zip entries that would land outside the extraction folder, zip bombs (too large in
total, too compressed) and absurd or NaN coordinates are refused with a clear message."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon

from landapp.errors import LandappError
from landapp.i18n import tr

MAX_UNZIPPED = 2 * 2**30  # 2 GiB
MAX_RATIO = 200  # uncompressed / compressed per entry
MAX_ENTRIES = 5000
ABSURD = 1e8  # |coordinate| beyond this is no map coordinate on Earth


@dataclass
class Source:
    path: str
    gdf: gpd.GeoDataFrame
    crs: object | None  # pyproj CRS or None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    layer: str | None = None
    fmt: str = ""
    tmpdir: object | None = None  # keeps an extraction folder alive

    @property
    def fields(self) -> list[str]:
        return [c for c in self.gdf.columns if c != "geometry"]

    @property
    def signature(self) -> str:
        """Identifies 'the same kind of file' for remembering field mappings."""
        return f"{self.fmt}:" + ",".join(sorted(self.fields))


def _err(zh: str, en: str) -> LandappError:
    return LandappError(tr(zh, en))


# ---- zips --------------------------------------------------------------------------------

def safe_extract(zpath: str, dest: str) -> list[str]:
    """Extract a zip, refusing path traversal and zip bombs. Returns the extracted paths."""
    try:
        zf = zipfile.ZipFile(zpath)
    except zipfile.BadZipFile:
        raise _err(f"{os.path.basename(zpath)} 不是有效的 ZIP 压缩包(可能已损坏)。",
                   f"{os.path.basename(zpath)} is not a valid ZIP archive (it may be damaged).") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _err("压缩包内文件过多,已拒绝。", "The archive holds too many files; refused.")
        total = 0
        root = os.path.realpath(dest)
        for info in infos:
            name = info.filename.replace("\\", "/")
            target = os.path.realpath(os.path.join(dest, name))
            if name.startswith("/") or ".." in name.split("/") or not (target == root or target.startswith(root + os.sep)):
                raise _err(f"压缩包中的 {info.filename} 试图写到解压目录之外,已拒绝。",
                           f"The archive entry {info.filename} would be written outside the folder; refused.")
            total += info.file_size
            if total > MAX_UNZIPPED or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                                        and info.file_size > 10 * 2**20):
                raise _err("压缩包解压后过大(疑似压缩炸弹),已拒绝。",
                           "The archive expands to an absurd size (a zip bomb?); refused.")
        out = []
        for info in infos:
            if info.is_dir():
                continue
            target = os.path.join(dest, info.filename.replace("\\", "/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                remaining = MAX_UNZIPPED
                while chunk := src.read(1 << 20):
                    remaining -= len(chunk)
                    if remaining < 0:
                        raise _err("压缩包解压后过大,已拒绝。", "The archive expands too much; refused.")
                    dst.write(chunk)
            out.append(target)
        return out


# ---- text encodings ----------------------------------------------------------------------

def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") / len(text)


def redecode(values: list, encoding: str | None) -> tuple[list, str]:
    """Strings read as latin-1 (bytes preserved) decoded properly: the given encoding, or
    UTF-8 when every value is valid UTF-8, else GB18030 (a superset of GBK)."""
    raw = [v.encode("latin-1") if isinstance(v, str) else v for v in values]
    candidates = [encoding] if encoding else ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return [r.decode(enc) if isinstance(r, bytes) else r for r in raw], enc
        except (UnicodeDecodeError, LookupError):
            continue
    return [r.decode(candidates[-1], errors="replace") if isinstance(r, bytes) else r for r in raw], candidates[-1]


def _read_shapefile(path: str, encoding: str | None) -> tuple[gpd.GeoDataFrame, str, list[str]]:
    import pyogrio

    warnings = []
    cpg = os.path.splitext(path)[0] + ".cpg"
    if encoding is None and os.path.exists(cpg):
        with open(cpg, encoding="ascii", errors="ignore") as fh:
            declared = fh.read().strip()
        enc = {"936": "gbk", "gbk": "gbk", "gb2312": "gbk", "gb18030": "gb18030", "utf-8": "utf-8", "utf8": "utf-8",
               "65001": "utf-8"}.get(declared.lower())
        if enc:
            encoding = enc
    gdf = pyogrio.read_dataframe(path, encoding="latin1")
    text_cols = [c for c in gdf.columns if c != "geometry"
                 and (gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c]))]
    decided = encoding
    if text_cols:
        flat = [v for c in text_cols for v in gdf[c].tolist() if isinstance(v, str)]
        _, decided = redecode(flat, encoding)
        for c in text_cols:
            gdf[c] = pd.Series(redecode(gdf[c].tolist(), decided)[0], index=gdf.index, dtype=object)
        if encoding is None and decided != "utf-8":
            warnings.append(tr(f"文件未声明编码(缺少 .cpg),按 {decided.upper()} 读取;请在预览中核对中文是否正常。",
                               f"No .cpg: read as {decided.upper()}; check the Chinese text in the preview."))
    # field names can be GBK too
    renamed = {}
    for c in gdf.columns:
        if c != "geometry":
            (new,), _ = redecode([c], decided)
            renamed[c] = new
    gdf = gdf.rename(columns=renamed)
    return gdf, decided or "utf-8", warnings


# ---- coordinate files ----------------------------------------------------------------------

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
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
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
                       "land_use_text": parts[6] if len(parts) > 6 else "",
                       "land_use": parts[7] if len(parts) > 7 else "",
                       "declared_area": _num(parts[1]) if len(parts) > 1 else None, "rings": {}}
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
        if not rings or len(rings[0]) < 3:
            warnings.append(tr(f"地块 {p['code']} 的界址点不足 3 个,已跳过。", f"Parcel {p['code']} has fewer than 3 points; skipped."))
            continue
        polys = _rings_to_polygons(rings)
        geoms.append(polys)
        rows.append({k: v for k, v in p.items() if k != "rings"})
    gdf = gpd.GeoDataFrame(rows, geometry=geoms)
    return gdf, meta, warnings


def _rings_to_polygons(rings):
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


def _num(v):
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


def _read_text(path: str, encoding: str | None) -> tuple[str, str]:
    data = open(path, "rb").read()
    for enc in ([encoding] if encoding else ["utf-8-sig", "gb18030"]):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("gb18030", errors="replace"), "gb18030"


# ---- CSV ---------------------------------------------------------------------------------

WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape")
X_NAMES = ("x", "东坐标", "easting", "lon", "lng", "经度", "y坐标")
Y_NAMES = ("y", "北坐标", "northing", "lat", "纬度", "x坐标")
ID_NAMES = ("地块编号", "code", "id", "宗地号", "编号", "parcel")


def read_csv(path: str, encoding: str | None) -> tuple[gpd.GeoDataFrame, str, list[str]]:
    text, enc = _read_text(path, encoding)
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    cols = {c.strip().lower(): c for c in df.columns}
    wkt = next((cols[n] for n in WKT_NAMES if n in cols), None)
    if wkt:
        try:
            geoms = shapely.from_wkt(df[wkt].replace("", None).to_numpy())
        except shapely.errors.GEOSException as e:
            raise _err(f"WKT 列无法解析:{e}", f"The WKT column cannot be read: {e}") from None
        return gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=geoms), enc, []
    x = next((cols[n] for n in X_NAMES if n in cols), None)
    y = next((cols[n] for n in Y_NAMES if n in cols), None)
    if not (x and y):
        raise _err("CSV 中既没有 WKT 列,也没有 X/Y(东坐标/北坐标)列。",
                   "The CSV has neither a WKT column nor X/Y (easting/northing) columns.")
    ident = next((cols[n] for n in ID_NAMES if n in cols), None)
    xs, ys = pd.to_numeric(df[x], errors="coerce"), pd.to_numeric(df[y], errors="coerce")
    if xs.isna().any() or ys.isna().any():
        bad = int(np.flatnonzero((xs.isna() | ys.isna()).to_numpy())[0]) + 2
        raise _err(f"CSV 第 {bad} 行的坐标不是数字。", f"Row {bad} of the CSV has a coordinate that is not a number.")
    key = df[ident] if ident else pd.Series(["1"] * len(df))
    rows, geoms = [], []
    for k, idx in key.groupby(key, sort=False).groups.items():
        pts = list(zip(xs[idx], ys[idx]))
        if len(pts) < 3:
            continue
        first = df.loc[idx[0]].to_dict()
        first.pop(x), first.pop(y)
        rows.append(first)
        geoms.append(Polygon(pts))
    return gpd.GeoDataFrame(rows, geometry=geoms), enc, [tr("按 X/Y 列逐点连成地块。", "Polygons built point by point from X/Y.")]


# ---- DXF ---------------------------------------------------------------------------------

def read_dxf(path: str, layers: list[str] | None = None, flatten: float = 0.05) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Closed polylines (arcs and bulges linearised to `flatten` metres) and hatch boundaries
    from CAD 红线 drawings; TEXT/MTEXT inside a polygon becomes its label."""
    import ezdxf
    from ezdxf import path as dxfpath

    try:
        doc = ezdxf.readfile(path)
    except (OSError, ezdxf.DXFStructureError) as e:
        raise _err(f"无法读取 DXF 文件:{e}", f"Cannot read the DXF file: {e}") from None
    msp = doc.modelspace()
    wanted = set(layers or [])
    rows, geoms, warnings = [], [], []
    texts = []
    for e in msp:
        layer = e.dxf.layer
        if wanted and layer not in wanted:
            continue
        kind = e.dxftype()
        if kind in ("TEXT", "MTEXT"):
            txt = e.plain_text() if kind == "MTEXT" else e.dxf.text
            p = e.dxf.insert
            texts.append((shapely.Point(p.x, p.y), txt.strip()))
            continue
        paths = []
        if kind in ("LWPOLYLINE", "POLYLINE"):
            if not (e.closed if kind == "LWPOLYLINE" else e.is_closed):
                continue
            paths = [dxfpath.make_path(e)]
        elif kind == "CIRCLE":
            paths = [dxfpath.make_path(e)]
        elif kind == "HATCH":
            paths = list(dxfpath.from_hatch(e))
        else:
            continue
        rings = []
        for pth in paths:
            pts = [(v.x, v.y) for v in pth.flattening(flatten)]
            if len(pts) >= 3:
                rings.append(pts)
        if not rings:
            continue
        rows.append({"dxf_layer": layer, "dxf_type": kind})
        geoms.append(_rings_to_polygons(rings))
    if not geoms:
        layer_names = sorted({e.dxf.layer for e in msp})
        raise _err(f"DXF 中没有闭合多段线或填充边界(图层:{'、'.join(layer_names) or '无'})。",
                   f"The DXF has no closed polylines or hatches (layers: {', '.join(layer_names) or 'none'}).")
    gdf = gpd.GeoDataFrame(rows, geometry=geoms)
    if texts:
        labels = []
        for g in geoms:
            inside = [t for p, t in texts if g.contains(p)]
            labels.append(inside[0] if inside else None)
        gdf["label"] = labels
    return gdf, warnings


def dxf_layers(path: str) -> list[str]:
    import ezdxf

    return sorted({e.dxf.layer for e in ezdxf.readfile(path).modelspace()})


# ---- entry point ---------------------------------------------------------------------------

def read_source(path: str, *, layer: str | None = None, encoding: str | None = None,
                dxf_layers_filter: list[str] | None = None) -> Source:
    """Read any supported file into a Source (not yet reprojected or validated)."""
    import pyogrio

    if not os.path.exists(path):
        raise _err(f"找不到文件 {path}。", f"The file {path} does not exist.")
    ext = os.path.splitext(path)[1].lower()
    warnings: list[str] = []
    tmp = None
    if ext in (".zip", ".kmz"):
        tmp = tempfile.TemporaryDirectory(prefix="landapp-import-")
        files = safe_extract(path, tmp.name)
        if ext == ".kmz":
            inner = [f for f in files if f.lower().endswith(".kml")]
        else:
            inner = [f for f in files if f.lower().endswith((".shp", ".geojson", ".json", ".gpkg", ".kml", ".dxf", ".csv"))]
        if not inner:
            raise _err("压缩包里没有可导入的文件(.shp、.geojson、.gpkg、.kml、.dxf、.csv)。",
                       "The archive holds no file to import (.shp, .geojson, .gpkg, .kml, .dxf, .csv).")
        src = read_source(inner[0], layer=layer, encoding=encoding, dxf_layers_filter=dxf_layers_filter)
        src.tmpdir = tmp
        src.path = path
        if len(inner) > 1:
            src.warnings.append(tr(f"压缩包中有 {len(inner)} 个数据文件,只导入了 {os.path.basename(inner[0])}。",
                                   f"The archive holds {len(inner)} data files; imported {os.path.basename(inner[0])}."))
        return src
    crs = None
    enc = encoding
    try:
        if ext == ".shp":
            gdf, enc, w = _read_shapefile(path, encoding)
            warnings += w
            crs = gdf.crs
            fmt = "shp"
        elif ext in (".geojson", ".json", ".gpkg", ".kml"):
            gdf = pyogrio.read_dataframe(path, layer=layer)
            crs = gdf.crs
            fmt = ext[1:]
            if ext == ".kml":
                gdf = gdf.rename(columns={"Name": "name", "Description": "description"})
        elif ext == ".dxf":
            gdf, w = read_dxf(path, dxf_layers_filter)
            warnings += w
            fmt = "dxf"
        elif ext == ".csv":
            gdf, enc, w = read_csv(path, encoding)
            warnings += w
            fmt = "csv"
        elif ext == ".dat":
            text, enc = _read_text(path, encoding)
            gdf, w = read_cass_dat(text)
            warnings += w
            fmt = "cass"
        elif ext == ".txt":
            text, enc = _read_text(path, encoding)
            gdf, meta, w = read_baopan(text)
            warnings += w
            fmt = "baopan"
            crs = baopan_crs(meta, warnings)
        else:
            raise _err(f"不支持的文件类型 {ext}。", f"Unsupported file type {ext}.")
    except LandappError:
        raise
    except Exception as e:  # GDAL and friends: one clear sentence
        raise _err(f"无法读取 {os.path.basename(path)}:{e}", f"Cannot read {os.path.basename(path)}: {e}") from None
    gdf = gdf.set_crs(None, allow_override=True) if gdf.crs is not None else gdf
    check_coordinates(gdf)
    return Source(path, gdf, crs, enc, warnings, layer, fmt, tmp)


def baopan_crs(meta: dict, warnings: list[str]):
    """CRS from the 报盘 [属性描述] block: 坐标系, 几度分带, 带号."""
    from pyproj import CRS

    system = meta.get("坐标系", "")
    if "1954" in system or "1980" in system or "西安" in system or "北京" in system:
        raise _err(f"报盘文件使用{system}坐标系,需要当地转换参数才能转为 CGCS2000,不能直接导入。",
                   f"The file uses {system}; converting it to CGCS2000 needs local parameters, so it cannot be imported as is.")
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


def check_coordinates(gdf: gpd.GeoDataFrame) -> None:
    coords = shapely.get_coordinates(gdf.geometry.values)
    if len(coords) == 0:
        raise _err("文件中没有任何几何图形。", "The file contains no geometry.")
    if not np.isfinite(coords).all():
        raise _err("文件中有坐标是空值(NaN)或无穷大,已拒绝。", "The file has coordinates that are NaN or infinite; refused.")
    if np.abs(coords).max() > ABSURD:
        raise _err("文件中的坐标大得离谱(超过 1 亿),不是地图坐标,已拒绝。",
                   "The file has absurd coordinates (beyond 100 million); refused.")
