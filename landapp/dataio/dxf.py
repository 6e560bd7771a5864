"""CAD 红线 drawings (DXF): closed polylines with arcs and bulges, circles, closed splines and
ellipses, hatches, block references; labels from the texts inside each outline."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from landapp.dataio.coordfiles import num, rings_to_polygons
from landapp.errors import LandappError
from landapp.i18n import tr


def _err(zh: str, en: str) -> LandappError:
    return LandappError(tr(zh, en))


def _dxf_entities(entities, inherited: str | None = None, depth: int = 0):
    """(layer, entity) of the model space, block references exploded: an entity on layer 0
    inside a block belongs to the layer of the INSERT (AutoCAD's rule), and a block's
    attributes (ATTRIB, often the parcel number) come out as texts."""
    for e in entities:
        layer = e.dxf.get("layer", "0")
        if inherited is not None and layer == "0":
            layer = inherited
        if e.dxftype() == "INSERT":
            if depth < 8:
                for a in e.attribs:
                    yield layer, a
                try:
                    yield from _dxf_entities(e.virtual_entities(), layer, depth + 1)
                except Exception:  # noqa: BLE001, S112 - a broken block definition: skip it, keep the rest
                    continue
            continue
        yield layer, e


def read_dxf(path: str, layers: list[str] | None = None, flatten: float = 0.05) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Closed polylines (arcs and bulges linearised to `flatten` metres), circles, closed
    splines and ellipses, and hatch boundaries from CAD 红线 drawings, block references
    included. A polyline whose ends meet is taken as closed even without the closed flag
    (drawn by clicking back on the first point). A hatch over a polyline's outline is the
    same parcel, not a second one. TEXT/MTEXT/ATTRIB inside a polygon, on any layer (the
    numbers are often on a text layer of their own), becomes its label."""
    from ezdxf import path as dxfpath

    doc = _open_dxf(path)
    wanted = set(layers or [])
    rows, geoms, warnings = [], [], []
    texts: list[tuple[shapely.Point, str]] = []
    open_lines = 0
    for layer, e in _dxf_entities(doc.modelspace()):
        layer = _dxf_text(layer)
        kind = e.dxftype()
        if kind in ("TEXT", "MTEXT", "ATTRIB"):
            txt = _dxf_text(e.plain_text() if kind == "MTEXT" else e.dxf.get("text", ""))
            if txt:
                p = e.dxf.insert
                texts.append((shapely.Point(p.x, p.y), txt))
            continue
        if wanted and layer not in wanted:
            continue
        try:
            if kind in ("LWPOLYLINE", "POLYLINE"):
                if kind == "POLYLINE" and (e.is_poly_face_mesh or e.is_polygon_mesh):
                    continue
                pth = dxfpath.make_path(e)
                closed = e.closed if kind == "LWPOLYLINE" else e.is_closed
                if not closed:
                    ends = (pth.start, pth.end)
                    if len(pth) == 0 or ends[0].distance(ends[1]) > 1e-3:
                        open_lines += 1
                        continue
                paths = [pth]
            elif kind == "CIRCLE":
                paths = [dxfpath.make_path(e)]
            elif kind == "ELLIPSE":
                if abs((e.dxf.end_param - e.dxf.start_param) % (2 * np.pi)) > 1e-9:
                    continue
                paths = [dxfpath.make_path(e)]
            elif kind == "SPLINE":
                if not e.closed:
                    continue
                paths = [dxfpath.make_path(e)]
            elif kind == "HATCH":
                paths = list(dxfpath.from_hatch(e))
            else:
                continue
        except Exception:  # noqa: BLE001, S112 - an entity ezdxf cannot turn into a path: leave it out
            continue
        rings = []
        for pth in paths:
            pts = [(v.x, v.y) for v in pth.flattening(flatten)]
            if len(pts) >= 3:
                rings.append(pts)
        if not rings:
            continue
        rows.append({"dxf_layer": layer, "dxf_type": kind})
        geoms.append(rings_to_polygons(rings))
    if not geoms:
        layer_names = dxf_layers(path)
        extra = tr(f",另有 {open_lines} 条未闭合的多段线", f"; {open_lines} polylines are open") if open_lines else ""
        raise _err(f"DXF 中没有闭合多段线或填充边界(图层:{'、'.join(layer_names) or '无'}{extra})。",
                   f"The DXF has no closed polylines or hatches (layers: {', '.join(layer_names) or 'none'}{extra}).")
    if open_lines:
        warnings.append(tr(f"跳过了 {open_lines} 条未闭合的多段线(首尾不相接,不能成面)。",
                           f"Skipped {open_lines} open polylines (their ends do not meet)."))
    keep = _drop_hatch_duplicates(rows, geoms)
    if len(keep) < len(rows):
        warnings.append(tr(f"{len(rows) - len(keep)} 个填充与多段线轮廓重合,按同一地块只读一次。",
                           f"{len(rows) - len(keep)} hatches cover a polyline's outline; read once as the same parcel."))
        rows, geoms = [rows[i] for i in keep], [geoms[i] for i in keep]
    gdf = gpd.GeoDataFrame(rows, geometry=geoms)
    if texts:
        gdf["label"], gdf["texts"] = _labels(geoms, texts)
    return gdf, warnings


def _drop_hatch_duplicates(rows: list[dict], geoms: list) -> list[int]:
    """Indices to keep: a hatch whose area is a polyline's polygon (within 0.5 %) goes."""
    outlines = [i for i, r in enumerate(rows) if r["dxf_type"] != "HATCH"]
    hatches = [i for i, r in enumerate(rows) if r["dxf_type"] == "HATCH"]
    if not outlines or not hatches:
        return list(range(len(rows)))
    tree = shapely.STRtree([geoms[i] for i in outlines])
    drop = set()
    for h in hatches:
        for j in tree.query(geoms[h], predicate="intersects"):
            o = geoms[outlines[j]]
            if shapely.area(shapely.symmetric_difference(o, geoms[h])) < 0.005 * max(o.area, 1e-9):
                drop.add(h)
                break
    return [i for i in range(len(rows)) if i not in drop]


MEASURE = ("面积", "㎡", "m²", "m2", "亩", "公顷", "周长", "长度", "宽度", "边长")


def _labels(geoms: list, texts: list[tuple[shapely.Point, str]]) -> tuple[list, list]:
    """The label of each polygon: the first line of the first text inside it that is not a
    measurement ('面积:12000㎡', '35.20'); `texts` keeps every text inside, in file order."""
    def measure(t: str) -> bool:
        return any(m in t for m in MEASURE) or num(t.replace(",", "")) is not None

    tree = shapely.STRtree([p for p, _ in texts])
    labels, alls = [], []
    for g in geoms:
        inside = sorted(tree.query(g, predicate="contains").tolist())
        words = [texts[k][1] for k in inside]
        names = [w.splitlines()[0] for w in words if not measure(w.splitlines()[0])]
        labels.append(names[0] if names else None)
        alls.append("; ".join(w.replace("\n", " ") for w in words) if words else None)
    return labels, alls


def _dxf_text(text: str) -> str:
    """AutoCAD writes characters outside the drawing's code page as \\U+XXXX."""
    from ezdxf.lldxf.encoding import decode_dxf_unicode, has_dxf_unicode

    text = (text or "").strip()
    return decode_dxf_unicode(text) if has_dxf_unicode(text) else text


def _open_dxf(path: str):
    """ezdxf reads the drawing's code page ($DWGCODEPAGE, e.g. ANSI_936 for GBK in R2000
    files); a damaged file goes through ezdxf's recover mode before giving up."""
    import ezdxf
    from ezdxf import recover

    try:
        return ezdxf.readfile(path)
    except ezdxf.DXFStructureError:
        try:
            doc, _auditor = recover.readfile(path)
            return doc
        except Exception as e:  # noqa: BLE001 - beyond repair, whatever the reason
            raise _err(f"无法读取 DXF 文件(可能已损坏):{e}", f"Cannot read the DXF file (it may be damaged): {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise _err(f"无法读取 DXF 文件:{e}", f"Cannot read the DXF file: {e}") from None


def dxf_layers(path: str) -> list[str]:
    """Layers that hold something in the model space (block contents included)."""
    try:
        doc = _open_dxf(path)
    except LandappError:
        return []
    return sorted({_dxf_text(layer) for layer, _ in _dxf_entities(doc.modelspace())})
