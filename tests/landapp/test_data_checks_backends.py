"""`landapp check`'s data checks run on both backends (issue 16): the same flaws, planted by
another program's plain SQL, give the same findings on a GeoPackage and on PostGIS; on
PostGIS the spatial-index check asks for a usable GiST index, and --fix rebuilds it."""

from __future__ import annotations

import sqlite3

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from landapp import gpkg
from landapp.check import check_project
from tests.landapp.test_data_checks import X0, Y0, _park

BOWTIE = MultiPolygon([Polygon([(X0 + 100, Y0), (X0 + 200, Y0 + 100), (X0 + 200, Y0), (X0 + 100, Y0 + 100)])])


def _other_program(store, request, statements):
    """Run (sql with ?, params) as another program: plain sqlite3 on the file, or psycopg on
    its own connection in the park's schema. Geometries are passed as shapely objects."""
    if store.path.endswith(".gpkg"):
        conn = sqlite3.connect(store.path)
        gpkg.register_functions(conn)
        with conn:
            for text, params in statements:
                conn.execute(text.replace("GEOM(?)", "?"), [gpkg.encode_geometry(p, store.srs_id)
                                                           if isinstance(p, MultiPolygon) else p for p in params])
        conn.close()
        return
    import psycopg

    cluster = request.getfixturevalue("pg_cluster")
    with psycopg.connect(cluster.conninfo(), autocommit=False) as conn:
        conn.execute("SELECT set_config('search_path', %s, true)", (f'"{store.schema}", public',))
        for text, params in statements:
            conn.execute(text.replace("GEOM(?)", f"ST_GeomFromWKB(?, {int(store.srs_id)})").replace("?", "%s"),
                         [shapely.to_wkb(p) if isinstance(p, MultiPolygon) else p for p in params])
        conn.commit()


def test_planted_flaws_are_found_on_both_backends(any_project, request):
    store = any_project
    f = _park(store)
    _other_program(store, request, [
        ("UPDATE parcels SET geom = GEOM(?) WHERE fid = ?", (BOWTIE, f["P2"])),            # invalid polygon
        ("UPDATE buildings SET code = ? WHERE fid = ?", ("P1-1", f["B2"])),                  # duplicate code
        ("INSERT INTO units (building_id, area, status) VALUES (?, ?, ?)", (999999, 10.0, "空置")),  # no such building
        ("UPDATE units SET floor_id = ? WHERE fid = ?", (f["F2"], f["U2"])),                 # another building's floor
        (("INSERT INTO leases (unit_id, building_id, tenant, start_date, end_date, area, status) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)"), (f["U1"], f["B1"], "乙公司", "2025-03-01", "2027-02-28", 100.0, "有效")),
        ("UPDATE parcels SET status = ? WHERE fid = ?", ("已建成投产", f["P2"])),             # built, no building
        ("UPDATE parcels SET land_use = NULL, land_use_source = ? WHERE fid = ?", ("XX", f["P1"])),
    ])
    lease2 = max(r["fid"] for r in store.rows("leases"))
    unit3 = max(r["fid"] for r in store.rows("units"))
    rep = check_project(store)
    got = {(p.kind, p.fids) for p in rep.problems}
    assert got == {
        ("invalid_geometry", (f["P2"],)),
        ("duplicate_building_code", (f["B1"], f["B2"])),
        ("missing_reference", (unit3,)),
        ("unit_floor_building", (f["U2"],)),
        ("lease_overlap", (f["L1"], lease2)),
        ("built_without_building", (f["P2"],)),
        ("land_use_unknown", (f["P1"],)),
    }, [p.message for p in rep.problems]
    by_kind = {p.kind: p.message for p in rep.problems}
    # the same words on both backends: dates from GREATEST/LEAST or max/min, codes or fids as text
    assert "2025-03-01" in by_kind["lease_overlap"] and "2026-12-31" in by_kind["lease_overlap"]
    assert "999999" in by_kind["missing_reference"]
    assert f"#{f['U2']}" in by_kind["unit_floor_building"]


def test_gist_index_missing_or_invalid_is_found_and_fixed(pg_target, pg_cluster, tmp_path):
    import psycopg

    from landapp.check_data import fix_gist_indexes
    from landapp.store import create_project, open_project

    with create_project(pg_target, "索引") as store:
        _park(store)
        schema = store.schema
        assert check_project(store).ok
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP INDEX "{schema}"."parcels_geom_gist"')
        # an index PostgreSQL will not use (as a failed CREATE INDEX CONCURRENTLY leaves it)
        conn.execute(f'UPDATE pg_index SET indisvalid = false WHERE indexrelid = \'"{schema}"."buildings_geom_gist"\'::regclass')
    with open_project(pg_target) as store:
        rep = check_project(store)
        assert {(p.kind, p.layer) for p in rep.problems} == {("spatial_index", "parcels"),
                                                            ("spatial_index", "buildings")}
        assert all(p.fixable for p in rep.problems)
        assert fix_gist_indexes(store, rep.problems) == 2
        assert check_project(store).ok


@pytest.mark.slow
def test_cli_check_fix_on_postgis(pg_target, pg_cluster):
    import subprocess
    import sys

    import psycopg

    from landapp.store import create_project

    with create_project(pg_target, "索引") as store:
        _park(store)
        schema = store.schema
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP INDEX "{schema}"."parcels_geom_gist"')
    def run(*a):
        return subprocess.run([sys.executable, "-m", "landapp", *a], capture_output=True, text=True, check=False)

    out = run("check", pg_target)
    assert out.returncode == 1 and "GiST" in out.stdout + out.stderr
    out = run("check", pg_target, "--fix")
    assert out.returncode == 0, out.stdout + out.stderr
    assert run("check", pg_target).returncode == 0


def test_info_and_check_say_the_same_on_a_pushed_park(demo_project, pg_target):
    """The demo pushed to PostGIS: `info`'s figures (vacancy from UnitColumns, counts) and
    `check`'s findings are those of the GeoPackage."""
    from landapp.check import summary
    from landapp.store import open_project
    from landapp.store.transfer import push

    path = demo_project.path
    demo_project.close()
    push(path, pg_target)
    with open_project(path) as a, open_project(pg_target) as b:
        sa, sb = summary(a), summary(b)
        for k in ("counts", "vacancy", "as_of", "name"):
            assert sa[k] == sb[k], k  # vacancy to the bit (UnitColumns on both)
        # parcel areas: SQLite's total() and the fallback's pandas sum add in other orders
        assert sa["parcel_area_m2"] == pytest.approx(sb["parcel_area_m2"], rel=1e-12)
        assert [(r["status"], r["count"]) for r in sa["parcels_by_status"]] == \
            [(r["status"], r["count"]) for r in sb["parcels_by_status"]]
        assert sa["vacancy"]["by_type"] and sa["counts"]["buildings"] > 0
        ra, rb = check_project(a), check_project(b)
        assert [(p.kind, p.fids, p.message) for p in ra.problems] == [(p.kind, p.fids, p.message) for p in rb.problems]
        assert ra.checked == rb.checked
