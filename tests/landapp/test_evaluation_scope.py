"""亩均论英雄 on the right land (issue 12 item 4): the scheme's scope names the evaluated
land uses and who takes part; an enterprise's 亩 count only its evaluated land; the
left-out are listed with the reason. Figures computed by hand."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from landapp import evaluation as ev
from landapp.coords import from_lonlat
from landapp.errors import LandappError
from landapp.units import MU_M2

X0, Y0 = from_lonlat(104.27, 30.58, 4544)


def scheme(**scope):
    return {"name": "测试", "method": "score",
            "indicators": [{"key": "revenue_per_mu", "weight": 100, "benchmark": 100.0, "cap": None}],
            "classes": [{"code": "A", "min_score": 100.0}, {"code": "B", "min_score": None}],
            "low_efficiency": {"classes": [], "min_tax_per_mu": None}, "scope": scope}


@pytest.fixture
def park(empty_project):
    """E1 (above scale): 3 亩 industrial + 10 亩 park; E2: 2 亩 industrial (100102);
    E3: 1.5 亩 warehouse; E4: housing only. Revenue 600 万元 each."""
    s = empty_project
    ents = {k: s.insert("enterprises", {"name": k, "above_scale": k == "E1"}) for k in ("E1", "E2", "E3", "E4")}
    x = [X0]

    def parcel(code, use, mu, owner):
        w = mu * MU_M2 / 100.0
        fid = s.insert("parcels", {"code": code, "status": "已建成投产", "land_use": use, "land_user_id": ents[owner],
                                   "geometry": box(x[0], Y0, x[0] + w, Y0 + 100)})
        x[0] += w
        return fid

    p = {"ind1": parcel("IND1", "100101", 3.0, "E1"), "park": parcel("PARK", "1401", 10.0, "E1"),
         "ind2": parcel("IND2", "100102", 2.0, "E2"), "ware": parcel("WARE", "110101", 1.5, "E3"),
         "home": parcel("HOME", "070102", 4.0, "E4")}
    for e in ents.values():
        s.insert("enterprise_metrics", {"enterprise_id": e, "year": 2025, "revenue": 600.0})
    return s, ents, p


def by_name(results):
    return {r.name: r for r in results}


def test_default_scope_counts_industrial_land_only(park):
    s, ents, p = park
    out: list = []
    _, res = ev.evaluate(s, 2025, cfg=scheme(), excluded=out)
    r = by_name(res)
    assert set(r) == {"E1", "E2"}
    # E1's park does not count: 600 / 3 亩 = 200 per 亩 -> score 200 (with the park: 600/13 = 46)
    assert r["E1"].land_m2 / MU_M2 == pytest.approx(3.0, abs=1e-3)
    assert r["E1"].values["revenue_per_mu"] == pytest.approx(200.0, rel=1e-4)
    assert r["E1"].score == pytest.approx(200.0, rel=1e-4) and r["E1"].cls == "A"
    assert r["E2"].values["revenue_per_mu"] == pytest.approx(300.0, rel=1e-4)
    reasons = {e["name"]: e["reason"] for e in out}
    assert set(reasons) == {"E3", "E4"} and "其他用地性质" in reasons["E4"]


def test_warehouse_land_when_the_scheme_says_so_and_minimum_land(park):
    s, ents, p = park
    out: list = []
    _, res = ev.evaluate(s, 2025, cfg=scheme(land_uses=["1001", "1101"], min_land_mu=2.0), excluded=out)
    r = by_name(res)
    # E2 holds exactly 2 亩: at the minimum, it takes part; E3's 1.5 亩 are below it
    assert set(r) == {"E1", "E2"}
    assert {e["name"] for e in out} == {"E3", "E4"}
    assert "1.50" in next(e["reason"] for e in out if e["name"] == "E3")
    out.clear()
    _, res = ev.evaluate(s, 2025, cfg=scheme(land_uses=["1001", "1101"], min_land_mu=1.5), excluded=out)
    assert by_name(res)["E3"].values["revenue_per_mu"] == pytest.approx(400.0, rel=1e-4)


def test_above_scale_only(park):
    s, ents, p = park
    out: list = []
    _, res = ev.evaluate(s, 2025, cfg=scheme(above_scale_only=True), excluded=out)
    assert [r.name for r in res] == ["E1"]
    assert "规上" in next(e["reason"] for e in out if e["name"] == "E2")


def test_parcel_level_never_scores_a_park(park):
    s, ents, p = park
    out: list = []
    _, res = ev.evaluate(s, 2025, level="parcel", cfg=scheme(), excluded=out)
    r = by_name(res)
    assert set(r) == {"IND1", "IND2"}
    # E1's whole revenue lies on its only evaluated parcel
    assert r["IND1"].values["revenue_per_mu"] == pytest.approx(200.0, rel=1e-4)
    reasons = {e["name"]: e["reason"] for e in out}
    assert "1401" in reasons["PARK"] and "070102" in reasons["HOME"] and "110101" in reasons["WARE"]


def test_presets_and_bad_scopes():
    assert ev.validate_config(ev.SICHUAN)["scope"]["land_uses"] == ["1001"]
    z = ev.validate_config(ev.ZHEJIANG)["scope"]
    assert z["land_uses"] == ["1001", "1101"] and z["min_land_mu"] == 3.0
    # an old stored scheme without a scope gets the default
    old = {k: v for k, v in ev.SICHUAN.items() if k != "scope"}
    assert ev.validate_config(old)["scope"] == {"land_uses": ["1001"], "above_scale_only": False, "min_land_mu": 0.0}
    for bad in ({"land_uses": []}, {"land_uses": ["XX9"]}, {"min_land_mu": -1}, {"min_land_mu": float("nan")},
                {"above_scale_only": "yes"}):
        with pytest.raises(LandappError):
            ev.validate_config({**ev.SICHUAN, "scope": bad})


def test_demo_evaluates_manufacturers_on_industrial_land_only(demo_project):
    parcels = {p["fid"]: p for p in demo_project.rows("parcels", geometry=False)}
    _, res = ev.evaluate(demo_project, level="parcel")
    assert res and all(parcels[r.id]["land_use"].startswith("1001") for r in res)
    _, res = ev.evaluate(demo_project)
    inds = {e["fid"]: e["industry"] for e in demo_project.rows("enterprises")}
    assert not {inds[r.id] for r in res} & {"房地产开发", "商贸服务", "文体旅游"}
