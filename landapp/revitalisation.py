"""Revitalisation (盘活) cases for idle parcels and low-efficiency buildings, and the
campaign target they count toward (要素资源盘活 / 载体盘活, e.g. 15万㎡ this year).

A case moves 识别 → 方案 → 实施中 → 已盘活, and may be closed (终止) from any open state.
Every move writes a dated `case_history` row; illegal moves raise CaseTransitionError.
A case's area counts toward the campaign in the year its 已盘活 history row is dated.
For a parcel, the parcel status follows the case (实施中 → 盘活中, 已盘活 → 已盘活); the
previous status is written into the history note so nothing is lost, and a case closed
(终止) while the parcel is 盘活中 gives the parcel back the status it had before.
"""

from __future__ import annotations

import datetime as dt
import json

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import CASE_MEASURES, CASE_STATES, value_label
from landapp.store.filters import F
from landapp.vacancy import _opt_date, parse_date

OPEN_STATES = ("识别", "方案", "实施中")
DONE, CLOSED = "已盘活", "终止"
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "识别": ("方案", CLOSED),
    "方案": ("实施中", CLOSED),
    "实施中": (DONE, CLOSED),
    DONE: (),
    CLOSED: (),
}
TARGET_KEY = "revitalisation_targets"  # JSON {"2026": 150000.0, ...} in m²
PARCEL_STATUS_FOR = {"实施中": "盘活中", DONE: "已盘活"}


class CaseTransitionError(LandappError):
    """A case cannot move to the requested state."""


def _today(store) -> dt.date:
    from landapp.vacancy import default_as_of
    return default_as_of(store)


def open_case(store, target_layer: str, target_id: int, *, measure: str | None = None,
              responsible: str | None = None, target_date=None, area_m2: float | None = None,
              note: str | None = None, opened=None, user: str | None = None) -> int:
    """Open a case (state 识别) for a parcel or building; the area defaults to the parcel's
    land area or the building's floor area. Returns the case id."""
    if target_layer not in ("parcels", "buildings"):
        raise LandappError(tr("盘活对象只能是地块或建筑。", "A case is for a parcel or a building."))
    if measure is not None and measure not in CASE_MEASURES:
        raise LandappError(tr(f"未知的盘活方式“{measure}”,可用:{'、'.join(CASE_MEASURES)}。",
                              f"Unknown measure '{measure}'; use one of: {', '.join(CASE_MEASURES)}."))
    target = store.get(target_layer, int(target_id))  # FeatureNotFoundError names it
    opened_d = parse_date(opened, tr("立案日期", "Opening date")) if opened else _today(store)
    target_d = parse_date(target_date, tr("目标日期", "Target date")) if target_date else None
    if target_d is not None and target_d < opened_d:
        raise LandappError(tr("目标日期不能早于立案日期。", "The target date cannot precede the opening date."))
    if area_m2 is None:
        area_m2 = target.get("area_m2") if target_layer == "parcels" else (
            target.get("floor_area") or target.get("footprint_m2"))
    with store.transaction():
        cid = store.insert("revitalisation_cases", {
            "target_layer": target_layer, "target_id": int(target_id), "target_code": target.get("code"),
            "measure": measure, "responsible": responsible,
            "target_date": target_d.isoformat() if target_d else None, "state": "识别",
            "area_m2": round(float(area_m2), 1) if area_m2 is not None else None,
            "opened_date": opened_d.isoformat(), "note": note})
        store.insert("case_history", {"case_id": cid, "date": opened_d.isoformat(), "state": "识别",
                                      "note": note or tr("立案", "opened"), "user": user or responsible})
    return cid


def history(store, case_id: int) -> list[dict]:
    return store.rows("case_history", F("case_id") == int(case_id), order_by=("date", "fid"))


def allowed_transitions(state: str) -> tuple[str, ...]:
    return TRANSITIONS.get(state, ())


