"""Every output is written whole or not at all (landapp/files.py): on a full disk (a real
tmpfs filled to the last block, or ENOSPC simulated) each CLI command prints one sentence,
exits non-zero, keeps an existing file of that name and leaves no temporary file."""

from __future__ import annotations

import errno
import os

import pytest

from tests.conftest import GOOD_OLD


def _commands(store):
    """(output name, argv without -o) for every CLI command that writes a file."""
    code = store.read_layer("parcels", columns=["code"])["code"].iloc[0]
    floors = store.rows("floors")
    building = store.get("buildings", floors[0]["building_id"]) if floors else None
    bcode = (building or {}).get("code") or (building or {}).get("name")
    p = store.path
    return [
        ("s.pdf", ["export", "sheets", p, "--parcel", code]),
        ("r.pdf", ["render", p, "--size", "400x300"]),
        ("r.png", ["render", p, "--size", "400x300"]),
        ("o.pdf", ["export", "opportunities", p]),
        ("o.xlsx", ["export", "opportunities", p]),
        ("o.csv", ["export", "opportunities", p, "--kind", "carriers"]),
        ("st.pdf", ["export", "stacking", p, "--building", bcode]),
        ("st.png", ["export", "stacking", p, "--building", bcode]),
        ("m.html", ["export", "map", p]),
        ("rep.docx", ["export", "report", p]),
        *[(f"l.{ext}", ["export", "layer", p, "parcels"]) for ext in ("shp", "geojson", "kml", "dxf", "gpkg")],
    ]


NAMES = ["s.pdf", "r.pdf", "r.png", "o.pdf", "o.xlsx", "o.csv", "st.pdf", "st.png", "m.html", "rep.docx",
         "l.shp", "l.geojson", "l.kml", "l.dxf", "l.gpkg"]


def _run(argv, capfd):
    from landapp.cli import main

    capfd.readouterr()
    rc = main([str(a) for a in argv])
    out, err = capfd.readouterr()
    return rc, out, err


def _assert_refused(rc, err, folder, name):
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc != 0
    assert len(lines) == 1, err  # one sentence: no traceback, no libpng, no "Exception ignored"
    assert lines[0].startswith("landapp: ") and name in lines[0]
    assert "Traceback" not in err and "libpng" not in err and "Exception ignored" not in err
    assert (folder / name).read_bytes() == GOOD_OLD  # the good file of that name is kept
    assert sorted(os.listdir(folder)) == sorted({name, "filler"} if (folder / "filler").exists() else {name})


@pytest.mark.parametrize("name", NAMES)
def test_each_output_on_a_full_disk_keeps_the_old_file(demo_project, full_disk, capfd, name):
    argv = dict(_commands(demo_project))[name]
    folder = full_disk(name)
    rc, _, err = _run([*argv, "-o", folder / name], capfd)
    _assert_refused(rc, err, folder, name)
    assert "磁盘空间不足" in err or "disk is full" in err


@pytest.mark.parametrize("name", NAMES)
def test_each_output_with_enospc_simulated(demo_project, tmp_path, capfd, monkeypatch, name):
    """The same without a tmpfs (runs anywhere): the disk fills when the file is synced."""
    argv = dict(_commands(demo_project))[name]
    (tmp_path / name).write_bytes(GOOD_OLD)

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    rc, _, err = _run([*argv, "-o", tmp_path / name], capfd)
    monkeypatch.undo()
    others = [n for n in os.listdir(tmp_path) if n not in (name, "demo_park.gpkg") and not n.startswith("demo_park")]
    assert others == []  # no temporary file left
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc != 0 and len(lines) == 1 and "磁盘空间不足" in lines[0], err
    assert (tmp_path / name).read_bytes() == GOOD_OLD


@pytest.mark.parametrize("name", ["r.png", "o.xlsx", "l.shp"])
def test_each_output_into_a_read_only_folder(demo_project, tmp_path, capfd, name):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    argv = dict(_commands(demo_project))[name]
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / name).write_bytes(GOOD_OLD)
    folder.chmod(0o555)
    try:
        rc, _, err = _run([*argv, "-o", folder / name], capfd)
    finally:
        folder.chmod(0o755)
    _assert_refused(rc, err, folder, name)


def test_outputs_replace_an_old_file_whole(demo_project, tmp_path, capfd):
    """On a healthy disk every command replaces the old file and leaves nothing else."""
    for name, argv in _commands(demo_project):
        if name in ("m.html", "s.pdf", "rep.docx"):
            continue  # covered by their own tests; slow-ish
        (tmp_path / name).write_bytes(GOOD_OLD)
        rc, _, err = _run([*argv, "-o", tmp_path / name], capfd)
        assert rc == 0, err
        assert (tmp_path / name).read_bytes() != GOOD_OLD and (tmp_path / name).stat().st_size > 100
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".") or ".part" in n]


def test_cancelled_sheets_keep_the_old_file(demo_project, tmp_path):
    from layers.sheets import select_parcels, write_sheets

    (tmp_path / "s.pdf").write_bytes(GOOD_OLD)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2  # cancelled after a sheet or two were painted

    assert write_sheets(demo_project, str(tmp_path / "s.pdf"), select_parcels(demo_project)[:6], cancel=cancel) == 0
    assert (tmp_path / "s.pdf").read_bytes() == GOOD_OLD
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".") or ".part" in n]
