"""Reading what planners receive: Shapefile (plain or zipped), GeoJSON, KML/KMZ, GeoPackage,
DXF (closed polylines with bulges, hatches, a layer filter), CSV with WKT or X/Y columns, and
coordinate files (the land-approval 报盘 exchange format, CASS .dat). Each reader returns a
Source: a GeoDataFrame, the file's CRS if it has one, the text encoding, and warnings. DXF
reading is in `dxf.py`, the coordinate files in `coordfiles.py`.

Safety: zip entries that would land outside the extraction folder, zip bombs (too large in
total, too compressed) and absurd or NaN coordinates are refused with a clear message."""

from __future__ import annotations

import codecs
import io
import os
import tempfile
import warnings as _warnings
import zipfile
import zlib
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry import Polygon

from landapp.errors import LandappError
from landapp.i18n import tr

__all__ = ["Source", "baopan_crs", "check_coordinates", "dxf_layers", "read_baopan", "read_cass_dat",
           "read_csv", "read_dxf", "read_source", "redecode", "safe_extract", "source_layers"]

if TYPE_CHECKING:
    import geopandas as gpd

    from landapp.dataio.coordfiles import baopan_crs, read_baopan, read_cass_dat
    from landapp.dataio.dxf import dxf_layers, read_dxf

# geopandas, pandas and the DXF and coordinate-file readers are imported when a reader
# needs them: a shapefile is read through Arrow alone, and `landapp import` starts faster
_LAZY = {"baopan_crs": "landapp.dataio.coordfiles", "read_baopan": "landapp.dataio.coordfiles",
         "read_cass_dat": "landapp.dataio.coordfiles", "dxf_layers": "landapp.dataio.dxf",
         "read_dxf": "landapp.dataio.dxf"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)

MAX_UNZIPPED = 2 * 2**30  # 2 GiB
MAX_RATIO = 200  # uncompressed / compressed per entry
MAX_ENTRIES = 5000
ABSURD = 1e8  # |coordinate| beyond this is no map coordinate on Earth


