"""The QGIS styles on PostGIS: landapp's QML in QGIS's public.layer_styles for the park's
schema, and QGIS 3.22 (Debian's python3-qgis, a subprocess) loading a PostGIS parcels layer
with landapp's default style and the Chinese aliases. A throwaway PostgreSQL cluster made
with initdb as the postgres user (initdb refuses root)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = _free_port()


def _bindir():
    import glob

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


@pytest.fixture(scope="module")
def cluster():
    psycopg = pytest.importorskip("psycopg")
    bindir = _bindir()
    if bindir is None or shutil.which("runuser") is None:
        pytest.skip("PostgreSQL server binaries (Debian: postgresql, postgis) or runuser missing")
    base = tempfile.mkdtemp(prefix="landapp-qgis-pg-", dir="/tmp")
    os.chmod(base, 0o777)
    data = os.path.join(base, "data")
    run = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*run, os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres", "-A", "trust"],
                   check=True, capture_output=True)
    subprocess.run([*run, os.path.join(bindir, "pg_ctl"), "-D", data, "-w", "-l", os.path.join(base, "log"),
                    "-o", f"-p {PORT} -k {base} -c listen_addresses=''", "start"], check=True, capture_output=True)
    try:
        conn = psycopg.connect(host=base, port=PORT, user="postgres", dbname="postgres", autocommit=True)
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.Error as e:
            pytest.skip(f"PostGIS is not installed for this PostgreSQL: {e}")
        yield conn, base
        conn.close()
    finally:
        subprocess.run([*run, os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "fast", "stop"], capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)


def test_styles_in_public_layer_styles_load_in_qgis(cluster, tmp_path, run_qgis):
    from landapp.qgis_tables import write_styles_postgres
    from landapp.store import open_project
    from layers.qgis_styles import layer_styles

    conn, host = cluster
    shutil.copy(os.path.join(ROOT, "data", "demo_park.gpkg"), tmp_path / "p.gpkg")
    with open_project(tmp_path / "p.gpkg") as store:
        styles = [s for s in layer_styles(store) if s.table == "parcels"]
        gdf = store.read_layer("parcels", columns=["code", "status", "land_use"]).head(40)
    conn.execute("CREATE SCHEMA park")
    conn.execute("CREATE TABLE park.parcels (fid serial PRIMARY KEY, geom geometry(MultiPolygon, 4544), "
                 "code text, status text, land_use text)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO park.parcels (geom, code, status, land_use) "
                        "VALUES (ST_GeomFromWKB(%s, 4544), %s, %s, %s)",
                        [(g.wkb, c, s, u) for g, c, s, u in zip(gdf.geometry, gdf["code"], gdf["status"], gdf["land_use"])])
    assert write_styles_postgres(conn, "park", styles) == len(styles)
    assert write_styles_postgres(conn, "park", styles) == len(styles)  # replaced, not added
    n = conn.execute("SELECT count(*) FROM public.layer_styles WHERE f_table_schema = 'park'").fetchone()[0]
    assert n == len(styles)

    uri = (f"host={host} port={PORT} dbname=postgres user=postgres key='fid' srid=4544 type=MultiPolygon "
           'table="park"."parcels" (geom)')
    script = f"""
import json, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
uri = {uri!r}
lyr = QgsVectorLayer(uri, "parcels", "postgres")
r = lyr.renderer()
n, ids, names, descs, err = lyr.listStylesInDatabase()
print(json.dumps({{"valid": lyr.isValid(), "count": lyr.featureCount(), "renderer": r.type(),
                  "attr": getattr(r, "classAttribute", lambda: None)(),
                  "alias": lyr.attributeAlias(lyr.fields().indexOf("code")), "styles": list(names)[:n]}},
                 ensure_ascii=False), flush=True)
os._exit(0)
"""
    got = run_qgis(script, timeout=300)
    assert got["valid"] and got["count"] == 40
    assert got["renderer"] == "categorizedSymbol" and got["attr"] == "status"
    assert got["alias"] == "地块编号"
    assert got["styles"][0] == "按状态" and "按用地性质" in got["styles"]
