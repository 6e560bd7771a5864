"""The committed demo park and the synthetic generator."""

from __future__ import annotations

import os

import numpy as np
import pyogrio
import pytest
import shapely

from landapp.check import check_project
from landapp.demo import REFERENCE_DATE, build_synthetic_park, map_raster_path
from landapp.store import open_project
from landapp.store.filters import F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "data", "demo_park.gpkg")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    # a copy: opening the repository's file with a newer schema would upgrade it in place
    import shutil

    path = tmp_path_factory.mktemp("demo") / "demo_park.gpkg"
    shutil.copy(DEMO, path)
    for ext in ("_map.png", "_map.pgw"):
        shutil.copy(DEMO.replace(".gpkg", ext), str(path).replace(".gpkg", ext))
    store = open_project(path)
    yield store
    store.close()


def test_committed_demo_is_current():
    """data/demo_park.gpkg has today's schema (rebuild: landapp demo data/demo_park.gpkg --force)."""
    import sqlite3

    from landapp.schema import SCHEMA_VERSION

    con = sqlite3.connect(f"file:{DEMO}?mode=ro", uri=True)
    v = con.execute("SELECT value FROM landapp_meta WHERE key='schema_version'").fetchone()[0]
    con.close()
    assert int(v) == SCHEMA_VERSION


def test_demo_park_content(demo):
    zones = set(demo.read_layer("zones")["name"])
    assert {"东安湖活力城", "十陵", "大面东洪", "汽车城"} <= zones
    parcels = demo.read_layer("parcels")
    assert len(parcels) >= 300
    assert parcels["code"].str.len().eq(19).all() and parcels["code"].str.startswith("510112").all()
    assert parcels["code"].is_unique
    assert set(parcels["status"]) >= {"储备", "待供", "已供未开工", "在建", "已建成投产", "闲置", "低效"}
    assert (parcels["land_use"].str.startswith("10")).sum() > 80
    buildings = demo.read_layer("buildings")
    assert (buildings["btype"] == "标准厂房").sum() >= 60
    assert (buildings["btype"] == "楼宇").sum() >= 20
    assert demo.count("floors") > 0 and demo.count("enterprises") >= 100
    assert demo.count("leases", F("status") == "已到期") > 0  # history kept
    assert demo.count("revitalisation_cases") > 0 and demo.count("parcel_lineage") == 2
    assert demo.get_setting("contact") and demo.get_setting("crs") == "EPSG:4544"
    assert demo.count("enterprise_metrics") > 100  # figures for 亩均论英雄


def test_demo_park_is_clean(demo):
    rep = check_project(demo)
    assert rep.ok, [p.message for p in rep.problems[:5]]
    parcels = demo.read_layer("parcels")
    buildings = demo.read_layer("buildings")
    # every building stands inside the parcel it names
    by_code = parcels.set_index("code").geometry
    for code, fp in zip(buildings["parcel_code"], buildings.geometry):
        assert by_code[code].contains(fp)
    # it lies around 104.27E 30.58N
    from landapp.coords import to_lonlat
    x, y = parcels.geometry.union_all().centroid.coords[0]
    lon, lat = to_lonlat(x, y, 4544)
    assert abs(lon - 104.27) < 0.05 and abs(lat - 30.58) < 0.05


def test_vacancy_is_realistic(demo):
    units = demo.read_layer("units")
    rate = units.loc[units["status"] == "空置", "area"].sum() / units["area"].sum()
    assert 0.15 <= rate <= 0.35
    # every leased unit has an active lease covering the reference date
    leases = demo.read_layer("leases", where=F("status") == "有效")
    leased = set(units.index[units["status"] == "已租"])
    assert leased <= set(leases["unit_id"])
    assert (leases["end_date"].values.astype("datetime64[D]") >= np.datetime64(REFERENCE_DATE)).all()


