"""store_vacancy_figures (what `landapp info` uses at a million parcels) gives the figures of
the one vacancy rule, vacancy_figures(load_space(...)), on every grouping and date."""

from __future__ import annotations


import pytest

from landapp.vacancy import (GROUPINGS, add_months, building_vacancy_rates, default_as_of, load_space,
                             store_building_vacancy_rates, store_vacancy_figures, vacancy_figures)

FIELDS = ("buildings", "units", "leasable", "leased", "sold", "withheld", "vacant")


def same(store, d, by):
    ref = vacancy_figures(load_space(store), d, by)
    got = store_vacancy_figures(store, d, by)
    assert [f.key for f in got] == [f.key for f in ref]
    for a, b in zip(ref, got):
        for k in FIELDS:
            assert getattr(a, k) == getattr(b, k), (by, d, a.key, k)  # same sums in the same order
    rates = building_vacancy_rates(load_space(store), d)
    fast = store_building_vacancy_rates(store, d)
    assert rates.keys() == fast.keys()
    for k, r in rates.items():
        assert r == fast[k], k  # exactly: a rate on a class boundary must fall on the same side


def test_zones_filter_like_the_rule(demo_project):
    from landapp.vacancy import group_building_figures, store_building_figures

    d = default_as_of(demo_project)
    zone = demo_project.rows("buildings", "zone IS NOT NULL", limit=1)[0]["zone"]
    per = store_building_figures(demo_project, d)
    for by in GROUPINGS:
        ref = vacancy_figures(load_space(demo_project), d, by, zones=[zone])
        got = group_building_figures(*per, by, zones=[zone])
        assert [(f.key, f.buildings, round(f.vacant, 6), round(f.leasable, 6)) for f in got] == \
            [(f.key, f.buildings, round(f.vacant, 6), round(f.leasable, 6)) for f in ref]


@pytest.mark.parametrize("by", GROUPINGS)
def test_same_figures_as_the_rule(demo_project, by):
    d = default_as_of(demo_project)
    for when in (d, add_months(d, -18), add_months(d, 30)):
        same(demo_project, when, by)


def test_whole_building_leases_and_status_only_units(demo_project):
    """A factory let whole by a unit-less lease takes vacant area; 已租 units without lease
    records count as leased unless their building has such a lease."""
    d = default_as_of(demo_project)
    units = demo_project.rows("units", "status = '空置'")
    b1, b2 = units[0]["building_id"], next(u["building_id"] for u in units if u["building_id"] != units[0]["building_id"])
    with demo_project.transaction():
        demo_project.insert("leases", {"building_id": b1, "tenant": "整栋租户", "area": 10_000.0,
                                       "start_date": add_months(d, -2).isoformat(),
                                       "end_date": add_months(d, 10).isoformat(), "status": "有效"})
        demo_project.insert("leases", {"building_id": b2, "tenant": "已到期整栋", "area": 50.0,
                                       "start_date": add_months(d, -30).isoformat(),
                                       "end_date": add_months(d, -20).isoformat(), "status": "有效"})
        for u in demo_project.rows("units", "building_id IN (?, ?)", (b1, b2))[:4]:
            for lease in demo_project.rows("leases", "unit_id = ?", (u["fid"],)):
                demo_project.delete("leases", lease["fid"])
            demo_project.update("units", u["fid"], {"status": "已租"})
    for by in ("building", "park"):
        same(demo_project, d, by)
        same(demo_project, add_months(d, -25), by)


@pytest.mark.parametrize("zones", [None, ["汽车城"]])
def test_availability_and_absorption_from_given_figures(demo_project, zones):
    """The dashboard hands availability and net_absorption the figures it grouped from
    store_building_figures: the same rows as when they compute them from the space."""
    from landapp.vacancy import availability, group_building_figures, net_absorption, store_building_figures

    space = load_space(demo_project)
    as_of = default_as_of(demo_project)
    then = add_months(as_of, -12)
    now_f = group_building_figures(*store_building_figures(demo_project, as_of), "park", zones=zones)
    then_f = group_building_figures(*store_building_figures(demo_project, then), "park", zones=zones)
    ref = availability(space, as_of, 12, "park", zones=zones)
    assert ref and availability(space, as_of, 12, "park", zones=zones, figures=now_f) == ref
    ref = net_absorption(space, then, as_of, "park", zones=zones)
    assert ref and net_absorption(space, then, as_of, "park", zones=zones, figures=(then_f, now_f)) == ref
