"""landapp.files: outputs appear whole or not at all."""

from __future__ import annotations

import errno
import os

import pytest

from landapp.errors import LandappError
from landapp.files import atomic_output, atomic_outputs, write_bytes
from tests.conftest import GOOD_OLD


def _left(folder, *keep):
    return sorted(n for n in os.listdir(folder) if n not in keep)


def test_atomic_output_replaces_whole_and_keeps_the_extension(tmp_path):
    target = tmp_path / "a.pdf"
    target.write_bytes(GOOD_OLD)
    with atomic_output(str(target)) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path) and tmp.endswith(".pdf")
        with open(tmp, "wb") as fh:
            fh.write(b"%PDF new")
        assert target.read_bytes() == GOOD_OLD  # not replaced before the end
    assert target.read_bytes() == b"%PDF new" and _left(tmp_path) == ["a.pdf"]
    assert oct(target.stat().st_mode & 0o777) != "0o600"  # shared files are readable by others


def test_a_failure_or_cancel_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.csv"
    target.write_bytes(GOOD_OLD)
    for exc in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(exc)):
            with atomic_output(str(target)) as tmp:
                open(tmp, "wb").write(b"half")
                raise exc
        assert target.read_bytes() == GOOD_OLD and _left(tmp_path) == ["a.csv"]
    with pytest.raises(LandappError, match="空"):  # a writer that wrote nothing (Qt on a full disk)
        with atomic_output(str(target)):
            pass
    assert target.read_bytes() == GOOD_OLD and _left(tmp_path) == ["a.csv"]


def test_enospc_becomes_one_sentence(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(GOOD_OLD)

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(LandappError) as e:
        write_bytes(str(target), b"PK new")
    assert "磁盘空间不足" in str(e.value) and str(target) in str(e.value) and "\n" not in str(e.value)
    assert target.read_bytes() == GOOD_OLD and _left(tmp_path) == ["a.xlsx"]


def test_missing_folder_and_no_permission(tmp_path):
    with pytest.raises(LandappError, match="不存在"):
        write_bytes(str(tmp_path / "nope" / "a.png"), b"x")
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            with pytest.raises(LandappError, match="权限"):
                write_bytes(str(ro / "a.png"), b"x")
        finally:
            ro.chmod(0o755)


def test_a_shapefile_set_moves_together(tmp_path):
    (tmp_path / "p.shp").write_bytes(GOOD_OLD)
    (tmp_path / "p.dbf").write_bytes(GOOD_OLD)
    with pytest.raises(RuntimeError):
        with atomic_outputs(str(tmp_path / "p.shp")) as tmp:
            for ext in (".shp", ".dbf"):
                open(tmp[:-4] + ext, "wb").write(b"new")
            raise RuntimeError("GDAL failed half way")
    assert (tmp_path / "p.shp").read_bytes() == GOOD_OLD and (tmp_path / "p.dbf").read_bytes() == GOOD_OLD
    assert _left(tmp_path) == ["p.dbf", "p.shp"]
    with atomic_outputs(str(tmp_path / "p.shp")) as tmp:
        for ext in (".shp", ".dbf", ".prj"):
            open(tmp[:-4] + ext, "wb").write(b"new")
    assert _left(tmp_path) == ["p.dbf", "p.prj", "p.shp"] and (tmp_path / "p.dbf").read_bytes() == b"new"


def test_on_a_full_tmpfs(full_disk):
    folder = full_disk("a.html")
    with pytest.raises(LandappError, match="磁盘空间不足"):
        write_bytes(str(folder / "a.html"), b"<html>" + b"x" * 100_000)
    assert (folder / "a.html").read_bytes() == GOOD_OLD and _left(folder) == ["a.html", "filler"]
