"""Topology and geometry checks for parcels, with quick fixes as undoable edits:
overlaps, gaps inside a zone, invalid or self-intersecting polygons, slivers, duplicate
parcel codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.ops import unary_union

from landapp.editing import DeleteFeature, Edit, ReplaceGeometry, _polygonal
from landapp.errors import Cancelled, LandappError
from landapp.i18n import tr
from landapp.store.base import ProjectStore

SLIVER_THINNESS = 0.12  # 4πA/P²: 1 for a circle, 0.785 a square; below this a sliver
SLIVER_MAX_M2 = 200.0  # … and small (or any size under 1 m²)
GAP_MIN_M2 = 1.0
GAP_MIN_WIDTH_M = 0.05  # narrower slits are digitising noise, not planning gaps


@dataclass
class Issue:
    kind: str  # overlap | gap | invalid | sliver | duplicate_code
    fids: tuple[int, ...]
    location: tuple[float, float]
    area_m2: float
    message: str
    fixable: bool = False
    geometry: object = None  # the problem area itself where no feature is it (a gap)


def _active(store: ProjectStore):
    return store.read_layer("parcels", columns=["code", "zone"])


def _stage(progress, cancel, done: int, text: str) -> None:
    """Report a stage of the check (of TOPOLOGY_STAGES) and stop if cancelled."""
    if cancel is not None and cancel():
        raise Cancelled(tr("拓扑检查已取消。", "Topology check cancelled."))
    if progress is not None:
        progress(done, TOPOLOGY_STAGES, text)


TOPOLOGY_STAGES = 5


def check_topology(store: ProjectStore, progress=None, cancel=None) -> list[Issue]:
    """Every issue found. progress(done, total, text) is told each stage; cancel() is asked
    between stages (raising Cancelled)."""
    _stage(progress, cancel, 0, tr("读取地块", "reading parcels"))
    gdf = _active(store)
    issues: list[Issue] = []
    if len(gdf) == 0:
        return issues
    _stage(progress, cancel, 1, tr("检查图形", "checking shapes"))
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    fids = gdf.index.to_numpy()
    codes = gdf["code"].to_numpy()
    valid = shapely.is_valid(geoms)
    for i in np.flatnonzero(~valid):
        c = shapely.point_on_surface(shapely.make_valid(geoms[i]))
        issues.append(Issue("invalid", (int(fids[i]),), (c.x, c.y), float(shapely.area(geoms[i])), tr(
            f"地块 {codes[i]} 的多边形无效:{shapely.is_valid_reason(geoms[i])}。",
            f"Parcel {codes[i]} has an invalid polygon: {shapely.is_valid_reason(geoms[i])}."), True))
    _stage(progress, cancel, 2, tr("查找重叠", "finding overlaps"))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms)  # boxes meet
    keep = (left < right) & valid[left] & valid[right]
    left, right = left[keep], right[keep]
    # neighbours whose boxes only touch (along a grid) cannot overlap by 0.01 m²: only the
    # pairs whose boxes overlap by more are intersected, in one vectorised call
    b = shapely.bounds(geoms)
    w = np.minimum(b[left, 2], b[right, 2]) - np.maximum(b[left, 0], b[right, 0])
    h = np.minimum(b[left, 3], b[right, 3]) - np.maximum(b[left, 1], b[right, 1])
    boxed = (w > 0) & (h > 0) & (w * h > 0.01)
    left, right = left[boxed], right[boxed]
    inters = shapely.intersection(geoms[left], geoms[right]) if len(left) else np.empty(0, dtype=object)
    big = shapely.area(inters) > 0.01 if len(left) else np.zeros(0, dtype=bool)
    for i, j, inter in zip(left[big], right[big], inters[big]):
        inter = _polygonal(inter)
        if inter.area > 0.01:
            c = inter.representative_point()
            issues.append(Issue("overlap", (int(fids[i]), int(fids[j])), (c.x, c.y), inter.area, tr(
                f"地块 {codes[i]} 与 {codes[j]} 重叠 {inter.area:.1f} ㎡。",
                f"Parcels {codes[i]} and {codes[j]} overlap by {inter.area:.1f} m²."), True))
    _stage(progress, cancel, 3, tr("查找碎片与重复编号", "finding slivers and duplicate codes"))
    area = shapely.area(geoms)
    perim = shapely.length(geoms)
    thin = 4 * np.pi * area / np.maximum(perim, 1e-9) ** 2
    for i in np.flatnonzero(valid & (((thin < SLIVER_THINNESS) & (area < SLIVER_MAX_M2)) | (area < 1.0))):
        c = shapely.point_on_surface(geoms[i])
        issues.append(Issue("sliver", (int(fids[i]),), (c.x, c.y), float(area[i]), tr(
            f"地块 {codes[i]} 是碎片({area[i]:.1f} ㎡),可并入相邻地块。",
            f"Parcel {codes[i]} is a sliver ({area[i]:.1f} m²); merge it into a neighbour."), True))
    dup = {}
    for f, code in zip(fids, codes):
        if isinstance(code, str):
            dup.setdefault(code, []).append(int(f))
    for code, fl in dup.items():
        if len(fl) > 1:
            c = shapely.point_on_surface(geoms[np.flatnonzero(fids == fl[0])[0]])
            issues.append(Issue("duplicate_code", tuple(fl), (c.x, c.y), 0.0, tr(
                f"地块编号 {code} 重复({len(fl)} 宗)。", f"Parcel code {code} is used {len(fl)} times.")))
    _stage(progress, cancel, 4, tr("查找空隙", "finding gaps"))
    issues += _gaps(store, geoms, valid)
    _stage(progress, cancel, 5, "")
    return issues


def _gaps(store: ProjectStore, geoms, valid) -> list[Issue]:
    zones = store.read_layer("zones", columns=["name"])
    roads = store.read_layer("roads", columns=[])
    if not len(zones):
        return []
    parcels = geoms[valid]
    road_geoms = np.asarray(roads.geometry.values, dtype=object)
    ptree, rtree = shapely.STRtree(parcels), shapely.STRtree(road_geoms)
    out = []
    for zone, name in zip(zones.geometry, zones["name"]):
        inside = parcels[ptree.query(zone, predicate="intersects")]
        if not len(inside):
            continue  # an empty zone is not a gap problem
        # within the zone only the parcels and roads that meet it can cover anything: one
        # union per zone of its own parcels, instead of the whole park's (and twice)
        near = road_geoms[rtree.query(zone, predicate="intersects")] if len(road_geoms) else road_geoms
        covered = unary_union(list(inside) + list(near))
        hull = zone.intersection(shapely.convex_hull(shapely.multipolygons(shapely.get_parts(inside))))
        holes = _polygonal(hull.difference(covered))
        parts = shapely.get_parts(holes)
        # the tests per part vectorised (a synthetic 100k park has ~13k gaps)
        keep = (shapely.area(parts) >= GAP_MIN_M2) & (shapely.get_type_id(parts) == 3)
        parts = parts[keep]
        parts = parts[~shapely.is_empty(shapely.buffer(parts, -GAP_MIN_WIDTH_M / 2))]
        for part, c in zip(parts, shapely.point_on_surface(parts)):
            out.append(Issue("gap", (), (c.x, c.y), part.area, tr(
                f"片区 {name} 内有 {part.area:.1f} ㎡ 的空隙未被地块或道路覆盖,可并入相邻地块。",
                f"Zone {name} has a {part.area:.1f} m² gap covered by no parcel or road; "
                "it can go to a neighbouring parcel."), True, part))
    return out


def fix(store: ProjectStore, issue: Issue) -> Edit:
    """The quick fix for an issue as an undoable edit (not yet applied)."""
    if issue.kind == "invalid":
        fid = issue.fids[0]
        geom = _polygonal(shapely.make_valid(store.get("parcels", fid)["geometry"]))
        if geom.is_empty:
            raise LandappError(tr("修复后图形为空,请删除该地块。", "Nothing is left after repair; delete the parcel."))
        return ReplaceGeometry("parcels", fid, geom)
    if issue.kind == "overlap":
        a, b = issue.fids  # clip the smaller parcel by the larger
        ga, gb = store.get("parcels", a)["geometry"], store.get("parcels", b)["geometry"]
        small, big = (a, gb) if ga.area <= gb.area else (b, ga)
        clipped = _polygonal(store.get("parcels", small)["geometry"].difference(big))
        return ReplaceGeometry("parcels", small, clipped)
    if issue.kind == "sliver":
        return _merge_sliver(store, issue.fids[0])
    if issue.kind == "gap" and issue.geometry is not None:
        best = _longest_neighbour(store, issue.geometry)
        if best is None:
            raise LandappError(tr("空隙旁没有地块可以并入。", "No parcel borders the gap."))
        grown = _polygonal(unary_union([best["geometry"], issue.geometry]))
        return ReplaceGeometry("parcels", best["fid"], grown)
    raise LandappError(tr("这类问题没有自动修复,请手工处理。", "This kind of problem has no quick fix; edit it by hand."))


class _MergeSliver(Edit):
    text_zh = "碎片并入相邻地块"
    text_en = "Merge sliver into neighbour"

    def __init__(self, grow: ReplaceGeometry, remove: DeleteFeature):
        self.grow, self.remove = grow, remove

    def apply(self, store):
        with store.transaction():
            self.grow.apply(store)
            self.remove.apply(store)

    def revert(self, store):
        with store.transaction():
            self.remove.revert(store)
            self.grow.revert(store)


def _longest_neighbour(store: ProjectStore, geom, exclude: int | None = None) -> dict | None:
    """The active parcel sharing the longest boundary with geom (None if none touches it)."""
    best, best_len = None, 0.0
    for nfid in store.fids_in_bbox("parcels", geom.buffer(0.5).bounds):
        if nfid == exclude:
            continue
        rec = store.get("parcels", nfid)
        if rec.get("retired"):
            continue
        shared = rec["geometry"].boundary.intersection(geom.buffer(0.05)).length
        if shared > best_len:
            best, best_len = rec, shared
    return best


def _merge_sliver(store: ProjectStore, fid: int) -> Edit:
    """Give the sliver to the neighbour sharing the longest boundary with it."""
    sliver = store.get("parcels", fid)["geometry"]
    best = _longest_neighbour(store, sliver, exclude=fid)
    if best is None:
        raise LandappError(tr("碎片没有相邻地块可并入。", "The sliver has no neighbour to merge into."))
    grown = _polygonal(unary_union([best["geometry"], sliver]))
    return _MergeSliver(ReplaceGeometry("parcels", best["fid"], grown), DeleteFeature("parcels", fid))
