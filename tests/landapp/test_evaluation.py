"""Per-mu evaluation (亩均论英雄) on hand-computed examples."""

import datetime as dt
import json

import pytest

from landapp import evaluation as ev
from landapp.errors import LandappError
from landapp.store.filters import F
from landapp.units import MU_M2

CFG = {
    "indicators": [
        {"key": "tax_per_mu", "weight": 60, "benchmark": 10.0},
        {"key": "revenue_per_mu", "weight": 40, "benchmark": 200.0, "cap": 1.5},
    ],
    "method": "score",
    "classes": [{"code": "A", "min_score": 100}, {"code": "B", "min_score": 60}, {"code": "C"}],
    "low_efficiency": {"classes": ["C"], "min_tax_per_mu": 8.0},
}


def ent(i, mu, tax, revenue, **kw):
    return {"id": i, "name": f"企业{i}", "land_m2": mu * MU_M2, "tax": tax, "revenue": revenue, **kw}


def test_score_is_weighted_sum_of_ratios_with_cap_and_classes():
    res = {r.id: r for r in ev.score_entities([
        ent(1, 10, 100, 2000),    # tax 10/mu -> 1.0*60; rev 200/mu -> 1.0*40 = 100 -> A (exactly)
        ent(2, 10, 50, 6000),     # 0.5*60=30; rev 600/mu ratio 3 capped 1.5 -> 60 => 90 -> B
        ent(3, 20, 100, 1000),    # 5/mu -> 30; 50/mu -> 0.25*40=10 => 40 -> C, tax < 8
        ent(4, 10, 99.99, 1990),  # just under 100 -> B
    ], CFG)}
    assert res[1].score == pytest.approx(100.0) and res[1].cls == "A"
    assert res[2].score == pytest.approx(90.0) and res[2].cls == "B"
    assert res[3].score == pytest.approx(40.0) and res[3].cls == "C"
    assert res[4].cls == "B"
    assert res[3].low_efficiency and len(res[3].flags) == 2
    assert res[2].flags == ["亩均税收低于 8 万元/亩"] and not res[1].low_efficiency
    assert [r.id for r in sorted(res.values(), key=lambda r: r.rank)] == [1, 4, 2, 3]


def test_low_tax_alone_flags_low_efficiency():
    (r,) = ev.score_entities([ent(1, 10, 79, 100000)], CFG)  # 7.9/mu < 8 but class A (60*0.79+60)
    assert r.cls == "A" and r.score == pytest.approx(0.79 * 60 + 1.5 * 40)
    assert r.low_efficiency and "亩均税收" in r.flags[0]


def test_missing_figures_score_zero_and_are_listed():
    (r,) = ev.score_entities([ent(1, 10, None, 2000)], CFG)
    assert r.values["tax_per_mu"] is None and r.incomplete == ["tax_per_mu"]
    assert r.score == pytest.approx(40.0)


def test_percentile_classes_and_mean_benchmark():
    cfg = {"indicators": [{"key": "tax_per_mu", "weight": 100, "benchmark": "mean"}],
           "method": "percentile",
           "classes": [{"code": "A", "top_pct": 20}, {"code": "B", "top_pct": 60},
                       {"code": "C", "top_pct": 95}, {"code": "D", "top_pct": 100}]}
    ents = [ent(i, 1, float(i), 1.0) for i in range(1, 21)]  # tax per mu 1..20, mean 10.5
    res = {r.id: r for r in ev.score_entities(ents, cfg)}
    assert res[20].score == pytest.approx(100 * 20 / 10.5)
    assert [i for i in res if res[i].cls == "A"] == [20, 19, 18, 17]       # top 4 of 20 = 20%
    assert sorted(i for i in res if res[i].cls == "D") == [1]               # bottom 5%
    assert sum(r.cls == "B" for r in res.values()) == 8
    assert sum(r.cls == "C" for r in res.values()) == 7


def test_rd_intensity_and_other_indicators():
    vals, missing = ev.indicator_values({"rd_spend": 30.0, "revenue": 1000.0, "employees": 0},
                                        ["rd_intensity", "revenue_per_employee"])
    assert vals["rd_intensity"] == pytest.approx(3.0) and missing == ["revenue_per_employee"]


@pytest.mark.parametrize("bad", [
    {"indicators": []},
    {"indicators": [{"key": "nope", "weight": 1, "benchmark": 1}], "classes": [{"code": "A"}]},
    {"indicators": [{"key": "tax_per_mu", "weight": -1, "benchmark": 1}], "classes": [{"code": "A"}]},
    {"indicators": [{"key": "tax_per_mu", "weight": 1, "benchmark": 0}], "classes": [{"code": "A"}]},
    {"indicators": [{"key": "tax_per_mu", "weight": 1, "benchmark": 1}], "method": "score",
     "classes": [{"code": "A", "min_score": 50}, {"code": "B", "min_score": 80}, {"code": "C"}]},
    {"indicators": [{"key": "tax_per_mu", "weight": 1, "benchmark": 1}], "method": "percentile",
     "classes": [{"code": "A", "top_pct": 50}, {"code": "B", "top_pct": 90}]},
])
def test_bad_configs_are_rejected_in_one_sentence(bad):
    with pytest.raises(LandappError, match="亩均评价设置有误"):
        ev.validate_config(bad)


