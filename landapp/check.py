"""Project health: what `landapp info` summarises and `landapp check` verifies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from landapp.i18n import tr
from landapp.schema import SPATIAL_LAYERS, spec
from landapp.store.base import ProjectStore
from landapp.store.filters import F
from landapp.units import to_mu

if TYPE_CHECKING:
    import numpy as np

# numpy and shapely are imported by the checks that use them: `landapp info` needs neither

# Overlaps thinner than this (m²) are digitising noise, not a planning problem.
OVERLAP_TOLERANCE_M2 = 0.01


@dataclass
class Problem:
    kind: str  # integrity | invalid_geometry | overlap | duplicate_code | index
    layer: str
    fids: tuple[int, ...]
    message: str
    fixable: bool = False  # `landapp check --fix` repairs it


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def summary(store: ProjectStore) -> dict:
    """Counts, CRS, total areas (m² and 亩) and a vacancy summary by building type."""
    out: dict = {"name": store.name, "path": store.path, "crs": f"EPSG:{store.srs_id}"}
    counts = {layer: store.count(layer) for layer in ("zones", "roads", "floors", "units", "enterprises",
                                                      "leases", "revitalisation_cases")}
    # parcels in one pass, in the store: active ones per status with their area, and the
    # retired ones (a million parcels: one aggregate query instead of a frame and three scans)
    groups = store.group_totals("parcels", ("retired", "status"), ("area_m2",), include_retired=True)
    by_status: dict = {}
    counts["retired_parcels"] = 0
    for retired, status, n, area in groups:
        if retired:
            counts["retired_parcels"] += n
            continue
        c, a = by_status.get(status or "-", (0, 0.0))
        by_status[status or "-"] = (c + n, a + area)
    counts["parcels"] = sum(c for c, _ in by_status.values())
    # one definition of vacancy for the whole app: landapp.vacancy (leases and unit status),
    # read as columns; its building counts per type are every active building
    from landapp.vacancy import default_as_of, store_vacancy_figures

    as_of = default_as_of(store)
    by_type = store_vacancy_figures(store, as_of, by="type")
    counts["buildings"] = sum(f.buildings for f in by_type)
    out["counts"] = {k: counts[k] for k in ("zones", "roads", "parcels", "buildings", "floors", "units",
                                            "enterprises", "leases", "revitalisation_cases", "retired_parcels")}
    area = float(sum(a for _, a in by_status.values()))
    out["parcel_area_m2"] = area
    out["parcel_area_mu"] = to_mu(area)
    out["parcels_by_status"] = [
        {"status": st, "count": int(c), "area_m2": float(a), "area_mu": to_mu(float(a))}
        for st, (c, a) in sorted(by_status.items(), key=lambda kv: -kv[1][1])]
    out["as_of"] = as_of.isoformat()
    rows = [{"type": f.key, "buildings": f.buildings, "unit_area_m2": f.leasable, "vacant_m2": f.vacant,
             "vacancy_rate": f.vacancy_rate} for f in by_type if f.leasable > 0]
    total = sum(r["unit_area_m2"] for r in rows)
    vacant = sum(r["vacant_m2"] for r in rows)
    out["vacancy"] = {"by_type": rows, "unit_area_m2": total, "vacant_m2": vacant,
                      "vacancy_rate": vacant / total if total else None}
    return out


def check_project(store: ProjectStore, *, overlaps: bool = True,
                  progress: Callable[[str, float], None] | None = None) -> CheckReport:
    """SQLite integrity, spatial-index consistency, invalid geometries, overlapping parcels
    and duplicate parcel codes (active parcels only), and the data checks of
    landapp.check_data. progress(step, fraction) is told as the work goes (the CLI shows it
    on a terminal).

    The database's own checks (integrity, then the set-based data checks) run on a second
    connection on a thread while this one reads and checks the geometries: the database
    works outside the GIL and GEOS releases it, so on two cores a million parcels' check
    takes the longer of the two instead of their sum. The report is the same as one after
    the other: integrity problems alone when there are any (reading a damaged file further
    only produces noise), else the geometry findings, then the data findings (the spatial
    index's last)."""
    say = progress or (lambda _step, _f: None)
    say(tr("完整性", "integrity"), 0.0)
    side = _DatabaseChecks(store)
    try:
        rep = _geometry_checks(store, overlaps, say)
        # the R-tree boxes on this connection, while the other one finishes (it has the
        # longer share: a million parcels' integrity check alone is 2.7 s)
        say(tr("空间索引", "spatial index"), 0.9)
        from landapp.check_data import index_problems

        index = index_problems(store)
    except Exception:
        integrity, _ = side.result(store)
        if integrity:
            return CheckReport(integrity)
        raise
    say(tr("数据", "data"), 0.95)
    integrity, data = side.result(store)
    if integrity:
        return CheckReport(integrity)
    rep.problems.extend(data + index)
    say(tr("完成", "done"), 1.0)
    return rep


class _DatabaseChecks:
    """The integrity check and the data checks on a connection of their own, on a thread
    (store.reopen()); without one, result() runs them on `store`."""

    def __init__(self, store: ProjectStore):
        import threading

        self._out: tuple[list[Problem], list[Problem]] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(store,), name="landapp-check", daemon=True)
        self._thread.start()

    def _run(self, store: ProjectStore) -> None:
        try:
            other = store.reopen()
        except Exception:  # noqa: BLE001 - no second connection (a server's limit, a lock): result() runs them here
            return
        if other is None:
            return
        try:
            with other:
                self._out = _database_checks(other)
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread by result()
            self._error = e

    def result(self, store: ProjectStore) -> tuple[list[Problem], list[Problem]]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._out if self._out is not None else _database_checks(store)


