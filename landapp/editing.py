"""Edits are values: each edit can apply itself to the store and revert itself, and is
written in its own transaction as it happens (killing the app loses at most the edit in
flight). The UI wraps each in a QUndoCommand (ui/undo.py). Split and merge retire their
parents (kept as history) and record parent -> child lineage with the date and the user."""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polygonize, split, unary_union

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import ROW_VERSION, spec
from landapp.store.base import ProjectStore
from landapp.store.filters import F, current

VERTEX_TOLERANCE = 0.01  # m: vertices closer than this are the same shared vertex
MIN_PART_M2 = 0.01


def _err(zh: str, en: str) -> LandappError:
    return LandappError(tr(zh, en))


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygon parts (make_valid and clipping can leave lines or points)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and g.area > MIN_PART_M2]
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def neighbours(store: ProjectStore, layer: str, geom: BaseGeometry, exclude: Sequence[int] = ()) -> list[dict]:
    """Active features of `layer` whose boxes meet geom's (the spatial index does the work)."""
    fids = [f for f in store.fids_in_bbox(layer, geom.bounds) if f not in set(exclude)]
    out = []
    for f in fids:
        rec = store.get(layer, f)
        if not rec.get("retired"):
            out.append(rec)
    return out


def clip_to_neighbours(store: ProjectStore, layer: str, geom: BaseGeometry, exclude: Sequence[int] = ()) -> BaseGeometry:
    """'Avoid overlaps': the part of geom no active neighbour covers."""
    others = [r["geometry"] for r in neighbours(store, layer, geom, exclude) if r["geometry"].intersects(geom)]
    if not others:
        return geom
    clipped = _polygonal(geom.difference(unary_union(others)))
    if clipped.is_empty:
        raise _err("新图形完全落在相邻地块内,裁剪后什么也不剩。",
                   "The new shape lies entirely inside its neighbours; nothing is left after clipping.")
    return clipped


def overlaps_with(store: ProjectStore, layer: str, geom: BaseGeometry, exclude: Sequence[int] = ()) -> list[tuple[int, str, float]]:
    """(fid, code, overlap m²) of active neighbours that geom overlaps."""
    out = []
    for r in neighbours(store, layer, geom, exclude):
        a = r["geometry"].intersection(geom).area
        if a > MIN_PART_M2:
            out.append((r["fid"], r.get("code") or r.get("name") or "", a))
    return out


# what the history panel calls a feature of each layer
_NOUN = {"parcels": ("地块", "parcel"), "buildings": ("建筑", "building"), "zones": ("片区", "zone"),
         "roads": ("道路", "road")}


def _noun(layer: str) -> tuple[str, str]:
    return _NOUN.get(layer, (spec(layer).title_zh, spec(layer).title_en.lower()))


def _label(rec: dict | None, fid: int | None = None) -> str:
    """How a feature is named in messages and the history panel: its code, else its name."""
    rec = rec or {}
    return str(rec.get("code") or rec.get("name") or (f"#{fid}" if fid is not None else ""))


def overlap_report(store: ProjectStore, targets: Sequence[tuple[str, int]]) -> list[dict]:
    """For each (layer, fid), the active features of the same layer it overlaps: dicts with
    layer, fid, code, other_fid, other_code, area_m2. The session shows this after an edit
    when 'avoid overlaps' is off, so an overlap never goes unnoticed."""
    out = []
    for layer, fid in targets:
        try:
            rec = store.get(layer, fid)
        except LandappError:
            continue
        if rec.get("retired") or rec.get("geometry") is None:
            continue
        for ofid, ocode, area in overlaps_with(store, layer, rec["geometry"], [fid]):
            out.append({"layer": layer, "fid": fid, "code": _label(rec, fid), "other_fid": ofid,
                        "other_code": ocode or f"#{ofid}", "area_m2": area})
    return out


class Edit(abc.ABC):
    """Base: `apply` makes the change (first time and redo), `revert` undoes it. `detail`
    (set by apply, e.g. the parcel code) is appended to the text in the history panel."""

    text_zh = "编辑"
    text_en = "Edit"
    detail = ""

    @property
    def text(self) -> str:
        base = tr(self.text_zh, self.text_en)
        return f"{base} {self.detail}" if self.detail else base

    def geometry_targets(self) -> list[tuple[str, int]]:
        """(layer, fid) of the active features whose shape this edit set (for the overlap
        report when 'avoid overlaps' is off). Split and merge keep within their parents."""
        return []

    @abc.abstractmethod
    def apply(self, store: ProjectStore) -> None: ...

    @abc.abstractmethod
    def revert(self, store: ProjectStore) -> None: ...


