"""References between records that the store keeps true: a unit's building exists and its
floor belongs to that building and is at least as large as the unit; a floor's building exists
and is at least as large as the floor; a lease's building, unit (of that building) and
enterprise exist; yearly figures and a parcel's land user name an existing enterprise.

Checked when the outermost transaction commits, over every record the transaction wrote (a
merge moves floors and units one by one, and only the end state must hold), with a few
set-based reads through the ProjectStore interface, so every backend shares it."""

from __future__ import annotations

from typing import Iterable

from landapp.errors import ValidationError
from landapp.i18n import tr
from landapp.schema import spec
from landapp.store.filters import F

# layers whose records refer to others
WATCHED = ("units", "floors", "leases", "enterprise_metrics", "parcels")
AREA_TOLERANCE = 0.05  # m²: rounding of areas typed to one decimal


def _fetch(store, layer: str, fids: Iterable[int]) -> dict[int, dict]:
    ids = sorted({int(f) for f in fids if f is not None})
    if not ids:
        return {}
    return {int(r["fid"]): r for r in store.rows(layer, F("fid").in_(ids), geometry=False)}


def _bad(layer: str, field: str, rule: str, value) -> ValidationError:
    return ValidationError(layer, field, spec(layer).field(field).title, rule, value)


def verify(store, touched: dict[str, set[int]]) -> None:
    """Raise ValidationError (naming the record's field) for the first broken reference among
    the records in `touched` (layer -> fids written in this transaction)."""
    units = _fetch(store, "units", touched.get("units", ())) if touched.get("units") else {}
    floors_t = _fetch(store, "floors", touched.get("floors", ())) if touched.get("floors") else {}
    leases = _fetch(store, "leases", touched.get("leases", ())) if touched.get("leases") else {}
    metrics = (_fetch(store, "enterprise_metrics", touched.get("enterprise_metrics", ()))
               if touched.get("enterprise_metrics") else {})
    parcels = {}
    if touched.get("parcels"):
        parcels = {f: r for f, r in _fetch(store, "parcels", touched["parcels"]).items()
                   if r.get("land_user_id") is not None}
    if not (units or floors_t or leases or metrics or parcels):
        return
    floors = _fetch(store, "floors", [u.get("floor_id") for u in units.values()])
    floors.update(floors_t)
    lease_units = _fetch(store, "units", [le.get("unit_id") for le in leases.values()
                                          if le.get("unit_id") not in units])
    lease_units.update(units)
    building_ids = ([u.get("building_id") for u in units.values()]
                    + [f.get("building_id") for f in floors.values()]
                    + [le.get("building_id") for le in leases.values()])
    buildings = _fetch(store, "buildings", building_ids)
    ent_ids = ([le.get("enterprise_id") for le in leases.values()]
               + [m.get("enterprise_id") for m in metrics.values()]
               + [p.get("land_user_id") for p in parcels.values()])
    enterprises = _fetch(store, "enterprises", ent_ids)

    for fid, f in sorted(floors_t.items()):
        b = buildings.get(f.get("building_id"))
        if b is None:
            raise _bad("floors", "building_id", tr(f"没有编号为 {f.get('building_id')} 的建筑",
                                                   f"there is no building {f.get('building_id')}"),
                       f.get("building_id"))
        fa, ba = f.get("area"), b.get("floor_area")
        if fa is not None and ba is not None and fa > ba + AREA_TOLERANCE:
            raise _bad("floors", "area", tr(
                f"楼层面积 {fa:,.1f} ㎡ 大于所在建筑 {b.get('code') or b['fid']} 的建筑面积 {ba:,.1f} ㎡",
                f"the floor's {fa:,.1f} m² exceed the {ba:,.1f} m² floor area of building "
                f"{b.get('code') or b['fid']}"), fa)
    for fid, u in sorted(units.items()):
        bid = u.get("building_id")
        if bid not in buildings:
            raise _bad("units", "building_id", tr(f"没有编号为 {bid} 的建筑", f"there is no building {bid}"), bid)
        flid = u.get("floor_id")
        if flid is not None:
            fl = floors.get(flid)
            if fl is None:
                raise _bad("units", "floor_id", tr(f"没有编号为 {flid} 的楼层", f"there is no floor {flid}"), flid)
            if fl.get("building_id") != bid:
                raise _bad("units", "floor_id", tr(
                    f"楼层 {flid} 属于另一栋建筑(编号 {fl.get('building_id')}),不属于单元所在的建筑 {bid}",
                    f"floor {flid} belongs to building {fl.get('building_id')}, not to the unit's building {bid}"),
                    flid)
            if fl.get("area") is not None and u.get("area") is not None \
                    and u["area"] > fl["area"] + AREA_TOLERANCE:
                raise _bad("units", "area", tr(
                    f"单元面积 {u['area']:,.1f} ㎡ 大于所在楼层 {fl.get('name') or fl.get('level')} 的面积 "
                    f"{fl['area']:,.1f} ㎡",
                    f"the unit's {u['area']:,.1f} m² exceed its floor's {fl['area']:,.1f} m²"), u["area"])
        else:
            ba = buildings[bid].get("floor_area")
            if ba is not None and u.get("area") is not None and u["area"] > ba + AREA_TOLERANCE:
                raise _bad("units", "area", tr(
                    f"单元面积 {u['area']:,.1f} ㎡ 大于所在建筑的建筑面积 {ba:,.1f} ㎡",
                    f"the unit's {u['area']:,.1f} m² exceed the building's floor area of {ba:,.1f} m²"),
                    u["area"])
    for fid, le in sorted(leases.items()):
        bid = le.get("building_id")
        if bid not in buildings:
            raise _bad("leases", "building_id", tr(f"没有编号为 {bid} 的建筑", f"there is no building {bid}"), bid)
        uid = le.get("unit_id")
        if uid is not None:
            u = lease_units.get(uid)
            if u is None:
                raise _bad("leases", "unit_id", tr(f"没有编号为 {uid} 的单元", f"there is no unit {uid}"), uid)
            if u.get("building_id") != bid:
                raise _bad("leases", "unit_id", tr(
                    f"单元 {uid} 属于另一栋建筑(编号 {u.get('building_id')})",
                    f"unit {uid} belongs to another building ({u.get('building_id')})"), uid)
            if le.get("area") is not None and u.get("area") is not None \
                    and le["area"] > u["area"] + AREA_TOLERANCE:
                raise _bad("leases", "area", tr(
                    f"租赁面积 {le['area']:,.1f} ㎡ 大于单元面积 {u['area']:,.1f} ㎡",
                    f"the leased {le['area']:,.1f} m² exceed the unit's {u['area']:,.1f} m²"), le["area"])
        eid = le.get("enterprise_id")
        if eid is not None and eid not in enterprises:
            raise _bad("leases", "enterprise_id", tr(f"没有编号为 {eid} 的企业", f"there is no enterprise {eid}"), eid)
    for fid, m in sorted(metrics.items()):
        eid = m.get("enterprise_id")
        if eid not in enterprises:
            raise _bad("enterprise_metrics", "enterprise_id",
                       tr(f"没有编号为 {eid} 的企业", f"there is no enterprise {eid}"), eid)
    for fid, p in sorted(parcels.items()):
        eid = p.get("land_user_id")
        if eid not in enterprises:
            raise _bad("parcels", "land_user_id", tr(f"没有编号为 {eid} 的企业", f"there is no enterprise {eid}"), eid)