def _database_checks(store: ProjectStore) -> tuple[list[Problem], list[Problem]]:
    """(integrity problems, data problems); no data checks on a damaged database."""
    integrity = [Problem("integrity", "", (), tr(f"SQLite 完整性检查:{msg}", f"SQLite integrity check: {msg}"))
                 for msg in store.integrity_check()]
    if integrity:
        return integrity, []
    from landapp.check_data import data_problems  # references, sizes, leases, index boxes …

    return [], data_problems(store, index=False)


def _geometry_checks(store: ProjectStore, overlaps: bool, say: Callable[[str, float], None]) -> CheckReport:
    import numpy as np
    import shapely

    rep = CheckReport()
    for k, layer in enumerate(SPATIAL_LAYERS):
        share = (k + 1) / (len(SPATIAL_LAYERS) + 1)  # parcels' overlaps get the last share
        say(layer, share)
        n = store.count(layer)
        n_index = store.index_count(layer)
        n_geom = store.count(layer, F("geometry").is_not_null())
        rep.checked[layer] = n
        if n_index != n_geom:
            rep.problems.append(Problem("index", layer, (), tr(
                f"图层 {layer} 的空间索引有 {n_index} 条,而要素有 {n_geom} 个。",
                f"Layer {layer}: the spatial index has {n_index} entries for {n_geom} features.")))
        area_col = _area_column(layer)
        cols = (["code"] if layer in ("parcels", "buildings", "zones") else []) + ([area_col] if area_col else [])
        shapes = _Shapes(*store.read_wkb(layer, columns=cols, include_retired=False, batch=True))
        if shapes.n == 0:
            continue
        invalid = shapes.invalid
        for i in np.flatnonzero(invalid):
            fid = shapes.fids[i]
            reason = shapely.is_valid_reason(shapes.geoms[i])
            rep.problems.append(Problem("invalid_geometry", layer, (int(fid),), tr(
                f"{layer} #{fid} 的多边形无效:{reason}。", f"{layer} #{fid} has an invalid polygon: {reason}.")))
        rep.problems.extend(_stale_areas(layer, shapes.attrs, shapes.areas, area_col, invalid))
        if layer == "parcels":
            codes = shapes.attrs["code"]
            dup = codes[codes.duplicated(keep=False) & codes.notna()]
            for code, grp in dup.groupby(dup):
                rep.problems.append(Problem("duplicate_code", layer, tuple(int(f) for f in grp.index), tr(
                    f"地块编号 {code} 重复({len(grp)} 个地块)。", f"Parcel code {code} is used {len(grp)} times.")))
            if overlaps:
                say(tr("重叠", "overlaps"), share + 0.5 / (len(SPATIAL_LAYERS) + 1))
                rep.problems.extend(_overlaps(shapes))
        del shapes  # a million parcels' shapes are not kept while the next layer is read
    return rep


