"""The figures of the monthly work report (工作月报, `landapp export report`), computed by the
same functions the command line prints them with, for the same date: `vacancy --as-of D`
(landapp.vacancy.vacancy_figures), `idle --as-of D` (landapp.idle.idle_report / idle_summary,
approved_not_supplied, supplied_not_used), `evaluate --year Y` (landapp.evaluation.evaluate,
class_counts) and `cases progress --year Y` (landapp.revitalisation.campaign_progress). D is
the last day of the month reported; Y its year (the per-mu evaluation: the latest year with
figures up to Y). The document itself is written by layers.report (it needs the charts and
the map)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from landapp import evaluation as ev
from landapp import idle
from landapp import revitalisation as rv
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.units import MU_M2
from landapp.vacancy import default_as_of, expiry_schedule, load_space, vacancy_figures


def parse_month(text: str | None, store) -> tuple[int, int]:
    if not text:
        d = default_as_of(store)
        return d.year, d.month
    m = re.fullmatch(r"\s*(\d{4})[-/.年](\d{1,2})月?\s*", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise LandappError(tr(f"--month 应为 YYYY-MM,如 2026-11,而不是 {text}。",
                              f"--month must be YYYY-MM such as 2026-11, not {text}."))
    return int(m.group(1)), int(m.group(2))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date(v) -> dt.date | None:
    if not v:
        return None
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def _area(rows) -> float:
    return round(sum(float(r.get("area_m2") or 0.0) for r in rows), 1)


def report_figures(store, year: int, month: int, zone: str | None = None) -> dict:
    """Every number and table of the report for one month (and optionally one zone)."""
    first, as_of = dt.date(year, month, 1), month_end(year, month)
    zones = [zone] if zone else None
    if zone:
        known = set(store.read_layer("zones", columns=["name"], geometry=False)["name"].dropna())
        known |= {p.get("zone") for p in idle.load_parcels(store) if p.get("zone")}
        if zone not in known:
            raise LandappError(tr(f"没有片区“{zone}”;工程中的片区:{'、'.join(sorted(known))}。",
                                  f"No zone {zone}; the project's zones: {', '.join(sorted(known))}."))
    space = load_space(store)
    parcels = idle.load_parcels(store)
    if zone:
        parcels = [p for p in parcels if p.get("zone") == zone]
    # land supplied: parcels whose supply date falls in the month / the year up to its end
    supplied = [(p, _date(p.get("supply_date"))) for p in parcels]
    month_supplied = [p for p, d in supplied if d and first <= d <= as_of]
    year_supplied = [p for p, d in supplied if d and d.year == year and d <= as_of]
    idle_rows = idle.idle_report(parcels, as_of)
    isum = idle.idle_summary(idle_rows)
    unsupplied = idle.approved_not_supplied(parcels)
    unused = idle.supplied_not_used(parcels, as_of)
    (park,) = vacancy_figures(space, as_of, "park", zones=zones) or [None]
    by_type = vacancy_figures(space, as_of, "type", zones=zones)
    by_zone = vacancy_figures(space, as_of, "zone", zones=zones)
    campaign = rv.campaign_progress(store, year, zones=zones)
    years = [y for y in ev.metrics_years(store) if y <= year]
    mu = {"year": None, "level": "parcel" if zone else "enterprise", "classes": {}, "low": 0, "note": ""}
    if years:
        try:
            y, results = ev.evaluate(store, years[-1], level=mu["level"])
            if zone:
                ids = {p["fid"] for p in parcels}
                results = [r for r in results if r.id in ids]
            mu.update(year=y, classes=ev.class_counts(results), low=sum(r.low_efficiency for r in results))
        except LandappError as e:
            mu["note"] = str(e)
    else:
        mu["note"] = tr(f"没有 {year} 年及以前的企业亩均数据。", f"No per-mu figures for {year} or earlier.")
    cases = {c["fid"]: c for c in store.rows("revitalisation_cases")}
    advanced = []
    for h in store.rows("case_history", order_by=("date", "fid")):
        d = _date(h.get("date"))
        c = cases.get(h.get("case_id"))
        if d and c and first <= d <= as_of:
            if zone and rv._case_zone(store, c) != zone:
                continue
            advanced.append({"case_id": c["fid"], "code": c.get("target_code"), "measure": c.get("measure"),
                             "state": h.get("state"), "date": d.isoformat(), "note": h.get("note"),
                             "area_m2": c.get("area_m2"), "responsible": c.get("responsible")})
    from landapp.opportunities import Filters, opportunity_list

    land = opportunity_list(store, "land", Filters(zones=zones or []))
    supply_by_zone: dict[str, list] = {}
    for _, r in land.iterrows():
        supply_by_zone.setdefault(r["zone"] or "", []).append(float(r["area_m2"] or 0.0))
    return {
        "year": year, "month": month, "first": first, "as_of": as_of, "zone": zone,
        "project": store.name,
        "supplied_month": {"count": len(month_supplied), "area_m2": _area(month_supplied)},
        "supplied_year": {"count": len(year_supplied), "area_m2": _area(year_supplied)},
        "unsupplied": {"count": len(unsupplied), "area_m2": _area(unsupplied)},
        "unused": {"count": len(unused), "area_m2": _area(unused)},
        "idle": {"count": isum["idle_count"], "area_m2": round(isum["idle_area_m2"], 1), "fee_wan": isum["fee_wan"],
                 "rows": [r for r in idle_rows if r["status"] in idle.IDLE_STATUSES]},
        "exempt_count": isum["by_status"].get(idle.EXEMPT, {}).get("count", 0),
        "vacancy_park": park, "vacancy_by_type": by_type, "vacancy_by_zone": by_zone,
        "expiry": [(r["year"], r["area_m2"]) for r in expiry_schedule(space, as_of, years=6, zones=zones)],
        "campaign": campaign, "mu": mu, "cases_advanced": advanced,
        "land_supply": {"count": len(land), "area_m2": round(sum(sum(v) for v in supply_by_zone.values()), 1),
                        "by_zone": [(z, len(v), round(sum(v), 1)) for z, v in sorted(supply_by_zone.items())],
                        "rows": land},
    }


def mu(area_m2: float) -> float:
    return area_m2 / MU_M2
