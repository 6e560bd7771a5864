"""Leases and the space they let (buildings → floors → units), as the stacking plan and the
unit dialogs edit them: sign, change, renew and end a lease, let a whole building by one
contract, edit floors. No Qt; every function takes a store (or a RecordingStore, so the UI
makes each one undoable) and raises LandappError in one sentence.

Rules kept here so every caller gets them:
- A lease's area fits its unit: the leases of a unit in force on any one day together cover
  at most the unit's area (a unit may be let in parts, never twice over).
- A whole-building lease (unit_id empty, the factory let to one tenant) covers every unit
  of the building; it cannot overlap a lease of any of its units.
- Ending a lease keeps it as history (status 已终止, end date the last day let); the units
  it let become 空置 from the given day.
"""

from __future__ import annotations

import datetime as dt

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.store.filters import F
from landapp.vacancy import _opt_date, parse_date

EPS = 0.05  # m²: rounding of areas typed with one decimal


def default_end(start: dt.date, years: int = 3) -> dt.date:
    """The last day of a lease of `years` starting on `start`: the day before the same date
    `years` later (2026-03-01 → 2029-02-28, 2025-03-01 → 2028-02-29; a lease from 29
    February runs to 28 February)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # from 29 February into a common year: the next day is 1 March
        anniversary = dt.date(start.year + years, 3, 1)
    return anniversary - dt.timedelta(days=1)


def _iso(d) -> str:
    return parse_date(d).isoformat()


def _overlap(a0: dt.date, a1: dt.date, b0: dt.date, b1: dt.date) -> bool:
    return a0 <= b1 and b0 <= a1


def _who(le: dict) -> str:
    return f"{le.get('tenant') or '-'} {le.get('start_date')}~{le.get('end_date')}"


def check_lease(store, *, unit_id: int | None, building_id: int, start, end, area: float,
                exclude: int | None = None) -> None:
    """Raise LandappError when a lease of `area` over [start, end] does not fit: dates out
    of order, area not positive or larger than the unit, or more than the unit's area let
    on some day together with the other leases (a whole-building lease counts against
    every unit)."""
    s, e = parse_date(start, tr("起租日期", "Start")), parse_date(end, tr("到期日期", "End"))
    if e < s:
        raise LandappError(tr("到期日期不能早于起租日期。", "The end cannot precede the start."))
    if not area or area <= 0:
        raise LandappError(tr("租赁面积应大于 0。", "The leased area must be more than 0."))
    whole = store.rows("leases", (F("building_id") == int(building_id)) & F("unit_id").is_null())
    whole = [w for w in whole if w["fid"] != exclude and _overlap(s, e, parse_date(w["start_date"]),
                                                                  parse_date(w["end_date"]))]
    if unit_id is None:
        units = [u for u in store.rows("units", F("building_id") == int(building_id)) if u.get("status") != "已售"]
        total = sum(float(u.get("area") or 0.0) for u in units)
        if area > total + EPS:
            raise LandappError(tr(f"租赁面积 {area:,.1f} ㎡ 大于建筑可出租单元面积 {total:,.1f} ㎡(已售单元除外)。",
                                  f"The leased area {area:,.1f} m² exceeds the building's lettable units "
                                  f"({total:,.1f} m², sold ones excluded)."))
        if whole:
            raise LandappError(tr(f"该建筑已整栋出租({_who(whole[0])}),租期重叠。",
                                  f"The building is already let whole ({_who(whole[0])}) for part of that time."))
        for u in units:
            for le in store.rows("leases", F("unit_id") == u["fid"]):
                if le["fid"] != exclude and _overlap(s, e, parse_date(le["start_date"]), parse_date(le["end_date"])):
                    raise LandappError(tr(f"单元 {u.get('code') or u['fid']} 在该租期内已有租约({_who(le)}),不能整栋出租。",
                                          f"Unit {u.get('code') or u['fid']} has a lease then ({_who(le)}); "
                                          "the building cannot be let whole."))
        return
    unit = store.get("units", int(unit_id))
    cap = float(unit.get("area") or 0.0)
    if area > cap + EPS:
        raise LandappError(tr(f"租赁面积 {area:,.1f} ㎡ 大于单元面积 {cap:,.1f} ㎡。",
                              f"The leased area {area:,.1f} m² exceeds the unit's {cap:,.1f} m²."))
    if whole:
        raise LandappError(tr(f"该建筑在此期间整栋出租({_who(whole[0])}),不能再单独出租单元。",
                              f"The building is let whole then ({_who(whole[0])}); its units cannot be let apart."))
    others = [le for le in store.rows("leases", F("unit_id") == int(unit_id))
              if le["fid"] != exclude and _overlap(s, e, parse_date(le["start_date"]), parse_date(le["end_date"]))]
    # the most let on any day: check at each start inside the period
    days = {s} | {max(s, parse_date(le["start_date"])) for le in others}
    for d in sorted(days):
        let = sum(float(le.get("area") or 0.0) for le in others
                  if parse_date(le["start_date"]) <= d <= parse_date(le["end_date"]))
        if let + area > cap + EPS:
            le = next(x for x in others if parse_date(x["start_date"]) <= d <= parse_date(x["end_date"]))
            raise LandappError(tr(f"与现有租约重叠:{_who(le)};单元 {cap:,.1f} ㎡ 在 {d} 已出租 {let:,.1f} ㎡。",
                                  f"It overlaps the lease {_who(le)}: {let:,.1f} of the unit's {cap:,.1f} m² "
                                  f"are let on {d}."))


def _enterprise_id(store, tenant: str) -> int | None:
    rows = store.rows("enterprises", F("name") == tenant)
    return rows[0]["fid"] if rows else None


def sign_lease(store, unit_id: int, tenant: str, start, end, area: float, rent: float | None = None, *,
               as_of: dt.date | None = None, fitting_out: bool = False, note: str | None = None) -> int:
    """A new lease of a unit (or part of it). When it is in force on `as_of` the unit
    becomes 已租 (装修中 with `fitting_out`). Returns the lease fid."""
    tenant = (tenant or "").strip()
    if not tenant:
        raise LandappError(tr("请填写承租企业。", "Enter the tenant."))
    unit = store.get("units", int(unit_id))
    check_lease(store, unit_id=int(unit_id), building_id=unit["building_id"], start=start, end=end, area=area)
    s, e = parse_date(start), parse_date(end)
    fid = store.insert("leases", {"unit_id": int(unit_id), "building_id": unit["building_id"],
                                  "enterprise_id": _enterprise_id(store, tenant), "tenant": tenant,
                                  "start_date": s.isoformat(), "end_date": e.isoformat(), "area": float(area),
                                  "rent": rent or None, "status": "有效", "note": note})
    if as_of is not None and s <= as_of <= e:
        store.update("units", int(unit_id), {"status": "装修中" if fitting_out else "已租"})
    return fid


def update_lease(store, lease_fid: int, changes: dict) -> dict:
    """Change a lease (tenant, dates, area, rent …) after checking it still fits; the
    enterprise link follows the tenant's name. Returns the previous values."""
    le = store.get("leases", int(lease_fid))
    new = {**le, **changes}
    if "tenant" in changes:
        tenant = (changes["tenant"] or "").strip()
        if not tenant:
            raise LandappError(tr("请填写承租企业。", "Enter the tenant."))
        changes = {**changes, "tenant": tenant}
        if tenant != le.get("tenant"):
            changes["enterprise_id"] = _enterprise_id(store, tenant)
    check_lease(store, unit_id=new.get("unit_id"), building_id=new["building_id"], start=new["start_date"],
                end=new["end_date"], area=float(new.get("area") or 0.0), exclude=int(lease_fid))
    return store.update("leases", int(lease_fid), changes)