class _Shapes:
    """A layer's features as store.read_wkb gives them (attributes by fid, WKB in one
    buffer) with what the checks need of each shape: its validity, area and bounds. A
    strictly convex one-ring polygon (most parcels and buildings) gets them from numpy
    (landapp.wkb.convex_rings: valid by construction) and no GEOS object; the others are
    decoded and asked GEOS, as all were before (a million parcels: from_wkb 1.9 s,
    is_valid 0.5 s). geoms holds those GEOS objects (None for the convex ones and for
    features without a geometry); geom_of() decodes any feature when it is needed."""

    def __init__(self, attrs, data: np.ndarray, offsets: np.ndarray):
        import numpy as np
        import shapely

        from landapp import wkb

        self.attrs, self.data, self.offsets = attrs, data, offsets
        self.fids = attrs.index.to_numpy()
        self.n = len(offsets) - 1
        self.convex, self.areas, self.bounds = wkb.convex_rings(data, offsets)
        self.geoms = np.empty(self.n, dtype=object)
        rest = np.flatnonzero(~self.convex)
        self.geoms[rest] = self._decode(rest)
        self.invalid = np.zeros(self.n, dtype=bool)
        # a feature without a geometry is not valid (shapely.is_valid(None) is False), as before
        self.invalid[rest] = ~shapely.is_valid(self.geoms[rest])
        self.areas[rest] = shapely.area(self.geoms[rest])
        self.bounds[rest] = shapely.bounds(self.geoms[rest])

    def _decode(self, idx: np.ndarray) -> np.ndarray:
        from landapp.wkb import decode

        return decode(self.data, self.offsets, idx)

    def geom_of(self, idx: np.ndarray) -> np.ndarray:
        """The GEOS geometries of these features (decoded from the buffer where not kept)."""
        import numpy as np

        out = self.geoms[idx]
        todo = np.flatnonzero(self.convex[idx])
        if len(todo):
            out[todo] = self._decode(idx[todo])
        return out


def _area_column(layer: str) -> str | None:
    s = spec(layer)
    for col in ("area_m2", "footprint_m2"):
        if s.has(col) and s.field(col).computed:
            return col
    return None


def _stale_areas(layer: str, gdf, actual, col: str | None, invalid) -> list[Problem]:
    """Areas are computed by landapp; a feature added or reshaped by another program (QGIS,
    ogr2ogr) has a missing or stale area until `landapp check --fix` recomputes it."""
    if col is None or len(gdf) == 0:
        return []
    import numpy as np

    stored = gdf[col]
    stale = stored.isna().to_numpy() | (np.abs(stored.to_numpy(dtype=float, na_value=np.nan) - actual) > 0.01)
    stale &= ~invalid
    return [Problem("stale_area", layer, (int(fid),), tr(
        f"{layer} #{fid} 的面积未随图形更新(可能由其他软件修改),可用 --fix 重算。",
        f"{layer} #{fid}: the stored area does not match its shape (edited elsewhere?); --fix recomputes it."))
        for fid in gdf.index[stale]]


