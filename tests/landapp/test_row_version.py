"""No lost update (issue 16): every row carries a version; an edit applies only if the
version it was read at is current, else its fields are compared with what others wrote.
Each test uses two real connections to one park, on the GeoPackage and on PostGIS."""

from __future__ import annotations

import sqlite3

import pytest
from shapely.geometry import box

from landapp import editing as ed
from landapp import gpkg
from landapp.errors import ConflictError
from landapp.schema import ROW_VERSION, SCHEMA_VERSION, VERSIONED
from landapp.store import open_project

X0, Y0 = 430000.0, 3384000.0


def parcel(code="510112001001GB00001", dx=0.0, w=100.0, **kw):
    return {"code": code, "status": "待供", "land_use": "100101",
            "geometry": box(X0 + dx, Y0, X0 + dx + w, Y0 + 80), **kw}


@pytest.fixture
def two(any_project):
    """Two planners: `any_project` and a second connection to the same park."""
    other = open_project(any_project.path)
    yield any_project, other
    other.close()


def test_every_update_bumps_the_version_and_a_current_version_applies(two):
    me, other = two
    fid = me.insert("parcels", parcel(name="甲"))
    seen = me.get("parcels", fid)
    assert seen[ROW_VERSION] == 1
    me.update("parcels", fid, {"name": "乙"}, expected_version=seen[ROW_VERSION])
    assert other.get("parcels", fid)[ROW_VERSION] == 2
    assert me.update("parcels", fid, {"name": "乙"}) == {}  # nothing written, no new version
    assert me.get("parcels", fid)[ROW_VERSION] == 2
    # a version is not a field: frames, forms and exports do not carry it
    assert ROW_VERSION not in me.read_layer("parcels").columns


def test_same_field_changed_by_both_is_a_conflict_with_theirs_and_mine(two):
    me, other = two
    fid = me.insert("parcels", parcel(name="甲", note="原备注"))
    seen = me.get("parcels", fid)
    other.update("parcels", fid, {"name": "同事的名称"})
    with pytest.raises(ConflictError) as e:
        me.update("parcels", fid, {"name": "我的名称"}, expected={"name": seen["name"]},
                  expected_version=seen[ROW_VERSION])
    assert e.value.conflicts == [{"field": "name", "seen": "甲", "theirs": "同事的名称", "mine": "我的名称"}]
    assert e.value.version == 2 and not e.value.deleted
    assert me.get("parcels", fid)["name"] == "同事的名称"  # nothing overwritten
    # both made the same change: no conflict
    me.update("parcels", fid, {"name": "同事的名称"}, expected={"name": "甲"}, expected_version=seen[ROW_VERSION])
    # a version without the value it was made from cannot tell: a conflict, not a guess
    with pytest.raises(ConflictError):
        me.update("parcels", fid, {"note": "我的备注"}, expected_version=seen[ROW_VERSION])
    assert me.get("parcels", fid)["note"] == "原备注"


def test_different_fields_both_land_without_asking(two):
    me, other = two
    fid = me.insert("parcels", parcel(name="甲", note="原备注"))
    seen = me.get("parcels", fid)
    other.update("parcels", fid, {"note": "同事的备注"})
    other.update("parcels", fid, {"geometry": box(X0, Y0, X0 + 120, Y0 + 80)})
    me.update("parcels", fid, {"name": "我的名称"}, expected={"name": seen["name"]},
              expected_version=seen[ROW_VERSION])
    rec = other.get("parcels", fid)
    assert (rec["name"], rec["note"], rec["area_m2"]) == ("我的名称", "同事的备注", pytest.approx(9600.0))
    assert rec[ROW_VERSION] == 4


def test_both_reshaping_one_parcel_is_a_conflict_of_shapes(two):
    me, other = two
    fid = me.insert("parcels", parcel())
    seen = me.get("parcels", fid)
    theirs, mine = box(X0, Y0, X0 + 130, Y0 + 80), box(X0 - 20, Y0, X0 + 100, Y0 + 80)
    other.update("parcels", fid, {"geometry": theirs, "name": "同事的名称"})
    with pytest.raises(ConflictError) as e:
        me.update("parcels", fid, {"geometry": mine, "name": "同事的名称"},
                  expected={"geometry": seen["geometry"], "name": seen["name"]},
                  expected_version=seen[ROW_VERSION])
    (c,) = e.value.conflicts  # the name: both the same, no question
    assert c["field"] == "geometry" and c["seen"].equals(seen["geometry"])
    assert c["theirs"].equals(theirs) and c["mine"].equals(mine)
    assert me.get("parcels", fid)["geometry"].equals(theirs)
    # resolved as "take mine": made from theirs at the version the conflict reported
    me.update("parcels", fid, {"geometry": mine}, expected={"geometry": c["theirs"]}, expected_version=e.value.version)
    assert other.get("parcels", fid)["area_m2"] == pytest.approx(9600.0)