@dataclass
class AddFeature(Edit):
    layer: str
    record: dict
    avoid_overlaps: bool = False
    fid: int | None = None
    version: int | None = None  # the row's version after apply: undo deletes only that
    state: dict | None = None  # ... or a row that still holds these values

    @property
    def text(self) -> str:
        zh, en = _noun(self.layer)
        return tr(f"新增{zh} {self.detail}", f"Add {en} {self.detail}").strip()

    def apply(self, store):
        rec = dict(self.record)
        if self.avoid_overlaps and rec.get("geometry") is not None:
            rec["geometry"] = clip_to_neighbours(store, self.layer, rec["geometry"])
            self.record = rec
        with store.transaction():
            if self.version is not None:  # redo: put back as a newer version than the one undone
                rec[ROW_VERSION] = self.version
            self.fid = store.insert(self.layer, rec, fid=self.fid)
            self.version, self.state = written(store, self.layer, self.fid)
        self.detail = _label(rec)

    def revert(self, store):
        store.delete(self.layer, self.fid, expected_version=self.version, expected=self.state)

    def geometry_targets(self):
        return [(self.layer, self.fid)] if self.fid is not None else []


@dataclass
class DeleteFeature(Edit):
    """Delete a feature. A building goes with its floors, units and leases (they hang on it
    by building_id and would be left pointing at nothing); undo puts them all back."""

    layer: str
    fid: int
    record: dict | None = None
    space: dict[str, list[dict]] = field(default_factory=dict)  # table -> deleted rows
    version: int | None = None  # after an undo: a redo deletes only that version
    state: dict | None = None  # ... or a row that still holds these values
    text_zh = "删除要素"
    text_en = "Delete feature"

    def apply(self, store):
        with store.transaction():
            self.space = {}
            if self.layer == "buildings":
                space = _space_of(store, self.fid)
                for t in reversed(SPACE_TABLES):  # leases, units, floors
                    if space.get(t):
                        self.space[t] = store.delete_many(t, space[t])
            self.record = store.delete(self.layer, self.fid, expected_version=self.version, expected=self.state)
        self.detail = _label(self.record, self.fid)

    def revert(self, store):
        with store.transaction():
            store.insert(self.layer, self.record, fid=self.fid)
            self.version, self.state = written(store, self.layer, self.fid)
            for t in SPACE_TABLES:  # floors, units, leases: each after what it hangs on
                for rec in self.space.get(t, []):
                    rec = dict(rec)
                    store.insert(t, rec, fid=rec.pop("fid"))


@dataclass
class UpdateAttributes(Edit):
    """Attribute and/or geometry changes of one feature."""

    layer: str
    fid: int
    changes: dict
    avoid_overlaps: bool = False
    old: dict = field(default_factory=dict)
    new: dict = field(default_factory=dict)
    # the row's version the edit was made from (given by the caller: the record it read),
    # then the version after each apply and revert: the next undo or redo is checked against it
    version: int | None = None
    text_zh = "修改属性"
    text_en = "Edit attributes"

    def apply(self, store):
        changes = dict(self.changes)
        if self.avoid_overlaps and changes.get("geometry") is not None:
            changes["geometry"] = clip_to_neighbours(store, self.layer, changes["geometry"], [self.fid])
            self.changes = changes
        with store.transaction():
            self.old, self.new, self.version = _checked_update(store, self.layer, self.fid, changes, self.old,
                                                               self.version)
        self.detail = _label(store.get(self.layer, self.fid), self.fid)

    def revert(self, store):
        if self.old:
            with store.transaction():
                store.update(self.layer, self.fid, self.old, expected=self.new, expected_version=self.version)
                self.version = row_version(store, self.layer, self.fid)

    def geometry_targets(self):
        return [(self.layer, self.fid)] if self.changes.get("geometry") is not None else []


def row_version(store: ProjectStore, layer: str, fid: int) -> int | None:
    """The row's current version (None for tables without one)."""
    return store.get(layer, fid).get(ROW_VERSION)


def written(store: ProjectStore, layer: str, fid: int) -> tuple[int | None, dict]:
    """(version, values) of a row as an edit left it: what an undo that deletes it checks,
    so a row someone changed since is kept, and one whose later edits were undone is not."""
    rec = dict(store.get(layer, fid))
    rec.pop("fid", None)
    return rec.pop(ROW_VERSION, None), rec


