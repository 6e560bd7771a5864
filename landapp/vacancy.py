"""Vacancy figures for buildings (楼宇去化 / 立园满园): physical vacancy rate, availability,
lease expiry schedule and net absorption, per building, zone, building type and park.

Pure functions on plain records (dicts as the store returns them); `load_space(store)` reads
them once. No Qt.

How a unit's state on a date `d` is decided (one rule used by every figure):

1. **Leased** if a lease of the unit covers `d` (start_date <= d <= end_date). Leases of every
   status count for the dates they cover: an expired lease is history, a terminated one
   (已终止) is taken to have ended on its end date, so set the end date to the day it ended.
   Leased area is the leases' area, capped at the unit's area; any rest of the unit follows
   the unit status below.
2. **Sold** (已售): occupied by its owner on every date (no sale date is recorded).
3. **已租 without a covering lease**: leased only if neither the unit nor its building has
   lease records at all (the status is then the only evidence, taken as holding on every
   date); a unit whose recorded leases do not cover `d` is not leased on `d`, and neither
   is a unit of a building let whole by a unit-less lease (below) that does not cover `d`.
4. **Withheld** (预留 reserved, 装修中 fitting out) without a covering lease: not available
   and not leased.
5. Otherwise **vacant** (空置, or a unit whose leases have all ended).

A lease without a unit (a whole factory let by one contract) occupies its area in its
building, taken from the building's vacant area.

**Fit-out under a lease (装修中 with a lease) is 已租 everywhere.** A unit whose recorded
status is 装修中 but that a current lease covers is counted as leased by every figure
(`landapp vacancy`, the dashboard, the carrier list, the stacking plan's legend and colours);
the fit-out is only a note (`UnitState.fitting_out`, shown on the stacking plan as
"已租(装修中)"). 装修中 without a lease is withheld (rule 4). `unit_class` is the one
function that names the class a unit is shown in, and `class_areas` the one that splits its
area over the classes, so the plan's legend adds up to the same figures as `vacancy`.

Leasable area is the area of all units (sold ones included, as in `landapp info`). Physical
vacancy rate = vacant / leasable. Occupied = leased + sold. Availability (on the market) =
vacant + area under leases ending within the horizon that no later lease of the same unit
follows. Net absorption over [d0, d1] = occupied(d1) - occupied(d0).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.store.filters import current

GROUPINGS = ("park", "zone", "building", "type")
WITHHELD_STATUSES = ("预留", "装修中")


def parse_date(value: Any, what: str = "") -> dt.date:
    """A date from a date, datetime or ISO text; a LandappError names `what` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise LandappError(tr(f"{what or '日期'}“{value}”不是有效日期,应为 YYYY-MM-DD。",
                              f"{what or 'Date'} '{value}' is not a valid date; use YYYY-MM-DD.")) from None


def _opt_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value)
    except LandappError:
        return None


def default_as_of(store) -> dt.date:
    """The project's reference date (project setting `reference_date`, set in the demo park
    so its figures are reproducible), else today."""
    ref = store.get_setting("reference_date") if store is not None else None
    return parse_date(ref) if ref else dt.date.today()


def add_months(d: dt.date, months: int) -> dt.date:
    """Same day `months` later; the month's last day when that day does not exist."""
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(y, m, day)
        except ValueError:
            continue
    raise AssertionError(d)


@dataclass
class Space:
    """Buildings, units and leases of a project, indexed for the figures."""

    buildings: dict[int, dict]
    units: dict[int, dict]
    leases: list[dict]
    leases_by_unit: dict[int, list[dict]] = field(default_factory=dict)
    unitless_by_building: dict[int, list[dict]] = field(default_factory=dict)
    units_by_building: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, buildings: Iterable[dict], units: Iterable[dict],
                     leases: Iterable[dict]) -> Space:
        b = {int(r["fid"]): r for r in buildings if not r.get("retired")}
        u = {int(r["fid"]): r for r in units if r.get("building_id") in b}
        ls = []
        for r in leases:
            s, e = _opt_date(r.get("start_date")), _opt_date(r.get("end_date"))
            if s is None or e is None:
                continue
            ls.append({**r, "_start": s, "_end": e})
        sp = cls(b, u, ls)
        for r in ls:
            if r.get("unit_id") is not None and int(r["unit_id"]) in u:
                sp.leases_by_unit.setdefault(int(r["unit_id"]), []).append(r)
            elif r.get("unit_id") is None and r.get("building_id") in b:
                sp.unitless_by_building.setdefault(int(r["building_id"]), []).append(r)
        for fid, r in u.items():
            sp.units_by_building.setdefault(int(r["building_id"]), []).append(fid)
        return sp


