"""Exporting a layer or a selection: Shapefile (GBK or UTF-8, with .cpg), GeoJSON (WGS84),
KML for Google Earth / 奥维 (WGS84 or GCJ-02), DXF for CAD users (a layer per export, closed
polylines and code labels, in the project CRS) and GeoPackage."""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np
import shapely

from landapp.coords import wgs84_to_gcj02
from landapp.errors import LandappError
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


def export_layer(store: ProjectStore, layer: str, path: str, *, fids=None, encoding: str = "utf-8",
                 gcj02: bool = False) -> int:
    import pyogrio

    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise LandappError(tr(f"不支持导出为 {ext or '无扩展名'};可选 .shp .geojson .kml .dxf .gpkg。",
                              f"Cannot export to {ext or 'no extension'}; use .shp .geojson .kml .dxf .gpkg."))
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise LandappError(tr(f"文件夹 {folder} 不存在。", f"The folder {folder} does not exist."))
    gdf = _frame(store, layer, fids)
    gdf = gdf.set_crs(store.srs_id, allow_override=True)
    tmpdir = tempfile.mkdtemp(dir=folder, prefix=".export-")
    tmp = os.path.join(tmpdir, os.path.basename(path))
    try:
        if ext == ".dxf":
            _write_dxf(gdf, tmp, layer)
        else:
            if ext in (".geojson", ".json", ".kml"):
                gdf = gdf.to_crs(4326)
                if gcj02 and ext == ".kml":
                    gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values,
                                                             lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1]))))
                gdf.geometry = shapely.set_precision(gdf.geometry.values, 1e-7)
            if ext == ".kml":
                label = gdf["code"] if "code" in gdf else gdf["name"]
                gdf = gdf.assign(Name=label.astype(str))
            for c in gdf.columns:  # dates as text: every format and GDAL version agrees on that
                if str(gdf[c].dtype).startswith(("datetime", "timestamp")):
                    gdf[c] = gdf[c].astype(str).replace({"NaT": None, "None": None})
            kw = {}
            if ext == ".shp":
                enc = {"gbk": "CP936", "utf-8": "UTF-8", "utf8": "UTF-8"}.get(encoding.lower())
                if enc is None:
                    raise LandappError(tr("Shapefile 编码应为 gbk 或 utf-8。", "The Shapefile encoding must be gbk or utf-8."))
                kw["encoding"] = enc
                gdf = gdf.rename(columns=_dbf_names(gdf.columns))
            pyogrio.write_dataframe(gdf, tmp, driver=FORMATS[ext], **kw)
        for name in os.listdir(tmpdir):  # a shapefile is several files: move them all
            shutil.move(os.path.join(tmpdir, name), os.path.join(folder, name))
    except LandappError:
        raise
    except Exception as e:
        raise LandappError(tr(f"导出失败:{e}", f"Export failed: {e}")) from None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return len(gdf)


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
    import ezdxf

    doc = ezdxf.new("R2010", setup=True)
    doc.layers.add(layer.upper(), color=1)
    doc.layers.add(layer.upper() + "_LABEL", color=7)
    msp = doc.modelspace()
    label_col = "code" if "code" in gdf else ("name" if "name" in gdf else None)
    for (_, row), geom in zip(gdf.iterrows(), gdf.geometry.values):
        for part in shapely.get_parts(geom):
            for ring in [part.exterior, *part.interiors]:
                msp.add_lwpolyline(list(ring.coords)[:-1], close=True, dxfattribs={"layer": layer.upper()})
        if label_col and isinstance(row[label_col], str):
            p = shapely.point_on_surface(geom)
            msp.add_text(row[label_col], height=3.0,
                         dxfattribs={"layer": layer.upper() + "_LABEL", "insert": (p.x, p.y)})
    doc.saveas(path)