def _checked_update(store: ProjectStore, layer: str, fid: int, changes: dict,
                    before: dict | None, version: int | None = None) -> tuple[dict, dict, int | None]:
    """Update and return (previous values, values written, the row's version after) of the
    fields that changed. The first apply passes the version (and values) the edit was made
    from; a redo passes `before` (what the undo put back) and the version after the undo:
    if someone (another program, another planner) wrote the row since, the fields are
    compared (plan_update) and ConflictError says where both changed the same field instead
    of overwriting their work. Undo checks the written values the same way."""
    old = store.update(layer, fid, changes, expected=before or None, expected_version=version)
    cur = store.get(layer, fid)
    if not old:
        return {}, {}, cur.get(ROW_VERSION)
    return old, {k: cur.get(k) for k in old}, cur.get(ROW_VERSION)


class ReplaceGeometry(UpdateAttributes):
    text_zh = "修改图形"
    text_en = "Edit shape"

    def __init__(self, layer: str, fid: int, geometry: BaseGeometry, avoid_overlaps: bool = False):
        super().__init__(layer, fid, {"geometry": geometry}, avoid_overlaps)


@dataclass
class MultiEdit(Edit):
    """Several feature updates as one undoable step (all in one transaction)."""

    layer: str
    changes: dict[int, dict]  # fid -> changes
    old: dict[int, dict] = field(default_factory=dict)
    avoid_overlaps: bool = False
    new: dict[int, dict] = field(default_factory=dict)
    versions: dict[int, int | None] = field(default_factory=dict)  # fid -> version (see UpdateAttributes)
    text_zh = "批量修改"
    text_en = "Edit features"

    def apply(self, store):
        changes = self.changes
        if self.avoid_overlaps:  # clip each changed shape to the neighbours not being edited
            changes = {fid: ({**ch, "geometry": clip_to_neighbours(store, self.layer, ch["geometry"],
                                                                  list(self.changes))}
                             if ch.get("geometry") is not None else ch)
                       for fid, ch in self.changes.items()}
            self.changes = changes
        with store.transaction():
            done = {fid: _checked_update(store, self.layer, fid, ch, self.old.get(fid), self.versions.get(fid))
                    for fid, ch in changes.items()}
        self.old = {f: d[0] for f, d in done.items()}
        self.new = {f: d[1] for f, d in done.items()}
        self.versions = {f: d[2] for f, d in done.items()}
        labels = [_label(store.get(self.layer, f), f) for f in list(changes)[:3]]
        self.detail = "、".join(labels) + (tr(f" 等 {len(changes)} 个", f" and {len(changes) - 3} more")
                                           if len(changes) > 3 else "")

    def revert(self, store):
        with store.transaction():
            for fid, old in self.old.items():
                if old:
                    store.update(self.layer, fid, old, expected=self.new.get(fid),
                                 expected_version=self.versions.get(fid))
                    self.versions[fid] = row_version(store, self.layer, fid)

    def geometry_targets(self):
        return [(self.layer, f) for f, ch in self.changes.items() if ch.get("geometry") is not None]


def _replace_vertex(geom: BaseGeometry, old: tuple[float, float], new: tuple[float, float],
                    tol: float) -> BaseGeometry | None:
    coords = shapely.get_coordinates(geom)
    hit = np.hypot(coords[:, 0] - old[0], coords[:, 1] - old[1]) <= tol
    if not hit.any():
        return None
    coords[hit] = new
    return shapely.set_coordinates(shapely.from_wkb(geom.wkb), coords)  # on a copy


def _shared(store: ProjectStore, layer: str, xy: tuple[float, float], tolerance: float,
            only: Sequence[int] | None) -> list[dict]:
    """The active features of `layer` with a box within `tolerance` of xy."""
    x, y = xy
    box = (x - tolerance, y - tolerance, x + tolerance, y + tolerance)
    out = []
    for fid in store.fids_in_bbox(layer, box):
        if only is not None and fid not in only:
            continue
        rec = store.get(layer, fid)
        if not rec.get("retired"):
            out.append(rec)
    return out


