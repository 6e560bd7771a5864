"""Things packages above the core do when a project file is created or upgraded, without
the core importing them (ui -> layers -> landapp): `layers` registers the writer of the QGIS
styles and project here, and the store calls `run` after creating or upgrading a file.

A hook that fails must not stop the project opening: its error is kept in `last_errors`
(and logged) instead of raised."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

# name -> callback(store, reason); reason is 'created', 'upgraded' or 'refresh'
HOOKS: dict[str, Callable[[object, str], None]] = {}
last_errors: dict[str, str] = {}


def register(name: str, callback: Callable[[object, str], None]) -> None:
    HOOKS[name] = callback


def run(store, reason: str) -> None:
    for name, callback in list(HOOKS.items()):
        try:
            callback(store, reason)
            last_errors.pop(name, None)
        except Exception as e:  # noqa: BLE001 - a side product must not block the project
            last_errors[name] = str(e)
            log.warning("project hook %s failed (%s): %s", name, reason, e)