def fix_stale_areas(store: ProjectStore, report: CheckReport) -> int:
    """Recompute the areas the report found stale, in one transaction. Returns how many."""
    stale = [p for p in report.problems if p.kind == "stale_area"]
    with store.transaction():
        for p in stale:
            rec = store.get(p.layer, p.fids[0])
            store.update(p.layer, p.fids[0], {"geometry": rec["geometry"]}, force_computed=True)
    return len(stale)


def _box_pairs(b: np.ndarray, use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(left, right) with left < right, sorted: the pairs of boxes among `use` that overlap
    by more than OVERLAP_TOLERANCE_M2 (boxes (n, 4): minx, miny, maxx, maxy). An STRtree
    holds the boxes, a hair smaller (see below), as their diagonals (the same envelopes as the shapes, and a two-point
    line is cheaper to make than a parcel from its WKB: 0.3 s against 1.9 s for a million)."""
    import numpy as np
    import shapely

    idx = np.flatnonzero(use)
    if len(idx) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    bb = b[idx]
    # the boxes in the tree shrunk by `half` on each side: a pair whose boxes only touch (a
    # grid's neighbours: 4 of 5 pairs on the synthetic park) is then not found at all. A
    # pair lost this way overlaps by less than 2 * half (and rounding) in x or in y, so by
    # less than that times the largest box side: under the tolerance, no finding lost
    extent = float(max((bb[:, 2] - bb[:, 0]).max(), (bb[:, 3] - bb[:, 1]).max()))
    ulp = float(np.spacing(np.abs(bb).max()))
    half = OVERLAP_TOLERANCE_M2 / (8 * extent) if extent > 0 else 0.0
    if not (half > 4 * ulp and (2 * half + 4 * ulp) * extent < OVERLAP_TOLERANCE_M2 / 2):
        half = 0.0
    boxes = shapely.linestrings((bb + [half, half, -half, -half]).reshape(-1, 2, 2))
    i, j = shapely.STRtree(boxes).query(boxes)  # every pair of (shrunk) boxes that meet
    keep = i < j
    i, j = i[keep], j[keep]
    w = np.minimum(bb[i, 2], bb[j, 2]) - np.maximum(bb[i, 0], bb[j, 0])
    h = np.minimum(bb[i, 3], bb[j, 3]) - np.maximum(bb[i, 1], bb[j, 1])
    boxed = w * h > OVERLAP_TOLERANCE_M2  # the overlap lies inside both boxes
    left, right = idx[i[boxed]], idx[j[boxed]]
    order = np.lexsort((right, left))
    return left[order], right[order]


def _overlaps(shapes: _Shapes) -> list[Problem]:
    """Pairs whose interiors meet by more than the tolerance, by fid order of the first
    parcel, then of the second. Most pairs an index finds are neighbours sharing an edge;
    where their bounding boxes only touch (a grid of parcels along its axes) their
    interiors cannot meet, so only pairs whose boxes overlap with an area are intersected
    (intersecting every touching pair was 59% of `check`); those pairs come from
    _box_pairs, and only the shapes of the pairs are decoded."""
    import numpy as np
    import shapely

    b = shapes.bounds
    use = ~np.isnan(b).any(axis=1) & ~shapes.invalid  # no geometry, an empty or an invalid one: no pair
    left, right = _box_pairs(b, use)
    if len(left) == 0:
        return []
    used, pos = np.unique(np.concatenate([left, right]), return_inverse=True)
    geoms = shapes.geom_of(used)
    areas = shapely.area(shapely.intersection(geoms[pos[:len(left)]], geoms[pos[len(left):]]))
    out = []
    fids = shapes.fids
    codes = shapes.attrs["code"].to_numpy()
    for i, j, a in zip(left, right, areas):
        if a > OVERLAP_TOLERANCE_M2:
            out.append(Problem("overlap", "parcels", (int(fids[i]), int(fids[j])), tr(
                f"地块 {codes[i]} 与 {codes[j]} 重叠 {a:.1f} ㎡。",
                f"Parcels {codes[i]} and {codes[j]} overlap by {a:.1f} m².")))
    return out