class MoveVertex(MultiEdit):
    """Move a vertex; every feature of the layer sharing it (within VERTEX_TOLERANCE) moves
    it too, so neighbours stay gap-free."""

    text_zh = "移动节点"
    text_en = "Move vertex"

    def __init__(self, store: ProjectStore, layer: str, old_xy: tuple[float, float],
                 new_xy: tuple[float, float], *, tolerance: float = VERTEX_TOLERANCE,
                 only: Sequence[int] | None = None, avoid_overlaps: bool = False):
        changes = {}
        for rec in _shared(store, layer, old_xy, tolerance, only):
            moved = _replace_vertex(rec["geometry"], old_xy, new_xy, tolerance)
            if moved is not None:
                if not moved.is_valid:
                    raise _err(f"移动后 {_label(rec, rec['fid'])} 的图形自相交,未移动。",
                               f"Moving it would make {_label(rec, rec['fid'])} self-intersect; not moved.")
                changes[rec["fid"]] = {"geometry": moved}
        if not changes:
            raise _err("这里没有可移动的节点。", "There is no vertex here to move.")
        super().__init__(layer, changes, avoid_overlaps=avoid_overlaps)


class AddVertex(MultiEdit):
    """Insert a vertex on an edge at xy; every feature whose boundary runs through xy
    (a shared edge) gets it too, so a later move of it keeps the neighbours gap-free."""

    text_zh = "添加节点"
    text_en = "Add vertex"

    def __init__(self, store: ProjectStore, layer: str, fid: int, xy: tuple[float, float], *,
                 tolerance: float = VERTEX_TOLERANCE):
        target = store.get(layer, fid)["geometry"]
        ring = target.boundary
        on = ring.interpolate(ring.project(Point(xy)))  # the point on the clicked feature's edge
        at = (on.x, on.y)
        changes = {fid: {"geometry": with_vertex_added(target, at, exact=True)}}  # at is on its edge already
        for rec in _shared(store, layer, at, tolerance, None):
            g = rec["geometry"]
            if rec["fid"] == fid or g.boundary.distance(on) > tolerance:
                continue
            if np.hypot(*(shapely.get_coordinates(g) - at).T).min() <= tolerance:
                continue  # the neighbour has a vertex there already
            changes[rec["fid"]] = {"geometry": with_vertex_added(g, at, exact=True)}
        super().__init__(layer, changes)


class RemoveVertex(MultiEdit):
    """Delete the vertex at xy from every feature that has it (a shared vertex goes from
    all neighbours, so their common edge stays common)."""

    text_zh = "删除节点"
    text_en = "Delete vertex"

    def __init__(self, store: ProjectStore, layer: str, xy: tuple[float, float], *,
                 tolerance: float = VERTEX_TOLERANCE, only: Sequence[int] | None = None):
        changes = {}
        for rec in _shared(store, layer, xy, tolerance, only):
            g = rec["geometry"]
            if np.hypot(*(shapely.get_coordinates(g) - xy).T).min() <= tolerance:
                changes[rec["fid"]] = {"geometry": with_vertex_removed(g, xy, tolerance)}
        if not changes:
            raise _err("这里没有节点。", "There is no vertex here.")
        super().__init__(layer, changes)


def _ring_insert(ring: np.ndarray, pt: tuple[float, float]) -> np.ndarray:
    """Insert pt into a closed ring on its nearest edge."""
    a, b = ring[:-1], ring[1:]
    ab = b - a
    t = np.clip(((pt[0] - a[:, 0]) * ab[:, 0] + (pt[1] - a[:, 1]) * ab[:, 1]) / np.maximum((ab ** 2).sum(1), 1e-12), 0, 1)
    proj = a + ab * t[:, None]
    i = int(np.argmin(np.hypot(proj[:, 0] - pt[0], proj[:, 1] - pt[1])))
    return np.vstack([ring[: i + 1], [pt], ring[i + 1:]])


def with_vertex_added(geom: BaseGeometry, pt: tuple[float, float], exact: bool = False) -> BaseGeometry:
    """geom with a vertex inserted on the edge nearest pt (the point projected onto it, or
    pt itself with exact=True: a neighbour gets the very coordinates of a shared vertex)."""
    polys = list(shapely.get_parts(geom))
    best = min(range(len(polys)), key=lambda i: polys[i].boundary.distance(Point(pt)))
    p = polys[best]
    rings = [p.exterior, *p.interiors]
    ri = min(range(len(rings)), key=lambda i: rings[i].distance(Point(pt)))
    new_rings = [np.asarray(r.coords) for r in rings]
    target = Point(pt) if exact else rings[ri].interpolate(rings[ri].project(Point(pt)))
    new_rings[ri] = _ring_insert(new_rings[ri], (target.x, target.y))
    polys[best] = Polygon(new_rings[0], new_rings[1:])
    return MultiPolygon(polys) if len(polys) > 1 else polys[0]


