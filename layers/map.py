"""ParkMap: the ordered layers of one project (bottom to top), built from its store."""

from __future__ import annotations

import os
from typing import Callable

from landapp.errors import LandappError
from layers.base import MapLayer
import layers.themes_rules  # noqa: F401  (registers idle-land, per-mu and availability themes)
from layers.raster import RasterLayer
from layers.vector import BuildingLayer, ParcelLayer, RetiredParcelLayer, RoadLayer, ZoneLayer


def read_vectors(store, *, parcel_theme: str = "status", building_theme: str = "vacancy",
                 threads: int = 1) -> list:
    """A park's vector layers, bottom to top, with their data read (no Qt object is made:
    any thread). The window reads two at a time (GDAL, SQLite and numpy work outside the
    GIL: 1M parcels and their 504k buildings side by side on two cores, 0.2 s sooner);
    outputs made without a window read one at a time, which keeps their peak memory lower
    (`landapp render` of 1M: ~705 MB instead of ~765 MB)."""
    vectors = [RoadLayer(store, load=False), RetiredParcelLayer(store, load=False),
               ParcelLayer(store, "parcels", theme=parcel_theme, load=False),
               BuildingLayer(store, "buildings", theme=building_theme, load=False),
               ZoneLayer(store, "zones", load=False)]
    if threads <= 1:
        for layer in vectors:
            layer.install(layer.snapshot())
        return vectors
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="layer-read") as pool:
        # the two big ones first, so they overlap each other
        order = sorted(vectors, key=lambda layer: layer.layer not in ("parcels", "buildings"))
        futures = {id(layer): pool.submit(layer.snapshot) for layer in order}
        for layer in vectors:
            layer.install(futures[id(layer)].result())
    return vectors


class ParkMap:
    def __init__(self, store, *, parcel_theme: str = "status", building_theme: str = "vacancy",
                 with_raster: bool = True, with_tiles: bool = True, read_threads: int = 1,
                 vectors: list | None = None):
        """vectors: the vector layers already read (read_vectors with these themes), as the
        app's start reads them on a thread of its own while the window's modules load."""
        self.store = store
        self.layers: list[MapLayer] = []  # bottom to top
        self.raster_error: str | None = None
        self._listeners: list[Callable[[], None]] = []
        if with_tiles:
            from layers.tiles import TileLayer

            provider = store.get_setting("basemap_provider") or "osm"
            self.layers.append(TileLayer(store.srs_id, provider if provider in ("osm", "tianditu", "amap") else "osm",
                                         api_key=store.get_setting("tianditu_key")))
        if with_raster:
            raster = self._raster()
            if raster is not None:
                raster.opacity = 0.55
                raster.visible = False
                self.layers.append(raster)
        if vectors is None:
            vectors = read_vectors(store, parcel_theme=parcel_theme, building_theme=building_theme,
                                   threads=read_threads)
        self.layers += vectors
        for layer in self.layers:
            layer.on_changed(lambda _l: self.changed())

    def _raster(self) -> RasterLayer | None:
        name = self.store.get_setting("basemap_raster")
        if not name:
            return None
        path = name if os.path.isabs(name) else os.path.join(os.path.dirname(os.path.abspath(self.store.path)), name)
        try:
            return RasterLayer(path)
        except LandappError as e:  # a missing map image must not stop the project opening
            self.raster_error = str(e)
            return None

    # ---- access
    def layer(self, layer_id: str) -> MapLayer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(layer_id)

    def vector_layers(self) -> list:
        return [layer for layer in self.layers if layer.kind == "vector"]

    def add_layer(self, layer: MapLayer, index: int | None = None) -> None:
        self.layers.insert(len(self.layers) if index is None else index, layer)
        layer.on_changed(lambda _l: self.changed())
        self.changed()

    def move(self, layer_id: str, delta: int) -> None:
        """Move a layer up (+1, drawn later) or down (-1)."""
        i = self.layers.index(self.layer(layer_id))
        j = max(0, min(len(self.layers) - 1, i + delta))
        if i != j:
            self.layers.insert(j, self.layers.pop(i))
            self.changed()

    def extent(self):
        boxes = [b for b in (layer.extent() for layer in self.layers if layer.kind == "vector") if b]
        if not boxes:
            return None
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))

    def clear_selection(self) -> None:
        for layer in self.layers:
            layer.selection.clear()
        self.changed()

    # ---- events
    def on_changed(self, cb: Callable[[], None]) -> None:
        self._listeners.append(cb)

    def changed(self) -> None:
        for cb in list(self._listeners):
            cb()
