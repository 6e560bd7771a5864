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


def refuse_legacy(crs) -> None:
    if crs is None:
        return
    crs = CRS.from_user_input(crs)
    datum = crs.datum.name if crs.datum else ""
    if any(name.lower() in (crs.name + " " + datum).lower() for name in LEGACY_DATUMS):
        raise LandappError(tr(
            f"数据使用 {crs.name},转为 CGCS2000 需要当地的转换参数(七参数/四参数),landapp 不做无参数的平移;"
            "请先用测绘部门提供的参数转换后再导入。",
            f"The data use {crs.name}; converting to CGCS2000 needs local transformation parameters, "
            "and landapp will not shift it without them. Convert it with your survey office's parameters first."))


def _gk(lon_cm: int, prefix: bool) -> int:
    return (4513 if prefix else 4534) + (lon_cm - 75) // 3


def propose(bounds: tuple[float, float, float, float], project_epsg: int = 4544) -> list[Candidate]:
    """Ranked guesses for coordinates without a CRS."""
    x0, y0, x1, y1 = bounds
    out: list[Candidate] = []
    if -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
        out.append(Candidate(4490, False, tr("经纬度(CGCS2000)", "degrees (CGCS2000)")))
        out.append(Candidate(4326, False, tr("经纬度(WGS84)", "degrees (WGS84)")))
        if 73 <= y0 and y1 <= 136 and 3 <= x0 and x1 <= 54:
            out.insert(0, Candidate(4490, True, tr("经纬度,纬度在前", "degrees, latitude first")))
        return out
    for swap in (False, True):
        ex0, ex1, ny0, ny1 = (y0, y1, x0, x1) if swap else (x0, x1, y0, y1)
        if not (0 < ny0 and ny1 < 10_000_000):
            continue
        if 2.5e7 <= ex0 and ex1 < 4.6e7:  # zone number in front: 35 512345.67
            zone = int(ex0 // 1e6)
            if 25 <= zone <= 45:
                out.append(Candidate(_gk(zone * 3, True), swap,
                                     tr(f"3 度带带号 {zone} 在东坐标前", f"3-degree zone {zone} prefixed to eastings")))
        elif 2e5 <= ex0 and ex1 <= 8e5:
            project = CRS.from_epsg(project_epsg)
            if "Gauss-Kruger" in project.name or "Gauss" in project.name:
                out.append(Candidate(project_epsg, swap, tr("与工程相同的投影带", "the project's own zone")))
            for cm in (102, 105, 108):
                epsg = _gk(cm, False)
                if epsg != project_epsg:
                    out.append(Candidate(epsg, swap, tr(f"3 度带中央经线 {cm}°", f"3-degree zone CM {cm}°E")))
    return out


def fix_zone_prefix(crs, bounds) -> CRS | None:
    """A GK CRS without prefix but eastings that carry one (8 digits): the prefixed EPSG."""
    if crs is None:
        return None
    crs = CRS.from_user_input(crs)
    code = crs.to_epsg()
    if code and 4534 <= code <= 4554 and bounds[0] > 2.5e7:
        return CRS.from_epsg(code - 21)
    return crs
