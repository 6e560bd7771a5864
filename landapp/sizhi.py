"""四至: what bounds a parcel to the east, south, west and north — the neighbouring parcel,
the road, or the zone's edge — computed from the geometry.

A parcel's east side is the part of its boundary that faces east: the edges whose outward
normal lies within ±50° of east (so a rotated or elongated parcel still has the sides a
surveyor would name; a corner edge facing north-east counts for both). Just outside those
edges we look first in a thin strip (NEAR_M): what touches the side is what bounds it, so a
road in front of the parcel wins over the parcel across the road. Only if nothing touches
do we look further out (BAND_M). A direction with no facing edge (a triangle) falls back to
the 90° sector around that bearing. Nothing there means the zone's edge, or open land."""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from landapp.i18n import tr
from landapp.store.base import ProjectStore

BAND_M = 30.0
NEAR_M = 4.0
FACING_DEG = 50.0  # an edge faces a direction when its outward normal is this close to it
SHARE = 0.15  # a neighbour must front at least this share of a side
SECOND = 0.35  # a second neighbour is named too when it fronts this much of the side
CACHE_SIZE = 50_000  # features' (geometry, label) kept between parcels
DIRECTIONS = [("east", "东", 0.0), ("south", "南", -90.0), ("west", "西", 180.0), ("north", "北", 90.0)]


def _sector(cx: float, cy: float, bearing_deg: float, reach: float) -> Polygon:
    a0, a1 = math.radians(bearing_deg - 45), math.radians(bearing_deg + 45)
    pts = [(cx, cy)] + [(cx + reach * math.cos(a), cy + reach * math.sin(a))
                        for a in np.linspace(a0, a1, 7)]
    return Polygon(pts)


def _label(rec: dict, layer: str, with_code: bool = True) -> str:
    if layer == "roads":
        return rec.get("name") or tr("道路", "road")
    name = rec.get("name")
    code = rec.get("code")
    if name and code and with_code:
        return f"{name}({code})"
    return name or code or tr("相邻地块", "neighbouring parcel")


def facing_edges(geom) -> dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """{'east': [(a, b, outward unit normal), ...], ...} for the exterior edges of every part."""
    out: dict[str, list] = {key: [] for key, _, _ in DIRECTIONS}
    for part in shapely.get_parts(geom):
        ring = np.asarray(orient(part, sign=1.0).exterior.coords)  # counter-clockwise
        a, b = ring[:-1], ring[1:]
        d = b - a
        length = np.hypot(d[:, 0], d[:, 1])
        ok = length > 1e-6
        a, b, d, length = a[ok], b[ok], d[ok], length[ok]
        normal = np.column_stack([d[:, 1], -d[:, 0]]) / length[:, None]  # to the right of a CCW ring: outward
        bearing = np.degrees(np.arctan2(normal[:, 1], normal[:, 0]))
        for key, _, want in DIRECTIONS:
            diff = np.abs((bearing - want + 180.0) % 360.0 - 180.0)
            for i in np.flatnonzero(diff <= FACING_DEG):
                out[key].append((a[i], b[i], normal[i]))
    return out


def _strip(edges, depth: float, geom):
    a, b, n = (np.array([e[k] for e in edges], dtype=float).reshape(-1, 2) for k in range(3))
    quads = shapely.polygons(np.stack([a, b, b + n * depth, a + n * depth, a], axis=1))
    return shapely.union_all(quads).difference(geom)


class SizhiFinder:
    """Finds 四至 for many parcels; reads neighbours through the store's spatial index."""

    def __init__(self, store: ProjectStore, band: float = BAND_M, with_code: bool = True):
        """with_code: a neighbouring parcel reads 'name(code)' (the parcel sheet); without,
        just its name, or its code if it has none (published lists, where space is short)."""
        self.store = store
        self.band = band
        self.with_code = with_code
        self._cache: OrderedDict = OrderedDict()
        self.zones = [(z["geometry"], z.get("name")) for z in store.rows("zones")]

    def _candidates(self, layer: str, area) -> list[tuple[int, object, str]]:
        """(fid, geometry, label) of the active features whose box meets area's box. Records
        are read once and kept (a parcel is a candidate for each of its neighbours' 四至)."""
        out = []
        cache = self._cache
        for fid in self.store.fids_in_bbox(layer, area.bounds):
            key = (layer, fid)
            hit = cache.get(key)
            if hit is None:
                rec = self.store.get(layer, fid)
                hit = (not rec.get("retired"), rec["fid"], rec["geometry"], _label(rec, layer, self.with_code))
                cache[key] = hit
                if len(cache) > CACHE_SIZE:
                    cache.popitem(last=False)
            else:
                cache.move_to_end(key)
            if hit[0]:
                out.append(hit[1:])
        return out

    def _regions(self, geom) -> dict[str, list]:
        """Per direction, the strips to look in, nearest first."""
        edges = facing_edges(geom)
        c = geom.centroid
        x0, y0, x1, y1 = geom.bounds
        reach = math.hypot(x1 - x0, y1 - y0) + 2 * self.band
        out = {}
        for key, _, bearing in DIRECTIONS:
            if edges[key]:
                out[key] = [_strip(edges[key], d, geom) for d in (NEAR_M, self.band)]
            else:
                sector = _sector(c.x, c.y, bearing, reach)
                out[key] = [geom.buffer(d, join_style="mitre").difference(geom).intersection(sector)
                            for d in (NEAR_M, self.band)]
        return out

    def sizhi(self, geom, exclude_fid: int | None = None) -> dict[str, str]:
        """{'east': '成环路', 'south': '…地块', 'west': …, 'north': …}."""
        regions = self._regions(geom)
        ring = geom.buffer(self.band, join_style="mitre").difference(geom)
        roads = self._candidates("roads", ring)
        parcels = [r for r in self._candidates("parcels", ring) if r[0] != exclude_fid]
        cands = [(1.2, r) for r in roads] + [(1.0, r) for r in parcels]
        geoms = np.empty(len(cands), dtype=object)
        geoms[:] = [r[1] for _, r in cands]
        zone = next((z for z, _ in self.zones if z.intersects(geom.centroid)), None)
        out = {}
        for key, _, _ in DIRECTIONS:
            names = None
            for region in regions[key]:
                if region.is_empty or region.area <= 0 or not len(cands):
                    continue
                # what does not meet the region fronts none of it (and is not intersected)
                shapely.prepare(region)
                hit = np.flatnonzero(shapely.intersects(region, geoms))
                areas = shapely.area(shapely.intersection(geoms[hit], region)) if len(hit) else []
                shares = []
                for i, a in zip(hit.tolist(), areas):
                    share = a / region.area
                    if share >= SHARE:
                        # a road a parcel fronts onto wins a near tie: it is how the side is known
                        weight, (_fid, _g, label) = cands[i]
                        shares.append((share * weight, label))
                if shares:
                    shares.sort(key=lambda t: -t[0])
                    names = [shares[0][1]] + [n for s, n in shares[1:2] if s >= SECOND and n != shares[0][1]]
                    break
            if names:
                out[key] = "、".join(names)
            elif zone is not None and not zone.contains(regions[key][-1]):
                out[key] = tr("片区边界", "zone boundary")
            else:
                out[key] = tr("空地", "open land")
        return out


def sizhi_text(sz: dict[str, str]) -> str:
    """'东至成环路，南至…，西至…，北至…' (English: 'East: …; South: …')."""
    parts = [tr(f"{zh}至{sz[key]}", f"{key.capitalize()}: {sz[key]}") for key, zh, _ in DIRECTIONS]
    return tr("，", "; ").join(parts)
