"""Self-contained HTML maps for investors, built with folium.

- Self-contained by default: Leaflet's JS and CSS are inlined from the xstatic-leaflet
  package, and folium's other CDN assets (jQuery, Bootstrap, Font Awesome) are not used, so
  the file works on an intranet with no internet. `cdn=True` links Leaflet from a CDN.
- Every value from the project is escaped: the data travel as JSON in a non-executable
  <script type="application/json"> block (with "</" escaped), and the page builds popups,
  tooltips, the legend and search results with textContent, never innerHTML.
- Coordinates go out in WGS84 (or GCJ-02 for an Amap basemap), rounded to 6 decimals
  (~0.1 m), which keeps a 10k-parcel map under 5 MB; Leaflet draws on a canvas.
"""

from __future__ import annotations

import html
import json
import math
import os

import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from landapp import landuse
from landapp.coords import to_lonlat, wgs84_to_gcj02
from landapp.errors import LandappError
from landapp.files import write_bytes
from landapp.i18n import tr
from landapp.schema import PARCEL_STATUSES, value_label
from landapp.units import to_mu
from layers.styles import STATUS_COLOURS
from layers.themes import TYPE_OUTLINES, VACANCY_CLASSES, vacancy_by_building

DECIMALS = 6
BASEMAPS = {
    "none": None,
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap"),
    "amap": ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "© 高德地图"),
    "tianditu": ("https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={tk}", "© 天地图"),
}


def _leaflet_assets() -> tuple[str, str]:
    import xstatic.pkg.leaflet as x

    with open(os.path.join(x.BASE_DIR, "leaflet.js"), encoding="utf-8") as fh:
        js = fh.read()
    with open(os.path.join(x.BASE_DIR, "leaflet.css"), encoding="utf-8") as fh:
        css = fh.read()
    return js, css


