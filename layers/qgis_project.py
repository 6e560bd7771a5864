"""The QGIS project stored in the GeoPackage (`qgis_projects`), which QGIS's browser offers
under the file: the park's layers in landapp's order (zones on top, then buildings, parcels,
roads, the park map raster, hidden as in landapp), each with its default landapp style, the
tables (units, enterprises, leases …) with their Chinese aliases, the project CRS and the
park's extent. Paths are relative ('./park.gpkg'), which QGIS resolves against the
GeoPackage holding the project, so the file can be moved or mailed."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

from landapp.i18n import tr
from landapp.qgis_tables import PROJECT_NAME  # noqa: F401 (the name QGIS lists; layers.qgis_styles uses it)
from landapp.schema import LAYERS, SPATIAL_LAYERS, spec
from layers.qgis_styles import DOCTYPE, QGIS_VERSION, StyleSet, style_elements

DRAW_ORDER = ["zones", "buildings", "parcels", "roads"]  # top first, as layers.map.ParkMap
CURRENT = '"retired" = 0 OR "retired" IS NULL'


def _srs(parent: ET.Element, epsg: int) -> None:
    """QGIS 3.22 needs the WKT (an authid alone leaves the CRS empty)."""
    from pyproj import CRS

    crs = CRS.from_epsg(epsg)
    srs = ET.SubElement(parent, "spatialrefsys")
    ET.SubElement(srs, "wkt").text = crs.to_wkt()
    ET.SubElement(srs, "srid").text = str(epsg)
    ET.SubElement(srs, "authid").text = f"EPSG:{epsg}"
    ET.SubElement(srs, "description").text = crs.name
    ET.SubElement(srs, "geographicflag").text = "false"


def _raster_path(store) -> str | None:
    name = store.get_setting("basemap_raster")
    if not name:
        return None
    folder = os.path.dirname(os.path.abspath(store.path))
    full = name if os.path.isabs(name) else os.path.join(folder, name)
    if not os.path.exists(full):
        return None
    rel = os.path.relpath(full, folder)
    return "./" + rel.replace(os.sep, "/") if not rel.startswith("..") else full


def _absolute_raster(store) -> str | None:
    """A PostGIS park's map raster: only a file named by its full path (no folder to be relative to)."""
    name = store.get_setting("basemap_raster")
    return name if name and os.path.isabs(name) and os.path.exists(name) else None


def postgres_connection(store) -> str:
    """The connection part of a QGIS postgres datasource for a PostGIS park (never a password)."""
    from landapp.qgis_tables import postgres_connection as conn

    return conn(store.target.params)


def _sources(store):
    """A function (layer, subset) -> (datasource, provider) for the park's backend."""
    from landapp.qgis_tables import gpkg_source, postgres_source

    if getattr(store, "target", None) is not None and getattr(store, "schema", None):  # PostGIS
        params, schema, epsg = store.target.params, store.schema, int(store.srs_id)
        return lambda layer, subset=None: (postgres_source(params, schema, epsg, layer, subset), "postgres")
    gpkg_name = "./" + os.path.basename(store.path)
    return lambda layer, subset=None: (gpkg_source(gpkg_name, layer, subset), "ogr")


