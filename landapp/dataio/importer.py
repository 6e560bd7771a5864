"""Importing a Source into zones, parcels or buildings: field mapping (remembered per kind
of file), reprojection into the project CRS (GCJ-02 converted on request), geometry repair
or rejection with a per-feature report, old land-use codes mapped, duplicate codes and
overlaps with existing parcels reported. The import is one transaction: on a fatal error
nothing is written and the project file is unchanged.

Rows are checked and written CHUNK_ROWS at a time inside that transaction (memory holds one
chunk's values as Python objects), and a chunk's values a column at a time: each distinct
value goes through the field's checks once; a row whose geometry needs converting or
repair, or whose values fail or need a default, is checked on its own as before and
reports its problems (tests/landapp/test_import_chunks.py holds the two paths equal)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from landapp import landuse
from landapp.coords import gcj02_to_wgs84
from landapp.dataio.crs import fits, fix_zone_prefix, in_degrees, is_legacy, propose, refuse_legacy
from landapp.dataio.readers import Source
from landapp.editing import Edit
from landapp.errors import LandappError, ValidationError
from landapp.i18n import tr
from landapp.schema import _field_value, spec, validate_record
from landapp.store.base import ProjectStore

# Source field names (lower case) that mean one of our fields.
SYNONYMS = {
    "code": ["地块编号", "宗地号", "宗地代码", "地块号", "dkbh", "zddm", "parcel_code", "parcel", "code", "编号", "label"],
    "name": ["地块名称", "名称", "项目名称", "dkmc", "name", "建筑名称", "片区名称"],
    "land_use": ["用地性质", "用地代码", "地类编号", "地类代码", "用途代码", "ydxz", "dlbm", "land_use", "landuse", "用地类型"],
    "zone": ["所在片区", "片区", "功能区", "zone"],
    "status": ["状态", "地块状态", "status"],
    "land_user": ["土地使用权人", "权利人", "使用权人", "land_user", "qlr"],
    "location": ["位置", "坐落", "地址", "location", "zl"],
    "far_max": ["容积率", "容积率上限", "far", "rjl"],
    "density": ["建筑密度", "density", "jzmd"],
    "green_ratio": ["绿地率", "green_ratio", "ldl"],
    "height_limit": ["限高", "建筑限高", "height_limit", "xg"],
    "supply_date": ["供地日期", "出让日期", "supply_date"],
    "btype": ["类型", "建筑类型", "btype"],
    "storeys": ["层数", "storeys", "floors", "cs"],
    "kind": ["类型", "kind"],
    "note": ["备注", "note", "description", "说明", "bz"],
}
DEFAULTS = {"parcels": {"status": "储备"}, "buildings": {"btype": "其他"}, "zones": {}}
# What other departments' tables write for our value lists (field -> their word -> ours).
VALUE_SYNONYMS = {
    "btype": {"写字楼": "楼宇", "办公楼": "楼宇", "商务楼": "楼宇", "商务楼宇": "楼宇", "总部楼宇": "楼宇",
              "厂房": "标准厂房", "标准化厂房": "标准厂房", "工业厂房": "标准厂房", "多层厂房": "标准厂房",
              "单层厂房": "标准厂房"},
    "status": {"储备地": "储备", "储备用地": "储备", "待出让": "待供", "拟供": "待供", "已供未建": "已供未开工",
               "未动工": "已供未开工", "建设中": "在建", "已动工未竣工": "在建", "已建成": "已建成投产",
               "已投产": "已建成投产", "建成投产": "已建成投产", "闲置土地": "闲置", "低效用地": "低效"},
    "supply_method": {"招标出让": "招标", "拍卖出让": "拍卖", "挂牌出让": "挂牌", "协议出让": "协议",
                      "划拨供地": "划拨", "弹性出让": "弹性年期出让"},
    "grade": {"主干道": "主干路", "次干道": "次干路", "快速道路": "快速路", "城市支路": "支路"},
}


@dataclass
class FeatureProblem:
    index: int
    message: str
    fatal: bool


@dataclass
class ImportReport:
    layer: str
    read: int = 0
    imported: int = 0
    repaired: int = 0
    skipped: int = 0
    fids: list[int] = field(default_factory=list)
    problems: list[FeatureProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    crs: str = ""
    extent: tuple[float, float, float, float] | None = None  # of what was (or would be) imported
    unknown_land_use: int = 0  # features whose land-use value was kept in 原用地代码, code to set

    def summary(self) -> str:
        more = tr(f";{self.unknown_land_use} 个要素的用地性质待补填(原值见“原用地代码”)",
                  f"; {self.unknown_land_use} features need a land-use code (original value kept)") \
            if self.unknown_land_use else ""
        return tr(f"读取 {self.read} 个要素,导入 {self.imported} 个(修复 {self.repaired},跳过 {self.skipped}),坐标系 {self.crs}{more}。",
                  f"Read {self.read} features, imported {self.imported} ({self.repaired} repaired, {self.skipped} skipped); CRS {self.crs}{more}.")


class ImportCancelled(LandappError):
    pass


class ImportedFeatures(Edit):
    """An import as an undoable edit: undo deletes what it brought in (one transaction, one
    change event), redo puts it back. Made after import_source has written the features."""

    def __init__(self, layer: str, fids: list[int], source_name: str = ""):
        self.layer = layer
        self.fids = list(fids)
        self.source_name = source_name
        self.records: list[dict] = []

    @property
    def text(self) -> str:
        return tr(f"导入 {len(self.fids)} 个要素({self.source_name})", f"Import {len(self.fids)} features ({self.source_name})")

    def apply(self, store: ProjectStore) -> None:
        self.fids = store.insert_many(self.layer, self.records, validate=False)

    def revert(self, store: ProjectStore) -> None:
        self.records = store.delete_many(self.layer, self.fids)


def auto_mapping(fields: list[str], layer: str) -> dict[str, str]:
    """Source field -> our field, by name, Chinese title or common synonyms."""
    s = spec(layer)
    titles = {f.title_zh.lower(): f.name for f in s.fields if not f.computed}
    # our own Shapefile exports shorten names to DBF's 10 bytes: recognise them coming back
    shortened = {f.name[:10]: f.name for f in s.fields if not f.computed and len(f.name) > 10}
    out = {}
    for src in fields:
        key = src.strip().lower()
        target = None
        if s.has(key) and not s.field(key).computed:
            target = key
        elif key in titles:
            target = titles[key]
        elif key in shortened:
            target = shortened[key]
        elif len(key) >= 3 and len(cut := [n for t, n in titles.items() if t.startswith(key)]) == 1:
            target = cut[0]  # a Chinese title cut short by DBF's 10 bytes ('地块名称' -> '地块名')
        else:
            for ours, names in SYNONYMS.items():
                if s.has(ours) and key in [n.lower() for n in names]:
                    target = ours
                    break
        if target and target not in out.values():
            out[src] = target
    return out


def remembered_mapping(store: ProjectStore, source: Source, layer: str) -> dict[str, str] | None:
    raw = store.get_setting(f"import_mapping:{layer}:{source.signature}")
    return json.loads(raw) if raw else None


def remember_mapping(store: ProjectStore, source: Source, layer: str, mapping: dict[str, str],
                    land_use_map: dict[str, str] | None = None) -> None:
    """Remember the field mapping (and the land-use values' meaning) for this kind of file,
    so the next file of the kind is mapped the same way."""
    store.set_setting(f"import_mapping:{layer}:{source.signature}", json.dumps(mapping, ensure_ascii=False))
    if land_use_map is not None:
        store.set_setting(f"import_land_use:{layer}:{source.signature}", json.dumps(land_use_map, ensure_ascii=False))


def remembered_land_use_map(store: ProjectStore, source: Source, layer: str) -> dict[str, str] | None:
    raw = store.get_setting(f"import_land_use:{layer}:{source.signature}")
    return json.loads(raw) if raw else None


def land_use_values(source: Source, mapping: dict[str, str], land_use_map: dict[str, str] | None = None,
                    limit: int = 200) -> list[tuple[str, int, str | None]]:
    """The distinct land-use values of the source with their counts and the code each will
    be imported as (from land_use_map, else read as a code or a name): what the mapping
    dialog lists for the user to check and correct."""
    src = next((f for f, ours in mapping.items() if ours == "land_use"), None)
    if src is None or src not in source.fields:
        return []
    import pandas as pd

    counts = pd.Series(source.values([src], 0, len(source))[src], dtype=object).dropna().astype(str).str.strip()
    counts = counts[counts != ""].value_counts()
    land_use_map = land_use_map or {}
    return [(v, int(k), land_use_map[v] if v in land_use_map else landuse.guess_code(v))
            for v, k in counts.head(limit).items()]


def _settle(crs: CRS, bounds, swap_xy: bool | None, notes: list[str]) -> tuple[CRS, bool]:
    """The zone prefix checked against the eastings, and X/Y exchanged when the data fit the
    CRS only that way (surveyors' X is the northing) or when the caller says so."""
    first, error = None, None
    for swap in ([False, True] if swap_xy is None else [swap_xy]):
        b = (bounds[1], bounds[0], bounds[3], bounds[2]) if swap else bounds
        try:
            fixed, note = fix_zone_prefix(crs, b)
        except LandappError as e:
            error = error or e
            continue
        if fits(fixed, b):
            if swap and swap_xy is None:
                notes.append(tr("坐标的 X/Y 与坐标系的轴序相反(X 为北坐标),已互换。",
                                "X and Y are the other way round for this CRS (X is the northing); exchanged."))
            notes += [note] if note else []
            return fixed, swap
        first = first or (fixed, swap, note)
    if error is not None:  # the zone prefix contradicts the CRS: say that, not 'out of range'
        raise error
    fixed, swap, note = first  # fits nowhere: the range check reports it
    notes += [note] if note else []
    return fixed, swap


def resolve_crs(source: Source, project_epsg: int, src_crs: str | None = None,
                swap_xy: bool | None = None) -> tuple[CRS, bool, list[str]]:
    """The CRS to read the source in, whether its axes must be swapped, and notes. The CRS
    is the one given, else the file's, else the best candidate judged from the digits; the
    zone prefix and the axis order are checked against the coordinates either way."""
    notes: list[str] = []
    bounds = source.total_bounds()
    if src_crs:
        try:
            crs = CRS.from_user_input(src_crs)
        except CRSError:
            raise LandappError(tr(f"无法识别坐标系 {src_crs}。", f"Unknown coordinate system {src_crs}.")) from None
        refuse_legacy(crs)
        if source.crs is not None and is_legacy(source.crs):  # the user overrides a legacy .prj
            notes.append(tr(
                f"文件声明为 {CRS.from_user_input(source.crs).name},按指定的 {src_crs} 读取,坐标未作任何转换;"
                "如果数据确实是北京 1954 / 西安 1980 坐标,位置会偏差数十米至上百米。",
                f"The file declares {CRS.from_user_input(source.crs).name}; read as {src_crs} as asked, with the "
                "coordinates unchanged. If the data really are Beijing 1954 / Xi'an 1980, they will be off by "
                "tens to hundreds of metres."))
        return (*_settle(crs, bounds, swap_xy, notes), notes)
    declared = CRS.from_user_input(source.crs) if source.crs is not None else None
    if declared is not None and declared.is_geographic and not in_degrees(bounds):
        # GDAL gives every GeoJSON WGS84 (RFC 7946), and .prj files can be wrong: metres are no degrees
        notes.append(tr(f"文件标明的坐标系是经纬度({declared.name}),但坐标是以米计的投影坐标;改按坐标数值推测。",
                        f"The file says {declared.name} (degrees) but its coordinates are projected metres; "
                        "judged from the digits instead."))
        declared = None
    if declared is not None:
        refuse_legacy(declared)
        return (*_settle(declared, bounds, swap_xy, notes), notes)
    cands = propose(bounds, project_epsg)
    if swap_xy is not None:
        cands = [c for c in cands if c.swap_xy == swap_xy] or cands
    if not cands:
        raise LandappError(tr("文件没有坐标系信息,坐标也看不出属于哪个坐标系;请用 --src-crs 指定(如 EPSG:4544)。",
                              "The file has no CRS and its coordinates do not reveal one; give it with --src-crs (e.g. EPSG:4544)."))
    best = cands[0]
    notes.append(tr(f"文件未带坐标系,按推测使用 {best.label}。", f"No CRS in the file; assumed {best.label}."))
    return CRS.from_epsg(best.epsg), best.swap_xy, notes


def _polygonal(g) -> tuple[object | None, bool]:
    """The polygons of a geometry (2D), closed lines made polygons (a 红线 traced as a line
    in Google Earth or drawn as a closed polyline). Returns (geometry or None, from_lines)."""
    if g.has_z:
        g = shapely.force_2d(g)
    polys, from_lines = [], False
    for part in shapely.get_parts(g):
        if part.geom_type == "Polygon":
            polys.append(part)
        elif part.geom_type in ("LineString", "LinearRing"):
            c = shapely.get_coordinates(part)
            if len(c) >= 4 and np.allclose(c[0], c[-1]):
                polys.append(shapely.Polygon(c))
                from_lines = True
    if not polys:
        return None, False
    return (shapely.union_all(polys) if len(polys) > 1 else polys[0]), from_lines


def _has_values(col) -> bool:
    """Whether a column has any value (not None, NaN or white space), vectorised."""
    if col.dtype != object and str(col.dtype) not in ("string", "str"):
        return bool(col.notna().any())
    vals = col.dropna()  # None and NaN; any other value but blank text counts (str() of it is not blank)
    return bool(len(vals)) and bool((vals.astype(str).str.strip() != "").any())


def _blank(v) -> bool:
    """No value: None, NaN or white space only."""
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def import_source(store: ProjectStore, source: Source, layer: str, *, mapping: dict[str, str] | None = None,
                  src_crs: str | None = None, swap_xy: bool | None = None, gcj02: bool = False,
                  land_use_map: dict[str, str] | None = None, repair: bool = True,
                  skip_invalid: bool = False, skip_duplicates: bool = False, dry_run: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None, strict: bool = False,
                  chunk_rows: int | None = None) -> ImportReport:
    """Import `source` into `layer` in one transaction and report feature by feature.

    mapping: source field -> our field (default: remembered for this kind of file, else by
    name). land_use_map: source land-use value -> national code ('' leaves it empty); values
    not in it are read as codes, old codes or class names (landuse.guess_code). swap_xy:
    None detects swapped axes from the coordinates. skip_duplicates leaves out features whose
    code the layer (or an earlier feature of the file) has already; otherwise duplicates are
    imported and reported. An unknown land-use value is kept in 原用地代码 and reported;
    strict makes it fatal. chunk_rows: rows checked and written at a time (CHUNK_ROWS); all
    chunks are one transaction. Nothing is written when dry_run, on a fatal problem, when the file
    holds no polygon at all, or when cancelled."""
    if layer not in ("zones", "parcels", "buildings", "roads"):
        raise LandappError(tr("只能导入到 zones、parcels、buildings 或 roads。", "Import into zones, parcels, buildings or roads."))
    s = spec(layer)
    n = len(source)
    rep = ImportReport(layer, read=n, warnings=list(source.warnings))
    crs, swap, notes = resolve_crs(source, store.srs_id, src_crs, swap_xy)
    rep.warnings += notes
    rep.crs = f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else crs.name
    mapping = mapping if mapping is not None else (remembered_mapping(store, source, layer) or auto_mapping(source.fields, layer))
    unknown = [t for t in mapping.values() if not s.has(t) or s.field(t).computed]
    if unknown:
        raise LandappError(tr(f"字段映射的目标 {'、'.join(unknown)} 不是 {layer} 可导入的字段。",
                              f"Mapping targets {', '.join(unknown)} are not fields of {layer} that can be imported."))
    fields = set(source.fields)
    missing = [f for f in mapping if f not in fields]
    if missing:
        raise LandappError(tr(f"文件中没有字段 {'、'.join(missing)};有:{'、'.join(source.fields)}。",
                              f"The file has no field {', '.join(missing)}; it has: {', '.join(source.fields)}."))
    land_use_map = {**(remembered_land_use_map(store, source, layer) or {}), **(land_use_map or {})}
    if gcj02 and not crs.is_geographic:
        raise LandappError(tr("只有经纬度数据才能做 GCJ-02 纠偏。", "Only data in degrees can be converted from GCJ-02."))
    from pyproj import Transformer

    target = CRS.from_epsg(store.srs_id)
    t = None if crs == target else Transformer.from_crs(crs, target, always_xy=True)
    run = _Run(store, layer, s, rep, mapping, land_use_map, t, swap=swap, gcj02=gcj02, repair=repair,
               skip_invalid=skip_invalid, skip_duplicates=skip_duplicates, strict=strict, write=not dry_run)
    chunk = max(1, int(chunk_rows or CHUNK_ROWS))
    # One transaction around checking and writing, chunk by chunk: a fatal problem, an
    # error or a cancel anywhere rolls it all back (the project is unchanged); memory holds
    # one chunk's values, never the whole table as Python objects.
    # what the checks look up in the project (zones and parcels a feature lies in, the
    # parcels it may overlap) is read before the transaction: once rows are written, the
    # file is locked for other readers (GDAL's among them)
    run.read_lookups(source, max(1, int(chunk_rows or CHUNK_ROWS)))
    with (contextlib.nullcontext() if dry_run else store.transaction()):
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            run.chunk(source, start, stop, progress=progress, cancel=cancel)
        if run.lines_closed:
            rep.warnings.append(tr(f"{run.lines_closed} 个首尾相接的折线已转为面。", f"{run.lines_closed} closed lines became polygons."))
        if n and run.polygons == 0:
            kinds = "、".join(sorted(run.kinds)) or tr("空几何", "empty geometries")
            raise LandappError(tr(f"导入中止,工程未作任何修改:文件中没有任何面(只有 {kinds}),地块、建筑、片区和道路都需要面。",
                                  f"Import stopped; the project is unchanged: the file holds no polygon at all (only {kinds}); "
                                  "parcels, buildings, zones and roads need polygons."))
        fatal = [p for p in rep.problems if p.fatal]
        if fatal:
            more = tr(f"(共 {len(fatal)} 个)", f" ({len(fatal)} in all)") if len(fatal) > 1 else ""
            raise LandappError(tr(f"导入中止,工程未作任何修改:{fatal[0].message}{more}",
                                  f"Import stopped; the project is unchanged: {fatal[0].message}{more}"))
        if run.outside is not None:
            raise LandappError(tr(
                f"导入中止,工程未作任何修改:第 {run.outside + 1} 个要素的坐标超出工程坐标系 EPSG:{store.srs_id} 的范围,"
                "可能源坐标系不对(可用 --src-crs 指定)。",
                f"Import stopped; the project is unchanged: feature {run.outside + 1} lies outside EPSG:{store.srs_id}; "
                "the source CRS is probably wrong (give it with --src-crs)."))
        rep.warnings += run.fill_notes()
        if run.kept:
            rep.extent = run.extent
        if layer == "parcels" and run.kept:
            rep.warnings += run.overlap_warnings()
        if dry_run:
            rep.imported = run.kept
            return rep
        if cancel is not None and cancel():
            raise ImportCancelled(tr("导入已取消,工程未作任何修改。", "Import cancelled; the project is unchanged."))
        if progress is not None:
            progress(n, n + 1)  # checked; the commit is the last step
    rep.fids = run.fids
    rep.imported = len(rep.fids)
    if progress is not None:
        progress(n + 1, n + 1)
    return rep


CHUNK_ROWS = 20_000  # rows checked and written at a time


class _Run:
    """One import, chunk by chunk: the state that spans chunks (codes seen, counts, the
    new parcels' geometries for the overlap check) and the per-row checks of today."""

    def __init__(self, store: ProjectStore, layer: str, s, rep: ImportReport, mapping: dict[str, str],
                 land_use_map: dict[str, str], transformer, *, swap: bool, gcj02: bool, repair: bool,
                 skip_invalid: bool, skip_duplicates: bool, strict: bool, write: bool):
        self.store, self.layer, self.s, self.rep = store, layer, s, rep
        self.mapping, self.land_use_map, self.transformer = mapping, land_use_map, transformer
        self.swap, self.gcj02, self.repair = swap, gcj02, repair
        self.skip_invalid, self.skip_duplicates, self.strict, self.write = skip_invalid, skip_duplicates, strict, write
        self.checked: dict = {}  # validate_record's per-field, per-value results in a chunk
        self.code_src = next((src for src, ours in mapping.items() if ours == "code"), None)
        self.needs_code = s.has("code") and s.field("code").required
        self.needs_name = s.has("name") and s.field("name").required
        had_rows = store.count(layer) > 0  # an empty layer is not read (nor pandas imported)
        self.existing_codes = set(store.read_layer(layer, columns=["code"], geometry=False)["code"]) \
            if s.has("code") and had_rows else set()
        self.had_parcels = layer == "parcels" and had_rows
        self.lookups: dict[str, tuple] = {}  # field -> (STRtree of the layer's features, their names)
        self.old: tuple | None = None  # the project's parcels near the file: (geometries, codes)
        self.seen_codes: dict[str, int] = {}
        self.lines_closed = self.polygons = self.kept = 0
        self.kinds: set[str] = set()
        self.outside: int | None = None  # the first feature outside the project CRS's area
        self.filled: dict[str, int] = {}
        self.fids: list[int] = []
        self.new_geoms: list[np.ndarray] = []
        self.new_codes: list = []
        self.old_pairs: list[tuple] = []
        self.old_found = 0
        self.bounds: list[np.ndarray] = []

    @property
    def extent(self) -> tuple[float, float, float, float]:
        b = np.vstack(self.bounds)
        return (float(np.nanmin(b[:, 0])), float(np.nanmin(b[:, 1])), float(np.nanmax(b[:, 2])), float(np.nanmax(b[:, 3])))

    def _geometries(self, source, start: int, stop: int) -> np.ndarray:
        geoms = source.geometry_slice(start, stop)
        if self.swap:
            geoms = shapely.transform(geoms, lambda xy: xy[:, ::-1])
        if self.gcj02:
            geoms = shapely.transform(geoms, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
        t = self.transformer
        if t is not None:  # None: the file is in the project's CRS already
            geoms = shapely.transform(geoms, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
        if not np.isfinite(shapely.get_coordinates(geoms)).all():
            rep = self.rep
            raise LandappError(tr(f"导入中止,工程未作任何修改:坐标无法从 {rep.crs} 转换到工程坐标系,源坐标系多半不对(可用 --src-crs 指定)。",
                                  f"Import stopped; the project is unchanged: the coordinates cannot be converted from "
                                  f"{rep.crs}; the source CRS is probably wrong (give it with --src-crs)."))
        return geoms

    def _slow_row(self, k: int, i: int, g, geoms_info, filled, code_col) -> dict | None:
        """Row k of the chunk (feature i) checked one field at a time, as every row once was:
        for the rows the column-wise path cannot vouch for (a geometry to convert or repair,
        a value that fails, an unknown land use, a default to make). Reports its problems
        and returns the clean record, or None when the row is not imported."""
        s, rep, layer = self.s, self.rep, self.layer
        land_use_map, strict, skip_invalid = self.land_use_map, self.strict, self.skip_invalid
        needs_code, needs_name = self.needs_code, self.needs_name
        type_ids, has_z, valid, empty = geoms_info
        label = self._label(i, code_col[k] if code_col is not None else None)
        if empty[k]:
            rep.problems.append(FeatureProblem(i, tr(f"{label}:几何为空,已跳过。", f"{label}: empty geometry; skipped."), False))
            rep.skipped += 1
            return None
        kind = g.geom_type
        if type_ids[k] in (3, 6) and not has_z[k]:  # (Multi)Polygon already: the common case, no copy
            from_lines = False
        else:
            g, from_lines = _polygonal(g)
        if g is None:
            rep.problems.append(FeatureProblem(i, tr(f"{label}:不是面(是 {kind}),已跳过。",
                                                     f"{label}: not a polygon ({kind}); skipped."), False))
            rep.skipped += 1
            return None
        self.lines_closed += from_lines
        self.polygons += 1
        if (from_lines or not valid[k]) and not g.is_valid:
            reason = shapely.is_valid_reason(g)
            if not self.repair:
                rep.problems.append(FeatureProblem(i, tr(f"{label}:多边形无效({reason})。", f"{label}: invalid polygon ({reason})."), True))
                return None
            fixed = shapely.make_valid(g)
            fixed = shapely.union_all([p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon"])
            if fixed.is_empty:
                rep.problems.append(FeatureProblem(i, tr(f"{label}:多边形无效且无法修复,已跳过。", f"{label}: invalid and beyond repair; skipped."), False))
                rep.skipped += 1
                return None
            rep.repaired += 1
            rep.problems.append(FeatureProblem(i, tr(f"{label}:多边形无效({reason}),已自动修复。", f"{label}: invalid ({reason}); repaired."), False))
            g = fixed
        rec = dict(DEFAULTS.get(layer, {}))
        for _, ours, col in filled:
            v = _pre(col[k], ours)
            if v is not _SKIP:
                rec[ours] = v
        if "land_use" in rec and s.has("land_use"):
            raw = str(rec["land_use"])
            if raw not in land_use_map:
                land_use_map[raw] = landuse.guess_code(raw)  # once per distinct value
            code = land_use_map[raw]
            if code:
                rec["land_use"] = code
                if code != raw.strip().upper() and s.has("land_use_source"):
                    rec.setdefault("land_use_source", raw)
            else:
                # never dropped: the value stays in 原用地代码 and `landapp check` lists the
                # parcel as needing a code ('' in the map: left empty on purpose)
                rec.pop("land_use")
                if s.has("land_use_source"):
                    rec.setdefault("land_use_source", raw[:64])
                if code is None:
                    rep.unknown_land_use += 1
                    rep.problems.append(FeatureProblem(i, tr(
                        f"{label}:用地性质“{raw}”无法识别(严格模式不导入;可用 --land-use {raw}=代码 对应)。",
                        f"{label}: unknown land use '{raw}' (strict mode imports nothing; map it with "
                        f"--land-use {raw}=CODE).") if strict else tr(
                        f"{label}:用地性质“{raw}”无法识别,原值已保存在“原用地代码”,请补填用地性质(可用 --land-use {raw}=代码)。",
                        f"{label}: unknown land use '{raw}', kept as the original land-use code; set its land use "
                        f"(or map it with --land-use {raw}=CODE)."), strict))
        for f, words in VALUE_SYNONYMS.items():
            if isinstance(rec.get(f), str) and s.has(f) and rec[f] not in (s.field(f).choices or ()):
                rec[f] = words.get(rec[f], rec[f])
        if needs_code and not rec.get("code"):
            rec["code"] = f"IMP-{i + 1:06d}"
        if needs_name and not rec.get("name"):
            rec["name"] = rec.get("code") or f"{s.title_zh}{i + 1}"
        try:
            clean = validate_record(layer, rec, cache=self.checked)
        except ValidationError as e:
            rep.problems.append(FeatureProblem(i, f"{label}:{e}", not skip_invalid))
            if skip_invalid:
                rep.skipped += 1
            return None
        clean["geometry"] = g
        return clean

    def _columns(self, filled, distinct_values: dict, simple: np.ndarray, m: int) -> tuple[list[str], list[list]]:
        """The chunk's stored values a column at a time, each distinct value through the
        checks of validate_record once (trimmed, defaults, value synonyms, land-use codes
        mapped, the field's rules). Rows where a value fails, a required value is missing or
        a land use is not understood are taken out of `simple` (they go one by one)."""
        s, layer = self.s, self.layer
        defaults = dict(DEFAULTS.get(layer, {}))
        names: list[str] = []
        stored: list[list] = []
        derived = None  # 原用地代码 made from the land-use value
        for src, ours, col in filled:
            types = set(map(type, col)) - {type(None)}
            distinct = distinct_values[src] if len(types) <= 1 else None  # 1 == 1.0 == True as keys
            if distinct is None:
                simple[:] = False
                return [], []
            f = s.field(ours)
            default = defaults.pop(ours, None)
            results = {}
            if ours == "land_use":
                for v in distinct:
                    results[v] = self._land_use(_pre(v, ours))
                vals = list(map(results.__getitem__, col))
                if _FAIL in results.values():
                    simple &= ~np.fromiter((x is _FAIL for x in vals), bool, m)
                stored.append([None if x is _FAIL else x[0] for x in vals])
                derived = [None if x is _FAIL else x[1] for x in vals]
                names.append(ours)
                continue
            if default is None and f.choices is None and f.check is None:
                vals = _plain_column(f, col, types, distinct)
                if vals is not None:
                    if _FAIL in vals:
                        simple &= ~np.fromiter((x is _FAIL for x in vals), bool, m)
                        vals = [None if x is _FAIL else x for x in vals]
                    names.append(ours)
                    stored.append(vals)
                    continue
            words = VALUE_SYNONYMS.get(ours)
            choices = f.choices or ()
            for v in distinct:
                x = _pre(v, ours)
                if x is _SKIP:
                    if default is None:
                        results[v] = None
                        continue
                    x = default
                if words is not None and isinstance(x, str) and x not in choices:
                    x = words.get(x, x)
                try:
                    results[v] = _field_value(f, x, layer)
                except ValidationError:
                    results[v] = _FAIL
            vals = list(map(results.__getitem__, col))
            if _FAIL in results.values():
                simple &= ~np.fromiter((x is _FAIL for x in vals), bool, m)
                vals = [None if x is _FAIL else x for x in vals]
            names.append(ours)
            stored.append(vals)
        for ours, default in defaults.items():  # DEFAULTS of fields the file does not fill
            if s.has(ours):
                f = s.field(ours)
                words = VALUE_SYNONYMS.get(ours, {})
                x = words.get(default, default) if default not in (f.choices or ()) else default
                try:
                    value = _field_value(f, x, layer)
                except ValidationError:
                    simple[:] = False
                    return [], []
                names.append(ours)
                stored.append([value] * m)
        if derived is not None:  # the file's 原用地代码 first, else the one made from the land use
            if "land_use_source" in names:
                own = stored[names.index("land_use_source")]
                stored[names.index("land_use_source")] = [a if a is not None else b for a, b in zip(own, derived)]
            else:
                names.append("land_use_source")
                stored.append(derived)
        for f in s.fields:  # required: a missing value (or a default to make) goes one by one
            if f.required:
                if f.name not in names:
                    simple[:] = False
                    return [], []
                simple &= ~np.fromiter((x is None for x in stored[names.index(f.name)]), bool, m)
        return names, stored

    def _column_checks(self, names: list[str], stored: list[list], simple: np.ndarray, m: int) -> list:
        """The layer's record checks (FAR min ≤ max, start ≤ completion …) run on the two
        columns each reads, rows that fail taken out of `simple`; returns the checks that
        do not say which fields they read (run row by row)."""
        rest = []
        for check in self.s.checks:
            fields = getattr(check, "fields", None)
            if fields is None:
                rest.append(check)
                continue
            if not all(f in names for f in fields):
                continue  # a field no row has: the check has nothing to compare
            cols = [stored[names.index(f)] for f in fields]
            fails = [bool(check(dict(zip(fields, vals)))) for vals in zip(*cols)]
            if any(fails):
                simple &= ~np.asarray(fails, dtype=bool)
        return rest

    def _land_use(self, x):
        """A land-use value -> (stored code, 原用地代码 it implies or None), or _FAIL when
        the value is not understood or fails (that row goes one by one and reports it)."""
        if x is _SKIP:
            return None, None
        s, layer = self.s, self.layer
        raw = str(x)
        if raw not in self.land_use_map:
            self.land_use_map[raw] = landuse.guess_code(raw)  # once per distinct value
        code = self.land_use_map[raw]
        if not code:
            return _FAIL
        try:
            v = _field_value(s.field("land_use"), code, layer)
            source = None
            if s.has("land_use_source"):
                if code != raw.strip().upper():
                    source = _field_value(s.field("land_use_source"), raw, layer)
                elif landuse.normalize_code(v) != v.upper():
                    source = v  # as validate_record keeps it
        except ValidationError:
            return _FAIL
        return landuse.normalize_code(v), source

    @staticmethod
    def _label(i: int, code_value) -> str:
        return f"#{i + 1}" + (f"({code_value})" if isinstance(code_value, (str, int)) and str(code_value).strip() else "")

    def chunk(self, source, start: int, stop: int, *, progress, cancel) -> None:
        s, rep, layer, mapping = self.s, self.rep, self.layer, self.mapping
        self.checked.clear()  # the results of one chunk's values: names and codes rarely repeat
        geoms = self._geometries(source, start, stop)
        m = stop - start
        # (plain polygons are written as one-part multipolygons, the layers' type, by the
        # store's bulk encoder: no MultiPolygon made per feature)
        type_ids, has_z = shapely.get_type_id(geoms), shapely.has_z(geoms)
        valid = shapely.is_valid(geoms)
        empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        geoms_info = (type_ids, has_z, valid, empty)
        columns = source.values(list(mapping), start, stop)  # plain lists: no pandas per row
        # the mapped columns that have a value in this chunk (a 36-field table is often half
        # empty): the rows only look at these
        distinct = {src: _distinct(col) for src, col in columns.items()}  # each value once, in order
        filled = [(src, ours, columns[src]) for src, ours in mapping.items()
                  if any(not _blank(v) for v in (distinct[src] if distinct[src] is not None else columns[src]))]
        code_col = columns[self.code_src] if self.code_src else None
        seen_codes, existing_codes = self.seen_codes, self.existing_codes
        # the rows whose geometry is a valid 2D (multi)polygon and whose values all pass, checked
        # a column at a time (each distinct value once); the others go through _slow_row
        simple = ~empty & ((type_ids == 3) | (type_ids == 6)) & ~has_z & valid
        names, stored = self._columns(filled, distinct, simple, m)
        checks = self._column_checks(names, stored, simple, m)
        rows = list(zip(*stored)) if names else []
        has_code = s.has("code")
        records, origin = [], []
        polygons_before = self.polygons
        simple_rows, shapes = simple.tolist(), geoms.tolist()  # plain lists: no numpy scalar per row
        for k in range(m):
            i = start + k
            if cancel is not None and cancel():
                raise ImportCancelled(tr("导入已取消,工程未作任何修改。", "Import cancelled; the project is unchanged."))
            if progress is not None and i % 500 == 0:
                progress(i, len(source))
            clean = None
            if simple_rows[k]:
                # None for a value the row has not: stored as NULL, as when another row of the
                # chunk has it (absent from every row of a chunk, the column keeps its default)
                clean = dict(zip(names, rows[k]))
                if checks and any(check(clean) for check in checks):
                    clean = None  # _slow_row reports it
                else:
                    self.polygons += 1
                    clean["geometry"] = shapes[k]
            if clean is None:
                clean = self._slow_row(k, i, geoms[k], geoms_info, filled, code_col)
                if clean is None:
                    continue
            if has_code and clean.get("code"):
                c = clean["code"]
                twice = c in seen_codes
                if c in existing_codes or twice:
                    label = self._label(i, code_col[k] if code_col is not None else None)
                    if self.skip_duplicates:
                        rep.problems.append(FeatureProblem(i, tr(f"{label}:编号 {c} 已存在,已跳过。",
                                                                 f"{label}: code {c} exists already; skipped."), False))
                        rep.skipped += 1
                        continue
                    if c in existing_codes:
                        rep.warnings.append(tr(f"{label}:编号 {c} 与工程中已有要素重复。",
                                               f"{label}: code {c} already exists in the project."))
                    if twice:
                        rep.warnings.append(tr(f"{label}:编号 {c} 在文件中重复(与 #{seen_codes[c] + 1} 相同)。",
                                               f"{label}: code {c} appears twice in the file (as #{seen_codes[c] + 1})."))
                if not twice:
                    seen_codes[c] = i
            records.append(clean)
            origin.append(i)
        if self.polygons == polygons_before:  # what the file holds instead, for 'no polygon at all'
            self.kinds.update(g.geom_type for g in geoms[~empty])
        if not records:
            return
        new = np.asarray([r["geometry"] for r in records], dtype=object)
        b = shapely.bounds(new)
        self.bounds.append(b)
        if self.outside is None:
            box = _crs_box(self.store)
            if box is not None:
                bad = np.flatnonzero((b[:, 0] < box[0]) | (b[:, 1] < box[1]) | (b[:, 2] > box[2]) | (b[:, 3] > box[3]))
                if len(bad):
                    self.outside = origin[bad[0]]
        for name, k in _fill_from_location(records, new, self.lookups).items():
            self.filled[name] = self.filled.get(name, 0) + k
        self.kept += len(records)
        if layer == "parcels":
            codes = [r.get("code") for r in records]
            if self.had_parcels:
                self._old_overlaps(new, codes)
            self.new_geoms.append(new)
            self.new_codes += codes
        if self.write and self.outside is None and not any(p.fatal for p in rep.problems):
            self.fids += self.store.insert_many(layer, records, validate=False)  # every record validated above

    def read_lookups(self, source, chunk: int) -> None:
        """The zones (parcels) the features may lie in, for 所在片区 (所在地块), and the
        project's parcels they may overlap: read once, within the file's extent in the
        project CRS, when the project has any."""
        s, layer, store = self.s, self.layer, self.store
        wanted = [(name, host, key) for name, host, key in (("zone", "zones", "name"), ("parcel_code", "parcels", "code"))
                  if s.has(name) and host != layer and store.count(host) > 0]
        if not wanted and not self.had_parcels:
            return
        boxes = [shapely.total_bounds(self._geometries(source, k, min(len(source), k + chunk)))
                 for k in range(0, len(source), chunk)]
        b = np.vstack(boxes) if boxes else np.full((1, 4), np.nan)
        if np.isnan(b).all():
            return
        bbox = (float(np.nanmin(b[:, 0])), float(np.nanmin(b[:, 1])), float(np.nanmax(b[:, 2])), float(np.nanmax(b[:, 3])))
        for name, host, key in wanted:
            hosts = store.read_layer(host, bbox=bbox, columns=[key])
            if len(hosts):
                self.lookups[name] = (shapely.STRtree(np.asarray(hosts.geometry.values, dtype=object)), hosts[key].tolist())
        if self.had_parcels:
            old = store.read_layer("parcels", bbox=bbox, columns=["code"])
            if len(old):
                self.old = (np.asarray(old.geometry.values, dtype=object), old["code"].tolist())

    def _old_overlaps(self, new: np.ndarray, codes: list) -> None:
        """Overlaps of this chunk's new parcels with the parcels the project had."""
        if self.old is None:
            return
        old_geoms, old_codes = self.old
        i, j, area = _overlap_pairs(new, old_geoms, same=False)
        self.old_found += len(i)
        self.old_pairs += [(codes[a], old_codes[b], x) for a, b, x in zip(i.tolist(), j.tolist(), area.tolist())][:20]

    def fill_notes(self) -> list[str]:
        s, notes = self.s, []
        for name, k in self.filled.items():
            if k:
                notes.append(tr(f"{k} 个要素按所在位置填写了“{s.field(name).title_zh}”。",
                                f"{k} features got their '{s.field(name).title_en}' from where they lie."))
        return notes

    def overlap_warnings(self, limit: int = 20) -> list[str]:
        """Overlaps of the new parcels with existing ones and with each other (the first
        `limit` of each listed, with the total)."""
        out = [tr(f"新地块 {a} 与已有地块 {b} 重叠 {x:.1f} ㎡。", f"New parcel {a} overlaps existing {b} by {x:.1f} m².")
               for a, b, x in self.old_pairs[:limit]]
        new = np.concatenate(self.new_geoms) if len(self.new_geoms) > 1 else self.new_geoms[0]
        codes = self.new_codes
        if shapely.coverage_is_valid(new):  # GEOS: no two interiors intersect (a clean cadastre, fast)
            i = j = np.empty(0, dtype=np.intp)
            area = np.empty(0)
        else:
            i, j, area = _overlap_pairs(new, new, same=True)
        out += [tr(f"导入的地块 {codes[a]} 与 {codes[b]} 互相重叠 {x:.1f} ㎡。",
                   f"Imported parcels {codes[a]} and {codes[b]} overlap by {x:.1f} m².")
                for a, b, x in list(zip(i, j, area))[:limit]]
        found = [self.old_found, len(i)] if self.had_parcels else [len(i)]
        if any(k > limit for k in found):
            out.append(tr(f"……共 {sum(found)} 处重叠,只列出了一部分。", f"… {sum(found)} overlaps in all; only some are listed."))
        return out


_SKIP = object()  # no value: the field is left out of the record
_FAIL = object()  # a value that fails its checks: the row is checked one by one


def _pre(v, ours: str):
    """A file's value as the importer puts it in a record: text trimmed, blanks and NaN
    left out (_SKIP), numeric codes as text."""
    if v is None:
        return _SKIP
    if isinstance(v, str):
        v = v.strip()
        return v if v else _SKIP
    if isinstance(v, float) and v != v:  # noqa: PLR0124 - NaN
        return _SKIP
    if ours == "code" and isinstance(v, (int, np.integer)):
        return str(v)
    return v


def _plain_column(f, col: list, types: set, distinct: dict) -> list | None:
    """The stored values of a column of text or numbers for a field without a value list or
    a rule of its own, as _field_value gives them, without calling it per value: text is
    trimmed and held to the field's length; numbers (floats from a DBF) checked for being
    finite, whole (int fields) and within the field's range with numpy. _FAIL for a value
    that fails (its row goes one by one and reports it); None when the column is of another
    kind (then each distinct value goes through _field_value)."""
    if f.kind == "text" and types <= {str}:
        limit = f.max_length
        out = {}
        for v in distinct:
            x = _pre(v, f.name)
            out[v] = None if x is _SKIP else x if limit is None or len(x) <= limit else _FAIL
        return list(map(out.__getitem__, col))
    if f.kind in ("real", "int") and types <= {float, int}:
        x = np.array(col, dtype=float)  # None -> NaN: no value
        missing = np.isnan(x)
        with np.errstate(invalid="ignore"):
            bad = np.isinf(x)
            if f.kind == "int":
                bad |= ~missing & ~bad & (x != np.trunc(x))
            if f.min is not None:
                bad |= x < f.min
            if f.max is not None:
                bad |= x > f.max
        vals = x.tolist()
        if f.kind == "int":
            vals = [int(v) if not (n or b) else None for v, n, b in zip(vals, missing.tolist(), bad.tolist())]
        if missing.any() or bad.any():
            vals = [_FAIL if b else None if n else v for v, n, b in zip(vals, missing.tolist(), bad.tolist())]
        return vals
    return None


def _distinct(col: list) -> dict | None:
    """The column's distinct values (a dict, in order), None when they are not hashable."""
    try:
        return dict.fromkeys(col)
    except TypeError:
        return None


def _crs_box(store: ProjectStore):
    from landapp.store.geopackage import _crs_bounds

    return _crs_bounds(store.srs_id)


def _fill_from_location(records: list[dict], geoms: np.ndarray, lookups: dict[str, tuple]) -> dict[str, int]:
    """所在片区 (and a building's 所在地块) left empty by the file, taken from where the
    feature lies: the zone (parcel) that holds a point inside it. geoms: the records'
    geometries; lookups: field -> (STRtree of the zones or parcels, their names). Returns
    how many records got each field."""
    counts = {}
    for field_name, (tree, names) in lookups.items():
        todo = [k for k, r in enumerate(records) if not r.get(field_name)]
        if not todo:
            continue
        points = shapely.point_on_surface(geoms[todo])
        p_idx, h_idx = tree.query(points, predicate="within")
        filled = 0
        for p, h in zip(p_idx.tolist(), h_idx.tolist()):
            rec = records[todo[p]]
            if not rec.get(field_name) and isinstance(names[h], str) and names[h]:
                rec[field_name] = names[h]
                filled += 1
        counts[field_name] = filled
    return counts


def _overlap_pairs(a_geoms: np.ndarray, b_geoms: np.ndarray, same: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j) of a and b whose interiors overlap by more than 0.01 m², with the area;
    neighbours that only share an edge cost a cheap touches test, not an intersection."""
    i, j = shapely.STRtree(b_geoms).query(a_geoms, predicate="intersects")
    if same:
        keep = i < j
        i, j = i[keep], j[keep]
    keep = ~shapely.touches(a_geoms[i], b_geoms[j])
    i, j = i[keep], j[keep]
    area = shapely.area(shapely.intersection(a_geoms[i], b_geoms[j]))
    keep = area > 0.01
    return i[keep], j[keep], area[keep]
