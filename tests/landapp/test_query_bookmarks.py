"""Select by attribute (conditions -> a typed store filter), selection statistics, and
spatial bookmarks kept in the project."""

from __future__ import annotations

import pytest

from landapp import bookmarks as bm
from landapp import query as q
from landapp.errors import LandappError
from landapp.units import MU_M2
from landapp.store.filters import F


def _parcels(store):
    return store.read_layer("parcels", columns=["status", "land_use", "name", "area_m2", "far_max"], geometry=False)


def test_counts_match_the_data(demo_project):
    df = _parcels(demo_project)
    assert q.count(demo_project, "parcels", [q.Condition("status", "=", "待供")]) == (df.status == "待供").sum()
    both = [q.Condition("status", "=", "待供"), q.Condition("status", "=", "储备", "OR")]
    assert q.count(demo_project, "parcels", both) == df.status.isin(["待供", "储备"]).sum()
    big_industrial = [q.Condition("land_use", "starts", "1001"), q.Condition("area_m2", ">=", "20000", "AND")]
    expected = (df.land_use.str.startswith("1001") & (df.area_m2 >= 20000)).sum()
    assert q.count(demo_project, "parcels", big_industrial) == expected
    # AND binds tighter than OR: a OR (b AND c)
    mixed = [q.Condition("status", "=", "闲置"), q.Condition("status", "=", "储备", "OR"),
             q.Condition("area_m2", ">", "30000", "AND")]
    want = ((df.status == "闲置") | ((df.status == "储备") & (df.area_m2 > 30000))).sum()
    assert q.count(demo_project, "parcels", mixed) == want
    assert sorted(q.select_fids(demo_project, "parcels", both)) == sorted(df.index[df.status.isin(["待供", "储备"])])


def test_values_are_parameters_never_sql(demo_project):
    n = q.count(demo_project, "parcels", [])
    assert n > 0
    assert q.count(demo_project, "parcels", [q.Condition("name", "=", "x' OR '1'='1")]) == 0
    assert q.count(demo_project, "parcels", [q.Condition("name", "contains", "%")]) == 0  # a literal %
    assert q.build_filter("parcels", [q.Condition("name", "contains", "50%_a")]) == F("name").contains("50%_a")
    assert q.build_filter("parcels", [q.Condition("area_m2", ">", "1,000")]) == (F("area_m2") > 1000)
    assert q.build_filter("parcels", []) is None
    with pytest.raises(LandappError, match="没有字段"):
        q.build_filter("parcels", [q.Condition("name; DROP TABLE parcels", "=", "1")])
    with pytest.raises(LandappError, match="不是数字"):
        q.build_filter("parcels", [q.Condition("area_m2", ">", "很大")])
    with pytest.raises(LandappError, match="填写值"):
        q.build_filter("parcels", [q.Condition("status", "=", "")])
    with pytest.raises(LandappError):
        q.build_filter("parcels", [q.Condition("status", "LIKE", "x")])
    with pytest.raises(LandappError):
        q.build_filter("parcels", [q.Condition("status", "=", "闲置"), q.Condition("status", "=", "x", "; DROP")])
    names = _parcels(demo_project).name.dropna()
    some = names.iloc[0]
    assert q.count(demo_project, "parcels", [q.Condition("name", "=", some)]) == (names == some).sum()
    assert q.count(demo_project, "parcels", [q.Condition("name", "!=", some)]) == \
        len(_parcels(demo_project)) - (names == some).sum()  # empty names count as "not"
    assert q.count(demo_project, "parcels", [q.Condition("far_max", "empty")]) == \
        _parcels(demo_project).far_max.isna().sum()


def test_statistics_sum_area_and_group(demo_project):
    df = _parcels(demo_project)
    fids = df.index[df.status.isin(["待供", "储备", "闲置"])].tolist()
    st = q.statistics(demo_project, "parcels", fids, by="status")
    sub = df.loc[fids]
    assert st["count"] == len(fids)
    assert st["area_m2"] == pytest.approx(sub.area_m2.sum())
    assert st["area_mu"] == pytest.approx(sub.area_m2.sum() / MU_M2)
    groups = {k: (n, a) for k, n, a, _mu in st["groups"]}
    for status, g in sub.groupby("status"):
        assert groups[status][0] == len(g)
        assert groups[status][1] == pytest.approx(g.area_m2.sum())
    assert [r[2] for r in st["groups"]] == sorted((r[2] for r in st["groups"]), reverse=True)
    assert q.statistics(demo_project, "parcels", [])["count"] == 0


def test_bookmarks_kept_in_the_project(demo_project):
    from landapp.store import open_project

    assert bm.bookmarks(demo_project) == []
    bm.add_bookmark(demo_project, "汽车城", (1.0, 2.0, 301.0, 202.0))
    bm.add_bookmark(demo_project, "东区", (10, 20, 30, 40))
    bm.add_bookmark(demo_project, "汽车城", (0, 0, 100, 100))  # same name: replaced
    path = demo_project.path
    demo_project.close()
    store = open_project(path)
    try:
        assert [(b["name"], b["extent"]) for b in bm.bookmarks(store)] == [
            ("东区", [10.0, 20.0, 30.0, 40.0]), ("汽车城", [0.0, 0.0, 100.0, 100.0])]
        assert bm.remove_bookmark(store, "东区") and not bm.remove_bookmark(store, "东区")
        with pytest.raises(LandappError, match="名称"):
            bm.add_bookmark(store, "  ", (0, 0, 1, 1))
        with pytest.raises(LandappError, match="范围"):
            bm.add_bookmark(store, "空", (5, 5, 5, 9))
        store.set_setting("bookmarks", "not json")  # damaged by hand: no bookmarks, no crash
        assert bm.bookmarks(store) == []
    finally:
        store.close()
