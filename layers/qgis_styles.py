"""QGIS styles (QML) made from landapp's own map themes, so the park opens in QGIS looking as
landapp draws it: every registered theme of parcels and buildings becomes a style in the
GeoPackage's `layer_styles` table (the layer's default theme is QGIS's default style, the
others are offered by QGIS's style manager), with labels as on the map and the Chinese field
titles of landapp.schema as aliases (QGIS 3.22 does not read gpkg_data_columns).

How a theme becomes a QGIS renderer, without a second copy of its colours or rules:
- a theme that classifies one field with a known set of values (status, land use, building
  type) is asked to classify that set; the answer is a categorized renderer on the field, so
  a feature edited in QGIS takes its new colour at once;
- a theme computed from rules and other tables (idle-land status, per-mu class, vacancy,
  availability) is classified on the project's features as landapp does; the answer is a
  rule-based renderer by feature id, a snapshot as of the project's reference date, written
  again whenever landapp writes the styles (project creation and upgrade, `landapp demo`,
  `landapp qgis PROJECT`, 文件 → 写入 QGIS 样式和工程); features QGIS adds later fall into a
  grey 'not classified' rule. Above SNAPSHOT_LIMIT features such a style is left out.

The QGIS project (`qgis_projects`) with all layers, the park map raster and these styles is
made by layers.qgis_project."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import pandas as pd

from landapp import landuse
from landapp.schema import LAYERS, ROW_VERSION, SPATIAL_LAYERS, VERSIONED, spec

MM_PER_PX = 25.4 / 96  # landapp's widths and fonts are 96-dpi pixels
SNAPSHOT_GREY = "#E0E0E0"
SNAPSHOT_LIMIT = 100_000  # features; a snapshot of more (a QML listing every id) is left out
QGIS_VERSION = "3.22.0"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
FONT_FAMILY = "Noto Sans CJK SC"  # Qt picks Japanese shapes unless an SC family is named
DEFAULT_OUTLINE = ("#646464", 0.0)  # VectorLayer.outline_pen: grey hairline
# the short parcel code of layers.vector.short_code as a QGIS expression (tested against it)
SHORT_CODE = ("regexp_replace(\"code\", '^[0-9]{9}([0-9]{3})([A-Za-z]{2}|[0-9]{2})([0-9]{5})"
              "((-([0-9]+|H))*)$', '\\\\1-\\\\3\\\\4')")


@dataclass
class Symbol:
    fill: object | None  # QColor, hex text, or None for no fill
    outline: object
    width_px: float = 0.0
    outline_style: str = "solid"


def _rgba(c) -> str:
    from PySide6.QtGui import QColor

    q = QColor(c)
    return f"{q.red()},{q.green()},{q.blue()},{q.alpha()}"


def _options(parent: ET.Element, values: dict[str, str]) -> None:
    opt = ET.SubElement(parent, "Option", type="Map")
    for k, v in values.items():
        ET.SubElement(opt, "Option", name=k, value=str(v), type="QString")


def _symbol_element(name: str, sym: Symbol) -> ET.Element:
    el = ET.Element("symbol", name=name, type="fill", alpha="1", clip_to_extent="1", force_rhr="0")
    layer = ET.SubElement(el, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, {
        "color": _rgba(sym.fill) if sym.fill is not None else "0,0,0,0",
        "style": "solid" if sym.fill is not None else "no",
        "outline_color": _rgba(sym.outline), "outline_style": sym.outline_style,
        "outline_width": f"{sym.width_px * MM_PER_PX:.3f}", "outline_width_unit": "MM",
        "joinstyle": "bevel", "offset": "0,0", "offset_unit": "MM",
    })
    return el


def _symbols(parent: ET.Element, symbols: list[Symbol]) -> None:
    holder = ET.SubElement(parent, "symbols")
    for i, sym in enumerate(symbols):
        holder.append(_symbol_element(str(i), sym))


def categorized(attr: str, categories: list[tuple[list | None, str, Symbol]]) -> ET.Element:
    """categories: (values, legend label, symbol); values None = every other value."""
    r = ET.Element("renderer-v2", type="categorizedSymbol", attr=attr, symbollevels="0",
                   forceraster="0", enableorderby="0", referencescale="-1")
    cats = ET.SubElement(r, "categories")
    for i, (values, label, _) in enumerate(categories):
        c = ET.SubElement(cats, "category", symbol=str(i), label=label, render="true")
        if values is None:
            c.set("value", "")
        elif len(values) == 1:
            c.set("value", str(values[0]))
        else:
            for v in values:
                ET.SubElement(c, "val", value=str(v))
    _symbols(r, [s for *_, s in categories])
    return r


def rule_based(rules: list[tuple[str, str, Symbol]]) -> ET.Element:
    """rules: (filter expression or 'ELSE', legend label, symbol)."""
    r = ET.Element("renderer-v2", type="RuleRenderer", symbollevels="0", forceraster="0",
                   enableorderby="0", referencescale="-1")
    root = ET.SubElement(r, "rules", key="{landapp-root}")
    for i, (flt, label, _) in enumerate(rules):
        ET.SubElement(root, "rule", key=f"{{landapp-{i}}}", filter=flt, symbol=str(i), label=label)
    _symbols(r, [s for *_, s in rules])
    return r


def _html_escaped(expr: str) -> str:
    return f"replace(replace(replace({expr}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


def labeling(expression: str, size_pt: float, *, colour: str = "#1E1E1E", bold: bool = False,
             fit_inside: bool = True, max_scale: float | None = None, html: bool = False,
             family: str = FONT_FAMILY) -> ET.Element:
    """Labels as landapp paints them (layers.vector): DejaVu/Noto CJK SC at the same point
    size, a white halo, in the middle of the feature, left out when they do not fit."""
    lab = ET.Element("labeling", type="simple")
    s = ET.SubElement(lab, "settings", calloutType="simple")
    ts = ET.SubElement(s, "text-style", {
        "fieldName": expression, "isExpression": "1", "fontFamily": family,
        "namedStyle": "Bold" if bold else "Regular", "fontWeight": "75" if bold else "50",
        "fontSize": f"{size_pt:g}", "fontSizeUnit": "Point", "textColor": _rgba(colour),
        "textOpacity": "1", "multilineHeight": "1", "allowHtml": "1" if html else "0", "blendMode": "0",
        "fontItalic": "0", "fontUnderline": "0", "fontStrikeout": "0", "capitalization": "0"})
    fams = ET.SubElement(ts, "families")
    for f in ("DejaVu Sans", FONT_FAMILY, "Microsoft YaHei", "PingFang SC"):
        ET.SubElement(fams, "family", name=f)
    ET.SubElement(ts, "text-buffer", bufferDraw="1", bufferSize="0.35", bufferSizeUnits="MM",
                  bufferColor="255,255,255,255", bufferOpacity="1", bufferNoFill="1",
                  bufferJoinStyle="128", bufferBlendMode="0")
    ET.SubElement(s, "text-format", wrapChar="", multilineAlign="1", addDirectionSymbol="0",
                  formatNumbers="0", plussign="0", decimals="3", autoWrapLength="0",
                  useMaxLineLengthForAutoWrap="1")
    ET.SubElement(s, "placement", placement="1", centroidInside="1", centroidWhole="0",
                  fitInPolygonOnly="1" if fit_inside else "0", quadOffset="4", dist="0",
                  priority="5", offsetType="0", xOffset="0", yOffset="0", rotationAngle="0",
                  overlapHandling="PreventOverlap")
    rend = {"drawLabels": "1", "obstacle": "1", "obstacleType": "1", "displayAll": "0",
            "upsidedownLabels": "0", "labelPerPart": "0", "mergeLines": "0", "limitNumLabels": "0",
            "fontLimitPixelSize": "0", "scaleVisibility": "0", "scaleMin": "0", "scaleMax": "0"}
    if max_scale:
        # QGIS keeps these the wrong way round: scaleMax is the most zoomed-out scale
        rend.update(scaleVisibility="1", scaleMin="0", scaleMax=f"{max_scale:.0f}")
    ET.SubElement(s, "rendering", rend)
    return lab


def fields_config(layer: str) -> list[ET.Element]:
    """Aliases (the Chinese titles) and, for fields with a value list, a drop-down of the
    values, so QGIS's forms and attribute table read as landapp's."""
    s = spec(layer)
    fc = ET.Element("fieldConfiguration")
    aliases = ET.Element("aliases")
    names = ["fid", *s.field_names]  # QGIS shows the GeoPackage fid as the first field
    if s.name in VERSIONED:
        names.append(ROW_VERSION)
    for i, name in enumerate(names):
        f = s.field(name) if s.has(name) else None
        ET.SubElement(aliases, "alias", field=name, index=str(i), name=f.title_zh if f else "")
        field_el = ET.SubElement(fc, "field", name=name, configurationFlags="None")
        if name == ROW_VERSION:  # kept by the store and a trigger, not typed: off QGIS's forms
            ET.SubElement(field_el, "editWidget", type="Hidden")
            continue
        widget = ET.SubElement(field_el, "editWidget", type="ValueMap" if f is not None and f.choices else "")
        if f is not None and f.choices:
            config = ET.SubElement(widget, "config")
            outer = ET.SubElement(config, "Option", type="Map")
            lst = ET.SubElement(outer, "Option", name="map", type="List")
            for v in f.choices:
                m = ET.SubElement(lst, "Option", type="Map")
                ET.SubElement(m, "Option", name=v, value=v, type="QString")
        else:
            widget.set("type", "TextEdit")
    return [fc, aliases]


def qml_document(renderer: ET.Element | None, label: ET.Element | None, layer: str) -> str:
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="AllStyleCategories",
                      labelsEnabled="1" if label is not None else "0", hasScaleBasedVisibilityFlag="0")
    for el in style_elements(renderer, label, layer):
        root.append(el)
    return DOCTYPE + ET.tostring(root, encoding="unicode")


def style_elements(renderer, label, layer: str) -> list[ET.Element]:
    """The children of a QML's <qgis> (also the body of a layer in a .qgs project)."""
    out = []
    if renderer is not None:
        out.append(renderer)
    if label is not None:
        out.append(label)
    out += fields_config(layer)
    if LAYERS[layer].spatial:
        geom = ET.Element("layerGeometryType")
        geom.text = "2"
        out.append(geom)
    return out