def load_space(store) -> Space:
    """Read buildings (not retired), units and leases from a project store."""
    buildings = store.rows("buildings", current(), geometry=False)
    return Space.from_records(buildings, store.rows("units"), store.rows("leases"))


# the fields the vacancy rules, availability, expiry_schedule and net_absorption read
SPACE_FIELDS = {"buildings": ("fid", "zone", "btype", "name", "code"),
                "units": ("fid", "building_id", "floor_id", "code", "area", "status"),
                "leases": ("fid", "unit_id", "building_id", "tenant", "area", "start_date", "end_date", "status")}


def load_space_fields(store) -> Space:
    """load_space with only SPACE_FIELDS, read as tuples: the same figures from a fifth of
    the reading (the dashboard on 100k parcels: 0.33 s -> 0.06 s)."""
    from landapp.store.filters import F

    def records(layer, where=None):
        names = SPACE_FIELDS[layer]
        return [dict(zip(names, r)) for r in store.values(layer, list(names), where)]

    with bulk_rows():
        return Space.from_records(records("buildings", F("retired").is_not_true()), records("units"),
                                  records("leases"))


@dataclass
class UnitState:
    leased: float = 0.0
    sold: float = 0.0
    withheld: float = 0.0
    vacant: float = 0.0
    tenants: tuple[str, ...] = ()
    lease_end: dt.date | None = None  # latest end of the leases covering the date
    recorded: str = ""  # the unit record's status
    fitting_out: bool = False  # 装修中 under a current lease: leased, with a note

    def class_areas(self) -> dict[str, float]:
        """The unit's area per display class (已租, 已售, 预留, 装修中, 空置): the split every
        figure uses, withheld area under the recorded 预留/装修中."""
        withheld = self.recorded if self.recorded in WITHHELD_STATUSES else "预留"
        out = {"已租": self.leased, "已售": self.sold, withheld: self.withheld, "空置": self.vacant}
        return {k: v for k, v in out.items() if v > 0}


def _covers(lease: dict, d: dt.date) -> bool:
    return lease["_start"] <= d <= lease["_end"]


def unit_state(unit: dict, leases: list[dict], d: dt.date, *, building_leased: bool = False) -> UnitState:
    """How a unit's area splits into leased / sold / withheld / vacant on `d` (rules in the
    module docstring); `building_leased`: the building has unit-less lease records."""
    area = float(unit.get("area") or 0.0)
    covering = [x for x in leases if _covers(x, d)]
    leased = min(area, sum(float(x.get("area") or 0.0) for x in covering))
    rest = area - leased
    st = UnitState(leased=leased)
    if covering:
        st.tenants = tuple(dict.fromkeys(str(x.get("tenant") or "") for x in covering))
        st.lease_end = max(x["_end"] for x in covering)
    status = unit.get("status")
    st.recorded = status or ""
    st.fitting_out = status == "装修中" and leased > 0
    if rest <= 0:
        return st
    if status == "已售":
        st.sold = rest
    elif status == "已租" and not leases and not building_leased:
        st.leased += rest
    elif status in WITHHELD_STATUSES:
        st.withheld = rest
    else:
        st.vacant = rest
    return st


def unit_class(st: UnitState | None, recorded: str = "") -> str:
    """The one class a unit is shown in on a date (the stacking plan's colour, the tooltips):
    the class holding the largest share of its area, a tie going to 已租. A unit under a
    current lease is 已租 even when recorded 装修中 (the fit-out is `st.fitting_out`, a note);
    withheld area keeps its recorded 预留/装修中. With no state, the recorded status."""
    if st is None:
        return recorded or "空置"
    parts = st.class_areas()
    if not parts:
        return recorded or "空置"
    return max(parts, key=lambda k: (parts[k], k == "已租"))


