"""Exporting a layer or a selection: Shapefile (GBK or UTF-8, with .cpg), GeoJSON (WGS84),
KML for Google Earth / 奥维 (WGS84 or GCJ-02), DXF for CAD users (a layer per export, closed
polylines and code labels, in the project CRS) and GeoPackage."""

from __future__ import annotations

import errno
import os
import shutil
import warnings

import numpy as np
import shapely

from landapp.coords import wgs84_to_gcj02
from landapp.errors import LandappError
from landapp.files import atomic_outputs, write_error
from landapp.i18n import tr
from landapp.store.base import ProjectStore

FORMATS = {".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON", ".kml": "KML", ".gpkg": "GPKG",
           ".dxf": "DXF"}


def _frame(store: ProjectStore, layer: str, fids=None):
    gdf = store.read_layer(layer)
    if fids:
        gdf = gdf[gdf.index.isin(list(fids))]
    if not len(gdf):
        raise LandappError(tr("没有要导出的要素。", "There are no features to export."))
    gdf = gdf.drop(columns=[c for c in ("created", "modified", "retired", "retired_date") if c in gdf])
    return gdf


def _label(gdf):
    """What names a feature for people: its code, else its name (roads have no code)."""
    import pandas as pd

    code = gdf["code"] if "code" in gdf else pd.Series([None] * len(gdf), index=gdf.index)
    name = gdf["name"] if "name" in gdf else pd.Series([None] * len(gdf), index=gdf.index)
    out = code.where(code.notna() & (code.astype(str).str.strip() != ""), name)
    return out.where(out.notna(), "").astype(str)


def _not_gbk(gdf) -> list[str]:
    """Texts with characters outside GBK (GDAL drops them silently when writing CP936)."""
    import pandas as pd

    bad = []
    for c in gdf.columns:
        if c == "geometry" or not (gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c])):
            continue
        for v in gdf[c].dropna().unique():
            if isinstance(v, str):
                try:
                    v.encode("gbk")
                except UnicodeEncodeError:
                    bad.append(v)
    return bad


def export_layer(store: ProjectStore, layer: str, path: str, *, fids=None, encoding: str = "utf-8",
                 gcj02: bool = False, notes: list[str] | None = None) -> int:
    """Write `layer` (or the features `fids`) to `path`; the format follows the extension.
    The file appears whole or not at all (written in a temporary folder beside it, then
    moved). Notes for the user (text that GBK cannot hold …) are appended to `notes`."""
    notes = notes if notes is not None else []
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise LandappError(tr(f"不支持导出为 {ext or '无扩展名'};可选 .shp .geojson .kml .dxf .gpkg。",
                              f"Cannot export to {ext or 'no extension'}; use .shp .geojson .kml .dxf .gpkg."))
    if gcj02 and ext != ".kml":
        raise LandappError(tr("GCJ-02 坐标只用于 KML(奥维、高德);GeoJSON 按规范用 WGS84,其他格式用工程坐标系。",
                              "GCJ-02 is for KML only (奥维, Amap); GeoJSON is WGS84 by its specification and the "
                              "other formats use the project CRS."))
    gdf = _frame(store, layer, fids)
    gdf = gdf.set_crs(store.srs_id, allow_override=True)
    # written in a temporary folder beside the target, checked, every part fsynced, then
    # moved into place together (a shapefile is several files): whole or not at all
    with atomic_outputs(path) as tmp:
        try:
            gdf = _write_any(gdf, tmp, ext, layer, encoding=encoding, gcj02=gcj02, notes=notes)
            if ext != ".dxf":
                _check_features(tmp, layer if ext == ".gpkg" else None, len(gdf))
        except LandappError:
            raise
        except Exception as e:  # noqa: BLE001 - GDAL and ezdxf raise many types: one clear sentence
            raise _export_error(path, e) from None
    return len(gdf)


def _check_features(path: str, layer: str | None, expected: int) -> None:
    """Read the written file back: GDAL's KML and GeoJSON writers can stop on a full disk
    without an error, leaving a file that is short of features."""
    import pyogrio

    n = pyogrio.read_info(path, layer=layer, force_feature_count=True)["features"]
    if n != expected:
        raise OSError(errno.EIO, f"{n} of {expected} features were written")


def _export_error(path: str, e: Exception) -> LandappError:
    """One sentence for a failed export. GDAL words a full disk many ways ("Cannot write
    feature", "database or disk is full" followed by the whole SQL …), so a failure with
    the disk (nearly) full says that."""
    text = str(e)
    folder = os.path.dirname(os.path.abspath(path)) or "."
    try:
        nearly_full = shutil.disk_usage(folder).free < 1 << 20
    except OSError:
        nearly_full = False
    if (getattr(e, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "No space left" in text
            or "disk is full" in text or nearly_full):
        return write_error(path, OSError(errno.ENOSPC, "No space left on device"))
    if isinstance(e, OSError):
        return write_error(path, e)
    first = text.strip().splitlines()[0][:200] if text.strip() else type(e).__name__
    return LandappError(tr(f"导出失败:{first}", f"Export failed: {first}"))


def _write_any(gdf, tmp: str, ext: str, layer: str, *, encoding: str, gcj02: bool, notes: list[str]):
    """Write `gdf` to `tmp` in the format of `ext`; returns the frame as written."""
    import pyogrio

    for c in gdf.columns:  # dates as text: every format and GDAL version agrees on that
        if str(gdf[c].dtype).startswith(("datetime", "timestamp")):
            gdf[c] = gdf[c].astype(str).replace({"NaT": None, "None": None})
    if ext == ".dxf":
        _write_dxf(gdf, tmp, layer)
    else:
        kw = {}
        if ext in (".geojson", ".json", ".kml"):
            gdf = gdf.to_crs(4326)
            if gcj02:
                gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values,
                                                         lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1]))))
            gdf.geometry = shapely.set_precision(gdf.geometry.values, 1e-7)  # ~1 cm
        if ext == ".kml":
            gdf = _kml_frame(gdf, layer)
        if ext == ".shp":
            enc = {"gbk": "CP936", "utf-8": "UTF-8", "utf8": "UTF-8"}.get(encoding.lower())
            if enc is None:
                raise LandappError(tr("Shapefile 编码应为 gbk 或 utf-8。", "The Shapefile encoding must be gbk or utf-8."))
            if enc == "CP936":
                bad = _not_gbk(gdf)
                if bad:
                    notes.append(tr(f"有 {len(bad)} 处文字含 GBK 没有的字(如“{bad[0]}”),这些字在 GBK 文件中会丢失;"
                                    "需要完整保留请导出为 UTF-8。",
                                    f"{len(bad)} texts hold characters GBK lacks (such as '{bad[0]}'); they are lost "
                                    "in a GBK file. Export as UTF-8 to keep them."))
            kw["encoding"] = enc
            gdf = gdf.rename(columns=_dbf_names(gdf.columns))
        if ext == ".gpkg":
            kw["layer"] = layer
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL's notes on field names and the like
            pyogrio.write_dataframe(gdf, tmp, driver=FORMATS[ext], **kw)
    return gdf


