"""Several processes on one project file: nothing committed is lost, a killed writer leaves
a sound file, a held lock gives a clear message."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pyogrio
import pytest

from landapp.errors import ProjectLockedError
from landapp.store import open_project

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WRITER = textwrap.dedent("""
    import sys, time
    from shapely.geometry import box
    from landapp.store import open_project
    path, tag, n, target = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = open_project(path, lock_timeout=30)
    field = "name" if tag == "a" else "contact"
    x0 = 430000 + (0 if tag == "a" else 50000)
    for i in range(n):
        store.insert("parcels", {"code": f"{tag}{i:04d}", "status": "待供",
                                 "geometry": box(x0 + i * 10, 3384000, x0 + i * 10 + 8, 3384008)})
        # both writers edit different fields of the same feature, over and over
        store.update("parcels", target, {field: f"{tag}{i}"})
    store.close()
""")

KILLED = textwrap.dedent("""
    import sys, time
    from shapely.geometry import box
    from landapp.store import open_project
    store = open_project(sys.argv[1])
    for i in range(20):
        store.insert("parcels", {"code": f"k{i:03d}", "status": "待供",
                                 "geometry": box(430000 + i * 10, 3384000, 430008 + i * 10, 3384008)})
    print("committed", flush=True)
    with store.transaction():
        for i in range(20, 2000):
            store.insert("parcels", {"code": f"k{i:03d}", "status": "待供",
                                     "geometry": box(430000 + i * 10, 3384000, 430008 + i * 10, 3384008)})
            if i == 500:
                print("in flight", flush=True)
        time.sleep(60)
""")

HOLDER = textwrap.dedent("""
    import sqlite3, sys, time
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(30)
""")


def _env():
    return {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _spawn(code, *args):
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())


def test_two_concurrent_writers_lose_nothing(empty_project):
    from shapely.geometry import box

    target = empty_project.insert("parcels", {"code": "shared", "status": "待供",
                                              "geometry": box(420000, 3380000, 420100, 3380100)})
    path = empty_project.path
    empty_project.close()
    n = 60
    procs = [_spawn(WRITER, path, tag, n, target) for tag in ("a", "b")]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    store = open_project(path)
    codes = set(store.read_layer("parcels")["code"])
    assert {f"a{i:04d}" for i in range(n)} <= codes
    assert {f"b{i:04d}" for i in range(n)} <= codes
    shared = store.get("parcels", target)
    assert shared["name"] == f"a{n - 1}" and shared["contact"] == f"b{n - 1}"
    assert store.integrity_check() == []
    store.close()


def test_killed_writer_keeps_every_committed_edit(empty_project):
    path = empty_project.path
    empty_project.close()
    p = _spawn(KILLED, path)
    assert p.stdout.readline().strip() == "committed"
    assert p.stdout.readline().strip() == "in flight"
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=10)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    store = open_project(path)
    codes = sorted(store.read_layer("parcels")["code"])
    assert codes == [f"k{i:03d}" for i in range(20)]  # the edit in flight is gone, nothing else
    assert store.count("parcels") == 20
    assert len(store.fids_in_bbox("parcels", (429000, 3383000, 432000, 3385000))) == 20
    assert len(pyogrio.read_dataframe(path, layer="parcels")) == 20
    store.close()


def test_locked_file_gives_a_clear_message(empty_project):
    path = empty_project.path
    empty_project.close()
    holder = _spawn(HOLDER, path)
    try:
        assert holder.stdout.readline().strip() == "locked"
        store = open_project(path, lock_timeout=0.3)
        t = time.perf_counter()
        with pytest.raises(ProjectLockedError) as e:
            store.set_setting("name", "新名称")
        assert time.perf_counter() - t < 5
        assert "锁定" in str(e.value)
        store.close()
    finally:
        holder.kill()
        holder.wait()
    store = open_project(path)
    store.set_setting("name", "新名称")  # fine once the other program lets go
    assert store.get_setting("name") == "新名称"
    store.close()