# ---- themes -> renderers ----------------------------------------------------------------

def _domain(layer: str, column: str) -> list[str] | None:
    """The values a field can hold, when they are a known set."""
    if column == "land_use":
        return sorted(landuse.CLASSES)
    f = spec(layer).field(column)
    return list(f.choices) if f.choices else None


def _symbol(cls, i: int) -> Symbol:
    outline, width = DEFAULT_OUTLINE
    if cls.outlines is not None:
        outline = cls.outlines[i]
        width = cls.widths[i] if cls.widths else 1.0
    return Symbol(cls.fills[i], outline, width)


def theme_renderer(store, theme) -> tuple[ET.Element | None, bool]:
    """(renderer element, is_snapshot) for a registered theme of layers.themes; (None, True)
    for a snapshot theme of a layer too big to list its features."""
    column = theme.columns[0] if len(theme.columns) == 1 else None
    domain = _domain(theme.layer, column) if column and not theme.depends_on else None
    if domain is not None:
        values = domain + [None]
        cls = theme.classify(pd.DataFrame({column: values}, index=range(len(values))), store)
        other = int(cls.class_of[-1])
        cats = []
        for i in range(len(cls.fills)):
            members = [v for v, c in zip(domain, cls.class_of[:-1]) if int(c) == i]
            if i == other:
                continue
            if members:
                cats.append((members, cls.labels[i], _symbol(cls, i)))
        cats.append((None, cls.labels[other], _symbol(cls, other)))
        return categorized(column, cats), False
    if store.count(theme.layer) > SNAPSHOT_LIMIT:
        return None, True
    df = store.read_layer(theme.layer, columns=list(theme.columns), geometry=False)
    cls = theme.classify(df, store)
    fids = np.asarray(df.index, dtype=np.int64)
    rules = []
    for i in range(len(cls.fills)):
        members = fids[np.asarray(cls.class_of) == i]
        if len(members):
            rules.append((f"$id IN ({','.join(str(int(f)) for f in members)})", cls.labels[i], _symbol(cls, i)))
    from landapp.i18n import tr

    rules.append(("ELSE", tr("landapp 未分类(新要素)", "not classified by landapp (new feature)"),
                  Symbol(SNAPSHOT_GREY, DEFAULT_OUTLINE[0], 0.0)))
    return rule_based(rules), True