def test_land_shares_owner_and_tenants():
    parcels = [{"fid": 1, "code": "P1", "area_m2": 10000.0, "land_user_id": 7}]
    buildings = [{"fid": 5, "parcel_code": "P1"}]
    units = [{"fid": 1, "building_id": 5, "area": 4000.0}, {"fid": 2, "building_id": 5, "area": 4000.0}]
    leases = [{"enterprise_id": 8, "building_id": 5, "unit_id": 1, "area": 2000.0,
               "start_date": "2025-01-01", "end_date": "2027-12-31"},
              {"enterprise_id": 9, "building_id": 5, "unit_id": 2, "area": 4000.0,
               "start_date": "2020-01-01", "end_date": "2024-12-31"}]   # ended: no share
    sh = ev.land_shares(parcels, buildings, units, leases, dt.date(2025, 12, 31))
    assert sh == {8: {1: 2500.0}, 7: {1: 7500.0}}


def test_demo_metrics_config_round_trip_and_parcel_level(demo_project):
    n = ev.fill_demo_metrics(demo_project, years=(2024, 2025))
    assert n > 100 and ev.metrics_years(demo_project) == [2024, 2025]
    year, res = ev.evaluate(demo_project)
    assert year == 2025 and len(res) > 50
    counts = ev.class_counts(res)
    assert set(counts) == {"A", "B", "C"} and all(c["count"] > 0 for c in counts.values())
    assert any(r.low_efficiency for r in res)
    _, parcels = ev.evaluate(demo_project, 2024, level="parcel")
    assert len(parcels) > 50
    ev.save_config(demo_project, "zhejiang")
    assert ev.load_config(demo_project)["method"] == "percentile"
    _, res = ev.evaluate(demo_project)
    assert set(ev.class_counts(res)) == {"A", "B", "C", "D"}
    with pytest.raises(LandappError):
        ev.save_config(demo_project, "{not json")
    assert json.loads(demo_project.get_setting(ev.SETTING_KEY))["method"] == "percentile"  # kept
    with pytest.raises(LandappError, match="2019"):
        ev.evaluate(demo_project, 2019)


def test_no_metrics_is_a_clear_error(empty_project):
    with pytest.raises(LandappError, match="enterprise_metrics"):
        ev.evaluate(empty_project)


def test_import_metrics_csv(demo_project, tmp_path):
    for r in demo_project.rows("enterprise_metrics"):  # start from no figures
        demo_project.delete("enterprise_metrics", r["fid"])
    ents = demo_project.rows("enterprises", limit=2)
    p = tmp_path / "m.csv"
    p.write_text("企业名称,统一社会信用代码,年度,营业收入(万元),实缴税收(万元),年平均职工人数\n"
                 f"{ents[0]['name']},,2025,1000,50,20\n"
                 f",{ents[1]['credit_code']},2025,2000,80,40\n", encoding="utf-8-sig")
    assert ev.import_metrics(demo_project, str(p)) == 2
    rows = demo_project.rows("enterprise_metrics", F("year") == 2025, order_by="enterprise_id")
    assert {(r["enterprise_id"], r["revenue"], r["tax"], r["employees"]) for r in rows} == {
        (ents[0]["fid"], 1000.0, 50.0, 20), (ents[1]["fid"], 2000.0, 80.0, 40)}
    # re-import replaces, GBK works, the year can come from the caller
    g = tmp_path / "g.csv"
    g.write_bytes(f"企业名称,营业收入\n{ents[0]['name']},1500\n".encode("gbk"))
    assert ev.import_metrics(demo_project, str(g), year=2025) == 1
    assert demo_project.count("enterprise_metrics", F("year") == 2025) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(f"企业名称,年度,营业收入\n{ents[0]['name']},2024,1\n不存在的公司,2024,1\n", encoding="utf-8")
    with pytest.raises(LandappError, match="第 3 行"):
        ev.import_metrics(demo_project, str(bad))
    assert demo_project.count("enterprise_metrics", F("year") == 2024) == 0  # nothing half-imported
    neg = tmp_path / "neg.csv"
    neg.write_text(f"企业名称,年度,实缴税收(万元)\n{ents[0]['name']},2024,-5\n", encoding="utf-8")
    with pytest.raises(LandappError, match="第 2 行.*实缴税收"):
        ev.import_metrics(demo_project, str(neg))