@dataclass
class Figures:
    """Areas in m² of one group on one date."""

    key: str
    buildings: int = 0
    units: int = 0
    leasable: float = 0.0
    leased: float = 0.0
    sold: float = 0.0
    withheld: float = 0.0
    vacant: float = 0.0

    @property
    def occupied(self) -> float:
        return self.leased + self.sold

    @property
    def vacancy_rate(self) -> float | None:
        return self.vacant / self.leasable if self.leasable > 0 else None

    def as_dict(self) -> dict:
        return {"key": self.key, "buildings": self.buildings, "units": self.units,
                "leasable_m2": round(self.leasable, 2), "leased_m2": round(self.leased, 2),
                "sold_m2": round(self.sold, 2), "withheld_m2": round(self.withheld, 2),
                "vacant_m2": round(self.vacant, 2), "occupied_m2": round(self.occupied, 2),
                "vacancy_rate": None if self.vacancy_rate is None else round(self.vacancy_rate, 6)}


def group_key(building: dict, by: str) -> str:
    if by == "park":
        return tr("全园区", "Whole park")
    if by == "zone":
        return building.get("zone") or tr("(未填片区)", "(no zone)")
    if by == "type":
        return building.get("btype") or tr("(未填类型)", "(no type)")
    if by == "building":
        return building.get("name") or building.get("code") or f"#{building['fid']}"
    raise LandappError(tr(f"不能按“{by}”分组,可用:park、zone、building、type。",
                          f"Cannot group by '{by}'; use park, zone, building or type."))


def building_states(space: Space, bfid: int, d: dt.date) -> dict[int, UnitState]:
    """Unit states of one building on `d`, with unit-less leases (a factory let whole by one
    contract) taken from vacant area in unit order; the units they take area from carry
    their tenant and end date."""
    whole = space.unitless_by_building.get(bfid, [])
    states = {u: unit_state(space.units[u], space.leases_by_unit.get(u, []), d, building_leased=bool(whole))
              for u in space.units_by_building.get(bfid, [])}
    for lease in whole:
        if not _covers(lease, d):
            continue
        extra = float(lease.get("area") or 0.0)
        for st in states.values():
            if extra <= 0:
                break
            take = min(extra, st.vacant)
            if take <= 0:
                continue
            st.vacant -= take
            st.leased += take
            extra -= take
            st.tenants = tuple(dict.fromkeys((*st.tenants, str(lease.get("tenant") or ""))))
            st.lease_end = max(st.lease_end, lease["_end"]) if st.lease_end else lease["_end"]
    return states


def _keys(space: Space, by: str) -> dict[int, str]:
    """Group key per building fid; buildings sharing a name are told apart by their fid."""
    if by == "park":  # one key (a translated text) for every building
        whole = group_key({}, by)
        return dict.fromkeys(space.buildings, whole)
    out: dict[int, str] = {}
    used: set[str] = set()
    for bfid, b in space.buildings.items():
        key = group_key(b, by)
        if by == "building" and key in used:
            key = f"{key} (#{bfid})"
        used.add(key)
        out[bfid] = key
    return out


def building_figures(space: Space, bfid: int, as_of: dt.date) -> Figures:
    """The figures of one building (for info panels and parcel sheets)."""
    f = Figures(str(bfid), buildings=1)
    for st in building_states(space, bfid, as_of).values():
        f.units += 1
        f.leased += st.leased
        f.sold += st.sold
        f.withheld += st.withheld
        f.vacant += st.vacant
        f.leasable += st.leased + st.sold + st.withheld + st.vacant
    return f


def _in_zone(b: dict, zones: Iterable[str] | None) -> bool:
    return zones is None or (b.get("zone") in set(zones))


