"""The command line as a user runs it: one clear sentence and a non-zero exit on bad input,
never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from shapely.geometry import box

from landapp.cli import main
from landapp.store import open_project

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args, lang="zh"):
    env = {**os.environ, "LANDAPP_LANG": lang,
           "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "landapp", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)


def test_new_info_check(tmp_path):
    path = tmp_path / "p.gpkg"
    r = run("new", path, "--name", "龙泉园区", "--contact", "张三")
    assert r.returncode == 0, r.stderr
    assert "已新建工程" in r.stdout
    with open_project(path) as s:
        assert s.name == "龙泉园区" and s.get_setting("contact") == "张三"
        s.insert("parcels", {"code": "A1", "status": "待供",
                             "geometry": box(430000, 3384000, 430100, 3384150)})
        b = s.insert("buildings", {"name": "1号厂房", "btype": "标准厂房",
                                   "geometry": box(430010, 3384010, 430050, 3384050)})
        s.insert("units", {"building_id": b, "area": 600, "status": "空置"})
        s.insert("units", {"building_id": b, "area": 1400, "status": "已租"})
    r = run("info", path)
    assert r.returncode == 0, r.stderr
    assert "EPSG:4544" in r.stdout and "15,000.0 ㎡" in r.stdout and "22.50 亩" in r.stdout
    assert "30.0%" in r.stdout  # 600 of 2000 m² vacant
    info = json.loads(run("info", path, "--json").stdout)
    assert info["counts"]["parcels"] == 1 and info["vacancy"]["vacancy_rate"] == pytest.approx(0.3)
    r = run("check", path)
    assert r.returncode == 0 and "检查通过" in r.stdout


def test_check_finds_problems(tmp_path):
    path = tmp_path / "p.gpkg"
    assert main(["new", str(path)]) == 0
    with open_project(path) as s:
        s.insert("parcels", {"code": "A1", "status": "待供", "geometry": box(430000, 3384000, 430100, 3384100)})
        s.insert("parcels", {"code": "A1", "status": "待供", "geometry": box(430090, 3384000, 430200, 3384100)})
        s.insert("parcels", {"code": "A2", "status": "待供", "geometry": box(431000, 3384000, 431100, 3384100)})
    r = run("check", path, "--json")
    assert r.returncode == 1
    kinds = sorted(p["kind"] for p in json.loads(r.stdout)["problems"])
    assert kinds == ["duplicate_code", "overlap"]


def test_check_finds_an_invalid_polygon_written_by_another_program(tmp_path):
    import sqlite3

    from landapp import gpkg
    from shapely.geometry import Polygon

    path = tmp_path / "p.gpkg"
    assert main(["new", str(path)]) == 0
    bowtie = Polygon([(430000, 3384000), (430100, 3384100), (430100, 3384000), (430000, 3384100)])
    con = sqlite3.connect(path)
    gpkg.register_functions(con)
    con.execute("INSERT INTO parcels (geom, code, status) VALUES (?, 'X', '待供')",
                (gpkg.encode_geometry(bowtie, 4544),))
    con.commit()
    con.close()
    r = run("check", path)
    assert r.returncode == 1 and "无效" in r.stdout


@pytest.mark.parametrize("make, needle", [
    (lambda p: None, "找不到工程文件"),
    (lambda p: p.write_text("not a database"), "不是 GeoPackage"),
    (lambda p: p.mkdir(), "文件夹"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200), "损坏"),
])
def test_bad_files_give_one_clear_sentence(tmp_path, make, needle):
    path = tmp_path / "bad.gpkg"
    make(path)
    for cmd in ("info", "check"):
        r = run(cmd, path)
        assert r.returncode == 2
        assert "Traceback" not in r.stderr
        assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_english_messages(tmp_path):
    r = run("info", tmp_path / "missing.gpkg", lang="en")
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_new_refuses_to_overwrite_and_geographic_crs(tmp_path):
    path = tmp_path / "p.gpkg"
    assert run("new", path).returncode == 0
    r = run("new", path)
    assert r.returncode == 2 and "--force" in r.stderr
    r = run("new", tmp_path / "q.gpkg", "--epsg", "4490")
    assert r.returncode == 2 and "投影坐标系" in r.stderr
    assert not (tmp_path / "q.gpkg").exists()


def test_usage_errors_exit_64():
    r = run("info")
    assert r.returncode == 64 and "Traceback" not in r.stderr


def test_edits_made_by_gdal_are_seen_and_areas_fixed(tmp_path):
    """QGIS/ogr2ogr write through GDAL: landapp reads their features, its spatial index stays
    consistent, and `check --fix` recomputes the areas GDAL could not."""
    import geopandas as gpd
    import pyogrio

    path = tmp_path / "p.gpkg"
    assert main(["new", str(path)]) == 0
    gdf = gpd.GeoDataFrame({"code": ["G1"], "status": ["待供"]},
                           geometry=[box(430200, 3384000, 430300, 3384100)], crs=4544)
    pyogrio.write_dataframe(gdf, path, layer="parcels", append=True)
    with open_project(path) as s:
        (fid,) = s.fids_in_bbox("parcels", (430250, 3384050, 430260, 3384060))
        assert s.get("parcels", fid)["code"] == "G1"
    r = run("check", path)
    assert r.returncode == 1 and "--fix" in r.stdout
    r = run("check", path, "--fix")
    assert r.returncode == 0, r.stdout + r.stderr
    with open_project(path) as s:
        assert s.get("parcels", fid)["area_m2"] == pytest.approx(10000.0)


def test_parser_can_be_built_again_and_again(monkeypatch):
    """Each build gets its own `export` group. Groups were once keyed by id() of the
    subparsers action, and a new parser that got a dead one's id failed with
    "conflicting subparser: layer" (CI, test_evaluate_needs_metrics_then_works).
    Python reusing an id is simulated here by an id() that gives every object the same one."""
    import landapp.cli as cli

    monkeypatch.setattr(cli, "id", lambda obj: 1, raising=False)
    for _ in range(2):
        args = cli.build_parser().parse_args(["export", "layer", "p.gpkg", "parcels", "-o", "x.geojson"])
        assert args.export_command == "layer"


def test_every_command_has_a_help_page():
    """`landapp COMMAND --help` for every command and subcommand (a bare % in a help text
    once made `landapp idle --help` a traceback)."""
    import argparse
    import contextlib
    import io

    import landapp.cli as cli

    def commands(parser, path=()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield (*path, name)
                    yield from commands(sub, (*path, name))

    found = list(commands(cli.build_parser()))
    assert ("idle",) in found and ("export", "sheets") in found
    for path in found:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as e:
            cli.build_parser().parse_args([*path, "--help"])
        assert e.value.code == 0 and "usage:" in out.getvalue(), path


def test_info_columns_line_up_after_chinese_names(demo_project):
    """The status and building-type tables of `info`: each number ends in the same terminal
    column whatever the Chinese name before it (a Chinese character takes two columns)."""
    from landapp.i18n import display_width

    r = run("info", demo_project.path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    at = lines.index("按状态:")
    rows = [ln for ln in lines[at + 1:] if ln.startswith("  ")][:9]
    assert len(rows) == 9 and "已建成投产" in rows[0] and any(len(ln.split()[0]) == 2 for ln in rows)
    ends = {display_width(ln[:ln.index(" ㎡")]) for ln in rows}
    assert len(ends) == 1
    types = [ln for ln in lines if ln.startswith("  ") and " 栋 " in ln]
    assert len(types) >= 2 and len({display_width(ln[:ln.index(" 栋")]) for ln in types}) == 1