LABEL_SETTING = "label_fields"  # per-layer label choice (layers.labels saves it; JSON {layer: mode})
_NO_LABEL = object()


def saved_label_modes(store) -> dict[str, str]:
    import json

    try:
        d = json.loads(store.get_setting(LABEL_SETTING) or "{}")
    except (TypeError, ValueError):
        return {}
    return {k: v for k, v in d.items() if isinstance(v, str)} if isinstance(d, dict) else {}


def _mode_expression(mode: str):
    """The QGIS expression of a label mode of layers.labels (None: the layer's usual label;
    _NO_LABEL: no labels)."""
    exprs = {
        "short_code": SHORT_CODE, "code": '"code"', "name": '"name"', "land_use": '"land_use"',
        "btype": '"btype"',
        "area_mu": "if(\"area_mu\" IS NULL, NULL, format_number(\"area_mu\", 2) || '亩')",
        "storeys": "if(\"storeys\" IS NULL, NULL, to_string(to_int(\"storeys\")) || '层')",
    }
    if mode == "none":
        return _NO_LABEL
    return exprs.get(mode)


def layer_mode_expression(store, layer: str, default: str) -> str | None:
    """The label expression for the mode saved for `layer` (default when none; None: no labels)."""
    mode = saved_label_modes(store).get(layer)
    expr = _mode_expression(mode) if mode else None
    return None if expr is _NO_LABEL else (expr or default)