def vacancy_figures(space: Space, as_of: dt.date, by: str = "park", *,
                    zones: Iterable[str] | None = None) -> list[Figures]:
    """Leasable, leased, sold, withheld and vacant area per group on `as_of`, sorted by key
    (the park total when by='park'). `zones` limits the buildings to those zones."""
    zones = list(zones) if zones is not None else None
    out: dict[str, Figures] = {}
    keys = _keys(space, by)
    for bfid, b in space.buildings.items():
        if not _in_zone(b, zones):
            continue
        key = keys[bfid]
        f = out.setdefault(key, Figures(key))
        f.buildings += 1
        for st in building_states(space, bfid, as_of).values():
            f.units += 1
            f.leased += st.leased
            f.sold += st.sold
            f.withheld += st.withheld
            f.vacant += st.vacant
            f.leasable += st.leased + st.sold + st.withheld + st.vacant
    return [out[k] for k in sorted(out)]


def store_building_states(store, as_of: dt.date) -> tuple[dict[int, dict], dict[int, list[list[float]]]]:
    """Per building fid, its units' [leased, sold, withheld, vacant] on `as_of` in unit
    order: UnitColumns' unit states (building_states' rule and arithmetic, so a rate on a
    class boundary falls on the same side), without a record per unit or lease. Also the
    buildings (fid, zone, btype, name, code), every current one (no units: no states)."""
    bcols = ["fid", "zone", "btype", "name", "code"]
    buildings = {int(r[0]): dict(zip(bcols, r))
                 for r in store.values("buildings", bcols, current())}
    units = UnitColumns(store)
    states: dict[int, list[list[float]]] = {b: [] for b in buildings}
    for bid, *st in zip(units.bid.tolist(), *(a.tolist() for a in units.states(as_of))):
        if bid in states:
            states[bid].append(st)
    return buildings, states


def _add_states(f: Figures, states: list[list[float]]) -> None:
    for leased, sold, withheld, vacant in states:
        f.units += 1
        f.leased += leased
        f.sold += sold
        f.withheld += withheld
        f.vacant += vacant
        f.leasable += leased + sold + withheld + vacant


def store_building_figures(store, as_of: dt.date) -> tuple[dict[int, dict], dict[int, list[list[float]]]]:
    """What group_building_figures groups (see store_building_states)."""
    return store_building_states(store, as_of)


def store_vacancy_figures(store, as_of: dt.date, by: str = "park", *,
                          zones: Iterable[str] | None = None) -> list[Figures]:
    """`vacancy_figures(load_space(store), as_of, by, zones=zones)`, read as columns (see
    UnitColumns; by building: from store_building_states)."""
    if by == "building":
        return group_building_figures(*store_building_states(store, as_of), by, zones=zones)
    return UnitColumns(store).figures(as_of, by, zones=zones)


def _columns(rows: list[tuple], n: int) -> list[tuple]:
    """Rows as n column tuples."""
    return list(zip(*rows)) if rows else [()] * n


