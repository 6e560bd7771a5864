"""The QGIS styles and project of a park on PostGIS (issue 15 item 1): written when the park
is created in the database, pushed there (`landapp db push`) or when a setting they are made
from changes; QGIS 3.22 (Debian's python3-qgis, a subprocess) opens the project stored in
the park's schema and draws the parcels with landapp's style. Also the 'refresh' on a
GeoPackage: the label field chosen for parcels ends up in the default QML."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from landapp.store.filters import F
from tests.conftest import DEMO

SUPERUSER_PW = "landapp-test-superuser"  # landapp.store.pgcluster's initdb --pwfile


def _styles(store, table):
    from landapp.qgis_tables import read_styles

    return [r for r in read_styles(store) if r["f_table_name"] == table]


def _label_fields(qml: str) -> list[str]:
    return re.findall(r'fieldName="([^"]*)"', qml)


def test_park_created_on_postgis_has_styles_and_project_without_password(pg_cluster, pg_schema_name, pg_target):
    import psycopg

    from landapp.qgis_tables import read_project
    from landapp.store import create_project

    target = pg_cluster.uri(schema=pg_schema_name, password=SUPERUSER_PW)  # over TCP, password in the URI
    with create_project(target, "测试园区") as store:
        from landapp.qgis_tables import read_styles

        n_styles = len(read_styles(store))
        parcels = _styles(store, "parcels")
        assert parcels and sum(bool(r["useAsDefault"]) for r in parcels) == 1
        assert [r["styleName"] for r in parcels if r["useAsDefault"]] == ["按状态"]
        xml = read_project(store, "landapp")
    assert xml is not None and SUPERUSER_PW not in xml and "password" not in xml
    assert f'table="{pg_schema_name}"."parcels" (geom)' in xml
    assert "host='127.0.0.1'" in xml and f"port='{pg_cluster.port}'" in xml and "user='postgres'" in xml
    with psycopg.connect(pg_cluster.conninfo()) as conn:  # the table as QGIS's project storage has it
        cols = conn.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s "
                            "AND table_name = 'qgis_projects' ORDER BY ordinal_position", (pg_schema_name,)).fetchall()
        assert cols == [("name", "text"), ("metadata", "jsonb"), ("content", "bytea")]
        meta = conn.execute(f'SELECT metadata FROM "{pg_schema_name}".qgis_projects').fetchone()[0]
        assert set(meta) == {"last_modified_time", "last_modified_user"}
        n = conn.execute("SELECT count(*) FROM public.layer_styles WHERE f_table_schema = %s",
                         (pg_schema_name,)).fetchone()[0]
        assert n == n_styles >= 10


def test_label_setting_rewrites_styles_on_postgis(pg_target):
    from landapp.qgis_tables import read_project
    from landapp.store import create_project

    with create_project(pg_target, "测试园区") as store:
        before = {r["styleName"]: r["styleQML"] for r in _styles(store, "buildings")}
        store.set_setting("label_fields", json.dumps({"parcels": "area_mu"}))
        qml = next(r["styleQML"] for r in _styles(store, "parcels") if r["useAsDefault"])
        assert any("area_mu" in f for f in _label_fields(qml))
        assert "area_mu" in read_project(store, "landapp")
        after = {r["styleName"]: r["styleQML"] for r in _styles(store, "buildings")}
        assert after == before  # other layers' styles left alone


def test_label_field_change_rewrites_default_qml(demo_project):
    """Choosing another label field for parcels (layers.labels saves 'label_fields') changes
    the label expression of the parcels' default QML and of the stored project."""
    from landapp.qgis_tables import read_project

    store = demo_project
    default = lambda: next(r["styleQML"] for r in _styles(store, "parcels") if r["useAsDefault"])
    assert any("land_use" in f for f in _label_fields(default()))  # the fraction
    n_buildings = len(_styles(store, "buildings"))
    store.set_setting("label_fields", json.dumps({"parcels": "name"}))
    assert _label_fields(default()) == ["&quot;name&quot;"]
    project = read_project(store, "landapp")
    parcels_layer = project[project.index("<id>parcels_landapp</id>"):]
    assert _label_fields(parcels_layer)[0] == "&quot;name&quot;"
    assert len(_styles(store, "buildings")) == n_buildings
    store.set_setting("label_fields", json.dumps({"parcels": "none"}))
    assert _label_fields(default()) == []
    store.set_setting("label_fields", json.dumps({}))
    assert any("land_use" in f for f in _label_fields(default()))

    def retired():
        x = read_project(store, "landapp")
        start = x.index("<id>retired_parcels_landapp</id>")
        return x[start:x.index("</maplayer>", start)]
    assert _label_fields(retired()) == ["&quot;code&quot;"]
    store.set_setting("label_fields", json.dumps({"retired_parcels": "none"}))
    assert _label_fields(retired()) == []


def test_evaluation_scheme_and_raster_setting_refresh(demo_project):
    from landapp.evaluation import load_config, save_config
    from landapp.qgis_tables import read_project

    store = demo_project
    per_mu = lambda: [r["styleQML"] for r in _styles(store, "parcels") if "亩均" in r["styleName"]]
    before = per_mu()
    assert before
    other = "zhejiang" if load_config(store) != save_config.__globals__["PRESETS"]["zhejiang"] else "sichuan"
    save_config(store, other)
    assert per_mu() != before  # the per-mu classes of the other scheme
    assert store.get_setting("basemap_raster")
    assert "park_map_landapp" in read_project(store, "landapp")
    store.set_setting("basemap_raster", None)
    assert "park_map_landapp" not in read_project(store, "landapp")


