"""Importing a Source into zones, parcels or buildings: field mapping (remembered per kind
of file), reprojection into the project CRS (GCJ-02 converted on request), geometry repair
or rejection with a per-feature report, old land-use codes mapped, duplicate codes and
overlaps with existing parcels reported. The import is one transaction: on a fatal error
nothing is written and the project file is unchanged."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import shapely
from pyproj import CRS

from landapp import landuse
from landapp.coords import gcj02_to_wgs84
from landapp.dataio.crs import fix_zone_prefix, propose, refuse_legacy
from landapp.dataio.readers import Source
from landapp.errors import LandappError, ValidationError
from landapp.i18n import tr
from landapp.schema import spec, validate_record
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

    def summary(self) -> str:
        return tr(f"读取 {self.read} 个要素,导入 {self.imported} 个(修复 {self.repaired},跳过 {self.skipped}),坐标系 {self.crs}。",
                  f"Read {self.read} features, imported {self.imported} ({self.repaired} repaired, {self.skipped} skipped); CRS {self.crs}.")


class ImportCancelled(LandappError):
    pass


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


def remember_mapping(store: ProjectStore, source: Source, layer: str, mapping: dict[str, str]) -> None:
    store.set_setting(f"import_mapping:{layer}:{source.signature}", json.dumps(mapping, ensure_ascii=False))


def resolve_crs(source: Source, project_epsg: int, src_crs: str | None = None) -> tuple[CRS, bool, list[str]]:
    """The CRS to read the source in, whether its axes must be swapped, and notes. Without
    a CRS in the file and none given, the best candidate is used only when it is clear."""
    notes = []
    bounds = tuple(shapely.total_bounds(source.gdf.geometry.values))
    if src_crs:
        try:
            crs = CRS.from_user_input(src_crs)
        except Exception:
            raise LandappError(tr(f"无法识别坐标系 {src_crs}。", f"Unknown coordinate system {src_crs}.")) from None
        refuse_legacy(crs)
        return fix_zone_prefix(crs, bounds), False, notes
    if source.crs is not None:
        refuse_legacy(source.crs)
        crs = fix_zone_prefix(source.crs, bounds)
        return crs, False, notes
    cands = propose(bounds, project_epsg)
    if not cands:
        raise LandappError(tr("文件没有坐标系信息,坐标也看不出属于哪个坐标系;请用 --src-crs 指定(如 EPSG:4544)。",
                              "The file has no CRS and its coordinates do not reveal one; give it with --src-crs (e.g. EPSG:4544)."))
    best = cands[0]
    notes.append(tr(f"文件未带坐标系,按推测使用 {best.label}。", f"No CRS in the file; assumed {best.label}."))
    return CRS.from_epsg(best.epsg), best.swap_xy, notes


def import_source(store: ProjectStore, source: Source, layer: str, *, mapping: dict[str, str] | None = None,
                  src_crs: str | None = None, gcj02: bool = False, repair: bool = True,
                  skip_invalid: bool = False, dry_run: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> ImportReport:
    if layer not in ("zones", "parcels", "buildings", "roads"):
        raise LandappError(tr("只能导入到 zones、parcels、buildings 或 roads。", "Import into zones, parcels, buildings or roads."))
    s = spec(layer)
    gdf = source.gdf
    rep = ImportReport(layer, read=len(gdf), warnings=list(source.warnings))
    crs, swap, notes = resolve_crs(source, store.srs_id, src_crs)
    rep.warnings += notes
    rep.crs = f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else crs.name
    mapping = mapping if mapping is not None else (remembered_mapping(store, source, layer) or auto_mapping(source.fields, layer))
    unknown = [t for t in mapping.values() if not s.has(t)]
    if unknown:
        raise LandappError(tr(f"字段映射的目标 {'、'.join(unknown)} 不是 {layer} 的字段。",
                              f"Mapping targets {', '.join(unknown)} are not fields of {layer}."))
    # geometry: swap, GCJ-02, reproject, repair
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if swap:
        geoms = shapely.transform(geoms, lambda xy: xy[:, ::-1])
    if gcj02:
        if not crs.is_geographic:
            raise LandappError(tr("只有经纬度数据才能做 GCJ-02 纠偏。", "Only data in degrees can be converted from GCJ-02."))
        geoms = shapely.transform(geoms, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
    from pyproj import Transformer

    t = Transformer.from_crs(crs, CRS.from_epsg(store.srs_id), always_xy=True)
    geoms = shapely.transform(geoms, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    records = []
    n = len(gdf)
    valid = shapely.is_valid(geoms)
    columns = {src: gdf[src].tolist() for src in mapping if src in gdf}  # plain lists: no pandas per row
    needs_code = s.has("code") and s.field("code").required
    needs_name = s.has("name") and s.field("name").required
    existing_codes = set(store.read_layer(layer, columns=["code"])["code"]) if s.has("code") else set()
    for i in range(n):
        if cancel is not None and cancel():
            raise ImportCancelled(tr("导入已取消,工程未作任何修改。", "Import cancelled; the project is unchanged."))
        if progress is not None and i % 500 == 0:
            progress(i, n)
        g = geoms[i]
        label = f"#{i + 1}"
        if g is None or g.is_empty:
            rep.problems.append(FeatureProblem(i, tr(f"{label}:几何为空,已跳过。", f"{label}: empty geometry; skipped."), False))
            rep.skipped += 1
            continue
        if g.has_z:
            g = shapely.force_2d(g)
        polys = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            rep.problems.append(FeatureProblem(i, tr(f"{label}:不是面(是 {g.geom_type}),已跳过。",
                                                     f"{label}: not a polygon ({g.geom_type}); skipped."), False))
            rep.skipped += 1
            continue
        g = shapely.union_all(polys) if len(polys) > 1 else polys[0]
        if not valid[i] and not g.is_valid:
            reason = shapely.is_valid_reason(g)
            if not repair:
                rep.problems.append(FeatureProblem(i, tr(f"{label}:多边形无效({reason})。", f"{label}: invalid polygon ({reason})."), True))
                continue
            fixed = shapely.make_valid(g)
            fixed = shapely.union_all([p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon"])
            if fixed.is_empty:
                rep.problems.append(FeatureProblem(i, tr(f"{label}:多边形无效且无法修复,已跳过。", f"{label}: invalid and beyond repair; skipped."), False))
                rep.skipped += 1
                continue
            rep.repaired += 1
            rep.problems.append(FeatureProblem(i, tr(f"{label}:多边形无效({reason}),已自动修复。", f"{label}: invalid ({reason}); repaired."), False))
            g = fixed
        rec = dict(DEFAULTS.get(layer, {}))
        for src, ours in mapping.items():
            v = columns[src][i] if src in columns else None
            if v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()):
                continue
            rec[ours] = v.strip() if isinstance(v, str) else v
        if layer == "parcels" and "land_use" in rec and not landuse.is_known(str(rec["land_use"])):
            rep.problems.append(FeatureProblem(i, tr(f"{label}:用地代码 {rec['land_use']} 无法识别,已留空。",
                                                     f"{label}: unknown land-use code {rec['land_use']}; left empty."), False))
            rec.pop("land_use")
        if needs_code and not rec.get("code"):
            rec["code"] = f"IMP-{i + 1:06d}"
        if needs_name and not rec.get("name"):
            rec["name"] = rec.get("code") or f"{s.title_zh}{i + 1}"
        try:
            clean = validate_record(layer, rec)
        except ValidationError as e:
            rep.problems.append(FeatureProblem(i, f"{label}:{e}", not skip_invalid))
            if skip_invalid:
                rep.skipped += 1
            continue
        clean["geometry"] = g
        if s.has("code") and clean.get("code") in existing_codes:
            rep.warnings.append(tr(f"{label}:编号 {clean['code']} 与工程中已有要素重复。",
                                   f"{label}: code {clean['code']} already exists in the project."))
        records.append(clean)
    fatal = [p for p in rep.problems if p.fatal]
    if fatal:
        more = tr(f"(共 {len(fatal)} 个)", f" ({len(fatal)} in all)") if len(fatal) > 1 else ""
        raise LandappError(tr(f"导入中止,工程未作任何修改:{fatal[0].message}{more}",
                              f"Import stopped; the project is unchanged: {fatal[0].message}{more}"))
    if layer == "parcels" and records:
        rep.warnings += _overlap_warnings(store, records)
    if dry_run:
        rep.imported = len(records)
        return rep
    with store.transaction():
        # every record was validated above; the store still checks the coordinates' range
        _check_range(store, layer, records)
        rep.fids = store.insert_many(layer, records, validate=False)
    rep.imported = len(rep.fids)
    if progress is not None:
        progress(n, n)
    return rep


def _check_range(store: ProjectStore, layer: str, records: list[dict]) -> None:
    from landapp.store.geopackage import _crs_bounds

    box = _crs_bounds(store.srs_id)
    if box is None or not records:
        return
    b = shapely.bounds(np.asarray([r["geometry"] for r in records], dtype=object))
    bad = np.flatnonzero((b[:, 0] < box[0]) | (b[:, 1] < box[1]) | (b[:, 2] > box[2]) | (b[:, 3] > box[3]))
    if len(bad):
        raise LandappError(tr(
            f"导入中止,工程未作任何修改:第 {bad[0] + 1} 个要素的坐标超出工程坐标系 EPSG:{store.srs_id} 的范围,"
            "可能源坐标系不对(可用 --src-crs 指定)。",
            f"Import stopped; the project is unchanged: feature {bad[0] + 1} lies outside EPSG:{store.srs_id}; "
            "the source CRS is probably wrong (give it with --src-crs)."))


def _overlap_warnings(store: ProjectStore, records: list[dict], limit: int = 20) -> list[str]:
    new = np.asarray([r["geometry"] for r in records], dtype=object)
    box = shapely.total_bounds(new)
    old = store.read_layer("parcels", bbox=tuple(box), columns=["code"])
    if not len(old):
        return []
    tree = shapely.STRtree(old.geometry.values)
    out = []
    for i, j in zip(*tree.query(new, predicate="intersects")):
        a = shapely.area(shapely.intersection(new[i], old.geometry.values[j]))
        if a > 0.01:
            out.append(tr(f"新地块 {records[i].get('code')} 与已有地块 {old['code'].iloc[j]} 重叠 {a:.1f} ㎡。",
                          f"New parcel {records[i].get('code')} overlaps existing {old['code'].iloc[j]} by {a:.1f} m²."))
            if len(out) >= limit:
                out.append(tr("……更多重叠未列出。", "… more overlaps not listed."))
                break
    return out