def advance_case(store, case_id: int, new_state: str, *, date=None, note: str | None = None,
                 user: str | None = None) -> dict:
    """Move a case to `new_state` on `date` (default: the project's reference date / today).
    Returns the case's previous values (for undo)."""
    case = store.get("revitalisation_cases", int(case_id))
    cur = case["state"]
    if new_state not in CASE_STATES:
        raise CaseTransitionError(tr(f"未知的案件状态“{new_state}”。", f"Unknown case state '{new_state}'."))
    if new_state not in allowed_transitions(cur):
        nxt = allowed_transitions(cur)
        raise CaseTransitionError(tr(
            f"案件 {case_id} 当前为“{cur}”,不能改为“{new_state}”"
            + (f"(可改为:{'、'.join(nxt)})。" if nxt else "(已办结,不能再变更)。"),
            f"Case {case_id} is '{value_label(cur)}' and cannot become '{value_label(new_state)}'"
            + (f" (allowed: {', '.join(value_label(s) for s in nxt)})." if nxt else " (it is closed).")))
    d = parse_date(date, tr("日期", "Date")) if date else _today(store)
    hist = history(store, case_id)
    last = max((_opt_date(h["date"]) for h in hist if _opt_date(h["date"])), default=None)
    if last is not None and d < last:
        raise CaseTransitionError(tr(f"日期 {d} 早于该案件上一次进展({last})。",
                                     f"The date {d} is before the case's last step ({last})."))
    changes: dict = {"state": new_state}
    if new_state in (DONE, CLOSED):
        changes["closed_date"] = d.isoformat()
    text = note or ""
    with store.transaction():
        if case["target_layer"] == "parcels" and new_state == CLOSED:
            text = _restore_parcel_status(store, case["target_id"], text)
        if case["target_layer"] == "parcels" and new_state in PARCEL_STATUS_FOR:
            try:
                parcel = store.get("parcels", case["target_id"])
            except LandappError:
                parcel = None
            if parcel is not None and parcel.get("status") != PARCEL_STATUS_FOR[new_state]:
                store.update("parcels", parcel["fid"], {"status": PARCEL_STATUS_FOR[new_state]})
                text = (text + ";" if text else "") + tr(
                    f"地块状态由“{parcel.get('status')}”改为“{PARCEL_STATUS_FOR[new_state]}”",
                    f"parcel status {parcel.get('status')} -> {PARCEL_STATUS_FOR[new_state]}")
        old = store.update("revitalisation_cases", int(case_id), changes)
        store.insert("case_history", {"case_id": int(case_id), "date": d.isoformat(), "state": new_state,
                                      "note": text or None, "user": user})
    return old


def _status_before(store, parcel_fid: int, status: str) -> str | None:
    """The parcel's status before it last became `status`, from the edit log."""
    rows = store.rows("edit_log", (F("layer") == "parcels") & (F("feature_id") == int(parcel_fid))
                      & (F("operation") == "update"), order_by=F("fid").desc())
    for r in rows:
        try:
            change = json.loads(r.get("changes") or "{}").get("status")
        except (ValueError, AttributeError):
            continue
        if isinstance(change, list) and len(change) == 2 and change[1] == status:
            return change[0]
    return None


def _restore_parcel_status(store, parcel_fid: int, text: str) -> str:
    """A case closed (终止) while its parcel is 盘活中: the parcel goes back to the status it
    had before the case put it there (it is not being revitalised any more). Returns the
    history note with the change said."""
    try:
        parcel = store.get("parcels", parcel_fid)
    except LandappError:
        return text
    if parcel.get("status") != PARCEL_STATUS_FOR["实施中"]:
        return text
    before = _status_before(store, parcel_fid, PARCEL_STATUS_FOR["实施中"])
    if not before or before == parcel.get("status"):
        return text
    store.update("parcels", parcel_fid, {"status": before})
    return (text + ";" if text else "") + tr(f"地块状态由“{parcel['status']}”恢复为“{before}”",
                                             f"parcel status {parcel['status']} -> {before} (restored)")


