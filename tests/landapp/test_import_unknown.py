"""Imports never drop what they don't understand (issue 12 item 5)."""

from __future__ import annotations

import os
import subprocess
import sys

import geopandas as gpd
from shapely.geometry import Point, box

from landapp.check import check_project
from landapp.coords import from_lonlat
from landapp.store import open_project

X0, Y0 = from_lonlat(104.27, 30.58, 4544)


def run(*args):
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "LANDAPP_LANG": "zh"}
    return subprocess.run([sys.executable, "-m", "landapp", *args], capture_output=True, text=True, env=env)


def _file(tmp_path, uses):
    path = tmp_path / "in.geojson"
    gpd.GeoDataFrame({"code": [f"A{i}" for i in range(len(uses))], "land_use": uses},
                     geometry=[box(X0 + 60 * i, Y0, X0 + 60 * i + 50, Y0 + 50) for i in range(len(uses))],
                     crs="EPSG:4544").to_file(path)
    return path


def test_unknown_land_use_is_kept_reported_and_checked(empty_project, tmp_path):
    path = _file(tmp_path, ["M1", "Q7"])
    r = run("import", empty_project.path, str(path))
    assert r.returncode == 0, r.stderr
    assert "Q7" in r.stdout and "原用地代码" in r.stdout and "待补填" in r.stdout
    with open_project(empty_project.path) as s:
        rows = {r["code"]: r for r in s.rows("parcels", geometry=False)}
        assert (rows["A0"]["land_use"], rows["A0"]["land_use_source"]) == ("100101", "M1")
        assert (rows["A1"]["land_use"], rows["A1"]["land_use_source"]) == (None, "Q7")  # the value kept
        (p,) = [p for p in check_project(s).problems if p.kind == "land_use_unknown"]
        assert "A1" in p.message and "Q7" in p.message


def test_strict_refuses_and_writes_nothing(empty_project, tmp_path):
    path = _file(tmp_path, ["M1", "Q7"])
    r = run("import", empty_project.path, str(path), "--strict")
    assert r.returncode == 2 and "Q7" in r.stderr and "Traceback" not in r.stderr
    assert empty_project.count("parcels") == 0
    # mapped explicitly, the strict import goes through
    r = run("import", empty_project.path, str(path), "--strict", "--land-use", "Q7=100102")
    assert r.returncode == 0, r.stderr
    assert {r["land_use"] for r in empty_project.rows("parcels", geometry=False)} == {"100101", "100102"}


def test_a_file_without_any_polygon_fails(empty_project, tmp_path):
    path = tmp_path / "pts.geojson"
    gpd.GeoDataFrame({"code": ["P1", "P2"]}, geometry=[Point(X0, Y0), Point(X0 + 5, Y0)],
                     crs="EPSG:4544").to_file(path)
    r = run("import", empty_project.path, str(path))
    assert r.returncode == 2 and "没有任何面" in r.stderr and "Point" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert empty_project.count("parcels") == 0
