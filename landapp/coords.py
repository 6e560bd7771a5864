"""Coordinate conversions planners need: the project CRS (Gauss-Krüger on CGCS2000, e.g.
EPSG:4544) <-> lon/lat, and the Chinese web-map offsets GCJ-02 (Amap, Tencent) and BD-09
(Baidu). See shared/domain.md, Coordinates.

GCJ-02 is the public algorithm with a = 6378245.0, ee = 0.00669342162296594323 and no offset
outside China's bounding box. Its inverse has no closed form; gcj02_to_wgs84 iterates to
well under a centimetre. EPSG:4544 and friends are northing-first, so every pyproj
transformer here uses always_xy=True (x = easting, y = northing; lon before lat)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0


def out_of_china(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 73.66) | (lon > 135.05) | (lat < 3.86) | (lat > 53.55)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _offset(lon, lat):
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _ret(lon, lat, scalar):
    return (float(lon), float(lat)) if scalar else (lon, lat)


def wgs84_to_gcj02(lon, lat):
    """WGS84 (or CGCS2000, the same to a few cm) -> GCJ-02. Scalars or arrays."""
    scalar = np.ndim(lon) == 0
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    out = out_of_china(lon, lat)
    return _ret(np.where(out, lon, lon + dlon), np.where(out, lat, lat + dlat), scalar)


def gcj02_to_wgs84(lon, lat, *, tol: float = 1e-10, max_iter: int = 30):
    """GCJ-02 -> WGS84 by fixed-point iteration (error far below 1 cm)."""
    scalar = np.ndim(lon) == 0
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        clon, clat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = np.asarray(clon) - glon, np.asarray(clat) - glat
        wlon = wlon - elon
        wlat = wlat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return _ret(wlon, wlat, scalar)


def gcj02_to_bd09(lon, lat):
    scalar = np.ndim(lon) == 0
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _ret(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def bd09_to_gcj02(lon, lat):
    scalar = np.ndim(lon) == 0
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _ret(z * np.cos(theta), z * np.sin(theta), scalar)


def wgs84_to_bd09(lon, lat):
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


@lru_cache(maxsize=32)
def transformer(src: int | str, dst: int | str):
    """A cached pyproj Transformer with always_xy=True (x/easting/lon first)."""
    from pyproj import Transformer

    return Transformer.from_crs(src, dst, always_xy=True)


def to_lonlat(x, y, epsg: int):
    """Project CRS (easting x, northing y) -> CGCS2000/WGS84 lon, lat."""
    return transformer(epsg, 4326).transform(x, y)


def from_lonlat(lon, lat, epsg: int):
    """lon, lat -> project CRS (easting x, northing y)."""
    return transformer(4326, epsg).transform(lon, lat)


def gk_zone_epsg(lon: float, *, prefix: bool = False) -> int:
    """CGCS2000 3-degree Gauss-Krüger zone EPSG code for a longitude: CM 105E -> 4544 (4523
    with the zone number prefixed to eastings). Zones CM 75E..135E are EPSG 4534..4554
    (prefixed: 4513..4533)."""
    cm = int(round(lon / 3.0)) * 3
    if not 75 <= cm <= 135:
        raise ValueError(f"longitude {lon} lies outside China's 3-degree zones")
    return (4513 if prefix else 4534) + (cm - 75) // 3


def parse_typed_points(text: str, srs_id: int | None = None) -> list[tuple[float, float]]:
    """Points typed or pasted by a planner, one a line, Gauss-Krüger style "X, Y" (X
    northing first), or "J1, X, Y" from a boundary-point table (the last two numbers of a
    line count). Returns (easting, northing) pairs for the map. An easting typed with its
    3-degree zone prefix (8 digits, e.g. 35425000.00 in CM 105E) is accepted in the
    unprefixed CGCS2000 zones EPSG:4534-4554 (CM 75E-135E, zones 25-45)."""
    import re

    from landapp.errors import LandappError
    from landapp.i18n import tr

    pts = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        nums = re.findall(r"[-+]?\d+(?:\.\d+)?(?!\w)", line.replace("，", ",").replace("\t", " "))
        if len(nums) < 2:
            raise LandappError(tr(f"第 {n} 行“{line}”不是 X(北坐标), Y(东坐标)两个数。",
                                  f"Line {n} '{line}' is not two numbers X (northing), Y (easting)."))
        xn, ye = float(nums[-2]), float(nums[-1])
        if srs_id is not None and 4534 <= srs_id <= 4554 and ye >= 1e7:
            zone = 25 + (srs_id - 4534)  # zone number = central meridian / 3
            if int(ye) // 1_000_000 != zone:
                raise LandappError(tr(f"第 {n} 行的 Y {ye:.2f} 带号不是本工程的 {zone} 带。",
                                      f"Line {n}: Y {ye:.2f} has a zone prefix other than this project's zone {zone}."))
            ye -= zone * 1e6
        pts.append((ye, xn))
    return pts
