"""db push and db pull carry what QGIS users saved in the park, not only landapp's own
styles and project: their styles (another name, or landapp's style with a modified QML),
which style is a layer's default, and their projects, with the park's datasources pointed at
the copy and no password left anywhere."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from psycopg import sql

from landapp import qgis_tables
from landapp.store import open_project
from landapp.store.filters import F
from landapp.store.target import parse_target
from landapp.store.transfer import pull, push

SECRET = "s3cret-pw"
SUBSET = "\"status\" = '待供'"


def _qgs(parcels_source: str, provider: str) -> str:
    other = f"dbname='other' host=db.example port=5432 user='bob' password='{SECRET}' key='id' table=\"x\".\"roads\""
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            "<qgis version=\"3.22.0\" projectname=\"我的工程\"><layer-tree-group>"
            f"<layer-tree-layer id=\"p1\" name=\"地块\" source=\"{_attr(parcels_source)}\" providerKey=\"{provider}\"/>"
            f"<layer-tree-layer id=\"o1\" name=\"别处\" source=\"{_attr(other)}\" providerKey=\"postgres\"/>"
            "<layer-tree-layer id=\"m1\" name=\"我的点\" source=\"./demo_park.gpkg|layername=my_points\" "
            "providerKey=\"ogr\"/>"
            "</layer-tree-group><projectlayers>"
            f"<maplayer type=\"vector\"><id>p1</id><layername>地块</layername><datasource>{_text(parcels_source)}</datasource>"
            f"<provider encoding=\"UTF-8\">{provider}</provider></maplayer>"
            f"<maplayer type=\"vector\"><id>o1</id><datasource>{_text(other)}</datasource>"
            "<provider encoding=\"UTF-8\">postgres</provider></maplayer>"
            "<maplayer type=\"vector\"><id>m1</id><datasource>./demo_park.gpkg|layername=my_points</datasource>"
            "<provider encoding=\"UTF-8\">ogr</provider></maplayer>"
            "</projectlayers></qgis>")


def _attr(v: str) -> str:
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _text(v: str) -> str:
    return v.replace("&", "&amp;").replace("<", "&lt;")


def _layers(qgs: str) -> dict[str, tuple[str, str]]:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(qgs[qgs.find("<qgis"):])
    out = {ml.findtext("id"): (ml.findtext("provider"), ml.findtext("datasource")) for ml in root.iter("maplayer")}
    for node in root.iter("layer-tree-layer"):
        assert (node.get("providerKey"), node.get("source")) == out[node.get("id")]
    return out


def _body(qml: str) -> str:
    return qml[qml.find("<qgis"):].strip()


def test_users_styles_and_projects_survive_push_and_pull(demo_project, pg_cluster, pg_target, tmp_path):
    path = demo_project.path
    conn = demo_project._conn
    landuse_qml = conn.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'parcels' "
                               "AND styleName = '按用地性质'").fetchone()[0]
    default_qml = conn.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'parcels' "
                               "AND useAsDefault = 1").fetchone()[0]
    mine = default_qml.replace('hasScaleBasedVisibilityFlag="0"', 'hasScaleBasedVisibilityFlag="1" minScale="5000"', 1)
    modified = landuse_qml.replace("</qgis>", "<layerOpacity>0.5</layerOpacity></qgis>")
    assert mine != default_qml and modified != landuse_qml
    with demo_project.transaction():  # as QGIS saves them: another owner, its own description
        conn.execute("UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = 'parcels'")
        conn.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                     "styleName, styleQML, styleSLD, useAsDefault, description, owner) "
                     "VALUES ('', '', 'parcels', 'geom', '我的样式', ?, '', 1, '规划科用', '')", (mine,))
        conn.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                     "styleName, styleQML, styleSLD, useAsDefault, description, owner) "
                     "VALUES ('', '', 'buildings', 'geom', '坏样式', '<qgis><unclosed></qgis>', '', 0, '', '')")
        conn.execute("UPDATE layer_styles SET styleQML = ? WHERE f_table_name = 'parcels' AND styleName = '按用地性质'",
                     (modified,))
        conn.execute("INSERT INTO qgis_projects (name, metadata, content) VALUES ('规划科', '{}', ?)",
                     (qgis_tables.qgz_bytes(_qgs(f"./demo_park.gpkg|layername=parcels|subset={SUBSET}", "ogr"),
                                            "规划科").hex(),))
    demo_project.close()

    push(path, pg_target)
    schema = parse_target(pg_target).schema
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as pg:
        rows = pg.execute("SELECT stylename, styleqml::text, useasdefault, description FROM public.layer_styles "
                          "WHERE f_table_schema = %s AND f_table_name = 'parcels'", (schema,)).fetchall()
        by_name = {r[0]: r for r in rows}
        assert _body(by_name["我的样式"][1]) == _body(mine) and by_name["我的样式"][3] == "规划科用"
        assert [r[0] for r in rows if r[2]] == ["我的样式"]  # still the layer's default
        assert _body(by_name["按用地性质"][1]) == _body(modified)
        assert "按状态" in by_name  # landapp's own stay
        # a style PostgreSQL's xml type refuses (not well-formed) stays behind alone
        assert not pg.execute("SELECT 1 FROM public.layer_styles WHERE f_table_schema = %s AND stylename = '坏样式'",
                              (schema,)).fetchone()
        projects = dict(pg.execute(sql.SQL("SELECT name, content FROM {}.qgis_projects").format(
            sql.Identifier(schema))).fetchall())
    assert set(projects) == {"landapp", "规划科"}
    with open_project(pg_target) as db:
        qgs = qgis_tables.read_project(db, "规划科")
        assert qgis_tables.read_project(db, "landapp")
    layers = _layers(qgs)
    provider, source = layers["p1"]
    assert provider == "postgres" and f'table="{schema}"."parcels" (geom)' in source
    assert source.endswith(f"sql={SUBSET}") and f"port='{pg_cluster.port}'" in source
    assert layers["o1"][0] == "postgres" and "table=\"x\".\"roads\"" in layers["o1"][1]
    assert SECRET not in qgs and "password" not in qgs
    # a layer of the user's own in the file (not pushed) stays reachable: the file by its full path
    assert layers["m1"] == ("ogr", f"{tmp_path / 'demo_park.gpkg'}|layername=my_points")

    out = pull(pg_target, tmp_path / "snap.gpkg")
    con = sqlite3.connect(out)
    try:
        rows = con.execute("SELECT styleName, styleQML, useAsDefault, owner FROM layer_styles "
                           "WHERE f_table_name = 'parcels'").fetchall()
        by_name = {r[0]: r for r in rows}
        assert _body(by_name["我的样式"][1]) == _body(mine) and by_name["我的样式"][3] != "landapp"
        assert [r[0] for r in rows if r[2]] == ["我的样式"]
        assert _body(by_name["按用地性质"][1]) == _body(modified) and by_name["按用地性质"][3] == "landapp"
        names = [r[0] for r in con.execute("SELECT name FROM qgis_projects ORDER BY name")]
    finally:
        con.close()
    assert sorted(names) == ["landapp", "规划科"]
    with open_project(out) as snap:
        qgs = qgis_tables.read_project(snap, "规划科")
    layers = _layers(qgs)
    assert layers["p1"] == ("ogr", f"./snap.gpkg|layername=parcels|subset={SUBSET}")
    assert SECRET not in qgs and layers["o1"][0] == "postgres"


def test_without_password():
    assert qgis_tables.without_password("dbname='x' password='a b\\'c' user=u") == "dbname='x' user=u"
    assert qgis_tables.without_password("host=h password=abc") == "host=h"
    assert qgis_tables.without_password("postgresql://u:pw@h/db") == "postgresql://u@h/db"


@pytest.mark.slow
def test_qgis_opens_a_users_pushed_project_from_the_database(demo_project, pg_cluster, pg_schema_name, tmp_path,
                                                             run_qgis, pg_service):
    """A project a QGIS user saved in the GeoPackage (its parcels layer from the file, with a
    filter) is pushed; QGIS 3.22 (Debian's python3-qgis, a subprocess) reads it from the
    schema and its parcels layer loads from PostGIS with the filter kept."""
    pg_service("landapp_carry")
    path = demo_project.path
    waiting = demo_project.count("parcels", F("status") == "待供")
    with demo_project.transaction():
        demo_project._conn.execute(
            "INSERT INTO qgis_projects (name, metadata, content) VALUES ('规划科', '{}', ?)",
            (qgis_tables.qgz_bytes(_qgs(f"./demo_park.gpkg|layername=parcels|subset={SUBSET}", "ogr"),
                                   "规划科").hex(),))
    demo_project.close()
    target = f"service=landapp_carry schema={pg_schema_name}"
    push(path, target)
    try:
        script = f"""
import json, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], False); app.initQgis()
p = QgsProject.instance()
ok = p.read("postgresql:?service=landapp_carry&schema={pg_schema_name}&project=规划科")
lyr = (p.mapLayersByName("地块") or [None])[0]
print(json.dumps({{"read": ok, "valid": bool(lyr and lyr.isValid()),
                  "provider": lyr.providerType() if lyr else None,
                  "count": lyr.featureCount() if lyr else None, "layers": [(l.name(), l.providerType(), l.source()) for l in p.mapLayers().values()]}}), flush=True)
os._exit(0)
"""
        got = run_qgis(script, cwd=tmp_path)
        assert {k: got[k] for k in ("read", "valid", "provider", "count")} == {
            "read": True, "valid": True, "provider": "postgres", "count": waiting}, got
        assert not any("password" in src for _, _, src in got["layers"]), got
    finally:
        with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as pg:
            pg.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(pg_schema_name)))
