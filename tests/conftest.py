"""Shared fixtures. Qt runs offscreen in tests; no display is needed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANDAPP_LANG", "zh")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "data", "demo_park.gpkg")


@pytest.fixture
def empty_project(tmp_path):
    from landapp.store import create_project

    store = create_project(tmp_path / "empty.gpkg", "测试园区")
    yield store
    store.close()


@pytest.fixture(scope="session")
def _demo_copy_source(tmp_path_factory):
    """The committed demo park, or a freshly generated one if it is missing."""
    if os.path.exists(DEMO):
        return DEMO
    from landapp.demo import build_demo_park

    path = tmp_path_factory.mktemp("demo") / "demo_park.gpkg"
    build_demo_park(path)
    return str(path)


@pytest.fixture
def demo_project(tmp_path, _demo_copy_source):
    """A writable copy of the demo park (成都经开区 sample)."""
    from landapp.store import open_project

    dst = tmp_path / "demo_park.gpkg"
    shutil.copy(_demo_copy_source, dst)
    stem = os.path.splitext(_demo_copy_source)[0]
    for ext in ("_map.png", "_map.pgw", "_map.png.aux.xml"):  # the park map raster
        if os.path.exists(stem + ext):
            shutil.copy(stem + ext, tmp_path / f"demo_park{ext}")
    store = open_project(dst)
    yield store
    store.close()


GOOD_OLD = b"GOOD OLD FILE\n"


@pytest.fixture
def full_disk(tmp_path):
    """A 256 KiB tmpfs, mounted for the test and unmounted after. `full_disk(*names)` puts
    a good old file (GOOD_OLD) under each name, fills the rest of the disk to the last
    block and returns the folder: every write there then fails with ENOSPC. Skips with the
    reason where mounting is not permitted (not root, a container without CAP_SYS_ADMIN);
    the tests that simulate ENOSPC by monkeypatching still run there."""
    import subprocess

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "full"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip() or r.returncode}")

    def fill(*names):
        for name in names:
            (mnt / name).write_bytes(GOOD_OLD)
        with open(mnt / "filler", "ab", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError:
                pass
        return mnt

    try:
        yield fill
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


# ---- PostgreSQL/PostGIS: one throwaway cluster for the whole run ------------------------

@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL + PostGIS cluster this test run made (initdb in a temporary folder, a
    free port, the socket in that folder), stopped and removed at the end. Tests that need
    it are skipped, with the reason, only when the server binaries or psycopg are missing."""
    from landapp.store.pgcluster import ThrowawayCluster, missing_reason

    reason = missing_reason()
    if reason:
        pytest.skip(f"no PostgreSQL/PostGIS for the test cluster: {reason}")
    with ThrowawayCluster() as cluster:
        yield cluster


@pytest.fixture
def pg_schema_name(request):
    """A fresh schema name per test (dropped afterwards by pg_target's users)."""
    import re
    import uuid

    base = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40]
    return f"t_{base}_{uuid.uuid4().hex[:6]}"


@pytest.fixture
def pg_target(pg_cluster, pg_schema_name):
    """A database target (URI through the cluster's socket) for a park not created yet; the
    schema is dropped after the test."""
    yield pg_cluster.socket_uri(schema=pg_schema_name)
    import psycopg

    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{pg_schema_name}" CASCADE')


@pytest.fixture(params=["gpkg", "postgis"])
def any_project(request, tmp_path):
    """An empty park on each backend: the store's contract holds for both."""
    from landapp.store import create_project

    if request.param == "gpkg":
        store = create_project(tmp_path / "empty.gpkg", "测试园区")
    else:
        target = request.getfixturevalue("pg_target")
        store = create_project(target, "测试园区")
    yield store
    store.close()


@pytest.fixture
def run_qgis():
    """run(script, cwd=None, timeout=600): the script run by QGIS's own Python (Debian's
    python3-qgis under /usr/bin/python3, in a subprocess without our PYTHONPATH); returns
    the JSON its last line prints. The test is skipped where that QGIS is missing."""
    if subprocess.run(["/usr/bin/python3", "-c", "import qgis.core"], capture_output=True, check=False).returncode:
        pytest.skip("/usr/bin/python3 cannot import qgis.core (Debian: python3-qgis)")

    def run(script: str, *, cwd=None, timeout: float = 600) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        out = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, check=False, text=True,
                             env=env, timeout=timeout, cwd=cwd)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    return run


@pytest.fixture
def pg_service(pg_cluster, tmp_path, monkeypatch):
    """make(name): a pg_service.conf entry `name` for the throwaway cluster (user postgres),
    the file named by PGSERVICEFILE for this test; returns the name."""
    def make(name: str) -> str:
        service = tmp_path / "pg_service.conf"
        service.write_text(f"[{name}]\nhost={pg_cluster.dir}\nport={pg_cluster.port}\n"
                           f"dbname={pg_cluster.database}\nuser=postgres\n")
        monkeypatch.setenv("PGSERVICEFILE", str(service))
        return name

    return make
