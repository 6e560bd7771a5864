"""Edits another program makes to a PostGIS park (QGIS through its PostGIS provider, psql,
ogr2ogr) reach the edit log with the database user and the changed fields, and open windows
hear of them (NOTIFY); landapp's own writes are logged once, by landapp."""

from __future__ import annotations

import json

import psycopg
import pytest
from psycopg import sql
from shapely.geometry import box

from landapp.history import feature_history
from landapp.store import open_project
from landapp.store.filters import F
from landapp.store.pgcluster import wait_until
from landapp.store.target import parse_target
from landapp.store.transfer import grant, pull, push

X0, Y0 = 430000.0, 3384000.0
ROLE = "t_qgis_user"


@pytest.fixture
def park(empty_project, pg_cluster, pg_target):
    path = empty_project.path
    empty_project.close()
    push(path, pg_target)
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(ROLE)))
    grant(pg_target, ROLE, "editor")
    store = open_project(pg_target)
    try:
        yield store
    finally:
        store.close()
        with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(parse_target(pg_target).schema)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))


def _other_program(pg_cluster, store):
    """A plain connection as QGIS makes one: another role, its own application_name, the
    park's tables by their qualified names, no landapp code."""
    conn = psycopg.connect(pg_cluster.conninfo(user=ROLE), autocommit=True, application_name="QGIS")
    return conn, sql.Identifier(store.schema)


def _wait_events(store):
    assert wait_until(store.has_notifications, timeout=5), "no NOTIFY after the other program's commit"
    return store.poll_external_changes()


def test_another_programs_edits_reach_the_log_and_open_windows(park, pg_cluster):
    fid = park.insert("parcels", {"code": "Q1", "name": "原名", "status": "待供",
                                  "geometry": box(X0, Y0, X0 + 10, Y0 + 10)})
    logged = park.count("edit_log")
    assert not park.has_notifications() or park.poll_external_changes() == []
    conn, sch = _other_program(pg_cluster, park)
    try:
        conn.execute(sql.SQL("UPDATE {}.parcels SET name = %s, status = %s WHERE fid = %s").format(sch),
                     ("QGIS 改的名", "在建", fid))
        events = _wait_events(park)
        assert [(e.layer, e.op, e.fids, e.external) for e in events] == [("parcels", "update", (fid,), True)]
        hist = feature_history(park, "parcels", fid)
        assert ROLE in hist[0]["user"] and "其他程序" in hist[0]["user"] and "QGIS" in hist[0]["user"]
        assert hist[0]["operation"] == "update"
        assert set(hist[0]["changes"]) == {("地块名称", "原名", "QGIS 改的名"), ("状态", "待供", "在建")}
        assert park.get("parcels", fid)["name"] == "QGIS 改的名"

        # a new parcel drawn in QGIS and the shape of the first moved: the shape logged as landapp does
        new = conn.execute(sql.SQL(
            "INSERT INTO {}.parcels (code, status, geom) VALUES ('Q2', '待供', "
            "ST_Multi(ST_MakeEnvelope(%s, %s, %s, %s, %s))) RETURNING fid").format(sch),
            (X0 + 20, Y0, X0 + 30, Y0 + 10, park.srs_id)).fetchone()[0]
        conn.execute(sql.SQL("UPDATE {}.parcels SET geom = ST_Multi(ST_MakeEnvelope(%s, %s, %s, %s, %s)) "
                             "WHERE fid = %s").format(sch), (X0, Y0, X0 + 20, Y0 + 10, park.srs_id, fid))
        events = _wait_events(park)
        assert {(e.op, e.fids) for e in events} == {("insert", (new,)), ("update", (fid,))}
        row = park.rows("edit_log", (F("feature_id") == new) & (F("layer") == "parcels"))[0]
        assert row["user"] == ROLE and row["operation"] == "insert"
        assert json.loads(row["changes"]) == {"code": "Q2", "status": "待供", "retired": 0,
                                              "geometry": "<MultiPolygon 100.0 m²>"}
        shape = feature_history(park, "parcels", fid)[0]["changes"]
        assert ("图形", "<MultiPolygon 100.0 m²>", "<MultiPolygon 200.0 m²>") in shape

        conn.execute(sql.SQL("DELETE FROM {}.parcels WHERE fid = %s").format(sch), (new,))
        events = _wait_events(park)
        assert [(e.op, e.fids) for e in events] == [("delete", (new,))]
        assert feature_history(park, "parcels", new)[0]["operation"] == "delete"
        assert park.count("edit_log") == logged + 4
        # a write that changes nothing leaves no row
        conn.execute(sql.SQL("UPDATE {}.parcels SET name = name WHERE fid = %s").format(sch), (fid,))
        assert park.count("edit_log") == logged + 4
    finally:
        conn.close()