@pytest.mark.slow
def test_qgis_opens_pushed_park_from_postgres(pg_cluster, pg_schema_name, pg_target, tmp_path, run_qgis, pg_service):
    """`landapp db push` of the demo into a schema reached through a pg_service.conf entry:
    QGIS 3.22 lists and reads the project stored in the schema, and its parcels layer loads
    valid from PostGIS with landapp's categorized status style and the alias 地块编号."""
    from landapp.store.transfer import push

    pg_service("landapp_qgis")
    shutil.copy(DEMO, tmp_path / "demo.gpkg")
    push(str(tmp_path / "demo.gpkg"), f"service=landapp_qgis schema={pg_schema_name}")

    script = f"""
import json, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], False); app.initQgis()
uri = "postgresql:?service=landapp_qgis&schema={pg_schema_name}&project=landapp"
storage = QgsApplication.projectStorageRegistry().projectStorageFromType("postgresql")
listed = storage.listProjects("postgresql:?service=landapp_qgis&schema={pg_schema_name}")
p = QgsProject.instance()
ok = p.read(uri)
lyr = p.mapLayer("parcels_landapp")
r = lyr.renderer() if lyr else None
print(json.dumps({{"listed": list(listed), "read": ok, "valid": bool(lyr and lyr.isValid()),
                  "provider": lyr.providerType() if lyr else None,
                  "count": lyr.featureCount() if lyr else None, "renderer": r.type() if r else None,
                  "attr": getattr(r, "classAttribute", lambda: None)(),
                  "categories": len(r.categories()) if hasattr(r, "categories") else 0,
                  "alias": lyr.attributeAlias(lyr.fields().indexOf("code")) if lyr else None,
                  "labels": lyr.labelsEnabled() if lyr else None,
                  "invalid": [l.name() for l in p.mapLayers().values() if not l.isValid()]}},
                 ensure_ascii=False), flush=True)
os._exit(0)
"""
    got = run_qgis(script)
    print(got)
    from landapp.store import open_project

    with open_project(pg_target) as store:
        current = store.count("parcels", (F("retired") == 0) | F("retired").is_null())
    assert got["listed"] == ["landapp"] and got["read"], got
    assert got["valid"] and got["provider"] == "postgres" and got["count"] == current, got
    assert got["renderer"] == "categorizedSymbol" and got["attr"] == "status" and got["categories"] >= 4, got
    assert got["alias"] == "地块编号" and got["labels"], got
    assert got["invalid"] == [], got


def test_qgis_command_on_postgis_never_prints_the_password(pg_cluster, pg_schema_name, pg_target, capsys):
    from landapp.cli import main
    from landapp.store import create_project

    target = pg_cluster.uri(schema=pg_schema_name, password=SUPERUSER_PW)
    create_project(target, "测试园区").close()
    assert main(["qgis", target]) == 0
    out = capsys.readouterr().out
    assert "landapp" in out and pg_schema_name in out and SUPERUSER_PW not in out


def test_upgraded_postgis_park_gets_its_styles_back(pg_target):
    import psycopg

    from landapp.qgis_tables import read_project, read_styles
    from landapp.schema import SCHEMA_VERSION
    from landapp.store import create_project, open_project

    with create_project(pg_target, "测试园区") as store:
        schema, n = store.schema, len(read_styles(store))
        conninfo = {k: v for k, v in store.target.params.items()}
    with psycopg.connect(**conninfo, autocommit=True) as conn:  # an older park, without QGIS tables
        conn.execute("DELETE FROM public.layer_styles WHERE f_table_schema = %s", (schema,))
        conn.execute(f'DROP TABLE "{schema}".qgis_projects')
        conn.execute(f"UPDATE \"{schema}\".landapp_meta SET value = %s WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION - 1),))
    with open_project(pg_target) as store:
        assert len(read_styles(store)) == n > 0
        assert read_project(store, "landapp") is not None
    with open_project(pg_target) as store:  # opening an up-to-date park writes nothing
        assert len(read_styles(store)) == n


def test_pulled_geopackage_has_a_project_naming_itself(pg_target, tmp_path):
    """`landapp db pull` writes a temporary file and renames it: the QGIS project inside must
    name the final file (QGIS resolves './NAME.gpkg' beside the project's GeoPackage)."""
    from landapp.qgis_tables import read_project, read_styles
    from landapp.store import open_project
    from landapp.store.transfer import pull, push

    shutil.copy(DEMO, tmp_path / "demo.gpkg")
    push(str(tmp_path / "demo.gpkg"), pg_target)
    out = pull(pg_target, str(tmp_path / "拉取.gpkg"))
    with open_project(out) as store:
        xml = read_project(store, "landapp")
        assert "./拉取.gpkg|layername=parcels" in xml and ".pull-" not in xml
        assert any("闲置" in r["styleName"] for r in read_styles(store) if r["f_table_name"] == "parcels")
