"""Things packages above the core do when a project file is created or upgraded, without
the core importing them (ui -> layers -> landapp): `layers` registers the writer of the QGIS
styles and project here, and the store calls `run` after creating or upgrading a park (a
GeoPackage or a PostGIS schema, also after `landapp db push`), and with reason 'refresh'
when a setting the styles depend on changes (REFRESH_SETTINGS, from `set_setting` of either
backend, so whoever saves it, undo included, keeps the QGIS styles current).

A hook that fails must not stop the project opening: its error is kept in `last_errors`
(and logged) instead of raised."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

# name -> callback(store, reason, **details); reason is 'created', 'upgraded' or 'refresh'.
# A 'refresh' after a setting changed passes setting=KEY, old=..., new=... (the callback may
# rewrite only what depends on that setting); callbacks taking (store, reason) only get those.
HOOKS: dict[str, Callable[..., None]] = {}
# settings the QGIS styles/project are made from: per-layer labels (layers.labels), the
# per-mu evaluation scheme (landapp.evaluation), the park map raster, the reference date of
# the snapshot themes
REFRESH_SETTINGS = frozenset({"label_fields", "mu_evaluation", "basemap_raster", "reference_date"})
last_errors: dict[str, str] = {}


def register(name: str, callback: Callable[[object, str], None]) -> None:
    HOOKS[name] = callback


_loaded = False


def _load_entry_points() -> None:
    """Hooks of installed packages (group `landapp.project_hooks`), so a project created
    through the library alone (no `layers` imported yet) still gets them."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from importlib.metadata import entry_points

    for ep in entry_points(group="landapp.project_hooks"):
        if ep.name in HOOKS:
            continue
        try:
            HOOKS[ep.name] = ep.load()
        except ImportError:  # a stale entry point (package not installed here): skip it
            continue


def _takes_details(callback) -> bool:
    import inspect

    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is p.VAR_KEYWORD for p in params)


def run(store, reason: str, **details) -> None:
    """Run every hook. The stores' set_setting calls run(store, 'refresh', setting=KEY,
    old=..., new=...) inside its transaction (the setting and what is made from it commit
    together); only REFRESH_SETTINGS reach the hooks."""
    if "setting" in details and (details["setting"] not in REFRESH_SETTINGS
                                 or details.get("old") == details.get("new")):
        return
    _load_entry_points()
    for name, callback in list(HOOKS.items()):
        try:
            if details and _takes_details(callback):
                callback(store, reason, **details)
            else:
                callback(store, reason)
            last_errors.pop(name, None)
        except Exception as e:  # noqa: BLE001 - a side product must not block the project
            last_errors[name] = str(e)
            log.warning("project hook %s failed (%s): %s", name, reason, e)
