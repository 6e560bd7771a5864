"""Writing files whole or not at all: write beside the target, flush, fsync, rename into place.

Every output the project writes (PDF, PNG, XLSX, CSV, HTML, DXF, KML, Shapefile, GeoJSON,
GeoPackage exports) goes through `atomic_output` (one file) or `atomic_outputs` (a set that
belongs together, like a Shapefile's .shp/.shx/.dbf/.prj/.cpg). On any failure (disk full,
permission denied, cancel) the temporary file is removed, an existing file of that name is
left as it was, and OS errors become one clear sentence (LandappError)."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from typing import Iterator

from landapp.errors import LandappError
from landapp.i18n import tr


def replace_into_place(tmp: str, path: str) -> None:
    """Move a finished temporary file onto `path` with ordinary permissions (mkstemp makes
    files readable by the owner only; a map or a list is meant to be shared)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def write_error(path: str, e: BaseException) -> LandappError:
    """One sentence for a failed write of `path` (the existing file is kept: say so)."""
    code = getattr(e, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT):
        return LandappError(tr(f"磁盘空间不足,未能写入 {path}(原有同名文件未改动)。",
                               f"The disk is full: {path} was not written (an existing file of that name is unchanged)."))
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return LandappError(tr(f"没有写入 {path} 的权限(文件可能正被其他程序打开)。",
                               f"No permission to write {path} (is it open in another program?)."))
    reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
    return LandappError(tr(f"无法写入 {path}:{reason}。", f"Cannot write {path}: {reason}."))


def _folder(path: str) -> str:
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise LandappError(tr(f"文件夹 {folder} 不存在。", f"The folder {folder} does not exist."))
    return folder


def fsync_file(path: str) -> None:
    # opened for writing: Windows' fsync (_commit) refuses a read-only descriptor
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; the rename is durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_written(tmp: str, path: str) -> None:
    if os.path.getsize(tmp) == 0:  # a writer that failed silently (Qt on a full disk)
        raise LandappError(tr(f"无法写入 {path}:写出的文件为空。", f"Cannot write {path}: nothing was written."))
    fsync_file(tmp)


@contextmanager
def atomic_output(path: str, *, allow_empty: bool = False) -> Iterator[str]:
    """Yield a temporary path beside `path` (same extension, so writers that look at it pick
    the right format). When the block ends normally the file is checked (not empty),
    fsynced and renamed onto `path`; when it raises, the temporary file is removed and
    `path` is untouched. OSError (disk full, permission) becomes one LandappError sentence.

        with atomic_output("list.xlsx") as tmp:
            workbook.save(tmp)
    """
    path = os.fspath(path)
    folder = _folder(path)
    base = os.path.basename(path)
    ext = os.path.splitext(base)[1]
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{base}.", suffix=f".part{ext}")
        os.close(fd)
    except OSError as e:
        raise write_error(path, e) from None
    try:
        yield tmp
        if not allow_empty:
            _check_written(tmp, path)
        else:
            fsync_file(tmp)
        replace_into_place(tmp, path)
        _fsync_dir(folder)
    except OSError as e:
        raise write_error(path, e) from None
    finally:
        if os.path.exists(tmp):
            try:
                os.unlink(tmp)
            except OSError:
                pass


@contextmanager
def atomic_outputs(path: str) -> Iterator[str]:
    """For writers that make several files from one name (a Shapefile's .shp, .shx, .dbf,
    .prj, .cpg): yield `path`'s name inside a temporary folder beside it; when the block
    ends normally every file made there is fsynced, then all are renamed into place
    (nothing is replaced before every part is complete). On failure nothing is touched."""
    path = os.fspath(path)
    folder = _folder(path)
    try:
        tmpdir = tempfile.mkdtemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".part")
    except OSError as e:
        raise write_error(path, e) from None
    try:
        yield os.path.join(tmpdir, os.path.basename(path))
        names = sorted(os.listdir(tmpdir))
        if not names:
            raise LandappError(tr(f"无法写入 {path}:写出的文件为空。", f"Cannot write {path}: nothing was written."))
        for name in names:
            _check_written(os.path.join(tmpdir, name), os.path.join(folder, name))
        for name in names:
            replace_into_place(os.path.join(tmpdir, name), os.path.join(folder, name))
        _fsync_dir(folder)
    except OSError as e:
        raise write_error(path, e) from None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def write_bytes(path: str, data: bytes) -> None:
    """`data` as the whole of `path`, atomically."""
    with atomic_output(path, allow_empty=not data) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()


def read_csv_text(path: str) -> str:
    """The text of a CSV file an office sends: UTF-8 (with or without BOM) or GBK/GB18030,
    as Excel saves it on a Chinese Windows."""
    with open(path, "rb") as fh:
        raw = fh.read()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    name = os.path.basename(path)
    raise LandappError(tr(f"无法识别 {name} 的文字编码(应为 UTF-8 或 GBK)。",
                          f"Cannot tell the text encoding of {name} (UTF-8 or GBK expected)."))