def test_landapps_own_writes_are_logged_once(park):
    fid = park.insert("parcels", {"code": "L1", "status": "待供", "geometry": box(X0, Y0, X0 + 10, Y0 + 10)})
    park.update("parcels", fid, {"name": "自己改"})
    park.insert_many("parcels", [{"code": f"L{i}", "status": "待供",
                                  "geometry": box(X0 + 20 * i, Y0, X0 + 20 * i + 10, Y0 + 10)} for i in range(2, 5)])
    park.delete("parcels", fid)
    rows = park.rows("edit_log")
    assert len(rows) == 6 and {r["session"] for r in rows} == {park.session}
    assert all("其他程序" not in h["user"] for h in feature_history(park, "parcels", fid))


def test_a_role_that_may_only_edit_parcels_is_still_logged(park, pg_cluster):
    """The triggers write the log with the park owner's rights (SECURITY DEFINER): a role
    given UPDATE on parcels alone, not on edit_log, can still edit, and is logged."""
    fid = park.insert("parcels", {"code": "R1", "status": "待供", "geometry": box(X0, Y0, X0 + 10, Y0 + 10)})
    sch = sql.Identifier(park.schema)
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(sch, sql.Identifier(ROLE)))
        admin.execute(sql.SQL("GRANT SELECT, UPDATE ON {}.parcels TO {}").format(sch, sql.Identifier(ROLE)))
    conn, _ = _other_program(pg_cluster, park)
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql.SQL("INSERT INTO {}.edit_log (layer, operation) VALUES ('parcels', 'x')").format(sch))
        conn.execute(sql.SQL("UPDATE {}.parcels SET note = 'psql' WHERE fid = %s").format(sch), (fid,))
    finally:
        conn.close()
    assert [e.op for e in _wait_events(park)] == ["update"]
    assert park.rows("edit_log", F("feature_id") == fid, order_by=F("fid").desc())[0]["user"] == ROLE


def test_older_parks_get_the_triggers_when_their_owner_opens_them(park, pg_cluster, pg_target):
    """A park pushed before the triggers existed: none on its tables and no tracking_version.
    Its owner's next open installs them; a viewer's open leaves it alone without an error."""
    sch = sql.Identifier(park.schema)
    park.close()
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as admin:
        for layer in ("parcels", "buildings", "units"):
            admin.execute(sql.SQL("DROP TRIGGER landapp_track ON {}.{}").format(sch, sql.Identifier(layer)))
        admin.execute(sql.SQL("DELETE FROM {}.landapp_meta WHERE key = 'tracking_version'").format(sch))
    schema = parse_target(pg_target).schema
    with open_project(pg_cluster.socket_uri(user=ROLE, schema=schema)) as editor:  # no TRIGGER right: stays
        assert not editor.read_only

    def triggers():
        with psycopg.connect(pg_cluster.conninfo()) as c:
            return c.execute("SELECT count(*) FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid "
                             "JOIN pg_namespace n ON n.oid = r.relnamespace "
                             "WHERE n.nspname = %s AND t.tgname = 'landapp_track'", (schema,)).fetchone()[0]

    before = triggers()
    with open_project(pg_target):
        assert triggers() == before + 3
    conn = psycopg.connect(pg_cluster.conninfo(user=ROLE), autocommit=True)
    try:
        with open_project(pg_target) as watcher:
            conn.execute(sql.SQL("INSERT INTO {}.parcels (code, status, geom) VALUES ('U', '待供', "
                                 "ST_Multi(ST_MakeEnvelope(%s, %s, %s, %s, %s)))").format(sch),
                         (X0, Y0, X0 + 1, Y0 + 1, watcher.srs_id))
            assert [e.op for e in _wait_events(watcher)] == ["insert"]
    finally:
        conn.close()