def test_a_feature_deleted_meanwhile_is_a_clear_conflict(two):
    me, other = two
    fid = me.insert("parcels", parcel())
    seen = me.get("parcels", fid)
    other.delete("parcels", fid)
    with pytest.raises(ConflictError) as e:
        me.update("parcels", fid, {"name": "我的"}, expected_version=seen[ROW_VERSION])
    assert e.value.deleted and "删除" in str(e.value)


def test_delete_of_a_changed_row_and_put_back_rows_get_a_new_version(two):
    me, other = two
    fid = me.insert("parcels", parcel(name="甲"))
    other.update("parcels", fid, {"name": "乙"})
    with pytest.raises(ConflictError):
        me.delete("parcels", fid, expected_version=1)
    rec = me.delete("parcels", fid, expected_version=2)
    me.insert("parcels", rec, fid=fid)  # undo of the delete
    # an edit read before the delete (version 2) is checked, not taken as current
    assert other.get("parcels", fid)[ROW_VERSION] == 3


def test_undo_and_redo_use_the_same_check(two):
    me, other = two
    fid = me.insert("parcels", parcel(name="甲", note="原备注"))
    upd = ed.UpdateAttributes("parcels", fid, {"name": "我的名称"}, old={"name": "甲"},
                              version=me.get("parcels", fid)[ROW_VERSION])
    upd.apply(me)
    # someone changes another field: my undo lands and keeps their change
    other.update("parcels", fid, {"note": "同事的备注"})
    upd.revert(me)
    rec = me.get("parcels", fid)
    assert (rec["name"], rec["note"]) == ("甲", "同事的备注")
    # redo after someone changed the same field: refused, their value stands
    other.update("parcels", fid, {"name": "同事的名称"})
    with pytest.raises(ConflictError) as e:
        upd.apply(me)
    assert e.value.conflicts[0]["theirs"] == "同事的名称"
    assert me.get("parcels", fid)["name"] == "同事的名称"
    # an added feature someone edited is not deleted by my undo
    add = ed.AddFeature("parcels", parcel("510112001001GB00002", dx=300))
    add.apply(me)
    other.update("parcels", add.fid, {"name": "同事起的名"})
    with pytest.raises(ConflictError):
        add.revert(me)
    assert me.get("parcels", add.fid)["name"] == "同事起的名"


def _raw_update(store, sql_text: str, params) -> None:
    """A write by "another program": plain SQL that knows nothing of row_version."""
    if store.path.endswith(".gpkg"):
        conn = sqlite3.connect(store.path)
        gpkg.register_functions(conn)  # as QGIS/GDAL have them (their R-tree triggers call them)
        with conn:
            conn.execute(sql_text.replace("%s", "?"), params)
        conn.close()
    else:
        from landapp.store.pg_connect import connect
        from landapp.store.target import parse_target

        t = parse_target(store.path)
        conn = connect(t)  # psql or QGIS: a connection of its own
        try:
            conn.execute(f'SET search_path TO "{t.schema}", public')
            conn.execute(sql_text, params)
            conn.commit()
        finally:
            conn.close()


def test_a_write_by_another_program_bumps_the_version(two):
    me, other = two
    fid = me.insert("parcels", parcel(name="甲"))
    seen = me.get("parcels", fid)
    _raw_update(me, "UPDATE parcels SET name = %s WHERE fid = %s", ("QGIS改的", fid))
    assert me.get("parcels", fid)[ROW_VERSION] == 2 and other.get("parcels", fid)["name"] == "QGIS改的"
    # and a stale version written back (a tool saving a whole old row) still moves it on
    _raw_update(me, "UPDATE parcels SET name = %s, row_version = 1 WHERE fid = %s", ("又改", fid))
    assert me.get("parcels", fid)[ROW_VERSION] == 3
    with pytest.raises(ConflictError):
        me.update("parcels", fid, {"name": "我的"}, expected={"name": seen["name"]},
                  expected_version=seen[ROW_VERSION])


def test_every_edited_table_has_a_version(any_project):
    s = any_project
    fid = s.insert("zones", {"name": "片区一", "kind": "片区", "geometry": box(X0, Y0, X0 + 500, Y0 + 500)})
    s.update("zones", fid, {"name": "片区二"})
    assert s.get("zones", fid)[ROW_VERSION] == 2
    assert {"parcels", "buildings", "zones", "roads", "floors", "units", "enterprises", "leases",
            "revitalisation_cases"} <= set(VERSIONED)
    assert "edit_log" not in VERSIONED


