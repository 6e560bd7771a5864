"""Snapping for the drawing tools: to the nearest vertex, else the nearest edge, of the
parcels, zones and buildings within a tolerance (the tools convert pixels to metres).
Candidates come from an STRtree over the layers' geometries (the map layers already hold
one), so a lookup touches a handful of features even in a 1M-parcel project."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True)
class Snap:
    x: float
    y: float
    kind: str  # 'vertex' | 'edge'
    source: str  # layer name
    index: int  # position of the feature in that source
    distance: float


class Snapper:
    def __init__(self) -> None:
        self.sources: dict[str, tuple[np.ndarray, Callable[[object], np.ndarray]]] = {}
        self.enabled = True

    def set_source(self, name: str, geoms, tree: shapely.STRtree | None = None,
                   query: Callable[[object], np.ndarray] | None = None) -> None:
        """Snap to `geoms`. Candidates come from `query(box) -> positions in geoms` if given
        (a map layer's own index, which skips deleted features, so an edit costs no
        re-index), else from `tree` or an STRtree built here."""
        if not getattr(geoms, "lazy", False):  # a map layer's geometries decode when asked
            geoms = np.asarray(geoms, dtype=object)
        if query is None:
            query = (tree if tree is not None else shapely.STRtree(geoms)).query
        self.sources[name] = (geoms, query)

    def remove_source(self, name: str) -> None:
        self.sources.pop(name, None)

    def snap(self, x: float, y: float, tolerance: float, *, exclude: dict[str, set[int]] | None = None) -> Snap | None:
        """The nearest vertex within tolerance; else the nearest point on an edge; else None."""
        if not self.enabled or tolerance <= 0:
            return None
        pt = shapely.Point(x, y)
        area = shapely.box(x - tolerance, y - tolerance, x + tolerance, y + tolerance)
        best_v: Snap | None = None
        best_e: Snap | None = None
        for name, (geoms, query) in self.sources.items():
            idx = np.asarray(query(area), dtype=np.int64)
            if exclude and name in exclude:
                idx = np.array([i for i in idx if i not in exclude[name]], dtype=np.int64)
            if not len(idx):
                continue
            cand = geoms[idx]
            coords, owner = shapely.get_coordinates(cand, return_index=True)
            if len(coords):
                d = np.hypot(coords[:, 0] - x, coords[:, 1] - y)
                k = int(np.argmin(d))
                if d[k] <= tolerance and (best_v is None or d[k] < best_v.distance):
                    best_v = Snap(float(coords[k, 0]), float(coords[k, 1]), "vertex", name, int(idx[owner[k]]), float(d[k]))
            bounds = shapely.boundary(cand)
            dist = shapely.distance(bounds, pt)
            k = int(np.argmin(dist))
            if dist[k] <= tolerance and (best_e is None or dist[k] < best_e.distance):
                line = bounds[k]
                on = shapely.line_interpolate_point(line, shapely.line_locate_point(line, pt))
                best_e = Snap(float(on.x), float(on.y), "edge", name, int(idx[k]), float(dist[k]))
        return best_v or best_e