def with_vertex_removed(geom: BaseGeometry, pt: tuple[float, float], tol: float) -> BaseGeometry:
    polys = list(shapely.get_parts(geom))
    for k, p in enumerate(polys):
        rings = [np.asarray(r.coords) for r in [p.exterior, *p.interiors]]
        for ri, ring in enumerate(rings):
            d = np.hypot(ring[:-1, 0] - pt[0], ring[:-1, 1] - pt[1])
            i = int(np.argmin(d))
            if d[i] <= tol:
                if len(ring) <= 4:
                    raise _err("多边形至少要有 3 个节点。", "A polygon needs at least 3 vertices.")
                core = np.delete(ring[:-1], i, axis=0)
                rings[ri] = np.vstack([core, core[:1]])
                polys[k] = Polygon(rings[0], rings[1:])
                out = MultiPolygon(polys) if len(polys) > 1 else polys[0]
                if not out.is_valid:
                    raise _err("删除该节点会使多边形自相交。", "Removing this vertex would make the polygon self-intersect.")
                return out
    raise _err("这里没有节点。", "There is no vertex here.")


LINE_REACH = 0.05  # m: a drawn line's ends reach this far on, so an end snapped onto a boundary cuts it


def extend_ends(line: LineString, reach: float = LINE_REACH) -> LineString:
    """The line with its first and last segments lengthened by `reach`. An end snapped onto
    an edge lies on it only to floating-point precision, a hair inside or outside; reaching
    on makes it cross, as the planner meant."""
    c = np.asarray(line.coords, dtype=float)
    if len(c) < 2:
        return line
    for end, nxt in ((0, 1), (-1, -2)):
        d = c[end] - c[nxt]
        n = np.hypot(*d)
        if n > 0:
            c[end] = c[end] + d / n * reach
    return LineString(c)


def split_pieces(geom: BaseGeometry, line: LineString) -> list[BaseGeometry]:
    """The parts a drawn line cuts geom into (one part: the line does not cross it)."""
    return [p for p in shapely.get_parts(split(geom, extend_ends(line))) if p.area > MIN_PART_M2]


def reshape(geom: BaseGeometry, line: LineString) -> BaseGeometry:
    """Reshape by a drawn line that starts and ends on (or across) the boundary: a line
    inside cuts off the smaller side; a line outside adds the area it encloses."""
    poly = geom if geom.geom_type == "Polygon" else max(shapely.get_parts(geom), key=lambda g: g.area)
    line = extend_ends(line)
    faces = list(polygonize(unary_union([poly.exterior, *poly.interiors, line])))
    if len(faces) < 2:
        raise _err("重塑线需与地块边界相交两次。", "The reshape line must cross the boundary twice.")
    inside = poly.contains(line.interpolate(0.5, normalized=True))
    if inside:
        keep = [f for f in faces if poly.contains(f.representative_point())]
        result = max(keep, key=lambda f: f.area)
    else:
        result = _polygonal(unary_union([f for f in faces if f.area > MIN_PART_M2]))
        result = _polygonal(unary_union([poly, result]))
    if geom.geom_type == "MultiPolygon":
        others = [g for g in shapely.get_parts(geom) if not g.equals(poly)]
        result = _polygonal(unary_union([result, *others]))
    return result


def _today() -> str:
    return dt.date.today().isoformat()


def _rehome_buildings(store: ProjectStore, codes: Sequence[str], children: dict[int, str]) -> dict[int, dict]:
    """Buildings registered on the retired parcels `codes` move to the child parcel (fid ->
    code) they overlap most, so 'buildings on the parcel' follows a split or merge. Returns
    the buildings' previous values for undo."""
    if not codes or not children:
        return {}
    blds = store.rows("buildings", F("parcel_code").in_(codes) & current())
    kids = {f: store.get("parcels", f)["geometry"] for f in children}
    old = {}
    for b in blds:
        best = max(kids, key=lambda f: kids[f].intersection(b["geometry"]).area)
        if children[best] != b["parcel_code"]:
            old[b["fid"]] = store.update("buildings", b["fid"], {"parcel_code": children[best]})
    return old


def _restore(store: ProjectStore, layer: str, olds: dict[int, dict]) -> None:
    for f, old in olds.items():
        if old:
            store.update(layer, f, old)


# split and merge work on these layers (both keep retired features as history)
SPLITTABLE = ("parcels", "buildings")
# the tables whose rows hang on a building by building_id: a building with any of them
# cannot be split (units have no shape to divide), and a merge moves them to the new one
SPACE_TABLES = ("floors", "units", "leases")
_MEASURE = {"parcels": "宗", "buildings": "栋"}  # 两宗地块, 两栋建筑


