"""Online tile basemaps (OpenStreetMap, 天地图 with the user's key, Amap in GCJ-02) with an
on-disk tile cache. Tiles are fetched in worker threads and the map repaints when they
arrive; offline, the layer quietly draws what the cache has. Amap tiles are laid out in
GCJ-02: each tile's corners are converted to WGS84 (landapp.coords) before projecting, so
they sit on the project's data instead of ~500 m off."""

from __future__ import annotations

import math
import os
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainter, QPolygonF, QTransform

from landapp.coords import from_lonlat, gcj02_to_wgs84, to_lonlat, wgs84_to_gcj02
from landapp.i18n import tr
from layers.base import Cancel, LegendEntry, MapLayer
from layers.view import MapView

TILE = 256
MAX_TILES = 64  # per frame
RETRY_AFTER_S = 60.0


@dataclass(frozen=True)
class TileProvider:
    key: str
    title_zh: str
    title_en: str
    urls: tuple[str, ...]  # drawn in order (e.g. 天地图 roads then labels)
    gcj02: bool = False
    subdomains: tuple[str, ...] = ("",)
    max_zoom: int = 18
    needs_key: bool = False

    @property
    def title(self) -> str:
        return tr(self.title_zh, self.title_en)


PROVIDERS: dict[str, TileProvider] = {p.key: p for p in [
    TileProvider("osm", "OpenStreetMap", "OpenStreetMap", ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
                 max_zoom=19),
    TileProvider("tianditu", "天地图(矢量)", "Tianditu (vector)",
                 ("https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={tk}",
                  "https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}&tk={tk}"),
                 subdomains=tuple("01234567"), needs_key=True),
    TileProvider("amap", "高德地图(GCJ-02)", "Amap (GCJ-02)",
                 ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",),
                 gcj02=True, subdomains=("1", "2", "3", "4")),
]}


def tile_lonlat(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Web-mercator tile -> (west, south, east, north) in the tile grid's degrees."""
    n = 2.0 ** z

    def lat(yy):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * yy / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def lonlat_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2.0 ** z
    lat = max(min(lat, 85.05), -85.05)
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return max(0, min(int(n) - 1, x)), max(0, min(int(n) - 1, y))


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "landapp", "tiles")