def test_some_parcels_are_idle_by_the_rules(demo):
    """闲置土地处置办法 Art. 2: unstarted a full year after the agreed start, or started with
    less than a third developed and stopped for a full year."""
    p = demo.read_layer("parcels", where=F("status") == "闲置")
    ref = np.datetime64(REFERENCE_DATE)
    year = np.timedelta64(365, "D")
    unstarted = p["actual_start"].isna() & (p["agreed_start"].values.astype("datetime64[D]") + year < ref)
    stalled = (p["actual_start"].notna() & (p["developed_pct"] < 100 / 3)
               & (p["stalled_since"].values.astype("datetime64[D]") + year < ref))
    assert (unstarted | stalled).all()
    assert unstarted.sum() >= 5 and stalled.sum() >= 2
    two_years = p["actual_start"].isna() & (p["agreed_start"].values.astype("datetime64[D]") + 2 * year < ref)
    assert two_years.sum() >= 1  # some may be reclaimed without compensation
    # and the ones supplied but not started are still inside their grace year, but for the
    # one whose delay the government caused: past it, and exempt (Art. 8)
    q = demo.read_layer("parcels", where=F("status") == "已供未开工")
    late = q["agreed_start"].values.astype("datetime64[D]") + year < ref
    assert late.sum() == 1 and q["idle_exemption"][late].notna().all()
    assert q["idle_exemption"][~late].isna().all()


def test_map_raster_matches_the_project(demo):
    from PIL import Image

    png = map_raster_path(demo.path)
    assert demo.get_setting("basemap_raster") == os.path.basename(png)
    with open(os.path.splitext(png)[0] + ".pgw") as fh:
        a, d, b, e, c, f = (float(v) for v in fh.read().split())
    w, h = Image.open(png).size
    x0, y0, x1, y1 = demo.read_layer("zones").total_bounds
    assert d == b == 0 and e == -a
    assert c - a / 2 < x0 and c - a / 2 + w * a > x1  # covers the park with a margin
    assert f + a / 2 > y1 and f + a / 2 - h * a < y0
    assert os.path.getsize(png) < 5 * 2**20


def test_every_layer_reads_with_gdal():
    for name, _ in pyogrio.list_layers(DEMO):
        pyogrio.read_dataframe(DEMO, layer=name, max_features=5)


def test_synthetic_park(tmp_path):
    path = tmp_path / "s.gpkg"
    build_synthetic_park(path, 500, seed=3)
    with open_project(path) as s:
        parcels = s.read_layer("parcels")
        assert len(parcels) == 500 and parcels["code"].is_unique
        assert shapely.is_valid(parcels.geometry.values).all()
        assert check_project(s).ok
        assert s.count("zones") == 6 and s.count("roads") > 0
    build_synthetic_park(tmp_path / "t.gpkg", 500, seed=3)
    a = pyogrio.read_dataframe(path, layer="parcels")
    b = pyogrio.read_dataframe(tmp_path / "t.gpkg", layer="parcels")
    assert a.drop(columns=["created", "modified"]).equals(b.drop(columns=["created", "modified"]))


def test_demo_cli_refuses_to_overwrite(tmp_path):
    from landapp.cli import main

    out = tmp_path / "p.gpkg"
    assert main(["demo", str(out), "--parcels", "40"]) == 0
    assert main(["demo", str(out), "--parcels", "40"]) == 2
    with pytest.raises(SystemExit) as e:  # checked by argparse before any work: a usage error
        main(["demo", str(out), "--parcels", "0", "--force"])
    assert e.value.code == 64


def test_demo_park_topology_is_clean(demo):
    """Parcels and roads tile every zone: no overlaps, gaps, slivers or duplicate codes."""
    from landapp.topology import check_topology

    assert [i.message for i in check_topology(demo)] == []


def test_demo_land_users_fit_the_land_use(demo):
    parcels = demo.read_layer("parcels", geometry=False)
    inds = {e["fid"]: e["industry"] for e in demo.rows("enterprises")}
    ind = parcels["land_user_id"].map(inds)
    use = parcels["land_use"].fillna("")
    manufacturing = {"汽车整车制造", "汽车零部件制造", "新能源电池", "新能源汽车", "智能网联", "电子信息", "装备制造"}
    assert set(ind[use.str.startswith("10")].dropna()) <= manufacturing
    assert set(ind[use.str.startswith("11")].dropna()) == {"现代物流"}
    assert set(ind[use.str.startswith("07")].dropna()) == {"房地产开发"}
    # parks, green buffers, roads and public land: no enterprise; district bodies or nobody
    public = use.str.match(r"^(08|12|14|16)")
    assert parcels.loc[public, "land_user_id"].isna().all()
    assert parcels.loc[public, "land_user"].dropna().str.contains("局|管委会|研究院").all()
    assert (parcels.loc[public & parcels["supply_date"].notna(), "supply_method"] == "划拨").all()