def _check_layer(layer: str) -> None:
    if layer not in SPLITTABLE:
        raise _err("分割与合并只适用于地块和建筑。", "Split and merge work on parcels and buildings only.")


def _space_of(store: ProjectStore, bfid: int) -> dict[str, list[int]]:
    """The floors, units and leases of a building (fids per table; empty tables left out)."""
    out = {}
    for t in SPACE_TABLES:
        fids = [r["fid"] for r in store.rows(t, F("building_id") == int(bfid), geometry=False)]
        if fids:
            out[t] = fids
    return out


def _copyable(layer: str, rec: dict) -> dict:
    """A feature's own attributes (not computed, not its retirement) for a child to inherit."""
    s = spec(layer)
    return {k: v for k, v in rec.items()
            if s.has(k) and not s.field(k).computed and k not in ("retired", "retired_date")}


def _share(total: float | None, weights: Sequence[float]) -> list[float | None]:
    """`total` divided in proportion to `weights`, to the hundredth, adding up exactly (the
    last share takes the rounding)."""
    if total is None:
        return [None] * len(weights)
    w = sum(weights)
    out = [round(total * x / w, 2) for x in weights[:-1]]
    return [*out, round(total - sum(out), 2)]


@dataclass
class SplitFeature(Edit):
    """Split a parcel or building by a line: the parent is retired (kept as history), the
    parts become new features with the parent's attributes and codes CODE-1, CODE-2 …
    (a building without a code gets NAME-1, NAME-2 …). Parcels get lineage rows, and their
    buildings move to the part they stand on. A building's floor area is divided in
    proportion to the footprints; one with floors, units or leases is refused, because
    units have no shape to divide (the planner reorganises them in the stacking plan)."""

    layer: str
    fid: int
    line: LineString
    date: str = field(default_factory=_today)
    child_fids: list[int] = field(default_factory=list)
    lineage_fids: list[int] = field(default_factory=list)
    parent_old: dict = field(default_factory=dict)
    buildings_old: dict = field(default_factory=dict)
    child_versions: dict[int, int | None] = field(default_factory=dict)  # undo deletes only these
    child_states: dict[int, dict] = field(default_factory=dict)  # ... or parts that still hold these

    @property
    def text(self) -> str:
        zh, en = _noun(self.layer)
        return tr(f"拆分{zh} {self.detail}", f"Split {en} {self.detail}").strip()

    def parts(self, store) -> list[Polygon]:
        geom = store.get(self.layer, self.fid)["geometry"]
        pieces = split_pieces(geom, self.line)
        if len(pieces) < 2:
            zh, en = _noun(self.layer)
            raise _err(f"分割线没有把{zh}分成两部分(需完整穿过{zh})。",
                       f"The line does not cut the {en} in two (it must cross it completely).")
        return sorted(pieces, key=lambda p: (-p.centroid.y, p.centroid.x))  # north-west first

    def _refuse_space(self, store, parent: dict) -> None:
        if self.layer == "buildings" and _space_of(store, self.fid):
            label = _label(parent, self.fid)
            raise _err(f"建筑 {label} 已有楼层、单元或租约,而单元没有图形可以分割;请先在分层图中重新安排它的空间,再分割。",
                       f"Building {label} already has floors, units or leases, and units have no shape "
                       "to divide; reorganise its space in the stacking plan first, then split it.")

    def _child_records(self, parent: dict, pieces: list[Polygon]) -> list[dict]:
        base = _copyable(self.layer, parent)
        if self.layer == "parcels":
            return [{**base, "code": f"{parent['code']}-{i}", "geometry": p} for i, p in enumerate(pieces, 1)]
        areas = _share(parent.get("floor_area"), [p.area for p in pieces])
        out = []
        for i, (p, gfa) in enumerate(zip(pieces, areas), 1):
            rec = {**base, "geometry": p, "floor_area": gfa}
            if parent.get("code"):
                rec["code"] = f"{parent['code']}-{i}"
            else:
                rec["name"] = f"{parent['name']}-{i}"
            out.append(rec)
        return out

    def apply(self, store):
        _check_layer(self.layer)
        parent = store.get(self.layer, self.fid)
        if parent.get("retired"):
            zh, en = _noun(self.layer)
            raise _err(f"该{zh}已注销,不能再拆分。", f"This {en} is retired and cannot be split.")
        self._refuse_space(store, parent)
        records = self._child_records(parent, self.parts(store))
        reuse = len(self.child_fids) == len(records)  # a redo brings back the same fids
        if reuse:  # put back as newer versions than the ones undone
            for c, rec in zip(self.child_fids, records):
                if self.child_versions.get(c) is not None:
                    rec[ROW_VERSION] = self.child_versions[c]
        with store.transaction():
            children = [store.insert(self.layer, rec, fid=self.child_fids[i] if reuse else None)
                        for i, rec in enumerate(records)]
            self.parent_old = store.update(self.layer, self.fid, {"retired": True, "retired_date": self.date})
            self.child_fids = children
            done = {c: written(store, self.layer, c) for c in children}
            self.child_versions = {c: v for c, (v, _) in done.items()}
            self.child_states = {c: st for c, (_, st) in done.items()}
            if self.layer == "parcels":  # the lineage table is for parcels
                codes = [r["code"] for r in records]
                self.lineage_fids = [store.insert("parcel_lineage", {
                    "parent_id": self.fid, "child_id": c, "parent_code": parent["code"],
                    "child_code": code, "operation": "拆分", "date": self.date,
                    "user": getattr(store, "user", None)}) for c, code in zip(children, codes)]
                self.buildings_old = _rehome_buildings(store, [parent["code"]], dict(zip(children, codes)))
        self.detail = _label(parent, self.fid)

    def revert(self, store):
        with store.transaction():
            _restore(store, "buildings", self.buildings_old)
            for lf in self.lineage_fids:
                store.delete("parcel_lineage", lf)
            for c in self.child_fids:  # a part someone edited since is not thrown away
                store.delete(self.layer, c, expected_version=self.child_versions.get(c),
                             expected=self.child_states.get(c))
            store.update(self.layer, self.fid, self.parent_old,
                         expected={"retired": True, "retired_date": self.date} if self.parent_old else None)