def end_lease(store, lease_fid: int, vacant_from) -> None:
    """Terminate a lease so that its space is vacant from `vacant_from` (the lease's last
    day is the day before, not before its start); it stays as history. The unit (or, for a
    whole-building lease, every unit of the building) becomes 空置."""
    le = store.get("leases", int(lease_fid))
    d = parse_date(vacant_from, tr("退租日期", "Move-out date"))
    start = parse_date(le["start_date"])
    last = max(start, d - dt.timedelta(days=1))
    if last > parse_date(le["end_date"]):
        raise LandappError(tr(f"退租日期 {d} 晚于租约到期日 {le['end_date']},租约届时已自然到期。",
                              f"{d} is after the lease's end {le['end_date']}; it expires by itself."))
    store.update("leases", int(lease_fid), {"end_date": last.isoformat(), "status": "已终止"})
    units = [le["unit_id"]] if le.get("unit_id") is not None else [
        u["fid"] for u in store.rows("units", F("building_id") == le["building_id"])]
    for uid in units:
        if store.get("units", uid).get("status") in ("已租", "装修中"):
            store.update("units", uid, {"status": "空置"})


def renewal_dates(lease: dict, years: int = 3) -> tuple[dt.date, dt.date]:
    """Start and end of a renewal: from the day after the lease ends, for `years`."""
    start = parse_date(lease["end_date"]) + dt.timedelta(days=1)
    return start, default_end(start, years)