def update_case(store, case_id: int, changes: dict) -> dict:
    """Change a case's measure, responsible person, target date, area or note (its state
    moves only through advance_case). Returns the previous values."""
    allowed = {"measure", "responsible", "target_date", "area_m2", "note"}
    bad = set(changes) - allowed
    if bad:
        raise LandappError(tr(f"不能这样修改案件的 {'、'.join(sorted(bad))}(状态请用“推进”)。",
                              f"A case's {', '.join(sorted(bad))} cannot be changed here (use advance for the state)."))
    case = store.get("revitalisation_cases", int(case_id))
    m = changes.get("measure", case.get("measure"))
    if m is not None and m not in CASE_MEASURES:
        raise LandappError(tr(f"未知的盘活方式“{m}”,可用:{'、'.join(CASE_MEASURES)}。",
                              f"Unknown measure '{m}'; use one of: {', '.join(CASE_MEASURES)}."))
    t = changes.get("target_date", case.get("target_date"))
    opened = _opt_date(case.get("opened_date"))
    if t:
        t_d = parse_date(t, tr("目标日期", "Target date"))
        if opened is not None and t_d < opened:
            raise LandappError(tr("目标日期不能早于立案日期。", "The target date cannot precede the opening date."))
        if "target_date" in changes:
            changes = {**changes, "target_date": t_d.isoformat()}
    a = changes.get("area_m2")
    if a is not None and float(a) < 0:
        raise LandappError(tr("盘活面积不能为负。", "The area cannot be negative."))
    return store.update("revitalisation_cases", int(case_id), changes)


def done_date(store, case: dict) -> dt.date | None:
    """The date a case was revitalised (its 已盘活 history row, else closed_date)."""
    if case.get("state") != DONE:
        return None
    rows = [h for h in history(store, case["fid"]) if h["state"] == DONE]
    d = _opt_date(rows[-1]["date"]) if rows else None
    return d or _opt_date(case.get("closed_date"))


def get_targets(store) -> dict[int, float]:
    raw = store.get_setting(TARGET_KEY)
    if not raw:
        return {}
    try:
        return {int(k): float(v) for k, v in json.loads(raw).items()}
    except (ValueError, TypeError, AttributeError):
        raise LandappError(tr(f"工程设置 {TARGET_KEY} 不是有效的年度目标(应为 {{\"2026\": 150000}})。",
                              f"The project setting {TARGET_KEY} is not valid (expected {{\"2026\": 150000}}).")) \
            from None


def set_target(store, year: int, area_m2: float | None) -> None:
    """Set (or with None remove) the campaign target area for a year, in m²."""
    if area_m2 is not None and area_m2 < 0:
        raise LandappError(tr("盘活目标面积不能为负。", "The target area cannot be negative."))
    t = get_targets(store)
    if area_m2 is None:
        t.pop(int(year), None)
    else:
        t[int(year)] = float(area_m2)
    store.set_setting(TARGET_KEY, json.dumps({str(k): v for k, v in sorted(t.items())}))


def campaign_progress(store, year: int, *, zones: list[str] | None = None,
                      as_of: dt.date | None = None) -> dict:
    """Cases revitalised in `year` (up to `as_of` when given, e.g. a report on 30 June
    counts the first half only): count and area against the year's target, and the cases
    open now."""
    cases = store.rows("revitalisation_cases")
    if zones is not None:
        cases = [c for c in cases if _case_zone(store, c) in set(zones)]
    done = []
    for c in cases:
        d = done_date(store, c)
        if d is not None and d.year == year and (as_of is None or d <= as_of):
            done.append(c)
    target = get_targets(store).get(int(year))
    area = sum(float(c.get("area_m2") or 0.0) for c in done)
    return {"year": year, "target_m2": target, "revitalised_m2": round(area, 1),
            "revitalised_count": len(done),
            "progress": (area / target) if target else None,
            "open_count": sum(c["state"] in OPEN_STATES for c in cases),
            "open_m2": round(sum(float(c.get("area_m2") or 0.0) for c in cases if c["state"] in OPEN_STATES), 1),
            "by_state": {s: sum(c["state"] == s for c in cases) for s in CASE_STATES}}


def _case_zone(store, case: dict) -> str | None:
    try:
        return store.get(case["target_layer"], case["target_id"]).get("zone")
    except LandappError:
        return None


def overdue(store, as_of: dt.date) -> list[dict]:
    """Open cases past their target date."""
    out = []
    for c in store.rows("revitalisation_cases"):
        t = _opt_date(c.get("target_date"))
        if c["state"] in OPEN_STATES and t is not None and t < as_of:
            out.append(c)
    return out