class Source:
    """What was read: the attribute table and geometries, the file's CRS if it has one, the
    text encoding, and warnings. A shapefile keeps its attributes as an Arrow table (text
    decoded once per column, no Python object per cell) and its geometries as one array:
    the importer takes them chunk by chunk, and `gdf` builds the GeoDataFrame only when
    someone asks for it (the import dialog's preview, tests). Once built, `gdf` is the data."""

    def __init__(self, path: str, gdf: gpd.GeoDataFrame | None, crs: object | None,
                 encoding: str | None = None, warnings: list[str] | None = None, layer: str | None = None,
                 fmt: str = "", tmpdir: object | None = None, *, table=None, wkb: np.ndarray | None = None):
        if gdf is None and (table is None or wkb is None):
            raise ValueError("a Source needs a GeoDataFrame or an Arrow table with WKB geometries")
        self.path = path
        self._gdf = gdf
        self._table = None if gdf is not None else table
        self._wkb = None if gdf is not None else wkb  # 100k parcels: ~17 MB, as shapely objects ~40 MB
        self.crs = crs
        self.encoding = encoding
        self.warnings = list(warnings) if warnings is not None else []
        self.layer = layer
        self.fmt = fmt
        self.tmpdir = tmpdir  # keeps an extraction folder alive

    @property
    def gdf(self) -> gpd.GeoDataFrame:
        if self._gdf is None:
            import geopandas as gpd

            df = self._table.to_pandas()
            for name, typ in zip(self._table.column_names, self._table.schema.types):
                if pa_is_text(typ):
                    df[name] = df[name].astype(object)  # as the other readers give text
            self._gdf = gpd.GeoDataFrame(df, geometry=shapely.from_wkb(self._wkb))
            self._table = self._wkb = None
        return self._gdf

    @gdf.setter
    def gdf(self, value: gpd.GeoDataFrame) -> None:
        self._gdf, self._table, self._wkb = value, None, None

    def __len__(self) -> int:
        return len(self._gdf) if self._gdf is not None else self._table.num_rows

    @property
    def fields(self) -> list[str]:
        cols = self._gdf.columns if self._gdf is not None else self._table.column_names
        return [c for c in cols if c != "geometry"]

    @property
    def geometries(self) -> np.ndarray:
        """All geometries as an array of shapely objects."""
        return self.geometry_slice(0, len(self))

    def geometry_slice(self, start: int, stop: int) -> np.ndarray:
        """Rows start:stop of the geometries as a new array of shapely objects."""
        if self._gdf is not None:
            return np.array(self._gdf.geometry.values[start:stop], dtype=object)
        return shapely.from_wkb(self._wkb[start:stop])

    def total_bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) of all geometries, a chunk at a time."""
        if self._gdf is not None:
            return tuple(shapely.total_bounds(self._gdf.geometry.values).tolist())
        return _total_bounds(self._wkb)

    def values(self, columns: list[str], start: int, stop: int) -> dict[str, list]:
        """Rows start:stop of the columns as plain Python lists (one chunk of an import)."""
        if self._gdf is not None:
            part = self._gdf.iloc[start:stop]
            return {c: part[c].tolist() for c in columns}
        return {c: self._table.column(c).slice(start, stop - start).to_pylist() for c in columns}

    @property
    def signature(self) -> str:
        """Identifies 'the same kind of file' for remembering field mappings."""
        return f"{self.fmt}:" + ",".join(sorted(self.fields))


def pa_is_text(typ) -> bool:
    import pyarrow as pa

    return pa.types.is_string(typ) or pa.types.is_large_string(typ)


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
        total = packed = 0
        root = os.path.realpath(dest)
        for info in infos:
            name = info.filename.replace("\\", "/")
            target = os.path.realpath(os.path.join(dest, name))
            if name.startswith("/") or ".." in name.split("/") or not (target == root or target.startswith(root + os.sep)):
                raise _err(f"压缩包中的 {info.filename} 试图写到解压目录之外,已拒绝。",
                           f"The archive entry {info.filename} would be written outside the folder; refused.")
            total += info.file_size
            packed += info.compress_size
            if total > MAX_UNZIPPED or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                                        and info.file_size > 10 * 2**20) or (
                    total > 100 * 2**20 and total / max(packed, 1) > MAX_RATIO):  # many small bombs
                raise _err("压缩包解压后过大(疑似压缩炸弹),已拒绝。",
                           "The archive expands to an absurd size (a zip bomb?); refused.")
        out = []
        budget = min(MAX_UNZIPPED, total)  # the sizes the headers declare, which may lie
        try:
            for info in infos:
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1:
                    raise _err(f"压缩包中的 {_entry_name(info)} 有密码,请先解压后再导入。",
                               f"The archive entry {_entry_name(info)} is password-protected; extract it first.")
                target = os.path.join(dest, _entry_name(info).replace("\\", "/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(1 << 20):
                        budget -= len(chunk)
                        if budget < 0:
                            raise _err("压缩包解压后比它声明的大(疑似压缩炸弹),已拒绝。",
                                       "The archive expands beyond what it declares (a zip bomb?); refused.")
                        dst.write(chunk)
                out.append(target)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as e:
            raise _err(f"{os.path.basename(zpath)} 已损坏或使用了不支持的压缩方式,无法解压:{e}",
                       f"{os.path.basename(zpath)} is damaged or uses an unsupported compression: {e}") from None
        return out


def _entry_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Chinese Windows store names in GBK without the UTF-8 flag; Python reads
    them as CP437. Give them back their Chinese names (the traversal check ran on the raw name,
    and re-decoding cannot add a separator or '..')."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for enc in ("utf-8", "gb18030"):
        try:
            decoded = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return decoded if ".." not in decoded.replace("\\", "/").split("/") else name
    return name


def _is_junk(path: str) -> bool:
    """macOS resource forks (__MACOSX/, ._name.shp) that ride along in zips made on a Mac."""
    parts = path.replace("\\", "/").split("/")
    return "__MACOSX" in parts or parts[-1].startswith("._")


# ---- text encodings ----------------------------------------------------------------------

def _decode(raw: bytes, enc: str) -> str:
    """Strict decoding that forgives one multi-byte character cut off at the end: DBF field
    names are 10 bytes and text fields a fixed width, so a UTF-8 or GBK character is often
    cut in half there (raises UnicodeDecodeError for anything else)."""
    try:
        return raw.decode(enc)
    except UnicodeDecodeError:
        dec = codecs.getincrementaldecoder(enc)()
        return dec.decode(raw, final=False)  # an incomplete tail stays in the buffer


def _decode_all(values: list, enc: str) -> list:
    """Strings read as latin-1 decoded as `enc` (raises UnicodeDecodeError), other values
    kept. All of them in one decode of the joined text when it is clean (100k rows × 15
    fields: ~0.2 s instead of ~2 s one by one); NUL cannot be part of a UTF-8 or GB18030
    character, so the split gives the values back exactly. Else value by value, which
    forgives a character cut off at the end of a fixed-width field."""
    pos = [k for k, v in enumerate(values) if isinstance(v, str)]
    strs = [values[k] for k in pos]
    try:
        parts = "\x00".join(strs).encode("latin-1").decode(enc).split("\x00")
    except UnicodeDecodeError:
        parts = None
    if parts is None or len(parts) != len(strs):
        parts = [_decode(v.encode("latin-1"), enc) for v in strs]
    out = list(values)
    for k, v in zip(pos, parts):
        out[k] = v
    return [v.decode(enc) if isinstance(v, bytes) else v for v in out]


def redecode(values: list, encoding: str | None) -> tuple[list, str]:
    """Strings read as latin-1 (bytes preserved) decoded properly: the given encoding, or
    UTF-8 when every value is valid UTF-8, else GB18030 (a superset of GBK)."""
    candidates = [encoding] if encoding else ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return _decode_all(values, enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raw = [v.encode("latin-1") if isinstance(v, str) else v for v in values]
    return [r.decode(candidates[-1], errors="replace") if isinstance(r, bytes) else r for r in raw], candidates[-1]


def _codec(name: str | None) -> str | None:
    """A code page as .cpg files and DBF headers give it ('CP936', '936', 'ANSI 936', 'GBK',
    'UTF-8', '65001', 'Big5' …) as a Python codec name; GBK-family pages read as GB18030."""
    if not name:
        return None
    t = name.strip().strip("\x00").lower().replace("ansi", "").replace("_", "-").strip().replace(" ", "")
    if t.isdigit():
        t = f"cp{t}"
    try:
        codec = codecs.lookup(t).name
    except LookupError:
        return None
    return "gb18030" if codec in ("gbk", "gb2312", "gb18030", "cp936") else codec


# DBF header byte 29, the language driver id: the Chinese code pages (ArcView, older ArcGIS)
LDID = {0x4D: "gb18030", 0x7A: "gb18030", 0x4F: "cp950", 0x78: "cp950"}


def _shapefile_declared(path: str) -> tuple[str | None, str]:
    """The encoding a shapefile declares: its .cpg, else its DBF language driver id."""
    stem = os.path.splitext(path)[0]
    for ext in (".cpg", ".CPG"):
        if os.path.exists(stem + ext):
            with open(stem + ext, encoding="ascii", errors="ignore") as fh:
                declared = fh.read().strip()
            return _codec(declared), f".cpg ({declared})"
    for ext in (".dbf", ".DBF"):
        if os.path.exists(stem + ext):
            with open(stem + ext, "rb") as fh:
                head = fh.read(32)
            if len(head) > 29 and head[29] in LDID:
                return LDID[head[29]], f"DBF LDID 0x{head[29]:02X}"
    return None, ""


def _joined(col) -> bytes:
    """A text column's bytes, values joined by NUL (nulls as empty text): one Python object
    per column, not per cell. col: the file's bytes (binary), or text read as latin-1."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(col) == 0:
        return b""
    raw = pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type)
    lists = pa.ListArray.from_arrays(pa.array([0, len(col)], pa.int32()), pc.fill_null(col, b"" if raw else ""))
    joined = pc.binary_join(lists, b"\x00" if raw else "\x00")[0].as_py()
    return joined if raw else joined.encode("latin-1")