def layer_labeling(layer: str, mode: str | None = None) -> ET.Element | None:
    """As layers.vector paints them: parcels 'short code' over land-use code (9 pt), buildings
    and roads their name (8 / 8.5 pt; road names only nearer than 4 m per pixel), zone names
    14 pt bold dark red. `mode`: the field chosen for the layer's labels (layers.labels:
    code, short_code, name, area_mu, land_use, btype, storeys, none; 'fraction' or None the
    usual label)."""
    expr = _mode_expression(mode) if mode and mode != "fraction" else None
    if expr is _NO_LABEL:
        return None
    if expr is not None:
        size = {"parcels": 9, "buildings": 8, "roads": 8.5, "zones": 14}.get(layer, 9)
        if layer == "zones":
            return labeling(expr, size, colour="#8E1B1B", bold=True, fit_inside=False)
        if layer == "roads":
            return labeling(expr, size, max_scale=4.0 / (0.0254 / 96), fit_inside=False)
        return labeling(expr, size)
    if layer == "parcels":
        # the fraction: code underlined over land use (HTML labels; the data escaped, so a
        # parcel code is never markup)
        code, use = _html_escaped(SHORT_CODE), _html_escaped('"land_use"')
        expr = (f"if(\"land_use\" IS NULL OR \"land_use\" = '', {code}, "
                f"'<p><u>' || {code} || '</u></p><p>' || {use} || '</p>')")
        # codes and land-use codes are digits: DejaVu Sans, as landapp draws them (label_font)
        return labeling(expr, 9, html=True, family="DejaVu Sans")
    if layer == "buildings":
        return labeling('"name"', 8)
    if layer == "roads":
        return labeling('"name"', 8.5, max_scale=4.0 / (0.0254 / 96), fit_inside=False)
    if layer == "zones":
        return labeling('"name"', 14, colour="#8E1B1B", bold=True, fit_inside=False)
    return None


def fixed_renderer(layer: str) -> ET.Element | None:
    """Layers drawn without a theme (layers.vector.ZoneLayer, RoadLayer)."""
    if layer == "zones":
        return categorized("name", [(None, spec("zones").title_zh, Symbol(None, "#C62828", 2.2, "dash"))])
    if layer == "roads":
        return categorized("name", [(None, spec("roads").title_zh, Symbol("#FFFFFF", "#A0A0A0", 1.0))])
    return None