class TileLayer(MapLayer):
    kind = "tiles"

    def __init__(self, epsg: int, provider: str = "osm", *, cache_dir: str | None = None,
                 api_key: str | None = None, providers: dict[str, TileProvider] | None = None):
        super().__init__("tiles", "在线底图", "Online basemap")
        self.epsg = epsg
        self.providers = dict(providers or PROVIDERS)
        self.provider = self.providers[provider]
        self.cache_dir = cache_dir or default_cache_dir()
        self.api_key = api_key or os.environ.get("LANDAPP_TIANDITU_KEY")
        self.visible = False
        self._memory: dict[tuple, QImage] = {}
        self._pending: set[tuple] = set()
        self._failed: dict[tuple, float] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tiles")
        self.offline = False  # True after a fetch failed: drawn from the cache only for a while

    def set_provider(self, key: str) -> None:
        self.provider = self.providers[key]
        self.changed()

    # ---- tiles
    def _path(self, url_index: int, z: int, x: int, y: int) -> str:
        return os.path.join(self.cache_dir, self.provider.key, str(url_index), str(z), str(x), f"{y}.png")

    def _url(self, url_index: int, z: int, x: int, y: int) -> str:
        sub = self.provider.subdomains[(x + y) % len(self.provider.subdomains)]
        return self.provider.urls[url_index].format(z=z, x=x, y=y, s=sub, tk=self.api_key or "")

    def _image(self, key: tuple) -> QImage | None:
        img = self._memory.get(key)
        if img is not None:
            return img
        path = self._path(*key[1:])
        if os.path.exists(path):
            img = QImage(path)
            if not img.isNull():
                self._memory[key] = img
                return img
        return None

    def _request(self, key: tuple) -> None:
        with self._lock:
            if key in self._pending:
                return
            failed = self._failed.get(key)
            if failed is not None and time.monotonic() - failed < RETRY_AFTER_S:
                return
            self._pending.add(key)
        self._pool.submit(self._fetch, key)

    def _fetch(self, key: tuple) -> None:
        _, idx, z, x, y = key
        try:
            req = urllib.request.Request(self._url(idx, z, x, y), headers={"User-Agent": "landapp/0.1"})
            with urllib.request.urlopen(req, timeout=5) as r:
                data = r.read()
            img = QImage.fromData(data)
            if img.isNull():
                raise ValueError("not an image")
            path = self._path(idx, z, x, y)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{threading.get_ident()}.part"
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
            with self._lock:
                self._memory[key] = img
                self._pending.discard(key)
            self.offline = False
            self.changed()
        except Exception:  # offline, blocked, bad key: fail quietly, retry later
            with self._lock:
                self._pending.discard(key)
                self._failed[key] = time.monotonic()
            self.offline = True

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until no fetch is in flight (tests)."""
        end = time.monotonic() + timeout
        while self._pending and time.monotonic() < end:
            time.sleep(0.02)

    # ---- geometry
    def tile_quad(self, z: int, x: int, y: int) -> list[tuple[float, float]]:
        """The tile's corners (NW, NE, SE, SW) in the project CRS."""
        w, s, e, n = tile_lonlat(z, x, y)
        lons = np.array([w, e, e, w])
        lats = np.array([n, n, s, s])
        if self.provider.gcj02:
            lons, lats = gcj02_to_wgs84(lons, lats)
        xs, ys = from_lonlat(lons, lats, self.epsg)
        return list(zip(np.asarray(xs).tolist(), np.asarray(ys).tolist()))

    def _zoom(self, view: MapView, lat: float) -> int:
        res0 = 156543.03392 * math.cos(math.radians(lat))
        z = round(math.log2(res0 / max(view.scale, 1e-9)))
        return int(max(1, min(self.provider.max_zoom, z)))

    def draw(self, painter: QPainter, view: MapView, cancel: Cancel = None) -> None:
        if self.provider.needs_key and not self.api_key:
            return
        x0, y0, x1, y1 = view.extent
        lons, lats = to_lonlat(np.array([x0, x1, x1, x0]), np.array([y0, y0, y1, y1]), self.epsg)
        lons, lats = np.asarray(lons), np.asarray(lats)
        if self.provider.gcj02:
            lons, lats = wgs84_to_gcj02(lons, lats)
        z = self._zoom(view, float(np.mean(lats)))
        tx0, ty0 = lonlat_tile(float(np.min(lons)), float(np.max(lats)), z)
        tx1, ty1 = lonlat_tile(float(np.max(lons)), float(np.min(lats)), z)
        tiles = [(x, y) for x in range(tx0, tx1 + 1) for y in range(ty0, ty1 + 1)][:MAX_TILES]
        painter.save()
        painter.setOpacity(painter.opacity() * self.opacity)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        base = painter.transform()
        for x, y in tiles:
            if cancel is not None and cancel():
                break
            quad = None
            for idx in range(len(self.provider.urls)):
                key = (self.provider.key, idx, z, x, y)
                img = self._image(key)
                if img is None:
                    self._request(key)
                    continue
                if quad is None:
                    quad = QPolygonF([view.point_to_screen(px, py) for px, py in self.tile_quad(z, x, y)])
                src = QPolygonF([QPointF(0, 0), QPointF(img.width(), 0), QPointF(img.width(), img.height()),
                                 QPointF(0, img.height())])
                t = QTransform()
                if QTransform.quadToQuad(src, quad, t):
                    painter.setTransform(t * base)
                    painter.drawImage(QPointF(0, 0), img)
        painter.restore()

    def legend(self) -> list[LegendEntry]:
        return [LegendEntry(self.provider.title, None, None, "raster")]

    def extent(self):
        return None