def _text_array(col, enc: str, strict: bool):
    """A text column (its bytes, or read as latin-1) decoded as `enc`, as an Arrow array. The whole column
    in one decode (its NUL-joined bytes; NUL is no part of a UTF-8 or GB18030 character, so
    the split gives the values back exactly) and the result's offsets found with numpy;
    value by value only when the joined text does not decode (a character cut off at the
    end of a fixed-width field is forgiven as in `_decode_all`). strict: raise
    UnicodeDecodeError (LookupError for an unknown codec), else replace what cannot be read."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(col)
    try:
        text = _joined(col).decode(enc)
    except UnicodeDecodeError:
        text = None
    if text is not None:
        raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        seps = np.flatnonzero(raw == 0)
        if len(seps) == n - 1:
            offsets = np.empty(n + 1, dtype=np.int64)
            offsets[0] = 0
            offsets[1:n] = seps - np.arange(n - 1)
            offsets[n] = len(raw) - (n - 1)
            data = raw[raw != 0] if n > 1 else raw
            out = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
            return out if col.null_count == 0 else pc.if_else(pc.is_valid(col), out, pa.scalar(None, pa.large_string()))
    values = [v.decode("latin-1") if isinstance(v, bytes) else v for v in col.to_pylist()]  # as read byte for byte
    if strict:
        decoded = _decode_all(values, enc)
    else:
        decoded = [v.encode("latin-1").decode(enc, errors="replace") if isinstance(v, str) else v for v in values]
    return pa.array(decoded, type=pa.large_string())


def _shapefile_raw(path: str):
    """A shapefile read through Arrow with GDAL recoding nothing (its ENCODING open option
    set to ""): text columns as the file's bytes, decoded once by the caller (reading them
    recoded from latin-1 costs GDAL twice the time). The field names come from GDAL read
    as latin-1 (raw names are not always UTF-8, which Arrow needs), the columns by position.
    None when GDAL does not give the columns expected."""
    import pyarrow as pa
    import pyogrio

    names = [str(c) for c in pyogrio.read_info(path, encoding="latin1")["fields"]]
    with pyogrio.open_arrow(path, batch_size=10_000, use_pyarrow=True, ENCODING="") as (meta, reader):
        types = list(reader.schema.types)
        parts = [b.to_struct_array() for b in reader]
    if len(types) != len(names) + 1 or not pa.types.is_binary(types[-1]) or len(set(names)) != len(names):
        return None
    n_rows = sum(len(p) for p in parts)
    wkb = np.concatenate([p.field(len(names)).to_numpy(zero_copy_only=False) for p in parts]) if parts \
        else np.full(0, None, dtype=object)
    columns, others = {}, {}
    for k, (name, typ) in enumerate(zip(names, types)):
        if pa_is_text(typ):
            columns[name] = [p.field(k).cast(pa.binary()) for p in parts]
        else:
            others[name] = pa.concat_arrays([p.field(k) for p in parts]) if parts else pa.array([], typ)
    return meta, names, wkb, n_rows, columns, others


def _shapefile_latin1(path: str):
    """A shapefile read through Arrow with its text recoded from latin-1 (bytes preserved)."""
    import pyarrow as pa
    import pyogrio

    with pyogrio.open_arrow(path, encoding="latin1", batch_size=10_000, use_pyarrow=True) as (meta, reader):
        batches = list(reader)
        schema = reader.schema
    geom_name = meta["geometry_name"] or "wkb_geometry"
    n_rows = sum(len(b) for b in batches)
    wkb = np.concatenate([b.column(geom_name).to_numpy(zero_copy_only=False) for b in batches]) \
        if batches and geom_name in schema.names else np.full(n_rows, None, dtype=object)
    names = [c for c in schema.names if c != geom_name]
    columns = {c: [b.column(c) for b in batches] for c in names if pa_is_text(schema.field(c).type)}
    others = {c: pa.concat_arrays([b.column(c) for b in batches]) if batches else pa.array([], schema.field(c).type)
              for c in names if c not in columns}
    return meta, names, wkb, n_rows, columns, others


def _read_shapefile(path: str, encoding: str | None) -> tuple[object, np.ndarray, object, str, list[str]]:
    """Text is read byte for byte and decoded here: with the encoding the user
    chose, else the one the file declares (.cpg or DBF header), else detected from the field
    names and values together (UTF-8 if all of it is valid UTF-8, else GB18030). Returns the
    attributes as an Arrow table (text decoded column by column, no Python object per cell),
    the geometries, the CRS, the encoding and warnings."""
    import pyarrow as pa

    warnings = []
    # In batches: GDAL's buffers for a wide DBF stay small (100k rows: +60 MB, not +115 MB).
    # What is kept is copied out of the batches, so they are freed when this returns.
    read = _shapefile_raw(path)
    if read is None:  # GDAL gave something else than expected: its text recoded from latin-1
        read = _shapefile_latin1(path)
    meta, names, wkb, n_rows, columns, others = read
    text_cols = list(columns)
    decoded: dict[str, object] = {}

    def decode(c: str, enc: str, strict: bool):
        return pa.chunked_array([_text_array(part, enc, strict) for part in columns[c]], type=pa.large_string())

    def decodes(enc: str) -> bool:
        """Whether the names and every text value decode as enc (the columns kept)."""
        try:
            _decode_all(names, enc)
            for c in text_cols:
                decoded[c] = decode(c, enc, strict=True)
        except (UnicodeDecodeError, LookupError):
            decoded.clear()
            return False
        return True

    declared, where = _shapefile_declared(path)
    if encoding:
        decided = _codec(encoding) or encoding
        if not decodes(decided):
            warnings.append(tr(f"按所选编码 {encoding.upper()} 有文字无法解码(显示为 �),请换一种编码。",
                               f"Some text cannot be decoded as {encoding.upper()} (shown as �); try another encoding."))
    elif declared and decodes(declared):
        decided = declared
    else:
        decided = next((enc for enc in ("utf-8", "gb18030") if decodes(enc)), "gb18030")
        if declared:
            warnings.append(tr(f"文件声明的编码 {where} 与内容不符,已改按 {decided.upper()} 读取;请在预览中核对中文。",
                               f"The file declares {where} but its text is not in it; read as {decided.upper()}, "
                               "check the Chinese text in the preview."))
        elif decided != "utf-8" or not all(c.isascii() for c in names) or not all(
                _joined(part).isascii() for c in text_cols for part in columns[c]):
            warnings.append(tr(f"文件未声明编码(缺少 .cpg),按 {decided.upper()} 读取;请在预览中核对中文是否正常。",
                               f"No .cpg: read as {decided.upper()}; check the Chinese text in the preview."))
    for c in text_cols:
        if c not in decoded:
            decoded[c] = decode(c, decided, strict=False)
    arrays = [decoded[c] if c in decoded else others[c] for c in names]
    columns.clear()
    renamed = [redecode([c], decided)[0][0].strip() or c for c in names]
    out = pa.table(arrays, names=renamed) if names else pa.table({"_": pa.nulls(n_rows)}).drop_columns(["_"])
    crs = None
    if meta.get("crs"):
        from pyproj import CRS

        crs = CRS.from_user_input(meta["crs"])
    return out, wkb, crs, decided, warnings


def _read_text(path: str, encoding: str | None) -> tuple[str, str]:
    with open(path, "rb") as fh:
        data = fh.read()
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
    import geopandas as gpd
    import pandas as pd

    text, enc = _read_text(path, encoding)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = max(",\t;|", key=first.count) if first else ","  # Excel in some locales writes ; or tabs
    df = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False, sep=sep)
    cols = {c.strip().lower(): c for c in df.columns}
    wkt = next((cols[n] for n in WKT_NAMES if n in cols), None)
    if wkt:
        geoms, warnings = [], []
        for i, value in enumerate(df[wkt].tolist()):
            try:
                geoms.append(shapely.from_wkt(value) if value.strip() else None)
            except shapely.errors.GEOSException as e:
                geoms.append(None)
                warnings.append(tr(f"第 {i + 2} 行的 WKT 无法解析({e}),该行已跳过。",
                                   f"Row {i + 2}: the WKT cannot be read ({e}); row skipped."))
        if all(g is None for g in geoms) and warnings:
            raise _err(f"WKT 列无法解析:{warnings[0]}", f"The WKT column cannot be read: {warnings[0]}")
        return gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=geoms), enc, warnings
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
    for idx in key.groupby(key, sort=False).groups.values():
        pts = list(zip(xs[idx], ys[idx]))
        if len(pts) < 3:
            continue
        first = df.loc[idx[0]].to_dict()
        first.pop(x), first.pop(y)
        rows.append(first)
        geoms.append(Polygon(pts))
    return gpd.GeoDataFrame(rows, geometry=geoms), enc, [tr("按 X/Y 列逐点连成地块。", "Polygons built point by point from X/Y.")]


# ---- entry point ---------------------------------------------------------------------------

DATA_EXTS = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".dxf", ".csv", ".dat", ".txt")
KML_BOILERPLATE = ("altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon")


def source_layers(path: str) -> list[str]:
    """The layers of a GeoPackage / GeoJSON (for choosing one), the folders of a KML, the
    layers of a DXF drawing; [] for single-table formats."""
    import pyogrio

    ext = os.path.splitext(path)[1].lower()
    if ext == ".dxf":
        from landapp.dataio.dxf import dxf_layers

        return dxf_layers(path)
    if ext in (".gpkg", ".kml", ".geojson", ".json"):
        try:
            return [str(n) for n, _ in pyogrio.list_layers(path)]
        except Exception:  # noqa: BLE001 - unreadable: read_source says why
            return []
    return []


def _read_ogr(path: str, ext: str, layer: str | None, warnings: list[str]) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    """GeoPackage, GeoJSON and KML through GDAL. A KML's folders are GDAL layers: all of
    them are read (Google Earth and 奥维 put placemarks in folders), with the folder as a
    column. Of a GeoPackage with several layers the asked one, else the first polygon layer."""
    import pyogrio

    listed = pyogrio.list_layers(path)
    names = [str(n) for n, _ in listed]
    if layer is not None and layer not in names:
        raise _err(f"{os.path.basename(path)} 中没有图层“{layer}”;有:{'、'.join(names)}。",
                   f"{os.path.basename(path)} has no layer '{layer}'; it has: {', '.join(names)}.")
    if ext == ".kml":
        wanted = [layer] if layer else names
        frames = []
        for name in wanted:
            part = pyogrio.read_dataframe(path, layer=name)
            if len(wanted) > 1:
                part["folder"] = name
            frames.append(part)
        gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
        gdf = gdf.rename(columns={"Name": "name", "Description": "description"})
        drop = [c for c in gdf.columns if c in KML_BOILERPLATE
                or (c in ("id", "timestamp", "begin", "end", "snippet") and gdf[c].isna().all())]
        return gdf.drop(columns=drop)
    if layer is None and len(names) > 1:
        polygonal = [str(n) for n, g in listed if "polygon" in str(g).lower() or "surface" in str(g).lower()]
        layer = (polygonal or names)[0]
        warnings.append(tr(f"文件中有 {len(names)} 个图层({'、'.join(names)}),读取了“{layer}”;可另选图层(命令行用 --layer)。",
                           f"The file has {len(names)} layers ({', '.join(names)}); read '{layer}'. "
                           "Choose another one with --layer."))
    return pyogrio.read_dataframe(path, layer=layer)


def read_source(path: str, *, layer: str | None = None, encoding: str | None = None,
                dxf_layers_filter: list[str] | None = None) -> Source:
    """Read any supported file into a Source (not yet reprojected or validated)."""
    if not os.path.exists(path):
        raise _err(f"找不到文件 {path}。", f"The file {path} does not exist.")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise _err(f"不认识的文字编码 {encoding};可用 gbk、gb18030、utf-8、big5 等。",
                       f"Unknown text encoding {encoding}; use gbk, gb18030, utf-8, big5 …") from None
    ext = os.path.splitext(path)[1].lower()
    warnings: list[str] = []
    tmp = None
    if ext in (".zip", ".kmz"):
        tmp = tempfile.TemporaryDirectory(prefix="landapp-import-")
        files = [f for f in safe_extract(path, tmp.name) if not _is_junk(f)]
        exts = (".kml",) if ext == ".kmz" else DATA_EXTS
        inner = sorted((f for f in files if f.lower().endswith(exts)),
                       key=lambda f: exts.index(os.path.splitext(f)[1].lower()))
        if ext == ".zip" and any(not f.lower().endswith(".txt") for f in inner):
            inner = [f for f in inner if not f.lower().endswith(".txt")]  # a read-me beside the data
        if not inner:
            raise _err("压缩包里没有可导入的文件(.shp、.gpkg、.geojson、.kml、.dxf、.csv、.dat、.txt)。",
                       "The archive holds no file to import (.shp, .gpkg, .geojson, .kml, .dxf, .csv, .dat, .txt).")
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
        with _warnings.catch_warnings():  # GDAL's notes become our warnings or errors, not stderr noise
            _warnings.simplefilter("ignore")
            if ext == ".shp":
                table, wkb, crs, enc, w = _read_shapefile(path, encoding)
                warnings += w
                check_coordinates(wkb)
                return Source(path, None, crs, enc, warnings, layer, "shp", tmp, table=table, wkb=wkb)
            elif ext in (".geojson", ".json", ".gpkg", ".kml"):
                gdf = _read_ogr(path, ext, layer, warnings)
                crs = gdf.crs
                fmt = ext[1:]
            elif ext == ".dxf":
                from landapp.dataio.dxf import read_dxf

                gdf, w = read_dxf(path, dxf_layers_filter)
                warnings += w
                fmt = "dxf"
            elif ext == ".csv":
                gdf, enc, w = read_csv(path, encoding)
                warnings += w
                fmt = "csv"
            elif ext == ".dat":
                text, enc = _read_text(path, encoding)
                from landapp.dataio.coordfiles import read_cass_dat

                gdf, w = read_cass_dat(text)
                warnings += w
                fmt = "cass"
            elif ext == ".txt":
                text, enc = _read_text(path, encoding)
                from landapp.dataio.coordfiles import baopan_crs, read_baopan

                gdf, meta, w = read_baopan(text)
                warnings += w
                fmt = "baopan"
                crs = baopan_crs(meta, warnings)
            elif ext == ".dwg":
                raise _err("不能直接读取 DWG 文件;请在 CAD 中“另存为”DXF 后再导入。",
                           "DWG files cannot be read; save the drawing as DXF in your CAD program and import that.")
            else:
                raise _err(f"不支持的文件类型 {ext or '(无扩展名)'}。", f"Unsupported file type {ext or '(none)'}.")
    except LandappError:
        raise
    except Exception as e:  # noqa: BLE001 - GDAL and friends raise many types: one clear sentence
        raise _err(f"无法读取 {os.path.basename(path)}(文件可能不完整或已损坏):{e}",
                   f"Cannot read {os.path.basename(path)} (it may be incomplete or damaged): {e}") from None
    gdf = gdf.set_crs(None, allow_override=True) if gdf.crs is not None else gdf
    check_coordinates(gdf)
    return Source(path, gdf, crs, enc, warnings, layer, fmt, tmp)


CHECK_ROWS = 20_000  # geometries decoded at a time when checking WKB


def check_coordinates(gdf) -> None:
    """Refuses files without geometry and NaN or absurd coordinates. gdf: a GeoDataFrame,
    or an array of WKB (looked at a chunk at a time)."""
    if hasattr(gdf, "geometry"):  # a GeoDataFrame
        parts = [gdf.geometry.values]
    else:
        parts = (shapely.from_wkb(gdf[k:k + CHECK_ROWS]) for k in range(0, len(gdf), CHECK_ROWS))
    count, finite, largest = 0, True, 0.0
    for geoms in parts:
        coords = shapely.get_coordinates(geoms)
        count += len(coords)
        if len(coords):
            finite = finite and bool(np.isfinite(coords).all())
            largest = max(largest, float(np.nanmax(np.abs(coords))) if not np.isnan(coords).all() else 0.0)
    if count == 0:
        raise _err("文件中没有任何几何图形(文件可能是空的、不完整或已损坏)。",
                   "The file contains no geometry (it may be empty, incomplete or damaged).")
    if not finite:
        raise _err("文件中有坐标是空值(NaN)或无穷大,已拒绝。", "The file has coordinates that are NaN or infinite; refused.")
    if largest > ABSURD:
        raise _err("文件中的坐标大得离谱(超过 1 亿),不是地图坐标,已拒绝。",
                   "The file has absurd coordinates (beyond 100 million); refused.")


def _total_bounds(wkb: np.ndarray) -> tuple[float, float, float, float]:
    boxes = [shapely.total_bounds(shapely.from_wkb(wkb[k:k + CHECK_ROWS])) for k in range(0, len(wkb), CHECK_ROWS)]
    if not boxes:
        return (np.nan,) * 4
    b = np.vstack(boxes)
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")  # all-NaN chunks (empty geometries)
        return (float(np.nanmin(b[:, 0])), float(np.nanmin(b[:, 1])), float(np.nanmax(b[:, 2])), float(np.nanmax(b[:, 3])))
