"""Coordinate systems of incoming data: use the file's CRS when it has one; otherwise
propose candidates judged from the digits (CGCS2000 Gauss-Krüger 3-degree zones with or
without the zone number in front of the easting, degrees), and detect swapped axes.
Beijing 1954 / Xi'an 1980 cannot be converted without local parameters: refused, never
shifted silently."""

from __future__ import annotations

from dataclasses import dataclass

from pyproj import CRS

from landapp.errors import LandappError
from landapp.i18n import tr

LEGACY_DATUMS = ("Beijing 1954", "Xian 1980", "Xi'an 1980", "New Beijing")


@dataclass(frozen=True)
class Candidate:
    epsg: int
    swap_xy: bool
    reason: str

    @property
    def label(self) -> str:
        crs = CRS.from_epsg(self.epsg)
        swap = tr("(X/Y 互换)", " (axes swapped)") if self.swap_xy else ""
        return f"EPSG:{self.epsg} {crs.name}{swap} — {self.reason}"


# Krassowsky 1940 (Beijing 1954) and IAG 1975 (Xi'an 1980): a CRS on either ellipsoid is a
# legacy one whatever its name says ('Gauss_Kruger_CM_105E' on 'D_unknown' in a .prj).
LEGACY_ELLIPSOIDS = (6378245.0, 6378140.0)


def is_legacy(crs) -> bool:
    crs = CRS.from_user_input(crs)
    datum = crs.datum.name if crs.datum else ""
    text = (crs.name + " " + datum).replace("_", " ").lower()
    if any(name.lower() in text for name in LEGACY_DATUMS):
        return True
    ell = crs.ellipsoid
    return ell is not None and any(abs(ell.semi_major_metre - a) < 0.5 for a in LEGACY_ELLIPSOIDS)


def refuse_legacy(crs) -> None:
    if crs is None or not is_legacy(crs):
        return
    crs = CRS.from_user_input(crs)
    raise LandappError(tr(
        f"数据使用 {crs.name}(北京 1954 或西安 1980 坐标系),转为 CGCS2000 需要当地的转换参数(七参数/四参数),"
        "landapp 不做无参数的平移;请先用测绘部门提供的参数转换后再导入。",
        f"The data use {crs.name} (Beijing 1954 or Xi'an 1980); converting to CGCS2000 needs local "
        "transformation parameters, and landapp will not shift it without them. Convert it with your "
        "survey office's parameters first."))


def _gk(lon_cm: int, prefix: bool) -> int:
    return (4513 if prefix else 4534) + (lon_cm - 75) // 3


def in_degrees(bounds) -> bool:
    """Coordinates that can be longitudes and latitudes (either order)."""
    x0, y0, x1, y1 = bounds
    return (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90) or (-90 <= x0 <= x1 <= 90 and -180 <= y0 <= y1 <= 180)


def propose(bounds: tuple[float, float, float, float], project_epsg: int = 4544) -> list[Candidate]:
    """Ranked guesses for coordinates without a CRS."""
    x0, y0, x1, y1 = bounds
    out: list[Candidate] = []
    if -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
        if 73 <= y0 and y1 <= 136 and 3 <= x0 and x1 <= 54:
            out.append(Candidate(4490, True, tr("经纬度,纬度在前", "degrees, latitude first")))
        out.append(Candidate(4490, False, tr("经纬度(CGCS2000)", "degrees (CGCS2000)")))
        out.append(Candidate(4326, False, tr("经纬度(WGS84)", "degrees (WGS84)")))
        return out
    for swap in (False, True):
        ex0, ex1, ny0, ny1 = (y0, y1, x0, x1) if swap else (x0, x1, y0, y1)
        if not (0 < ny0 and ny1 < 10_000_000):
            continue
        if 2.5e7 <= ex0 and ex1 < 4.6e7 and int(ex0 // 1e6) == int(ex1 // 1e6):  # 35 512345.67
            zone = int(ex0 // 1e6)
            out.append(Candidate(_gk(zone * 3, True), swap,
                                 tr(f"3 度带带号 {zone} 在东坐标前", f"3-degree zone {zone} prefixed to eastings")))
        elif 1.3e7 <= ex0 and ex1 < 2.4e7 and int(ex0 // 1e6) == int(ex1 // 1e6):  # 18 512345.67
            zone = int(ex0 // 1e6)
            out.append(Candidate(4491 + zone - 13, swap,
                                 tr(f"6 度带带号 {zone} 在东坐标前", f"6-degree zone {zone} prefixed to eastings")))
        elif 2e5 <= ex0 and ex1 <= 8e5:
            project = CRS.from_epsg(project_epsg)
            if "Gauss" in project.name:
                out.append(Candidate(project_epsg, swap, tr("与工程相同的投影带", "the project's own zone")))
            for cm in (102, 105, 108):
                epsg = _gk(cm, False)
                if epsg != project_epsg:
                    out.append(Candidate(epsg, swap, tr(f"3 度带中央经线 {cm}°", f"3-degree zone CM {cm}°E")))
    return out


# CGCS2000 Gauss-Krüger codes: (first without zone prefix, last, offset to the prefixed code)
GK_FAMILIES = ((4534, 4554, -21), (4502, 4512, -11))


def fix_zone_prefix(crs, bounds) -> tuple[CRS | None, str | None]:
    """A CGCS2000 Gauss-Krüger CRS that disagrees with the eastings about the zone prefix
    (8 digits '35 512345.67' against 6) gives way to its twin, with a note; a prefix that
    names another zone than the CRS is a contradiction and refused."""
    if crs is None:
        return None, None
    crs = CRS.from_user_input(crs)
    code = crs.to_epsg()
    if not code:
        return crs, None
    east = max(abs(bounds[0]), abs(bounds[2]))
    for first, last, offset in GK_FAMILIES:
        plain = code if first <= code <= last else (code - offset if first <= code - offset <= last else None)
        if plain is None:
            continue
        width = 3 if first == 4534 else 6
        zone = (plain - first) + (25 if width == 3 else 13)
        if code == plain and east > 1e7:
            if int(bounds[0] // 1e6) != zone:
                raise LandappError(tr(
                    f"坐标的带号 {int(bounds[0] // 1e6)} 与坐标系 EPSG:{code}(第 {zone} 带)不一致,请核对坐标系。",
                    f"The eastings carry zone {int(bounds[0] // 1e6)} but EPSG:{code} is zone {zone}; check the CRS."))
            fixed = CRS.from_epsg(plain + offset)
            return fixed, tr(f"东坐标带有带号 {zone},改用 EPSG:{plain + offset}。",
                             f"The eastings carry the zone number {zone}; using EPSG:{plain + offset}.")
        if code != plain and east < 1e6:
            return CRS.from_epsg(plain), tr(f"东坐标不带带号,改用 EPSG:{plain}。",
                                            f"The eastings carry no zone number; using EPSG:{plain}.")
        return crs, None
    return crs, None


def fits(crs, bounds) -> bool:
    """Whether the coordinates lie within the CRS's area of use (generously widened; any
    CRS without a known area fits)."""
    from landapp.store.geopackage import _crs_bounds

    crs = CRS.from_user_input(crs)
    if crs.is_geographic:
        aou = crs.area_of_use
        box = (aou.west, aou.south, aou.east, aou.north) if aou else (-180, -90, 180, 90)
    else:
        code = crs.to_epsg()
        box = _crs_bounds(code) if code else None
        if box is None:
            return True
    x0, y0, x1, y1 = bounds
    return box[0] <= x0 and x1 <= box[2] and box[1] <= y0 and y1 <= box[3]