def test_push_and_pull_carry_other_programs_log_rows(park, pg_cluster, pg_target, tmp_path):
    """A push copies rows without logging them as someone's edits; a pull keeps the
    other program's rows, and the GeoPackage's history still names them."""
    fid = park.insert("parcels", {"code": "P1", "status": "待供", "geometry": box(X0, Y0, X0 + 10, Y0 + 10)})
    conn, sch = _other_program(pg_cluster, park)
    try:
        conn.execute(sql.SQL("UPDATE {}.parcels SET name = 'QGIS' WHERE fid = %s").format(sch), (fid,))
    finally:
        conn.close()
    out = pull(pg_target, tmp_path / "snap.gpkg")
    with open_project(out) as snap:
        assert ROLE in feature_history(snap, "parcels", fid)[0]["user"]
        n = snap.count("edit_log")
    target2 = pg_target.replace(f"schema={park.schema}", f"schema={park.schema}_2")
    push(out, target2)
    try:
        with open_project(target2) as again:
            assert again.count("edit_log") == n
    finally:
        with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(park.schema + "_2")))


@pytest.mark.slow
def test_qgis_edits_through_its_postgis_provider_reach_the_edit_log(park, pg_cluster, tmp_path, run_qgis):
    """QGIS 3.22 itself (Debian's python3-qgis, a subprocess) opens the parcels layer from
    PostGIS as another role and changes a parcel's name and status in an edit session: the
    open landapp store hears of it and the parcel's history names the role and QGIS."""
    fid = park.insert("parcels", {"code": "QG1", "name": "原名", "status": "待供",
                                  "geometry": box(X0, Y0, X0 + 10, Y0 + 10)})
    uri = (f"host='{pg_cluster.dir}' port={pg_cluster.port} dbname='{pg_cluster.database}' user='{ROLE}' "
           f"key='fid' srid={park.srs_id} type=MultiPolygon table=\"{park.schema}\".\"parcels\" (geom)")
    script = f"""
import json, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
lyr = QgsVectorLayer({uri!r}, "parcels", "postgres")
ok = lyr.isValid() and lyr.startEditing()
f = next(lyr.getFeatures("fid = {fid}"))
ok = ok and lyr.changeAttributeValue(f.id(), lyr.fields().indexOf("name"), "QGIS 里改的")
ok = ok and lyr.changeAttributeValue(f.id(), lyr.fields().indexOf("status"), "在建")
committed = lyr.commitChanges()
print(json.dumps({{"valid": lyr.isValid(), "ok": bool(ok), "committed": committed,
                  "errors": lyr.commitErrors()}}, ensure_ascii=False), flush=True)
os._exit(0)
"""
    got = run_qgis(script, cwd=tmp_path)
    assert got["valid"] and got["ok"] and got["committed"], got
    events = _wait_events(park)
    assert [(e.layer, e.op, e.fids, e.external) for e in events] == [("parcels", "update", (fid,), True)]
    hist = feature_history(park, "parcels", fid)
    assert ROLE in hist[0]["user"] and "其他程序" in hist[0]["user"], hist[0]
    assert "QGIS" in hist[0]["user"]  # QGIS names itself (application_name)
    assert set(hist[0]["changes"]) == {("地块名称", "原名", "QGIS 里改的"), ("状态", "待供", "在建")}
    assert park.get("parcels", fid)["name"] == "QGIS 里改的"