def _script_safe(text: str) -> str:
    """Text that can sit inside a <script> element without ending it."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _lonlat_geoms(geoms, epsg: int, gcj02: bool):
    def f(xy):
        lon, lat = to_lonlat(xy[:, 0], xy[:, 1], epsg)
        lon, lat = np.asarray(lon), np.asarray(lat)
        if gcj02:
            lon, lat = wgs84_to_gcj02(lon, lat)
        return np.round(np.column_stack([lon, lat]), DECIMALS)

    return shapely.transform(np.asarray(geoms, dtype=object), f)


def _features(gdf, props, epsg: int, gcj02: bool) -> list[dict]:
    geoms = _lonlat_geoms(gdf.geometry.values, epsg, gcj02)
    out = []
    for g, p in zip(geoms, props):
        gj = json.loads(shapely.to_geojson(g))
        out.append({"type": "Feature", "geometry": gj, "properties": p})
    return out


def _clean(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def build_data(store, *, theme: str = "status", basemap: str = "none") -> dict:
    gcj02 = basemap == "amap"
    epsg = store.srs_id
    zones = store.read_layer("zones", columns=["name"])
    parcels = store.read_layer("parcels", columns=["code", "name", "zone", "status", "land_use",
                                                   "area_m2", "land_user", "far_min", "far_max", "height_limit",
                                                   "supply_method", "expected_supply_date", "industry",
                                                   "contact", "phone"])
    buildings = store.read_layer("buildings", columns=["name", "btype", "storeys", "floor_area", "asking_rent",
                                                       "ground_height", "floor_load", "industry", "contact",
                                                       "phone"])
    roads = store.read_layer("roads", columns=["name"])
    rates = vacancy_by_building(store).reindex(buildings.index)
    from landapp.vacancy import building_figures, default_as_of, load_space

    space, as_of = load_space(store), default_as_of(store)
    contact, phone = store.get_setting("contact"), store.get_setting("phone")

    def text(v):
        return v if isinstance(v, str) and v else None

    def date(v):
        return None if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)) else str(v)[:10]

    def p_colour(status, use):
        if theme == "landuse":
            return landuse.colour(use)
        return STATUS_COLOURS.get(status, "#DDDDDD")

    p_props = []
    for r in parcels.itertuples():
        use = r.land_use if isinstance(r.land_use, str) else None
        p_props.append({k: _clean(v) for k, v in {
            "c": r.code, "n": r.name, "z": r.zone, "s": value_label(r.status) if r.status else None,
            "u": landuse.label(use) if use and landuse.is_known(use) else use,
            "a": round(float(r.area_m2), 1) if r.area_m2 == r.area_m2 else None,
            "m": round(to_mu(float(r.area_m2)), 2) if r.area_m2 == r.area_m2 else None,
            "e": r.land_user, "f": p_colour(r.status, use),
            "r": (f"{r.far_min:g}–{r.far_max:g}" if r.far_min == r.far_min and r.far_max == r.far_max else None),
        }.items()})
        if r.status == "待供":  # what an investor asks about land on offer
            p_props[-1].update({k: v for k, v in {
                "sm": value_label(r.supply_method) if text(r.supply_method) else None,
                "sd": date(r.expected_supply_date), "hl": _clean(r.height_limit), "in": text(r.industry),
                "ct": text(r.contact) or contact, "ph": text(r.phone) or phone}.items() if v is not None})
    b_props = []
    for (fid, r), rate in zip(buildings.iterrows(), rates):
        known = rate is not None and not math.isnan(rate)
        cls = next((i for i, (upper, _, _) in enumerate(VACANCY_CLASSES) if known and rate < upper), None)
        b_props.append({k: _clean(v) for k, v in {
            "n": r["name"], "t": value_label(r["btype"]), "k": r["btype"], "h": r["storeys"],
            "a": r["floor_area"], "v": round(float(rate) * 100, 1) if known else None,
            "p": r["asking_rent"], "f": VACANCY_CLASSES[cls][1] if cls is not None else "#E0E0E0",
            "o": TYPE_OUTLINES.get(r["btype"], ("#616161", 1))[0],
            "w": TYPE_OUTLINES.get(r["btype"], ("#616161", 1))[1],
        }.items()})
        if r["btype"] in ("标准厂房", "楼宇"):  # carriers: what is there to let, and whom to call
            vacant = building_figures(space, int(fid), as_of).vacant
            b_props[-1].update({k: v for k, v in {
                "va": round(float(vacant)) if vacant else None, "gh": _clean(r["ground_height"]),
                "fl": _clean(r["floor_load"]), "in": text(r["industry"]),
                "ct": (text(r["contact"]) or contact) if vacant else None,
                "ph": (text(r["phone"]) or phone) if vacant else None}.items() if v is not None})
    z_props = [{"n": _clean(n)} for n in zones["name"]]
    r_props = [{"n": _clean(n)} for n in roads["name"]]
    if theme == "landuse":
        present = sorted({landuse.normalize_code(u)[:2] for u in parcels["land_use"] if isinstance(u, str) and landuse.is_known(u)})
        legend = [(landuse.label(c), landuse.colour(c)) for c in present]
    else:
        present = set(parcels["status"])
        legend = [(value_label(s), STATUS_COLOURS[s]) for s in PARCEL_STATUSES if s in present]
    legend_b = [(tr(f"空置率 {lab}", f"Vacancy {lab}"), c) for _, c, lab in VACANCY_CLASSES]
    return {
        "title": store.name,
        "zones": _features(zones, z_props, epsg, gcj02) if len(zones) else [],
        "parcels": _features(parcels, p_props, epsg, gcj02) if len(parcels) else [],
        "buildings": _features(buildings, b_props, epsg, gcj02) if len(buildings) else [],
        "roads": _features(roads, r_props, epsg, gcj02) if len(roads) else [],
        "legend": {"parcels": legend, "buildings": legend_b},
        "labels": {
            "zones": tr("片区", "Zones"), "parcels": tr("地块", "Parcels"), "buildings": tr("建筑", "Buildings"),
            "code": tr("地块编号", "Parcel code"), "name": tr("名称", "Name"), "zone": tr("片区", "Zone"),
            "status": tr("状态", "Status"), "use": tr("用地性质", "Land use"), "area": tr("面积", "Area"),
            "user": tr("使用权人", "Land user"), "far": tr("容积率", "FAR"), "type": tr("类型", "Type"),
            "storeys": tr("层数", "Storeys"), "floor_area": tr("建筑面积", "Floor area"),
            "vacancy": tr("空置率", "Vacancy"), "rent": tr("租金(元/㎡·月)", "Rent (CNY/m²·month)"),
            "mu": tr("亩", "mu"), "search": tr("搜索地块编号或名称…", "Search parcel code or name…"),
            "legend": tr("图例", "Legend"), "none": tr("没有找到", "No match"),
            "roads": tr("道路", "Roads"), "supply": tr("供地方式", "Supply method"),
            "supply_date": tr("预计供地时间", "Expected supply"), "height": tr("限高(m)", "Height limit (m)"),
            "industry": tr("产业方向", "Industry"), "contact": tr("联系人", "Contact"), "phone": tr("电话", "Phone"),
            "available": tr("可租售面积", "Available"), "ground_height": tr("层高(m)", "Floor height (m)"),
            "load": tr("楼面荷载(t/㎡)", "Floor load (t/m²)"),
            "factory": tr("标准厂房(棕色边框)", "Standard factory (brown outline)"),
            "tower": tr("楼宇(深蓝粗边框)", "Office tower (heavy navy outline)"),
        },
    }


_SCRIPT = r"""
(function () {
  var map = {{ this._parent.get_name() }};
  var D = JSON.parse(document.getElementById('landapp-data').textContent);
  var L_ = D.labels;
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function table(rows) {
    var t = el('table', null, 'la-pop');
    rows.forEach(function (r) { if (r[1] == null || r[1] === '') return; var tr = el('tr'); tr.appendChild(el('th', r[0])); tr.appendChild(el('td', r[1])); t.appendChild(tr); });
    return t;
  }
  var renderer = L.canvas({padding: 0.5});
  var zones = L.geoJSON({type: 'FeatureCollection', features: D.zones}, {renderer: renderer, interactive: false,
    style: function () { return {color: '#C62828', weight: 2, dashArray: '6 4', fill: false}; }});
  // zone names as on the desktop: dark red, centred, on a halo (elements, so names stay text)
  var zoneNames = L.layerGroup();
  zones.eachLayer(function (layer) {
    var n = layer.feature.properties.n; if (!n) return;
    zoneNames.addLayer(L.tooltip({permanent: true, direction: 'center', className: 'la-zone', interactive: false})
      .setLatLng(layer.getBounds().getCenter()).setContent(el('span', n)));
  });
  var roads = L.geoJSON({type: 'FeatureCollection', features: D.roads || []}, {renderer: renderer,
    style: function () { return {color: '#A0A0A0', weight: 0.8, fillColor: '#FFFFFF', fillOpacity: 1}; },
    onEachFeature: function (f, layer) {
      if (f.properties.n) layer.bindTooltip(function () { return el('span', f.properties.n); }, {sticky: true});
    }});
  var parcels = L.geoJSON({type: 'FeatureCollection', features: D.parcels}, {renderer: renderer,
    style: function (f) { return {color: '#666', weight: 0.6, fillColor: f.properties.f, fillOpacity: 0.85}; },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      layer.bindTooltip(function () { return el('span', (p.c || '') + (p.n ? ' ' + p.n : '')); }, {sticky: true});
      layer.bindPopup(function () {
        var box = el('div'); box.appendChild(el('h4', p.n || p.c));
        box.appendChild(table([[L_.code, p.c], [L_.zone, p.z], [L_.status, p.s], [L_.use, p.u],
          [L_.area, p.a != null ? p.a.toLocaleString() + ' ㎡ / ' + p.m + ' ' + L_.mu : null], [L_.far, p.r],
          [L_.height, p.hl], [L_.supply, p.sm], [L_.supply_date, p.sd], [L_.industry, p.in], [L_.user, p.e],
          [L_.contact, p.ct], [L_.phone, p.ph]]));
        return box; });
    }});
  var buildings = L.geoJSON({type: 'FeatureCollection', features: D.buildings}, {renderer: renderer,
    style: function (f) { return {color: f.properties.o, weight: f.properties.w, fillColor: f.properties.f, fillOpacity: 0.95}; },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      layer.bindTooltip(function () { return el('span', p.n); }, {sticky: true});
      layer.bindPopup(function () {
        var box = el('div'); box.appendChild(el('h4', p.n));
        box.appendChild(table([[L_.type, p.t], [L_.storeys, p.h], [L_.floor_area, p.a != null ? Math.round(p.a).toLocaleString() + ' ㎡' : null],
          [L_.vacancy, p.v != null ? p.v + '%' : null], [L_.available, p.va != null ? p.va.toLocaleString() + ' ㎡' : null],
          [L_.ground_height, p.gh], [L_.load, p.fl], [L_.rent, p.p], [L_.industry, p.in],
          [L_.contact, p.ct], [L_.phone, p.ph]]));
        return box; });
    }});
  roads.addTo(map); parcels.addTo(map); buildings.addTo(map); zones.addTo(map); zoneNames.addTo(map);
  var zonesAndNames = L.layerGroup([zones, zoneNames]);
  map.removeLayer(zones); map.removeLayer(zoneNames); zonesAndNames.addTo(map);
  var overlays = {}; overlays[L_.roads] = roads; overlays[L_.parcels] = parcels; overlays[L_.buildings] = buildings;
  overlays[L_.zones] = zonesAndNames;
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  L.control.scale({imperial: false}).addTo(map);
  var all = L.featureGroup([parcels, zones]);
  if (all.getLayers().length && all.getBounds().isValid()) map.fitBounds(all.getBounds(), {padding: [10, 10]});
  // legend
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var box = el('div', null, 'la-legend'); box.appendChild(el('b', L_.legend));
    [[L_.parcels, D.legend.parcels], [L_.buildings, D.legend.buildings]].forEach(function (g) {
      box.appendChild(el('div', g[0], 'la-legend-head'));
      g[1].forEach(function (it) { var row = el('div'); var sw = el('i'); sw.style.background = it[1]; row.appendChild(sw); row.appendChild(el('span', it[0])); box.appendChild(row); });
    });
    [[L_.factory, '#4E342E'], [L_.tower, '#0D1B6B']].forEach(function (it) { var row = el('div'); var sw = el('i'); sw.style.border = '2px solid ' + it[1]; row.appendChild(sw); row.appendChild(el('span', it[0])); box.appendChild(row); });
    L.DomEvent.disableClickPropagation(box); return box; };
  legend.addTo(map);
  // search by parcel code or name
  var search = L.control({position: 'topleft'});
  search.onAdd = function () {
    var box = el('div', null, 'la-search'); var input = el('input'); input.type = 'search'; input.placeholder = L_.search;
    var list = el('div', null, 'la-results'); box.appendChild(input); box.appendChild(list);
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase(); list.textContent = '';
      if (!q) return; var n = 0;
      parcels.eachLayer(function (layer) {
        var p = layer.feature.properties; if (n >= 12) return;
        if ((p.c || '').toLowerCase().indexOf(q) >= 0 || (p.n || '').toLowerCase().indexOf(q) >= 0 || (p.e || '').toLowerCase().indexOf(q) >= 0) {
          n++; var item = el('div', (p.c || '') + ' ' + (p.n || ''), 'la-hit');
          item.addEventListener('click', function () { map.fitBounds(layer.getBounds(), {maxZoom: 17}); layer.openPopup(); });
          list.appendChild(item);
        }
      });
      if (!n) list.appendChild(el('div', L_.none, 'la-none'));
    });
    L.DomEvent.disableClickPropagation(box); return box; };
  search.addTo(map);
  window.landappMap = {map: map, parcels: parcels, buildings: buildings, zones: zones, roads: roads};
  document.body.setAttribute('data-landapp-parcels', String(parcels.getLayers().length));
  document.body.setAttribute('data-landapp-buildings', String(buildings.getLayers().length));
  document.body.setAttribute('data-landapp-roads', String(roads.getLayers().length));
  document.title = D.title;
})();
"""

_CSS = """
.la-pop th { text-align: left; color: #555; padding-right: 8px; font-weight: normal; }
.la-legend { background: rgba(255,255,255,.92); padding: 6px 8px; font: 12px/1.5 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif; border-radius: 4px; max-height: 60vh; overflow: auto; }
.la-legend i { display: inline-block; width: 16px; height: 10px; margin-right: 6px; vertical-align: middle; }
.la-legend-head { margin-top: 4px; font-weight: bold; }
.la-search { background: #fff; padding: 4px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.la-search input { width: 220px; font-size: 13px; }
.la-results { max-height: 260px; overflow: auto; font-size: 12px; }
.la-hit { cursor: pointer; padding: 2px 4px; } .la-hit:hover { background: #e3f2fd; }
.la-zone { background: transparent; border: none; box-shadow: none; color: #8E1B1B; font-weight: bold; font-size: 15px;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
.la-zone::before { display: none; }
body { font-family: "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif; }
"""


class _LandappLayers(MacroElement):
    _template = Template("{% macro script(this, kwargs) %}" + _SCRIPT + "{% endmacro %}")


def build_map(store, *, theme: str = "status", basemap: str = "none", cdn: bool = False,
              tianditu_key: str | None = None):
    """The folium Map object (call .save(path) or use write_map)."""
    import folium

    if basemap not in BASEMAPS:
        raise LandappError(tr(f"底图应为 {'、'.join(BASEMAPS)} 之一。", f"The basemap must be one of {', '.join(BASEMAPS)}."))
    if basemap == "tianditu" and not (tianditu_key or store.get_setting("tianditu_key")):
        raise LandappError(tr("天地图底图需要密钥(tk);请在工程设置里填写。",
                              "The Tianditu basemap needs your key (tk); set it in the project settings."))
    data = build_data(store, theme=theme, basemap=basemap)
    ext = store.extent("parcels") or store.extent("zones")
    if ext is None:
        raise LandappError(tr("工程中没有可导出的地块。", "The project has no parcels to export."))
    lon, lat = to_lonlat((ext[0] + ext[2]) / 2, (ext[1] + ext[3]) / 2, store.srs_id)
    m = folium.Map(location=[float(lat), float(lon)], zoom_start=14, tiles=None, prefer_canvas=True,
                   control_scale=False, zoom_snap=0.25)  # the script adds a metric-only scale
    m.default_js = []
    m.default_css = []
    root = m.get_root()
    if cdn:
        root.header.add_child(folium.CssLink("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"), name="leaflet_css")
        root.header.add_child(folium.JavascriptLink("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"), name="leaflet")
    else:
        js, css = _leaflet_assets()
        root.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
        root.header.add_child(Element(f"<script>{_script_safe(js)}</script>"), name="leaflet")
    root.header.add_child(Element(f"<style>{_CSS}</style>"), name="landapp_css")
    root.header.add_child(Element(f"<title>{html.escape(store.name)}</title>"), name="title")
    payload = _script_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    root.html.add_child(Element(f'<script type="application/json" id="landapp-data">{payload}</script>'),
                        name="landapp_data")
    if BASEMAPS[basemap] is not None:
        url, attribution = BASEMAPS[basemap]
        key = tianditu_key or store.get_setting("tianditu_key") or ""
        folium.TileLayer(url.replace("{tk}", key), attr=attribution, name=tr("底图", "Basemap"),
                         subdomains="1234" if basemap == "amap" else ("01234567" if basemap == "tianditu" else "abc"),
                         max_zoom=19).add_to(m)
    m.add_child(_LandappLayers())
    return m


def write_map(store, path: str, **kw) -> int:
    """Write the HTML map (whole or not at all: landapp.files); returns its size in bytes."""
    m = build_map(store, **kw)
    data = m.get_root().render().encode("utf-8")  # what folium's save writes
    write_bytes(path, data)
    return len(data)