@contextmanager
def bulk_rows() -> Iterator[None]:
    """The cyclic garbage collector paused while hundreds of thousands of row tuples are
    made: they hold no cycles, and the collections their allocations set off walked every
    one of them again (a quarter of reading a million parcels' units and leases)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_ID_CHUNK = 5000  # ids per IN (...) filter: under SQLite's and PostgreSQL's parameter limits


class UnitColumns:
    """The units of the active buildings and the leases as numpy columns, for the park,
    zone and type figures without a record per building or unit: a million parcels' park
    has 504k buildings, of which 19k have units. Figures come out equal to vacancy_figures
    to the last bit: each unit's split is the same arithmetic as unit_state, the unit-less
    leases take vacant area in unit order as in building_states, and the sums run unit by
    unit in the order of buildings and units by fid (np.bincount adds its weights in order).
    One read serves several dates (the dashboard's today and a year ago)."""

    def __init__(self, store) -> None:
        with bulk_rows():
            self._read(store)

    def _read(self, store) -> None:
        import numpy as np

        from landapp.store.filters import F

        self._np = np
        self._store = store
        self._counts: dict[tuple[str, ...], list[tuple]] = {}
        # columns, not a tuple per row: zip(*rows) transposes in C
        ufid, ubid, uarea, ustatus = _columns(store.values("units", ["fid", "building_id", "area", "status"]), 4)
        bid = np.array([b if isinstance(b, int) else -1 for b in ubid], dtype=np.int64)
        # zone and type of the buildings that have units (not retired)
        self.building_keys: dict[int, tuple[Any, Any]] = {}
        bids = np.unique(bid[bid >= 0]).tolist()
        for i in range(0, len(bids), _ID_CHUNK):
            for fid, zone, btype in store.values(
                    "buildings", ["fid", "zone", "btype"],
                    F("fid").in_(bids[i:i + _ID_CHUNK]) & F("retired").is_not_true()):
                self.building_keys[int(fid)] = (zone, btype)
        active = np.isin(bid, np.fromiter(self.building_keys, np.int64, len(self.building_keys)))
        fid = np.array(ufid, dtype=np.int64)[active]
        bid = bid[active]
        order = np.lexsort((fid, bid))  # the order figures are summed in: building, then unit
        self.fid, self.bid = fid[order], bid[order]
        area = np.array(uarea, dtype=float)[active][order]  # NULL is NaN here; float(area or 0.0) is 0
        self.area = np.where(np.isnan(area), 0.0, area)
        status = np.array(ustatus, dtype=object)[active][order]
        self.sold = status == "已售"
        self.let = status == "已租"
        self.withheld = np.isin(status, WITHHELD_STATUSES)
        n = len(self.fid)
        # leases with both dates, as unit position (-1: unit-less) and day numbers
        luid, lbid, larea, lstart, lend = _columns(store.values(
            "leases", ["unit_id", "building_id", "area", "start_date", "end_date"]), 5)
        days = {}
        for v in {*lstart, *lend}:  # a park's leases share few dates
            d = _opt_date(v)
            days[v] = d.toordinal() if d is not None else -1
        start = np.array([days[v] for v in lstart], dtype=np.int64)
        end = np.array([days[v] for v in lend], dtype=np.int64)
        uid = np.array([u if isinstance(u, int) else -1 for u in luid], dtype=np.int64)
        on_unit = np.array([u is not None for u in luid], dtype=bool)
        lb = np.array([b if isinstance(b, int) else -1 for b in lbid], dtype=np.int64)
        by_fid = np.argsort(self.fid)
        at = np.minimum(np.searchsorted(self.fid[by_fid], uid), max(n - 1, 0))
        found = (self.fid[by_fid][at] == uid) if n else np.zeros(len(uid), bool)
        dated = (start >= 0) & (end >= 0)
        unit_lease = dated & on_unit & found
        whole_lease = dated & ~on_unit & np.isin(lb, np.fromiter(self.building_keys, np.int64, len(self.building_keys)))
        keep = unit_lease | whole_lease
        with_leases = np.zeros(n, bool)
        with_leases[by_fid[at[unit_lease]]] = True
        self.l_unit = np.where(unit_lease, by_fid[at] if n else -1, -1)[keep]
        self.l_building = np.where(whole_lease, lb, 0)[keep]
        larea = np.array(larea, dtype=float)
        self.l_area = np.where(np.isnan(larea), 0.0, larea)[keep]
        self.l_start, self.l_end = start[keep], end[keep]
        self.whole = set(self.l_building[self.l_unit < 0].tolist())  # buildings with unit-less lease records
        self.status_only = self.let & ~with_leases & ~np.isin(self.bid, list(self.whole))

    def states(self, d: dt.date):
        """(leased, sold, withheld, vacant) per unit on `d`, four float arrays in unit order."""
        np = self._np
        n = len(self.fid)
        day = d.toordinal()
        cov = (self.l_start <= day) & (day <= self.l_end)
        on_unit = cov & (self.l_unit >= 0)
        covering = np.bincount(self.l_unit[on_unit], weights=self.l_area[on_unit], minlength=n)
        leased = np.minimum(self.area, covering)
        rest = self.area - leased
        pos = rest > 0
        sold = np.where(pos & self.sold, rest, 0.0)
        let = pos & ~self.sold & self.status_only
        leased = np.where(let, leased + rest, leased)
        withheld = np.where(pos & ~self.sold & ~let & self.withheld, rest, 0.0)
        vacant = np.where(pos & ~self.sold & ~let & ~self.withheld, rest, 0.0)
        whole = np.flatnonzero(cov & (self.l_unit < 0))
        for k in whole:  # unit-less leases take vacant area in unit order (building_states)
            b = int(self.l_building[k])
            lo, hi = np.searchsorted(self.bid, b, "left"), np.searchsorted(self.bid, b, "right")
            extra = float(self.l_area[k])
            for i in range(lo, hi):
                if extra <= 0:
                    break
                take = min(extra, float(vacant[i]))
                if take <= 0:
                    continue
                vacant[i] -= take
                leased[i] += take
                extra -= take
        return leased, sold, withheld, vacant

    def _building_counts(self, by: str, zoned: bool) -> list[tuple]:
        """(zone, type, buildings) of the active buildings, units or not, in the store's
        groups of what `by` and a zone filter need (a grouping by one field scans faster)."""
        fields = (*(("zone",) if by == "zone" or zoned else ()), *(("btype",) if by == "type" else ()))
        if fields not in self._counts:
            rows = self._store.group_totals("buildings", fields)
            self._counts[fields] = [(r[fields.index("zone")] if "zone" in fields else None,
                                     r[fields.index("btype")] if "btype" in fields else None,
                                     int(r[len(fields)])) for r in rows]
        return self._counts[fields]

    def figures(self, d: dt.date, by: str = "park", *, zones: Iterable[str] | None = None) -> list[Figures]:
        """vacancy_figures(load_space(store), d, by, zones=zones) for by park, zone or type."""
        np = self._np
        if by not in GROUPINGS:
            group_key({}, by)  # the error for an unknown grouping
        if by == "building":
            raise LandappError(tr("按建筑分组请用 store_vacancy_figures。", "Group by building with store_vacancy_figures."))
        keep = set(zones) if zones is not None else None

        def key(zone, btype) -> str:
            return group_key({"zone": zone, "btype": btype}, by)

        out: dict[str, Figures] = {}
        for zone, btype, n in self._building_counts(by, keep is not None):
            if keep is None or zone in keep:
                f = out.setdefault(key(zone, btype), Figures(key(zone, btype)))
                f.buildings += n
        names = sorted(out)
        index = {k: i for i, k in enumerate(names)}
        bids, at = np.unique(self.bid, return_inverse=True)
        of_building = np.array([index.get(key(*self.building_keys[b]), -1)
                                if keep is None or self.building_keys[b][0] in keep else -1
                                for b in bids.tolist()], dtype=np.int64)
        group = of_building[at] if len(at) else np.empty(0, np.int64)
        inside = group >= 0
        g = group[inside]
        leased, sold, withheld, vacant = (a[inside] for a in self.states(d))
        sums = [np.bincount(g, weights=w, minlength=len(names))
                for w in (leased, sold, withheld, vacant, leased + sold + withheld + vacant)]
        units = np.bincount(g, minlength=len(names))
        for i, k in enumerate(names):
            f = out[k]
            f.units = int(units[i])
            f.leased, f.sold, f.withheld, f.vacant, f.leasable = (float(x[i]) for x in sums)
        return [out[k] for k in names]


def group_building_figures(buildings: dict[int, dict], states: dict[int, list[list[float]]], by: str = "park", *,
                           zones: Iterable[str] | None = None) -> list[Figures]:
    """store_building_states' result per group, as vacancy_figures gives it (several
    groupings from one read; sums in the same order)."""
    zones = list(zones) if zones is not None else None
    keys = _keys(Space(buildings, {}, []), by)
    out: dict[str, Figures] = {}
    for bid, b in buildings.items():
        if not _in_zone(b, zones):
            continue
        f = out.setdefault(keys[bid], Figures(keys[bid]))
        f.buildings += 1
        _add_states(f, states[bid])
    return [out[k] for k in sorted(out)]


def store_building_vacancy_rates(store, as_of: dt.date) -> dict[int, float | None]:
    """building_vacancy_rates(load_space(store), as_of) without a record per unit."""
    fids, rates = store_building_vacancy_arrays(store, as_of)
    return {b: (None if r != r else r) for b, r in zip(fids.tolist(), rates.tolist())}


def store_building_vacancy_arrays(store, as_of: dt.date, fids=None):
    """The rates of store_building_vacancy_rates as numpy arrays (fids, rates; NaN: no
    leasable area): UnitColumns' unit states summed per building in unit order (np.bincount
    adds in input order), the arithmetic of building_states, so every rate is bit-identical.
    The map's vacancy colours of 504k buildings: no dict or list per building or unit.
    fids: the current buildings to rate when the caller has them (the map has just read
    them), else all current buildings."""
    import numpy as np

    if fids is not None:
        fids = np.asarray(fids, dtype=np.int64)
        if len(fids) > 1 and not (fids[1:] > fids[:-1]).all():  # sorted and distinct (np.unique hashes: 1 s at 504k)
            fids = np.sort(fids)
            fids = fids[np.concatenate([[True], fids[1:] != fids[:-1]])]
    else:
        fids = np.array([r[0] for r in store.values("buildings", ["fid"], current())], dtype=np.int64)
    units = UnitColumns(store)
    leased, sold, withheld, vacant = units.states(as_of)
    n = len(fids)
    pos = np.searchsorted(fids, units.bid) if n else np.zeros(len(units.bid), dtype=np.int64)
    keep = (pos < n) & (fids[np.minimum(pos, n - 1)] == units.bid) if n else np.zeros(len(units.bid), bool)
    total = np.bincount(pos[keep], weights=(leased + sold + withheld + vacant)[keep], minlength=n)
    vacant = np.bincount(pos[keep], weights=vacant[keep], minlength=n)
    rates = np.full(n, np.nan)
    ok = total > 0
    rates[ok] = vacant[ok] / total[ok]
    return fids, rates


def _followed(lease: dict, leases: list[dict]) -> bool:
    """A later lease of the same unit starts by the day after this one ends (a renewal)."""
    nxt = lease["_end"] + dt.timedelta(days=1)
    return any(x is not lease and lease["_end"] < x["_end"] and x["_start"] <= nxt for x in leases)


def _expiring_by_building(space: Space, as_of: dt.date, horizon: dt.date) -> dict[int, float]:
    """Leased area per building whose lease (in force on `as_of`) ends by `horizon` and is
    not followed by a signed renewal."""
    out: dict[int, float] = defaultdict(float)
    for lease in space.leases:
        if not _covers(lease, as_of) or lease["_end"] > horizon:
            continue
        uid = lease.get("unit_id")
        bfid = lease.get("building_id") if uid is None else space.units.get(int(uid), {}).get("building_id")
        if bfid is None or bfid not in space.buildings:
            continue
        siblings = space.leases_by_unit.get(int(uid), []) if uid is not None else \
            space.unitless_by_building.get(int(bfid), [])
        if not _followed(lease, siblings):
            out[int(bfid)] += float(lease.get("area") or 0.0)
    return out


def availability(space: Space, as_of: dt.date, months: int = 12, by: str = "park", *,
                 zones: Iterable[str] | None = None, figures: list[Figures] | None = None) -> list[dict]:
    """Space on the market: vacant now plus leased area whose lease ends within `months`
    after `as_of` (inclusive) and is not followed by a signed renewal. figures: what
    vacancy_figures(space, as_of, by, zones=zones) gives, when the caller has it already
    (e.g. from group_building_figures, which is equal)."""
    horizon = add_months(as_of, months)
    if figures is None:
        figures = vacancy_figures(space, as_of, by, zones=zones)
    figs = {f.key: f for f in figures}
    expiring: dict[str, float] = defaultdict(float)
    keys = _keys(space, by)
    for bfid, area in _expiring_by_building(space, as_of, horizon).items():
        if _in_zone(space.buildings[bfid], zones):
            expiring[keys[bfid]] += area
    rows = []
    for key, f in figs.items():
        exp = min(expiring.get(key, 0.0), f.leased)
        avail = f.vacant + exp
        rows.append({"key": key, "leasable_m2": round(f.leasable, 2), "vacant_m2": round(f.vacant, 2),
                     "expiring_m2": round(exp, 2), "available_m2": round(avail, 2),
                     "availability_rate": round(avail / f.leasable, 6) if f.leasable else None,
                     "horizon": horizon.isoformat()})
    return rows


def building_availability_rates(space: Space, as_of: dt.date, months: int = 12) -> dict[int, float | None]:
    """(Vacant + expiring within `months`) / leasable area per building fid."""
    expiring = _expiring_by_building(space, as_of, add_months(as_of, months))
    out: dict[int, float | None] = {}
    for bfid in space.buildings:
        states = building_states(space, bfid, as_of).values()
        total = sum(s.leased + s.sold + s.withheld + s.vacant for s in states)
        leased = sum(s.leased for s in states)
        vacant = sum(s.vacant for s in states)
        out[bfid] = (vacant + min(leased, expiring.get(bfid, 0.0))) / total if total > 0 else None
    return out


def expiry_schedule(space: Space, as_of: dt.date, *, years: int | None = None,
                    zones: Iterable[str] | None = None) -> list[dict]:
    """Leased area (and lease count) ending per calendar year, for the leases in force on
    `as_of`. With `years`, later years are summed into the last row ('YYYY+')."""
    by_year: dict[int, list[float]] = {}
    for lease in space.leases:
        if not _covers(lease, as_of):
            continue
        uid = lease.get("unit_id")
        bfid = lease.get("building_id") if uid is None else space.units.get(int(uid), {}).get("building_id")
        b = space.buildings.get(bfid) if bfid is not None else None
        if b is None or not _in_zone(b, zones):
            continue
        y = lease["_end"].year
        if years is not None:
            y = min(y, as_of.year + years - 1)
        acc = by_year.setdefault(y, [0.0, 0])
        acc[0] += float(lease.get("area") or 0.0)
        acc[1] += 1
    last = as_of.year + years - 1 if years is not None else None
    rows = []
    for y in range(as_of.year, (last if last is not None else max(by_year, default=as_of.year)) + 1):
        area, n = by_year.get(y, [0.0, 0])
        label = f"{y}+" if last is not None and y == last else str(y)
        rows.append({"year": label, "leases": int(n), "area_m2": round(area, 2)})
    return rows


def net_absorption(space: Space, start: dt.date, end: dt.date, by: str = "park", *,
                   zones: Iterable[str] | None = None,
                   figures: tuple[list[Figures], list[Figures]] | None = None) -> list[dict]:
    """Change in occupied (leased + sold) area from `start` to `end` per group; positive
    when space was taken up. figures: vacancy_figures on `start` and on `end` when the
    caller has them already (as for availability)."""
    if end < start:
        raise LandappError(tr("吸纳期的结束日期不能早于开始日期。",
                              "The end of the absorption period cannot precede its start."))
    if figures is None:
        figures = (vacancy_figures(space, start, by, zones=zones), vacancy_figures(space, end, by, zones=zones))
    a = {f.key: f for f in figures[0]}
    b = {f.key: f for f in figures[1]}
    rows = []
    for key in sorted(set(a) | set(b)):
        o0 = a[key].occupied if key in a else 0.0
        o1 = b[key].occupied if key in b else 0.0
        rows.append({"key": key, "start": start.isoformat(), "end": end.isoformat(),
                     "occupied_start_m2": round(o0, 2), "occupied_end_m2": round(o1, 2),
                     "net_absorption_m2": round(o1 - o0, 2)})
    return rows


def building_vacancy_rates(space: Space, as_of: dt.date) -> dict[int, float | None]:
    """Vacancy rate per building fid (for map themes)."""
    out: dict[int, float | None] = {}
    for bfid in space.buildings:
        states = building_states(space, bfid, as_of).values()
        total = sum(s.leased + s.sold + s.withheld + s.vacant for s in states)
        out[bfid] = (sum(s.vacant for s in states) / total) if total > 0 else None
    return out


def years_to_expiry(state: UnitState, as_of: dt.date) -> float | None:
    """Years from `as_of` to the end of the unit's current lease (None if not leased)."""
    if state.lease_end is None:
        return None
    return (state.lease_end - as_of).days / 365.25