@dataclass
class StyleSet:
    """Every style of one project: (layer, name, description, default, renderer, labels)."""

    items: list[tuple[str, str, str, bool, ET.Element | None, ET.Element | None]]


DEFAULT_THEMES = {"parcels": "status", "buildings": "vacancy"}  # as layers.map.ParkMap


def build_styles(store, only: list[str] | None = None) -> StyleSet:
    """Every style of the project (of the layers `only`, when given)."""
    import layers.themes_rules  # noqa: F401  (registers idle-land, per-mu and availability)
    from landapp.vacancy import default_as_of
    from layers.themes import THEMES

    as_of = default_as_of(store)
    modes = saved_label_modes(store)
    items = []
    for layer in LAYERS:
        if only is not None and layer not in only:
            continue
        s = spec(layer)
        if layer in THEMES:
            for key, theme in THEMES[layer].items():
                renderer, snapshot = theme_renderer(store, theme)
                if renderer is None:
                    continue
                desc = f"landapp:{theme.title_zh} / {theme.title_en}"
                if snapshot:
                    desc += (f"(按 {as_of.isoformat()} 的数据计算的快照,landapp 写入样式时更新;"
                             f"snapshot as of {as_of.isoformat()})")
                items.append((layer, theme.title_zh, desc, key == DEFAULT_THEMES.get(layer),
                              renderer, layer_labeling(layer, modes.get(layer))))
        else:
            items.append((layer, s.title_zh, f"landapp:{s.title_zh} / {s.title_en}", True,
                          fixed_renderer(layer), layer_labeling(layer, modes.get(layer))))
    return StyleSet(items)


def layer_styles(store, styles: StyleSet | None = None):
    from landapp.gpkg import GEOM_COLUMN
    from landapp.qgis_tables import LayerStyle

    styles = styles or build_styles(store)
    return [LayerStyle(layer, GEOM_COLUMN if layer in SPATIAL_LAYERS else "", name,
                       qml_document(renderer, label, layer), default, desc)
            for layer, name, desc, default, renderer, label in styles.items]


def write_qgis(store, reason: str = "refresh", only: list[str] | None = None) -> dict:
    """Write the styles (of the layers `only`, or all) and the QGIS project into the park
    (a GeoPackage, or a PostGIS schema: public.layer_styles and the schema's qgis_projects).
    Returns counts."""
    from landapp.qgis_tables import write_project, write_styles
    from layers.qgis_project import PROJECT_NAME, project_xml

    with store.transaction():  # styles and project together
        styles = build_styles(store, only)
        n = write_styles(store, layer_styles(store, styles), only=only) if only != [] else 0
        if only is not None:  # the project holds every layer's default style
            rest = [la for la in LAYERS if la not in only]
            defaults = [it for it in build_styles(store, rest).items if it[3]]
            styles = StyleSet(styles.items + defaults)
        write_project(store, PROJECT_NAME, project_xml(store, styles))
    return {"styles": n, "project": PROJECT_NAME}


def refresh_scope(setting: str, old: str | None, new: str | None) -> list[str] | None:
    """Which layers' styles a changed setting touches (None: all; []: only the project)."""
    import json

    if setting == LABEL_SETTING:
        def modes(v):
            try:
                d = json.loads(v or "{}")
            except (TypeError, ValueError):
                return {}
            return d if isinstance(d, dict) else {}
        a, b = modes(old), modes(new)
        return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k) and k in LAYERS)
    if setting == "mu_evaluation":
        return ["parcels"]  # the per-mu theme
    if setting == "basemap_raster":
        return []
    return None


def _hook(store, reason: str, **details) -> None:
    only = refresh_scope(details["setting"], details.get("old"), details.get("new")) if "setting" in details else None
    write_qgis(store, reason, sorted(set(only)) if only is not None else None)


def register_hook() -> None:
    from landapp import project_hooks

    project_hooks.register("qgis", _hook)
