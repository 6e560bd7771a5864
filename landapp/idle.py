"""Idle land (闲置土地) per 《闲置土地处置办法》 (MLR Order No. 53, 2012), and the land-supply
backlog lists 批而未供 / 供而未用.

Art. 2: land is idle when
  (a) construction has not started one full year after the start date agreed in the transfer
      contract or allocation decision, or
  (b) it started, but the developed area is < 1/3 of what should be developed or the
      investment is < 25% of the total (Art. 30: excluding land price and taxes), and
      construction then stopped for a full year.
Art. 14: after one year an idle-land fee of 20% of the transfer price; after two years the
land may be reclaimed without compensation. Art. 8: delays caused by government action (or
force majeure) are exempt from these; the planner records the reason in the parcel field
`idle_exemption` (one of EXEMPTION_REASONS, or free text).

Parcels supplied (status 已供未开工 / 在建 / 闲置, or a transfer date) without the agreed start
the rule counts from are 资料不全 (dates missing), not 未到期. A planner records the disposal per
parcel: stage 疑似闲置 → 认定 → 征缴闲置费 or 收回, the 决定书 number and date, fee due and paid;
fee totals count each parcel once and only in the 征缴闲置费 stage.

Counting "a full year" follows the Civil Code (Arts. 201-202): the starting day is not
counted and the period ends at the end of the same-numbered day a year later (the month's
last day when that day does not exist, e.g. 29 Feb → 28 Feb). So a parcel whose agreed start
is 2025-03-01 becomes idle on 2026-03-02, and one agreed for 2024-02-29 on 2025-03-01.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass, fields

from landapp.i18n import tr
from landapp.store.filters import current
from landapp.vacancy import _opt_date as _parse_opt_date
from landapp.vacancy import bulk_rows

# a park's parcels share few dates: parse each text once (immutable results)
_opt_date = functools.lru_cache(maxsize=1 << 16)(_parse_opt_date)

# Art. 8 of 《闲置土地处置办法》 (government causes) and force majeure.
EXEMPTION_REASONS = (
    "未按约定期限、条件交付土地",            # (一) land not delivered as agreed
    "土地利用总体规划、城乡规划依法修改",      # (二) plan revised
    "国家出台相关政策需修改规划和建设条件",    # (三) new national policy
    "处置土地上相关群众信访事项",              # (四) petitions about the land
    "军事管制、文物保护",                      # (五) military control, heritage
    "政府、政府有关部门的其他行为",            # (六) other government action
    "不可抗力",                                # force majeure
)

IDLE_FEE_RATE = 0.20
DEVELOPED_SHARE_MIN = 1 / 3
INVESTED_SHARE_MIN = 0.25

# statuses of idle_land_status
NOT_SUPPLIED = "未供地"
NORMAL = "正常"
WITHIN_GRACE = "未到期"        # supplied, not (yet) idle
SUSPECTED = "疑似闲置"
RECLAIMABLE = "可无偿收回"
EXEMPT = "豁免"
COMPLETED = "已竣工"
INCOMPLETE = "资料不全"        # supplied, but the dates the rule needs are missing
IDLE_STATUSES = (SUSPECTED, RECLAIMABLE)
STATUS_EN = {NOT_SUPPLIED: "Not supplied", NORMAL: "Normal", WITHIN_GRACE: "Not yet due",
             SUSPECTED: "Suspected idle", RECLAIMABLE: "Reclaimable", EXEMPT: "Exempt",
             COMPLETED: "Completed", INCOMPLETE: "Dates missing"}
ALL_STATUSES = (NOT_SUPPLIED, WITHIN_GRACE, NORMAL, COMPLETED, EXEMPT, INCOMPLETE, SUSPECTED, RECLAIMABLE)

# the disposal record a planner keeps per parcel (schema.IDLE_STAGES): the fee is levied
# in the fee stage only, and counted once per parcel
FEE_STAGE = "征缴闲置费"
# statuses that mean the parcel has been supplied and is not finished: they need an agreed start
SUPPLIED_UNFINISHED = ("已供未开工", "在建", "闲置")
# statuses of land not supplied yet (is_supplied is False for them whatever the dates say)
HELD_STATUSES = ("储备", "待供")


_STAGE_EN = {"疑似闲置": "Suspected idle", "认定": "Designated idle", "征缴闲置费": "Idle fee levied",
             "收回": "Reclaimed"}


def status_label(status: str) -> str:
    return tr(status, STATUS_EN.get(status, status))


def add_years(d: dt.date, years: int) -> dt.date:
    """The same-numbered day `years` later; the month's last day if it does not exist."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def full_years_elapsed(start: dt.date, as_of: dt.date, years: int) -> bool:
    """True when `years` full years counted from `start` have run out by `as_of` (the
    period's last day is the anniversary; it has run out from the day after)."""
    return as_of > add_years(start, years)