MERGE_GRID = 1e-6  # m: the grid a merge falls back to when exact shapes miss by rounding


def _merged_shape(geoms: Sequence[BaseGeometry]) -> BaseGeometry:
    """The union of shapes that touch. A part split off by a line crossing an edge it shares
    with a neighbour has its new corner on that edge only to floating-point precision (some
    1e-10 m off), and the exact union then has two parts; snap-rounded to a micrometre grid
    they are one, as the planner sees them."""
    merged = _polygonal(unary_union([shapely.buffer(g, 0) for g in geoms]))
    if merged.geom_type != "Polygon":
        merged = _polygonal(shapely.union_all([shapely.buffer(g, 0) for g in geoms], grid_size=MERGE_GRID))
    return merged


@dataclass
class MergeFeatures(Edit):
    """Merge touching parcels or buildings into one. Attributes come from `keep` (default:
    the largest); the code is `code` or KEEP-H; parents are retired. Parcels get lineage
    rows and their buildings follow. Merged buildings add up their floor areas; the floors,
    units and leases of the one parent that has any move to the new building (more than
    one with space is refused: their floors cannot be combined automatically)."""

    layer: str
    fids: list[int]
    keep: int | None = None
    code: str | None = None
    date: str = field(default_factory=_today)
    child_fid: int | None = None
    lineage_fids: list[int] = field(default_factory=list)
    parents_old: dict[int, dict] = field(default_factory=dict)
    buildings_old: dict = field(default_factory=dict)
    space_old: dict[str, dict[int, dict]] = field(default_factory=dict)  # table -> fid -> old values
    child_version: int | None = None  # the merged feature's version: undo deletes only that
    child_state: dict | None = None  # ... or the feature still holding these values

    @property
    def text(self) -> str:
        zh, en = _noun(self.layer)
        return tr(f"合并{zh} {self.detail}", f"Merge {en}s {self.detail}").strip()

    def _check(self, store, recs: list[dict]) -> dict[str, list[int]]:
        """Refusals in the planner's words; returns the space (floors, units, leases) that moves."""
        zh, en = _noun(self.layer)
        if any(r.get("retired") for r in recs):
            raise _err(f"所选{zh}中有已注销的{zh}。", f"A selected {en} is retired.")
        if self.layer != "buildings":
            return {}
        spaces = {r["fid"]: _space_of(store, r["fid"]) for r in recs}
        with_space = [r for r in recs if spaces[r["fid"]]]
        if len(with_space) > 1:
            names = "、".join(_label(r, r["fid"]) for r in with_space)
            raise _err(f"所选建筑中 {names} 都已有楼层或单元,合并后无法自动拼合各自的楼层:"
                       "请先在分层图中把空间整理到其中一栋,再合并。",
                       f"{names.replace('、', ', ')} all have floors or units already, which a merge "
                       "cannot combine: reorganise the space in the stacking plan so that only one "
                       "of them has any, then merge.")
        return spaces[with_space[0]["fid"]] if with_space else {}

    def apply(self, store):
        _check_layer(self.layer)
        zh, en = _noun(self.layer)
        if len(set(self.fids)) < 2:
            raise _err(f"合并至少需要选择两{_MEASURE[self.layer]}{zh}。", f"Select at least two {en}s to merge.")
        recs = [store.get(self.layer, f) for f in self.fids]
        space = self._check(store, recs)
        merged = _merged_shape([r["geometry"] for r in recs])
        if merged.geom_type != "Polygon":
            raise _err("所选地块不相邻,不能合并成一宗。" if self.layer == "parcels" else
                       "所选建筑的占地互不相连,不能合并成一栋。",
                       f"The selected {en}s do not touch; they cannot become one {en}." if self.layer == "parcels"
                       else "The footprints of the selected buildings do not touch; they cannot become one building.")
        source = next((r for r in recs if r["fid"] == self.keep), None) or max(recs, key=lambda r: r["geometry"].area)
        rec = _copyable(self.layer, source)
        if self.code or source.get("code"):
            rec["code"] = self.code or f"{source['code']}-H"
        if self.layer == "buildings":
            gfa = [r["floor_area"] for r in recs if r.get("floor_area") is not None]
            rec["floor_area"] = round(sum(gfa), 2) if gfa else None
        rec["geometry"] = merged
        if self.child_fid is not None and self.child_version is not None:
            rec[ROW_VERSION] = self.child_version  # redo: a newer version than the one undone
        with store.transaction():
            self.child_fid = store.insert(self.layer, rec, fid=self.child_fid)
            self.child_version, self.child_state = written(store, self.layer, self.child_fid)
            self.parents_old = {f: store.update(self.layer, f, {"retired": True, "retired_date": self.date})
                                for f in self.fids}
            if self.layer == "parcels":  # the lineage table is for parcels
                self.lineage_fids = [store.insert("parcel_lineage", {
                    "parent_id": r["fid"], "child_id": self.child_fid, "parent_code": r["code"],
                    "child_code": rec["code"], "operation": "合并", "date": self.date,
                    "user": getattr(store, "user", None)}) for r in recs]
                self.buildings_old = _rehome_buildings(store, [r["code"] for r in recs],
                                                       {self.child_fid: rec["code"]})
            self.space_old = {t: {f: store.update(t, f, {"building_id": self.child_fid}) for f in fids}
                              for t, fids in space.items()}
        self.detail = _label(rec, self.child_fid)

    def revert(self, store):
        with store.transaction():
            for t, olds in self.space_old.items():  # floors, units and leases go home first
                _restore(store, t, olds)
            _restore(store, "buildings", self.buildings_old)
            for lf in self.lineage_fids:
                store.delete("parcel_lineage", lf)
            store.delete(self.layer, self.child_fid, expected_version=self.child_version, expected=self.child_state)
            for f, old in self.parents_old.items():
                store.update(self.layer, f, old, expected={"retired": True, "retired_date": self.date} if old else None)


class MoveFeatures(MultiEdit):
    text_zh = "移动要素"
    text_en = "Move features"

    def __init__(self, store: ProjectStore, layer: str, fids: Sequence[int], dx: float, dy: float,
                 avoid_overlaps: bool = False):
        changes = {f: {"geometry": shapely.affinity.translate(store.get(layer, f)["geometry"], dx, dy)}
                   for f in fids}
        super().__init__(layer, changes, avoid_overlaps=avoid_overlaps)


class DeleteFeatures(Edit):
    text_zh = "删除要素"
    text_en = "Delete features"

    def __init__(self, layer: str, fids: Sequence[int]):
        self.parts = [DeleteFeature(layer, f) for f in fids]

    def apply(self, store):
        with store.transaction():
            for p in self.parts:
                p.apply(store)
        labels = [p.detail for p in self.parts[:3]]
        self.detail = "、".join(labels) + (tr(f" 等 {len(self.parts)} 个", f" and {len(self.parts) - 3} more")
                                           if len(self.parts) > 3 else "")

    def revert(self, store):
        with store.transaction():
            for p in reversed(self.parts):
                p.revert(store)

