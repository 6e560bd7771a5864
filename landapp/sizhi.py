"""四至: what bounds a parcel to the east, south, west and north — the neighbouring parcel,
the road, or the zone's edge — computed from the geometry.

For each direction we look at a band around the parcel (BAND_M wide) within ±45° of that
bearing from the parcel's centre, and take the feature covering most of it: a road, or
else a neighbouring parcel. Nothing there means the zone's edge (or open land)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import Polygon

from landapp.i18n import tr
from landapp.store.base import ProjectStore

BAND_M = 30.0
DIRECTIONS = [("east", "东", 0.0), ("south", "南", -90.0), ("west", "西", 180.0), ("north", "北", 90.0)]


def _sector(cx: float, cy: float, bearing_deg: float, reach: float) -> Polygon:
    a0, a1 = math.radians(bearing_deg - 45), math.radians(bearing_deg + 45)
    pts = [(cx, cy)] + [(cx + reach * math.cos(a), cy + reach * math.sin(a))
                        for a in np.linspace(a0, a1, 7)]
    return Polygon(pts)


def _label(rec: dict, layer: str) -> str:
    if layer == "roads":
        return rec.get("name") or tr("道路", "road")
    name = rec.get("name")
    code = rec.get("code")
    if name and code:
        return f"{name}({code})"
    return name or code or tr("相邻地块", "neighbouring parcel")


class SizhiFinder:
    """Finds 四至 for many parcels; reads neighbours through the store's spatial index."""

    def __init__(self, store: ProjectStore, band: float = BAND_M):
        self.store = store
        self.band = band
        zones = store.read_layer("zones", columns=["name"])
        self.zones = list(zip(zones.geometry.values, zones["name"]))

    def _candidates(self, layer: str, area) -> list[dict]:
        out = []
        for fid in self.store.fids_in_bbox(layer, area.bounds):
            rec = self.store.get(layer, fid)
            if not rec.get("retired"):
                out.append(rec)
        return out

    def sizhi(self, geom, exclude_fid: int | None = None) -> dict[str, str]:
        """{'east': '成环路', 'south': '…地块', 'west': …, 'north': …}."""
        c = geom.centroid
        x0, y0, x1, y1 = geom.bounds
        reach = math.hypot(x1 - x0, y1 - y0) + 2 * self.band
        ring = geom.buffer(self.band, join_style="mitre").difference(geom)
        roads = self._candidates("roads", ring)
        parcels = [r for r in self._candidates("parcels", ring) if r["fid"] != exclude_fid]
        zone = next((z for z, _ in self.zones if z.intersects(c)), None)
        out = {}
        for key, _, bearing in DIRECTIONS:
            region = ring.intersection(_sector(c.x, c.y, bearing, reach))
            if region.is_empty:
                out[key] = tr("空地", "open land")
                continue
            best, best_area = None, 0.0
            least = 0.15 * region.area  # a neighbour must front a fair share of that side
            for layer, recs in (("roads", roads), ("parcels", parcels)):
                for r in recs:
                    a = shapely.area(shapely.intersection(r["geometry"], region))
                    # a road wins when it covers a fair share: it is what a parcel fronts onto
                    weight = a * (1.5 if layer == "roads" else 1.0)
                    if a > least and weight > best_area:
                        best, best_area = (layer, r), weight
            if best is not None:
                out[key] = _label(best[1], best[0])
            elif zone is not None and not zone.contains(region):
                out[key] = tr("片区边界", "zone boundary")
            else:
                out[key] = tr("空地", "open land")
        return out


def sizhi_text(sz: dict[str, str]) -> str:
    """'东至成环路;南至…;西至…;北至…'."""
    parts = [tr(f"{zh}至{sz[key]}", f"{key.capitalize()}: {sz[key]}") for key, zh, _ in DIRECTIONS]
    return tr(";", "; ").join(parts)