@dataclass
class IdleStatus:
    status: str                 # one of ALL_STATUSES
    rule: str = ""              # 'unstarted' | 'stalled' | ''
    since: dt.date | None = None    # the day the parcel became idle (rule met)
    reclaim_from: dt.date | None = None
    fee_wan: float | None = None    # idle-land fee, 万元 (20% of transfer price)
    exemption: str | None = None    # recorded reason when exempt
    would_be: str | None = None     # the status without the exemption
    reason: str = ""                # one sentence for lists and tooltips
    stage: str | None = None        # recorded disposal stage (疑似闲置 → 认定 → 征缴闲置费 / 收回)
    decision_no: str | None = None  # 决定书 number and date of that stage
    decision_date: str | None = None
    fee_due: float | None = None    # 万元: recorded, else 20% of the price; only in the fee stage
    fee_paid: float | None = None

    @property
    def idle(self) -> bool:
        return self.status in IDLE_STATUSES

    def as_dict(self) -> dict:
        # flat fields of plain values: a shallow copy (asdict deep-copies each value, most
        # of the dashboard's time on 100k parcels)
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        for k in ("since", "reclaim_from"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


def _pct(v) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def is_supplied(parcel: dict) -> bool:
    return (bool(parcel.get("supply_date") or parcel.get("agreed_start"))
            or parcel.get("status") in SUPPLIED_UNFINISHED) and parcel.get("status") not in HELD_STATUSES


def _record(res: IdleStatus, parcel: dict) -> IdleStatus:
    """Attach the planner's disposal record; the fee is due only in the fee stage."""
    res.stage = parcel.get("idle_stage") or None
    res.decision_no = parcel.get("idle_doc_no") or None
    d = parcel.get("idle_doc_date")
    res.decision_date = str(d)[:10] if d else None
    res.fee_paid = _pct(parcel.get("idle_fee_paid"))
    if res.stage == FEE_STAGE:
        due = _pct(parcel.get("idle_fee_due"))
        res.fee_due = due if due is not None else res.fee_wan
    return res


def idle_land_status(parcel: dict, as_of: dt.date) -> IdleStatus:
    """The idle-land status of a parcel on `as_of` (rules in the module docstring), with the
    disposal record (stage, 决定书, fee due and paid) the planner keeps."""
    return _record(_status(parcel, as_of), parcel)


def _status(parcel: dict, as_of: dt.date) -> IdleStatus:
    if not is_supplied(parcel):
        return IdleStatus(NOT_SUPPLIED, reason=tr("尚未供地", "not yet supplied"))
    completion = _opt_date(parcel.get("actual_completion"))
    if completion is not None and completion <= as_of:
        return IdleStatus(COMPLETED, reason=tr("已竣工", "completed"))
    agreed = _opt_date(parcel.get("agreed_start"))
    started = _opt_date(parcel.get("actual_start"))
    if started is not None and started > as_of:
        started = None
    res: IdleStatus
    if started is None:
        if agreed is None:
            return IdleStatus(INCOMPLETE, reason=tr("已供地但未填约定开工日期,无法判定,请补录",
                                                    "supplied without an agreed start date: cannot judge; "
                                                    "enter the date"))
        if full_years_elapsed(agreed, as_of, 1):
            since = add_years(agreed, 1) + dt.timedelta(days=1)
            reclaim = add_years(agreed, 2) + dt.timedelta(days=1)
            res = IdleStatus(RECLAIMABLE if as_of >= reclaim else SUSPECTED, "unstarted", since, reclaim,
                             reason=tr(f"超过约定开工日期 {agreed} 满一年未动工",
                                       f"not started a full year after the agreed start {agreed}"))
        else:
            return IdleStatus(WITHIN_GRACE, reason=tr(
                f"未动工,{add_years(agreed, 1) + dt.timedelta(days=1)} 起满一年",
                f"not started; a full year past the agreed start on "
                f"{add_years(agreed, 1) + dt.timedelta(days=1)}"))
    else:
        developed, invested = _pct(parcel.get("developed_pct")), _pct(parcel.get("invested_pct"))
        # compare in percent with a tolerance so that exactly 1/3 (33.333…%) is not "below"
        low_dev = developed is not None and developed < 100.0 * DEVELOPED_SHARE_MIN - 1e-9
        low_inv = invested is not None and invested < 100.0 * INVESTED_SHARE_MIN - 1e-9
        stalled = _opt_date(parcel.get("stalled_since"))
        if stalled is None or stalled > as_of or not (low_dev or low_inv):
            return IdleStatus(NORMAL, reason=tr("已动工", "under way"))
        if not full_years_elapsed(stalled, as_of, 1):
            return IdleStatus(WITHIN_GRACE, reason=tr(f"{stalled} 起停工,未满一年",
                                                      f"stopped since {stalled}, less than a year"))
        since = add_years(stalled, 1) + dt.timedelta(days=1)
        reclaim = add_years(stalled, 2) + dt.timedelta(days=1)
        what = []
        if low_dev:
            what.append(tr(f"已开发面积 {developed:g}% 不足三分之一", f"developed {developed:g}% < 1/3"))
        if low_inv:
            what.append(tr(f"已投资 {invested:g}% 不足25%", f"invested {invested:g}% < 25%"))
        res = IdleStatus(RECLAIMABLE if as_of >= reclaim else SUSPECTED, "stalled", since, reclaim,
                         reason=tr("、".join(what) + f",自 {stalled} 停工满一年",
                                   "; ".join(what) + f", stopped since {stalled} for a full year"))
    price = _pct(parcel.get("transfer_price"))
    res.fee_wan = round(price * IDLE_FEE_RATE, 2) if price is not None else None
    exemption = (parcel.get("idle_exemption") or "").strip()
    if exemption:
        res.would_be, res.status, res.exemption = res.status, EXEMPT, exemption
        res.fee_wan = None
        res.reason = tr(f"{res.reason};豁免:{exemption}", f"{res.reason}; exempt: {exemption}")
    return res


def _parcels(store) -> list[dict]:
    # geometry=False: decoding 100k shapes only to drop them was a third of the read
    return store.rows("parcels", current(), geometry=False)


def idle_report(parcels: list[dict], as_of: dt.date) -> list[dict]:
    """Every supplied, unfinished parcel with its idle status (idle ones first, then by
    code): code, name, zone, area, status, rule, since, reclaim date, fee, reason."""
    out = []
    for p in parcels:
        st = idle_land_status(p, as_of)
        if st.status in (NOT_SUPPLIED, COMPLETED):
            continue
        out.append({"fid": p.get("fid"), "code": p.get("code"), "name": p.get("name"),
                    "zone": p.get("zone"), "land_user": p.get("land_user"),
                    "area_m2": p.get("area_m2"), "area_mu": p.get("area_mu"),
                    "parcel_status": p.get("status"), "agreed_start": p.get("agreed_start"),
                    "actual_start": p.get("actual_start"), **st.as_dict(),
                    "stage_label": tr(st.stage, _STAGE_EN.get(st.stage, st.stage)) if st.stage else None})
        # a recorded reason shows even while the parcel is not (yet) idle: it is honoured
        # the day the rule would make the parcel idle
        out[-1]["exemption"] = st.exemption or ((p.get("idle_exemption") or "").strip() or None)
    out.sort(key=lambda r: (_RANK.get(r["status"], 9), str(r["code"] or "")))
    return out


# what _status reads of a supplied parcel besides the transfer price (which only sets the fee)
_RULE_INPUTS = ("actual_completion", "agreed_start", "actual_start", "developed_pct", "invested_pct",
                "stalled_since", "idle_exemption")


def _fee_wan(parcel: dict, status: str) -> float | None:
    """_status's fee_wan: set for a parcel found idle (not exempt) with a transfer price."""
    price = _pct(parcel.get("transfer_price"))
    return round(price * IDLE_FEE_RATE, 2) if price is not None and status in (SUSPECTED, RECLAIMABLE) else None


_RANK = {RECLAIMABLE: 0, SUSPECTED: 1, INCOMPLETE: 2, EXEMPT: 3, WITHIN_GRACE: 4, NORMAL: 5}


def idle_overview(parcels: list[dict], as_of: dt.date) -> tuple[dict, dict]:
    """(idle_summary(idle_report(parcels, as_of)), idle_statuses of that report) without
    the report's full rows: the same statuses, rows in the same order, so the same sums
    (the dashboard shows only these; building 84k full rows was a fifth of its time)."""
    rows = []
    known: dict[tuple, str] = {}  # rule inputs -> status: 82k supplied parcels of a 100k park share 4k
    for p in parcels:
        if not is_supplied(p):  # the rule's first two answers, without building them
            continue
        completion = _opt_date(p.get("actual_completion"))
        if completion is not None and completion <= as_of:
            continue
        key = tuple(map(p.get, _RULE_INPUTS))
        status = known.get(key)
        if status is None:
            status = known[key] = _status(p, as_of).status
        stage = p.get("idle_stage") or None  # _record's stage and fees
        fee_due = None
        if stage == FEE_STAGE:
            due = _pct(p.get("idle_fee_due"))
            fee_due = due if due is not None else _fee_wan(p, status)
        paid = p.get("idle_fee_paid")
        rows.append({"fid": p.get("fid"), "code": p.get("code"), "status": status, "area_m2": p.get("area_m2"),
                     "stage": stage, "fee_due": fee_due, "fee_paid": None if paid is None else _pct(paid)})
    rows.sort(key=lambda r: (_RANK.get(r["status"], 9), str(r["code"] or "")))
    return idle_summary(rows), idle_statuses(rows)


def approved_not_supplied(parcels: list[dict]) -> list[dict]:
    """批而未供: parcels approved for construction but not yet supplied (status 储备 —
    acquired and held in reserve, i.e. 征而未供 — or 待供 awaiting supply)."""
    out = []
    for p in parcels:
        if p.get("status") in HELD_STATUSES and not p.get("supply_date"):
            out.append({"fid": p.get("fid"), "code": p.get("code"), "name": p.get("name"),
                        "zone": p.get("zone"), "area_m2": p.get("area_m2"), "area_mu": p.get("area_mu"),
                        "kind": "征而未供" if p.get("status") == "储备" else "待供",
                        "land_use": p.get("land_use"),
                        "expected_supply_date": p.get("expected_supply_date")})
    return sorted(out, key=lambda r: str(r["code"] or ""))


def _not_used(parcels: list[dict], as_of: dt.date, statuses: dict | None) -> Iterator[tuple[dict, bool, str]]:
    """supplied_not_used's rule: (parcel, stopped, idle status) of each parcel it lists."""
    for p in parcels:
        if not is_supplied(p) or _opt_date(p.get("actual_completion")):
            continue
        started = _opt_date(p.get("actual_start"))
        stalled = _opt_date(p.get("stalled_since"))
        if started is not None and started <= as_of and (stalled is None or stalled > as_of):
            continue
        status = statuses.get(p.get("fid")) if statuses is not None else None
        if status is None:
            status = idle_land_status(p, as_of).status
        if started is not None and status == NORMAL:
            continue  # stopped but far enough along: not 供而未用
        yield p, started is not None, status


def supplied_not_used(parcels: list[dict], as_of: dt.date, *,
                      statuses: dict | None = None) -> list[dict]:
    """供而未用: supplied parcels where construction has not started by `as_of`, or started
    and stopped with less than 1/3 developed or 25% invested; with their idle status.
    statuses: fid -> idle status on `as_of` already worked out (idle_statuses of an
    idle_report of the same parcels and date), so each parcel's rule runs once."""
    out = [{"fid": p.get("fid"), "code": p.get("code"), "name": p.get("name"),
            "zone": p.get("zone"), "land_user": p.get("land_user"),
            "area_m2": p.get("area_m2"), "area_mu": p.get("area_mu"),
            "supply_date": p.get("supply_date"), "agreed_start": p.get("agreed_start"),
            "kind": tr("停工", "stopped") if stopped else tr("未动工", "not started"),
            "idle_status": status}
           for p, stopped, status in _not_used(parcels, as_of, statuses)]
    return sorted(out, key=lambda r: str(r["code"] or ""))


def count_supplied_not_used(parcels: list[dict], as_of: dt.date, *, statuses: dict | None = None) -> int:
    """len(supplied_not_used(...)) without building and sorting the rows (the dashboard)."""
    return sum(1 for _ in _not_used(parcels, as_of, statuses))


def idle_statuses(report: list[dict]) -> dict:
    """fid -> status of an idle_report's rows: every supplied, unfinished parcel, which
    covers each parcel supplied_not_used asks about (supplied, no completion date)."""
    return {r["fid"]: r["status"] for r in report if r.get("fid") is not None}


def idle_summary(rows: list[dict]) -> dict:
    """Counts and areas per idle status; the idle-land fee (万元) due and paid, counted once
    per parcel and only for parcels in the fee stage (征缴闲置费): a parcel being reclaimed or
    only suspected owes no fee yet; `incomplete_count` parcels lack the dates the rule needs."""
    by: dict[str, dict] = {}
    seen: set = set()
    unique = []
    for r in rows:  # each parcel once, whatever list it came through
        key = r.get("fid") if r.get("fid") is not None else id(r)
        if key in seen:
            continue
        seen.add(key)
        unique.append(r)
    for r in unique:
        s = by.setdefault(r["status"], {"count": 0, "area_m2": 0.0})
        s["count"] += 1
        s["area_m2"] += float(r.get("area_m2") or 0.0)
    idle = [r for r in unique if r["status"] in IDLE_STATUSES]
    levied = [r for r in unique if r.get("stage") == FEE_STAGE and r["status"] != EXEMPT]
    return {"by_status": by, "idle_count": len(idle),
            "idle_area_m2": sum(float(r.get("area_m2") or 0.0) for r in idle),
            "fee_count": len(levied),
            "fee_wan": round(sum(r.get("fee_due") or 0.0 for r in levied), 2),
            "fee_paid_wan": round(sum(r.get("fee_paid") or 0.0 for r in levied), 2),
            "incomplete_count": by.get(INCOMPLETE, {}).get("count", 0)}


# what the idle rules, idle_report, approved_not_supplied and supplied_not_used read
IDLE_COLUMNS = ("code", "name", "zone", "land_use", "status", "supply_date", "expected_supply_date",
                "agreed_start", "actual_start", "actual_completion", "stalled_since", "developed_pct",
                "invested_pct", "transfer_price", "land_user", "idle_exemption", "idle_stage",
                "idle_doc_no", "idle_doc_date", "idle_fee_due", "idle_fee_paid", "area_m2", "area_mu")


# what idle_overview reads and the dashboard counts approved_not_supplied and
# supplied_not_used by (their rows' other fields stay empty): 16 of IDLE_COLUMNS' 23
OVERVIEW_COLUMNS = ("code", "zone", "status", "supply_date", "agreed_start", "actual_start", "actual_completion",
                    "stalled_since", "developed_pct", "invested_pct", "transfer_price", "idle_exemption",
                    "idle_stage", "idle_fee_due", "idle_fee_paid", "area_m2")


def load_parcels(store, columns: tuple[str, ...] | None = None, where=None) -> list[dict]:
    """Current (not retired) parcels without geometry; with `columns` (e.g. IDLE_COLUMNS)
    only those fields and fid, read as tuples (half the time of every field on 100k), and
    with `where` (a typed filter, landapp.store.filters) only those parcels."""
    if columns is None:
        return _parcels(store) if where is None else store.rows("parcels", where & current(), geometry=False)
    names = ["fid", *columns]
    active = current()
    with bulk_rows():
        return [dict(zip(names, r)) for r in store.values("parcels", names, active if where is None else where & active)]



def set_stage(store, parcel_fid: int, stage: str | None, *, decision_no: str | None = None,
              decision_date=None, fee_due: float | None = None, fee_paid: float | None = None) -> dict:
    """Record a parcel's disposal stage (schema.IDLE_STAGES) with its 决定书 number and date and
    the fee due and paid (万元). Values left None are kept. Returns the previous values."""
    changes: dict = {"idle_stage": stage or None}
    for k, v in (("idle_doc_no", decision_no), ("idle_doc_date", decision_date),
                 ("idle_fee_due", fee_due), ("idle_fee_paid", fee_paid)):
        if v is not None:
            changes[k] = v
    return store.update("parcels", int(parcel_fid), changes)


def set_exemption(store, parcel_fid: int, reason: str | None) -> dict:
    """Record (or with None/empty clear) the reason a parcel is exempt from idle-land
    disposal (Art. 8). Returns the previous value for undo."""
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > 500:
        from landapp.errors import LandappError
        raise LandappError(tr("豁免原因过长(最多 500 字)。", "The exemption reason is too long (500 characters at most)."))
    return store.update("parcels", int(parcel_fid), {"idle_exemption": reason})