def test_demo_buildings_fit_far_and_density(demo):
    parcels = demo.read_layer("parcels", geometry=False)
    b = demo.read_layer("buildings")
    assert b["code"].is_unique and b["code"].notna().all()
    b["fp"] = b.geometry.area
    per = b.groupby("parcel_code").agg(fp=("fp", "sum"), gfa=("floor_area", "sum"))
    built = parcels[parcels["status"].isin(["已建成投产", "在建"])
                    & ~parcels["land_use"].str.match(r"^(12|14|16|17)")].join(per, on="code")
    assert built["fp"].notna().all()  # every built or building parcel has buildings
    far = built["gfa"] / built["area_m2"]
    assert ((far >= built["far_min"] - 1e-6) & (far <= built["far_max"] + 1e-6)).all()
    cover = 100 * built["fp"] / built["area_m2"]
    assert (cover <= built["density"] + 1e-6).all()
    industrial = built["land_use"].str.startswith("10")
    assert (cover[industrial] >= 30).all()  # 建筑系数 ≥ 30%


def test_demo_figures_are_plausible_for_the_industry(demo):
    from landapp.units import MU_M2

    inds = {e["fid"]: e["industry"] for e in demo.rows("enterprises")}
    rev_mu: dict[str, list[float]] = {}
    for m in demo.rows("enterprise_metrics", F("year") == 2025):
        if m["land_area_m2"]:
            rev_mu.setdefault(inds[m["enterprise_id"]], []).append(m["revenue"] / (m["land_area_m2"] / MU_M2))
    med = {k: float(np.median(v)) for k, v in rev_mu.items() if len(v) >= 3}
    assert med["现代物流"] < med["汽车零部件制造"] < med["新能源电池"]
    assert 150 < med["汽车零部件制造"] < 1200


def test_demo_idle_parcels_have_a_disposal_record(demo):
    from landapp.idle import idle_report, idle_summary, load_parcels

    rows = idle_report(load_parcels(demo), REFERENCE_DATE)
    s = idle_summary(rows)
    assert s["fee_count"] > 0 and s["fee_wan"] > s["fee_paid_wan"] > 0 and s["incomplete_count"] == 0
    levied = [r for r in rows if r["stage"] == "征缴闲置费"]
    assert all(r["decision_no"] and r["decision_date"] for r in levied)


def test_synthetic_park_follows_the_demo_rules(tmp_path):
    path = tmp_path / "s.gpkg"
    build_synthetic_park(path, 2000, seed=5)
    with open_project(path) as s:
        assert check_project(s).ok
        p = s.read_layer("parcels", geometry=False)
        assert (p.loc[p["land_use"] == "16", "status"] == "储备").all()
        b = s.read_layer("buildings", geometry=False)
        assert b["code"].is_unique and b["parcel_code"].notna().all()


def test_park_map_is_replaced_whole_or_not_at_all(demo_project, monkeypatch):
    """The demo's map picture, its world file and its CRS are written as one set: a failure
    part-way (a full disk) leaves the old set as it was and no temporary file behind."""
    from PIL import Image

    from landapp.demo import build_park_map
    from landapp.errors import LandappError

    png = map_raster_path(demo_project.path)
    folder = os.path.dirname(png)
    parts = [png, os.path.splitext(png)[0] + ".pgw", png + ".aux.xml"]
    assert all(os.path.exists(p) for p in parts)
    before = {p: open(p, "rb").read() for p in parts}
    listing = sorted(os.listdir(folder))
    real_open = open

    def full_disk(path, mode="r", *a, **k):  # the world file cannot be written
        if str(path).endswith(".pgw") and "w" in mode:
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr("builtins.open", full_disk)
    with pytest.raises(LandappError):
        build_park_map(demo_project, png)
    monkeypatch.undo()
    assert {p: open(p, "rb").read() for p in parts} == before
    assert sorted(os.listdir(folder)) == listing
    img = Image.open(png)
    assert img.size[0] > 100
