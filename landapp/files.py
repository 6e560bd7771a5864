"""Writing files whole or not at all: write beside the target, then rename into place."""

from __future__ import annotations

import os


def replace_into_place(tmp: str, path: str) -> None:
    """Move a finished temporary file onto `path` with ordinary permissions (mkstemp makes
    files readable by the owner only; a map or a list is meant to be shared)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)