def _as_schema_4(path: str) -> None:
    """Turn a schema-5 file back into what schema 4 wrote: no row_version columns, their
    triggers and the parcels index gone, change triggers without the version clause."""
    conn = sqlite3.connect(path, isolation_level=None)
    gpkg.register_functions(conn)
    conn.execute("BEGIN")
    for name, in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                              "(name LIKE 'landapp\\_%\\_row_version' ESCAPE '\\' OR name LIKE 'landapp_changes_%')"
                              ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("DROP INDEX IF EXISTS idx_parcels_retired_status_area")
    conn.execute("DROP INDEX IF EXISTS idx_buildings_retired_btype_zone")
    for name in VERSIONED:
        conn.execute(f'ALTER TABLE "{name}" DROP COLUMN {ROW_VERSION}')
    for name in VERSIONED:  # schema 4's change triggers
        for op, row in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")):
            conn.execute(f'CREATE TRIGGER "landapp_changes_{name}_{op}" AFTER {op.upper()} ON "{name}" '
                         f"BEGIN INSERT INTO landapp_changes (layer, feature_id, operation) "
                         f"VALUES ('{name}', {row}.fid, '{op}'); END")
    conn.execute("UPDATE landapp_meta SET value = '4' WHERE key = 'schema_version'")
    conn.execute("COMMIT")
    conn.close()


def test_a_schema_4_file_is_upgraded_keeping_its_data(tmp_path):
    from landapp.store import create_project

    path = str(tmp_path / "old.gpkg")
    s = create_project(path, "旧园区")
    fids = [s.insert("parcels", parcel(f"510112001001GB0000{i}", dx=200 * i, name=f"地块{i}")) for i in range(3)]
    s.update("parcels", fids[0], {"note": "改过"})
    s.close()
    _as_schema_4(path)
    conn = sqlite3.connect(path)
    assert ROW_VERSION not in {r[1] for r in conn.execute("PRAGMA table_info(parcels)")}
    conn.close()
    s = open_project(path)
    try:
        assert s.get_setting("name") == "旧园区" and s.count("parcels") == 3
        recs = [s.get("parcels", f) for f in fids]
        assert [r["name"] for r in recs] == ["地块0", "地块1", "地块2"] and recs[0]["note"] == "改过"
        assert all(r[ROW_VERSION] == 1 for r in recs)
        s.update("parcels", fids[1], {"name": "新名"})
        assert s.get("parcels", fids[1])[ROW_VERSION] == 2
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT value FROM landapp_meta WHERE key = 'schema_version'").fetchone()[0] == \
            str(SCHEMA_VERSION)
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('idx_parcels_retired_status_area', "
                            "'idx_buildings_retired_btype_zone')").fetchone()[0] == 2
        conn.close()
        # the upgraded change triggers record another program's write once
        before = s.poll_external_changes()
        _raw_update(s, "UPDATE parcels SET name = %s WHERE fid = %s", ("QGIS改的", fids[2]))
        events = s.poll_external_changes()
        assert [(e.op, e.fids) for e in events] == [("update", (fids[2],))], (before, events)
        assert s.get("parcels", fids[2])[ROW_VERSION] == 2
    finally:
        s.close()


def test_a_schema_4_park_on_postgis_is_upgraded_keeping_its_data(pg_target):
    from landapp.store import create_project
    from landapp.store.pg_connect import connect
    from landapp.store.target import parse_target

    s = create_project(pg_target, "旧园区")
    fid = s.insert("parcels", parcel(name="地块"))
    s.close()
    schema = parse_target(pg_target).schema
    conn = connect(parse_target(pg_target))
    for name in VERSIONED:  # what schema 4 made
        conn.execute(f'ALTER TABLE "{schema}"."{name}" DROP COLUMN {ROW_VERSION} CASCADE')
        conn.execute(f'DROP TRIGGER IF EXISTS "landapp_{name}_row_version" ON "{schema}"."{name}"')
    conn.execute(f'DROP INDEX "{schema}".idx_parcels_retired_status_area')
    conn.execute(f"UPDATE \"{schema}\".landapp_meta SET value = '4' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    s = open_project(pg_target)
    try:
        rec = s.get("parcels", fid)
        assert rec["name"] == "地块" and rec[ROW_VERSION] == 1
        _raw_update(s, "UPDATE parcels SET name = %s WHERE fid = %s", ("psql改的", fid))
        assert s.get("parcels", fid)[ROW_VERSION] == 2
    finally:
        s.close()


def test_undoing_a_split_keeps_a_part_someone_edited_but_not_my_own_undone_edits(two):
    from shapely.geometry import LineString

    me, other = two
    fid = me.insert("parcels", parcel(w=200))
    sp = ed.SplitFeature("parcels", fid, LineString([(X0 + 100, Y0 - 10), (X0 + 100, Y0 + 90)]))
    sp.apply(me)
    # my own later edit of a part, undone: the part's version moved, its values did not
    upd = ed.UpdateAttributes("parcels", sp.child_fids[0], {"name": "我的"})
    upd.apply(me)
    upd.revert(me)
    sp.revert(me)
    assert me.count("parcels") == 1 and not me.get("parcels", fid)["retired"]
    sp.apply(me)  # redo
    other.update("parcels", sp.child_fids[0], {"name": "同事命名"})
    with pytest.raises(ConflictError):
        sp.revert(me)
    assert me.get("parcels", sp.child_fids[0])["name"] == "同事命名" and me.get("parcels", fid)["retired"]