def let_whole(store, building_id: int, tenant: str, start, end, rent: float | None = None, *,
              as_of: dt.date | None = None, note: str | None = None) -> int:
    """Let a whole building (a standard factory) to one tenant by one contract: a lease
    without a unit over the area of all its units but sold ones. A building without units first gets one
    unit 整栋 (on no floor, so the stacking plan draws it over every floor) of its floor
    area. Returns the lease fid."""
    tenant = (tenant or "").strip()
    if not tenant:
        raise LandappError(tr("请填写承租企业。", "Enter the tenant."))
    b = store.get("buildings", int(building_id))
    units = store.rows("units", F("building_id") == int(building_id))
    if not units:
        area = float(b.get("floor_area") or 0.0)
        if area <= 0:
            raise LandappError(tr("该建筑没有单元,也没有填建筑面积,无法整栋出租。",
                                  "The building has no units and no floor area; it cannot be let whole."))
        store.insert("units", {"building_id": int(building_id), "floor_id": None, "code": "整栋",
                               "area": area, "status": "空置"})
        units = store.rows("units", F("building_id") == int(building_id))
    # sold units are their owners': the contract lets the rest of the building
    area = round(sum(float(u.get("area") or 0.0) for u in units if u.get("status") != "已售"), 1)
    if area <= 0:
        raise LandappError(tr("该建筑的单元都已出售,没有可整栋出租的面积。",
                              "Every unit of the building is sold; there is nothing to let."))
    check_lease(store, unit_id=None, building_id=int(building_id), start=start, end=end, area=area)
    s, e = parse_date(start), parse_date(end)
    fid = store.insert("leases", {"unit_id": None, "building_id": int(building_id),
                                  "enterprise_id": _enterprise_id(store, tenant), "tenant": tenant,
                                  "start_date": s.isoformat(), "end_date": e.isoformat(), "area": area,
                                  "rent": rent or None, "status": "有效", "note": note})
    if as_of is None or s <= as_of <= e:
        for u in units:
            if u.get("status") != "已售":
                store.update("units", u["fid"], {"status": "已租"})
    return fid


def lease_history(store, unit_id: int, as_of: dt.date) -> list[dict]:
    """Every lease of a unit and every whole-building lease of its building, newest first,
    with `phase` 当前 / 未来 / 历史 relative to `as_of` and `whole` for building leases."""
    unit = store.get("units", int(unit_id))
    rows = store.rows("leases", F("unit_id") == int(unit_id)) + [
        {**w, "whole": True} for w in store.rows("leases", (F("building_id") == unit["building_id"])
                                                 & F("unit_id").is_null())]
    out = []
    for le in rows:
        s, e = _opt_date(le.get("start_date")), _opt_date(le.get("end_date"))
        phase = "历史" if e is not None and e < as_of else ("未来" if s is not None and s > as_of else "当前")
        out.append({**le, "phase": phase, "whole": bool(le.get("whole"))})
    out.sort(key=lambda r: (str(r.get("start_date") or ""), r["fid"]), reverse=True)
    return out


def current_lease(store, unit_id: int, as_of: dt.date) -> dict | None:
    """The lease of the unit in force on `as_of` (its own, else its building's whole
    lease); the one ending last when several are."""
    cur = [r for r in lease_history(store, unit_id, as_of) if r["phase"] == "当前"]
    cur.sort(key=lambda r: (not r["whole"], str(r["end_date"])), reverse=True)
    return cur[0] if cur else None


# ---- floors ---------------------------------------------------------------------------

def save_floor(store, building_id: int, values: dict, floor_fid: int | None = None) -> int:
    """Add (floor_fid None) or change a floor; its level is unique in the building."""
    level = values.get("level")
    if level is None:
        raise LandappError(tr("请填写楼层号。", "Enter the floor level."))
    clash = [f for f in store.rows("floors", (F("building_id") == int(building_id)) & (F("level") == int(level)))
             if f["fid"] != floor_fid]
    if clash:
        raise LandappError(tr(f"该建筑已有第 {level} 层({clash[0].get('name') or ''})。",
                              f"The building already has level {level} ({clash[0].get('name') or ''})."))
    rec = {**values, "building_id": int(building_id), "level": int(level)}
    if not rec.get("name"):
        rec["name"] = f"B{-int(level)}" if int(level) < 0 else f"{int(level)}F"
    if floor_fid is None:
        return store.insert("floors", rec)
    store.update("floors", int(floor_fid), rec)
    return int(floor_fid)


def delete_floor(store, floor_fid: int) -> dict:
    """Delete a floor that has no units (move or delete its units first)."""
    n = store.count("units", F("floor_id") == int(floor_fid))
    if n:
        raise LandappError(tr(f"该楼层还有 {n} 个单元,不能删除;请先删除或移走这些单元。",
                              f"The floor still has {n} units; delete or move them first."))
    return store.delete("floors", int(floor_fid))