def project_xml(store, styles: StyleSet) -> str:
    epsg = int(store.srs_id)
    source = _sources(store)
    pg = getattr(store, "schema", None) if getattr(store, "target", None) is not None else None
    title = store.name or pg or os.path.splitext(os.path.basename(store.path))[0]
    root = ET.Element("qgis", version=QGIS_VERSION, projectname=title)
    ET.SubElement(root, "homePath", path="")
    ET.SubElement(root, "title").text = title
    _srs(ET.SubElement(root, "projectCrs"), epsg)

    defaults = {layer: (renderer, label) for layer, _, _, default, renderer, label in styles.items if default}
    entries = []  # (id, name, source, provider, kind, visible)
    for layer in DRAW_ORDER:
        # as landapp: retired features only in the history layer
        entries.append((f"{layer}_landapp", spec(layer).title_zh,
                        *source(layer, CURRENT if spec(layer).has("retired") else None), "vector", True))
    entries.insert(3, ("retired_parcels_landapp", tr("历史地块(已注销)", "Retired parcels (history)"),
                       *source("parcels", '"retired" = 1'), "retired", False))
    raster = _raster_path(store) if not pg else _absolute_raster(store)
    if raster:
        entries.append(("park_map_landapp", tr("园区底图", "Park map"), raster, "gdal", "raster", False))
    tables = [n for n in LAYERS if n not in SPATIAL_LAYERS and n not in ("edit_log", "project_settings")]
    for layer in tables:
        entries.append((f"{layer}_landapp", spec(layer).title_zh, *source(layer), "table", True))

    tree = ET.SubElement(root, "layer-tree-group")
    for lid, name, source, provider, kind, visible in entries:
        ET.SubElement(tree, "layer-tree-layer", id=lid, name=name, source=source, providerKey=provider,
                      checked="Qt::Checked" if visible else "Qt::Unchecked", expanded="0")

    extent = store.extent("parcels") or store.extent("zones")
    canvas = ET.SubElement(root, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
    ET.SubElement(canvas, "units").text = "meters"
    if extent:
        ext = ET.SubElement(canvas, "extent")
        for k, v in zip(("xmin", "ymin", "xmax", "ymax"), extent):
            ET.SubElement(ext, k).text = repr(float(v))
    ET.SubElement(canvas, "rotation").text = "0"
    _srs(ET.SubElement(canvas, "destinationsrs"), epsg)

    layers_el = ET.SubElement(root, "projectlayers")
    for lid, name, source, provider, kind, visible in entries:
        attrs = {"type": "raster" if kind == "raster" else "vector"}
        if kind in ("vector", "retired"):
            attrs.update(geometry="Polygon", wkbType="MultiPolygon", labelsEnabled="1")
        elif kind == "table":
            attrs.update(geometry="No geometry", wkbType="NoGeometry")
        ml = ET.SubElement(layers_el, "maplayer", attrs)
        ET.SubElement(ml, "id").text = lid
        ET.SubElement(ml, "datasource").text = source
        ET.SubElement(ml, "layername").text = name
        if kind != "table":
            _srs(ET.SubElement(ml, "srs"), epsg)
        ET.SubElement(ml, "provider", encoding="UTF-8").text = provider
        if kind == "raster":
            pipe = ET.SubElement(ml, "pipe")
            ET.SubElement(pipe, "rasterrenderer", type="multibandcolor", opacity="0.55",
                          alphaBand="-1", redBand="1", greenBand="2", blueBand="3")
            continue
        layer = lid[: -len("_landapp")]
        renderer, label = defaults.get(layer, (None, None))
        if kind == "retired":  # layers.vector.RetiredParcelLayer: dashed brown outlines
            from layers.qgis_styles import Symbol, categorized, labeling, layer_mode_expression

            expr = layer_mode_expression(store, "retired_parcels", '"code"')  # its saved label field
            layer, label = "parcels", (labeling(expr, 9) if expr else None)
            renderer = categorized("code", [(None, name, Symbol("#3C5D4037", "#5D4037", 1.6, "dash dot"))])
        for el in style_elements(renderer, label, layer):
            ml.append(el)

    order = ET.SubElement(tree, "custom-order", enabled="0")
    for lid, *_ in entries:
        ET.SubElement(order, "item").text = lid
    props = ET.SubElement(root, "properties")
    paths = ET.SubElement(props, "Paths")
    ET.SubElement(paths, "Absolute", type="bool").text = "false"
    srs = ET.SubElement(props, "SpatialRefSys")  # without it QGIS 3.22 ignores projectCrs
    ET.SubElement(srs, "ProjectionsEnabled", type="int").text = "1"
    return DOCTYPE + ET.tostring(root, encoding="unicode")
