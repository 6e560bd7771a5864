"""Self-contained HTML maps, built with folium: the investor map by default, the full
internal map on request.

- Public (default): only what the opportunity lists publish (landapp.opportunities, with the
  same filters): the listed land-supply parcels and carriers with the lists' columns, zones
  and roads, over the other parcels and buildings as bare shapes. No status, land user,
  tenant, vacancy or metric of any feature is in the page, not even in its data block.
  Title, the park's contact block and the date on the page; search over parcels and carriers.
- Internal (`internal=True`, `landapp export map --internal`): every parcel with its status
  and land user, buildings by vacancy; marked 内部资料 on the page and in its title.

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
from landapp.files import replace_into_place
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


def _internal_data(store, theme: str, epsg: int, gcj02: bool) -> dict:
    """The full map for the office (内部资料): every parcel with its status and land user,
    every building with its vacancy."""
    parcels = store.read_layer("parcels", columns=["code", "name", "zone", "status", "land_use",
                                                   "area_m2", "land_user", "far_min", "far_max", "height_limit",
                                                   "supply_method", "expected_supply_date", "industry",
                                                   "contact", "phone"])
    buildings = store.read_layer("buildings", columns=["name", "btype", "storeys", "floor_area", "asking_rent",
                                                       "ground_height", "floor_load", "industry", "contact",
                                                       "phone"])
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

    L = _labels()
    p_props = []
    for r in parcels.itertuples():
        use = r.land_use if isinstance(r.land_use, str) else None
        area = (f"{float(r.area_m2):,.1f} ㎡ / {to_mu(float(r.area_m2)):,.2f} {L['mu']}"
                if r.area_m2 == r.area_m2 else None)
        rows = [(L["code"], r.code), (L["zone"], r.zone), (L["status"], value_label(r.status) if r.status else None),
                (L["use"], landuse.label(use) if use and landuse.is_known(use) else use), (L["area"], area),
                (L["far"], f"{r.far_min:g}–{r.far_max:g}" if r.far_min == r.far_min and r.far_max == r.far_max
                 else None)]
        if r.status == "待供":  # what an investor asks about land on offer
            rows += [(L["height"], _clean(r.height_limit)),
                     (L["supply"], value_label(r.supply_method) if text(r.supply_method) else None),
                     (L["supply_date"], date(r.expected_supply_date)), (L["industry"], text(r.industry))]
        rows.append((L["user"], r.land_user))
        if r.status == "待供":
            rows += [(L["contact"], text(r.contact) or contact), (L["phone"], text(r.phone) or phone)]
        p_props.append(_props(r.name or r.code, rows, fill=p_colour(r.status, use),
                              search=[r.code, r.name, r.land_user]))
    b_props = []
    for (fid, r), rate in zip(buildings.iterrows(), rates):
        known = rate is not None and not math.isnan(rate)
        cls = next((i for i, (upper, _, _) in enumerate(VACANCY_CLASSES) if known and rate < upper), None)
        rows = [(L["type"], value_label(r["btype"])), (L["storeys"], _clean(r["storeys"])),
                (L["floor_area"], f"{round(float(r['floor_area'])):,} ㎡" if r["floor_area"] == r["floor_area"]
                 and r["floor_area"] is not None else None),
                (L["vacancy"], f"{float(rate) * 100:.1f}%" if known else None)]
        if r["btype"] in ("标准厂房", "楼宇"):  # carriers: what is there to let, and whom to call
            vacant = building_figures(space, int(fid), as_of).vacant
            rows += [(L["available"], f"{round(float(vacant)):,} ㎡" if vacant else None),
                     (L["ground_height"], _clean(r["ground_height"])), (L["load"], _clean(r["floor_load"])),
                     (L["rent"], _clean(r["asking_rent"])), (L["industry"], text(r["industry"])),
                     (L["contact"], (text(r["contact"]) or contact) if vacant else None),
                     (L["phone"], (text(r["phone"]) or phone) if vacant else None)]
        else:
            rows.append((L["rent"], _clean(r["asking_rent"])))
        outline, weight = TYPE_OUTLINES.get(r["btype"], ("#616161", 1))
        b_props.append(_props(r["name"], rows, fill=VACANCY_CLASSES[cls][1] if cls is not None else "#E0E0E0",
                              outline=outline, weight=weight, search=[r["name"]]))
    if theme == "landuse":
        present = sorted({landuse.normalize_code(u)[:2] for u in parcels["land_use"] if isinstance(u, str) and landuse.is_known(u)})
        legend = [(landuse.label(c), landuse.colour(c)) for c in present]
    else:
        present = set(parcels["status"])
        legend = [(value_label(s), STATUS_COLOURS[s]) for s in PARCEL_STATUSES if s in present]
    legend_b = [(tr(f"空置率 {lab}", f"Vacancy {lab}"), c) for _, c, lab in VACANCY_CLASSES]
    return {
        "parcels": _features(parcels, p_props, epsg, gcj02) if len(parcels) else [],
        "buildings": _features(buildings, b_props, epsg, gcj02) if len(buildings) else [],
        "legend": [[L["parcels"], legend], [L["buildings"], legend_b]],
        "outlines": [[L["factory"], "#4E342E"], [L["tower"], "#0D1B6B"]],
    }


LAND_FILL, CARRIER_FILL, CARRIER_LINE = "#FB8C00", "#1E88E5", "#0D47A1"
PLAIN_FILL, PLAIN_BUILDING = "#ECEFF1", "#CFD8DC"


def _public_data(store, land_df: pd.DataFrame, carrier_df: pd.DataFrame, epsg: int, gcj02: bool) -> dict:
    """The investor map: the listed land-supply parcels and carriers with the lists' columns,
    over the other parcels and buildings as bare shapes (no attribute of theirs leaves)."""
    from landapp.opportunities import CARRIER_COLUMNS, LAND_COLUMNS
    from landapp.publish import format_cell

    parcels = store.read_layer("parcels", columns=["code"])
    buildings = store.read_layer("buildings", columns=["btype"])
    listed_p = {int(f): r for f, r in land_df.iterrows()}
    listed_b = {int(f): r for f, r in carrier_df.iterrows()}

    def rows(r, columns, skip):
        out = []
        for key, zh, en, fmt in columns:
            if key in skip:
                continue
            out.append((tr(zh, en), format_cell(r[key], fmt) or None))
        return out

    p_props = []
    for fid in parcels.index:
        r = listed_p.get(int(fid))
        if r is None:
            p_props.append({"f": PLAIN_FILL})
            continue
        title = r["name"] if isinstance(r["name"], str) and r["name"] else r["code"]
        p_props.append({**_props(title, rows(r, LAND_COLUMNS, {"no"}), fill=LAND_FILL,
                                 search=[r["code"], r["name"], r["zone"]]), "no": int(r["no"]), "k": "land"})
    b_props = []
    for fid in buildings.index:
        r = listed_b.get(int(fid))
        if r is None:
            b_props.append({"f": PLAIN_BUILDING, "o": "#90A4AE", "w": 0.5})
            continue
        b_props.append({**_props(r["name"], rows(r, CARRIER_COLUMNS, {"no", "name"}), fill=CARRIER_FILL,
                                 outline=CARRIER_LINE, weight=2, search=[r["name"], r["zone"], r["industry"]]),
                        "no": int(r["no"]), "k": "carrier"})
    L = _labels()
    return {
        "parcels": _features(parcels, p_props, epsg, gcj02) if len(parcels) else [],
        "buildings": _features(buildings, b_props, epsg, gcj02) if len(buildings) else [],
        "legend": [[L["public"], [[tr(f"供地地块({len(listed_p)} 宗)", f"Land on offer ({len(listed_p)})"), LAND_FILL],
                                  [tr(f"招商载体({len(listed_b)} 处)", f"Carriers to let ({len(listed_b)})"), CARRIER_FILL],
                                  [tr("其他地块", "Other parcels"), PLAIN_FILL],
                                  [tr("其他建筑", "Other buildings"), PLAIN_BUILDING]]]],
        "outlines": [],
    }


def _props(title, rows, *, fill: str, outline: str | None = None, weight: float | None = None,
           search=()) -> dict:
    """A feature's properties for the page: its title, the popup's (label, value) rows (empty
    values left out), its colours and the texts search looks in."""
    out = {"t": _clean(title), "r": [[k, _clean(v)] for k, v in rows if _clean(v) not in (None, "")],
           "f": fill, "q": " ".join(str(x) for x in search if isinstance(x, str) and x)}
    if outline is not None:
        out["o"] = outline
    if weight is not None:
        out["w"] = weight
    return out


_PAGE_LABELS = ("zones", "parcels", "buildings", "roads", "legend", "none")


def _labels() -> dict:
    return {
        "zones": tr("片区", "Zones"), "parcels": tr("地块", "Parcels"), "buildings": tr("建筑", "Buildings"),
        "code": tr("地块编号", "Parcel code"), "name": tr("名称", "Name"), "zone": tr("片区", "Zone"),
        "status": tr("状态", "Status"), "use": tr("用地性质", "Land use"), "area": tr("面积", "Area"),
        "user": tr("使用权人", "Land user"), "far": tr("容积率", "FAR"), "type": tr("类型", "Type"),
        "storeys": tr("层数", "Storeys"), "floor_area": tr("建筑面积", "Floor area"),
        "vacancy": tr("空置率", "Vacancy"), "rent": tr("租金(元/㎡·月)", "Rent (CNY/m²·month)"),
        "mu": tr("亩", "mu"), "legend": tr("图例", "Legend"), "none": tr("没有找到", "No match"),
        "roads": tr("道路", "Roads"), "supply": tr("供地方式", "Supply method"),
        "supply_date": tr("预计供地时间", "Expected supply"), "height": tr("限高(m)", "Height limit (m)"),
        "industry": tr("产业方向", "Industry"), "contact": tr("联系人", "Contact"), "phone": tr("电话", "Phone"),
        "available": tr("可租售面积", "Available"), "ground_height": tr("层高(m)", "Floor height (m)"),
        "load": tr("楼面荷载(t/㎡)", "Floor load (t/m²)"),
        "factory": tr("标准厂房(棕色边框)", "Standard factory (brown outline)"),
        "tower": tr("楼宇(深蓝粗边框)", "Office tower (heavy navy outline)"),
        "public": tr("招商信息", "On offer"),
    }


def build_data(store, *, theme: str = "status", basemap: str = "none", internal: bool = False,
               land_filters=None, carrier_filters=None, kinds: tuple[str, ...] = ("land", "carriers")) -> dict:
    """What the page carries. Public (the default, for investors): the opportunity lists'
    parcels and carriers (chosen by the lists' filters, landapp.opportunities) with the lists'
    columns, over the other parcels and buildings as bare shapes: no status, land user,
    vacancy or any other internal field is in the page, not even in its data. Internal: the
    full map, marked 内部资料."""
    import datetime as dt

    from landapp.opportunities import opportunity_list

    gcj02 = basemap == "amap"
    epsg = store.srs_id
    zones = store.read_layer("zones", columns=["name"])
    roads = store.read_layer("roads", columns=["name"])
    if internal:
        body = _internal_data(store, theme, epsg, gcj02)
        search = tr("搜索地块编号、名称、使用权人或建筑…", "Search parcel code, name, land user or building…")
    else:
        land = opportunity_list(store, "land", land_filters) if "land" in kinds else pd.DataFrame()
        carriers = opportunity_list(store, "carriers", carrier_filters) if "carriers" in kinds else pd.DataFrame()
        body = _public_data(store, land, carriers, epsg, gcj02)
        search = tr("搜索供地地块或招商载体…", "Search land on offer or carriers…")
    contact, phone = store.get_setting("contact") or "", store.get_setting("phone") or ""
    from landapp.vacancy import default_as_of

    as_of = default_as_of(store) if internal else dt.date.today()
    title = store.name + (tr(" 招商地图", " investment map") if not internal else tr(" 园区地图", " park map"))
    return {
        "title": title, "internal": internal,
        "mark": tr("内部资料", "INTERNAL") if internal else None,
        "contact": [x for x in [tr(f"联系人:{contact}", f"Contact: {contact}") if contact else None,
                                tr(f"电话:{phone}", f"Phone: {phone}") if phone else None] if x],
        "date": tr(f"制图日期 {dt.date.today().isoformat()}", f"Made {dt.date.today().isoformat()}")
        + (tr(f" · 统计日 {as_of.isoformat()}", f" · as of {as_of.isoformat()}") if internal else ""),
        "zones": _features(zones, [{"n": _clean(n)} for n in zones["name"]], epsg, gcj02) if len(zones) else [],
        "roads": _features(roads, [{"n": _clean(n)} for n in roads["name"]], epsg, gcj02) if len(roads) else [],
        **body,
        # only the page's own words: the popups' row labels travel with their rows
        "labels": {**{k: v for k, v in _labels().items() if k in _PAGE_LABELS}, "search": search},
    }


_SCRIPT = r"""
(function () {
  var map = {{ this._parent.get_name() }};
  var D = JSON.parse(document.getElementById('landapp-data').textContent);
  var L_ = D.labels;
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function table(rows) {
    var t = el('table', null, 'la-pop');
    (rows || []).forEach(function (r) { if (r[1] == null || r[1] === '') return; var tr = el('tr'); tr.appendChild(el('th', r[0])); tr.appendChild(el('td', r[1])); t.appendChild(tr); });
    return t;
  }
  function popup(p) { var box = el('div'); box.appendChild(el('h4', p.t)); box.appendChild(table(p.r)); return box; }
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
  // a feature with a title has a tooltip and a popup; a bare shape (public map) has neither
  function bind(f, layer) {
    var p = f.properties; if (p.t == null) return;
    var tip = (p.no != null ? p.no + '. ' : '') + p.t;
    layer.bindTooltip(function () { return el('span', tip); }, {sticky: true});
    layer.bindPopup(function () { return popup(p); }, {maxHeight: 420, maxWidth: 380});
  }
  var parcels = L.geoJSON({type: 'FeatureCollection', features: D.parcels}, {renderer: renderer,
    style: function (f) { var listed = f.properties.t != null;
      return {color: listed && !D.internal ? '#E65100' : '#666', weight: listed && !D.internal ? 1.6 : 0.6,
              fillColor: f.properties.f, fillOpacity: 0.85}; },
    onEachFeature: bind});
  var buildings = L.geoJSON({type: 'FeatureCollection', features: D.buildings}, {renderer: renderer,
    style: function (f) { return {color: f.properties.o || '#616161', weight: f.properties.w || 1, fillColor: f.properties.f, fillOpacity: 0.95}; },
    onEachFeature: bind});
  roads.addTo(map); parcels.addTo(map); buildings.addTo(map);
  var zonesAndNames = L.layerGroup([zones, zoneNames]); zonesAndNames.addTo(map);
  var overlays = {}; overlays[L_.roads] = roads; overlays[L_.parcels] = parcels; overlays[L_.buildings] = buildings;
  overlays[L_.zones] = zonesAndNames;

  var all = L.featureGroup([parcels, zones]);
  if (all.getLayers().length && all.getBounds().isValid()) map.fitBounds(all.getBounds(), {padding: [10, 10]});
  // title, the park's contact block and the date (and the internal map's mark)
  var head = L.control({position: 'topright'});
  head.onAdd = function () {
    var box = el('div', null, 'la-head');
    if (D.mark) box.appendChild(el('div', D.mark, 'la-mark'));
    box.appendChild(el('div', D.title, 'la-title'));
    D.contact.forEach(function (c) { box.appendChild(el('div', c, 'la-contact')); });
    box.appendChild(el('div', D.date, 'la-date'));
    L.DomEvent.disableClickPropagation(box); return box; };
  head.addTo(map);
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  L.control.scale({imperial: false}).addTo(map);
  // legend
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var box = el('div', null, 'la-legend'); box.appendChild(el('b', L_.legend));
    D.legend.forEach(function (g) {
      box.appendChild(el('div', g[0], 'la-legend-head'));
      g[1].forEach(function (it) { var row = el('div'); var sw = el('i'); sw.style.background = it[1]; row.appendChild(sw); row.appendChild(el('span', it[0])); box.appendChild(row); });
    });
    D.outlines.forEach(function (it) { var row = el('div'); var sw = el('i'); sw.style.border = '2px solid ' + it[1]; row.appendChild(sw); row.appendChild(el('span', it[0])); box.appendChild(row); });
    L.DomEvent.disableClickPropagation(box); return box; };
  legend.addTo(map);
  // search over the titled parcels and buildings (on the public map: land on offer and carriers)
  var search = L.control({position: 'topleft'});
  search.onAdd = function () {
    var box = el('div', null, 'la-search'); var input = el('input'); input.type = 'search'; input.placeholder = L_.search;
    var list = el('div', null, 'la-results'); box.appendChild(input); box.appendChild(list);
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase(); list.textContent = '';
      if (!q) return; var n = 0;
      [parcels, buildings].forEach(function (group) {
        group.eachLayer(function (layer) {
          var p = layer.feature.properties; if (n >= 12 || p.t == null) return;
          if (String(p.t).toLowerCase().indexOf(q) >= 0 || (p.q || '').toLowerCase().indexOf(q) >= 0) {
            n++; var item = el('div', (p.no != null ? p.no + '. ' : '') + p.t, 'la-hit');
            item.addEventListener('click', function () { map.fitBounds(layer.getBounds(), {maxZoom: 17}); layer.openPopup(); });
            list.appendChild(item);
          }
        });
      });
      if (!n) list.appendChild(el('div', L_.none, 'la-none'));
    });
    L.DomEvent.disableClickPropagation(box); return box; };
  search.addTo(map);
  window.landappMap = {map: map, parcels: parcels, buildings: buildings, zones: zones, roads: roads};
  document.body.setAttribute('data-landapp-parcels', String(parcels.getLayers().length));
  document.body.setAttribute('data-landapp-buildings', String(buildings.getLayers().length));
  document.body.setAttribute('data-landapp-roads', String(roads.getLayers().length));
  document.title = D.mark ? D.mark + ' · ' + D.title : D.title;
})();
"""

_CSS = """
.la-pop th { text-align: left; color: #555; padding-right: 8px; font-weight: normal; vertical-align: top; white-space: nowrap; }
.la-pop { font-size: 12px; border-collapse: collapse; } .la-pop td { max-width: 260px; }
.leaflet-popup-content h4 { margin: 0 0 4px; font-size: 14px; }
.la-legend { background: rgba(255,255,255,.92); padding: 6px 8px; font: 12px/1.5 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif; border-radius: 4px; max-height: 60vh; overflow: auto; }
.la-legend i { display: inline-block; width: 16px; height: 10px; margin-right: 6px; vertical-align: middle; }
.la-legend-head { margin-top: 4px; font-weight: bold; }
.la-head { background: rgba(255,255,255,.94); padding: 8px 12px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; max-width: 320px; }
.la-title { font-size: 17px; font-weight: bold; margin-bottom: 2px; }
.la-contact { color: #333; } .la-date { color: #777; margin-top: 2px; }
.la-mark { display: inline-block; color: #fff; background: #C62828; font-weight: bold; padding: 1px 8px; border-radius: 3px; margin-bottom: 4px; letter-spacing: 2px; }
.la-search { background: #fff; padding: 4px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.la-search input { width: 270px; font-size: 13px; }
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
              tianditu_key: str | None = None, internal: bool = False, land_filters=None,
              carrier_filters=None, kinds: tuple[str, ...] = ("land", "carriers")):
    """The folium Map object (call .save(path) or use write_map): the investor map by default,
    the full internal one with `internal=True` (see build_data)."""
    import folium

    if basemap not in BASEMAPS:
        raise LandappError(tr(f"底图应为 {'、'.join(BASEMAPS)} 之一。", f"The basemap must be one of {', '.join(BASEMAPS)}."))
    if basemap == "tianditu" and not (tianditu_key or store.get_setting("tianditu_key")):
        raise LandappError(tr("天地图底图需要密钥(tk);请在工程设置里填写。",
                              "The Tianditu basemap needs your key (tk); set it in the project settings."))
    data = build_data(store, theme=theme, basemap=basemap, internal=internal, land_filters=land_filters,
                      carrier_filters=carrier_filters, kinds=kinds)
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
    page_title = f"{data['mark']} · {data['title']}" if data["mark"] else data["title"]
    root.header.add_child(Element(f"<title>{html.escape(page_title)}</title>"), name="title")
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
    """Write the HTML map; returns its size in bytes."""
    import tempfile

    m = build_map(store, **kw)
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise LandappError(tr(f"文件夹 {folder} 不存在。", f"The folder {folder} does not exist."))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(fd)
    try:
        m.save(tmp)
        replace_into_place(tmp, path)
    except OSError as e:
        raise LandappError(tr(f"无法写入 {path}:{e.strerror or e}。", f"Cannot write {path}: {e.strerror or e}.")) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return os.path.getsize(path)