def _kml_frame(gdf, layer: str):
    """For Google Earth and 奥维: the placemark is named by its code (or name), the balloon
    reads name, land use (code and class name) and area in ㎡ and 亩, and the attribute table
    has the Chinese field titles."""
    from landapp import landuse
    from landapp.schema import spec

    s = spec(layer)
    gdf = gdf.copy()
    lines = []
    for _, r in gdf.drop(columns="geometry").iterrows():
        parts = []
        if isinstance(r.get("name"), str) and r.get("name") and "code" in r and r.get("code"):
            parts.append(f"{s.field('name').title_zh}:{r['name']}")
        lu = r.get("land_use")
        if isinstance(lu, str) and lu:
            parts.append(f"{s.field('land_use').title_zh}:{landuse.label(lu) if landuse.is_known(lu) else lu}")
        for f, title in (("area_m2", "面积"), ("footprint_m2", "基底面积")):
            if f in r and r[f] is not None and r[f] == r[f]:
                mu = f"({r['area_mu']:.2f} 亩)" if "area_mu" in r and r["area_mu"] == r["area_mu"] else ""
                parts.append(f"{title}:{r[f]:.1f} ㎡{mu}")
        if isinstance(r.get("status"), str) and r.get("status"):
            parts.append(f"{s.field('status').title_zh}:{r['status']}")
        lines.append("\n".join(parts))
    gdf.insert(0, "Name", _label(gdf).tolist())
    gdf.insert(1, "Description", lines)
    titles = {f.name: f.title_zh for f in s.fields if f.name in gdf.columns}
    return gdf.rename(columns=titles)


def _dbf_names(columns) -> dict[str, str]:
    """DBF field names are at most 10 bytes: shorten and keep them unique."""
    out, used = {}, set()
    for c in columns:
        if c == "geometry":
            continue
        name = c[:10]
        k = 1
        while name in used:
            name = f"{c[:8]}{k:02d}"
            k += 1
        used.add(name)
        if name != c:
            out[c] = name
    return out


def _write_dxf(gdf, path: str, layer: str) -> None:
    """Boundaries as closed polylines on the layer (地块, 建筑 …), labels on its 注记 layer:
    the code over the land-use code (the planners' fraction label), centred, sized to the
    feature and in a text style with a Chinese font so CAD shows no question marks. In the
    project CRS (X easting, Y northing, as CAD users expect), units metres."""
    import ezdxf
    from ezdxf.enums import TextEntityAlignment

    from landapp.schema import spec

    doc = ezdxf.new("R2010", setup=True)  # R2010 stores text as UTF-8
    doc.units = ezdxf.units.M
    doc.header["$INSUNITS"] = 6
    base = spec(layer).title_zh
    doc.layers.add(base, color=1)
    doc.layers.add(f"{base}_注记", color=7)
    doc.styles.add("LANDAPP_CJK", font="simsun.ttc")  # 宋体: on every Chinese Windows; AutoCAD substitutes elsewhere
    msp = doc.modelspace()
    labels = _label(gdf).tolist()
    land_uses = gdf["land_use"].tolist() if "land_use" in gdf else [None] * len(gdf)
    for label, lu, geom in zip(labels, land_uses, gdf.geometry.values):
        for part in shapely.get_parts(geom):
            for ring in [part.exterior, *part.interiors]:
                msp.add_lwpolyline(list(ring.coords)[:-1], close=True, dxfattribs={"layer": base})
        if not label:
            continue
        p = shapely.point_on_surface(geom)
        x0, y0, x1, y1 = geom.bounds
        longest = max(len(x) for x in [label] + ([lu] if isinstance(lu, str) else []))
        height = float(np.clip(min((y1 - y0) / 6, (x1 - x0) / (0.9 * longest)), 0.5, 8.0))  # fits inside
        lines = [label] + ([lu] if isinstance(lu, str) and lu else [])
        for k, text in enumerate(lines):
            dy = (len(lines) - 1) * 0.75 * height - k * 1.5 * height
            t = msp.add_text(text, height=height if k == 0 else height * 0.8,
                             dxfattribs={"layer": f"{base}_注记", "style": "LANDAPP_CJK"})
            t.set_placement((p.x, p.y + dy), align=TextEntityAlignment.MIDDLE_CENTER)
    doc.saveas(path)
