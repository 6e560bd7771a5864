"""What the desktop app remembers between runs, in QSettings (organisation and application
names are set once, in ui.app.make_app): window geometry and dock/toolbar layout, where the
user moved panels, recent projects, language, last import/export folders, snapping, and per
project the map theme and the last map extent.

Tests point QSettings at a temporary folder (`use_folder`), never at the user's own."""

from __future__ import annotations

import hashlib
import json
import os

from PySide6.QtCore import QSettings

ORGANISATION = "landapp"
APPLICATION = "landapp"
RECENT_MAX = 10
LAYOUT_VERSION = 2  # bump when the window's docks/toolbars change shape: old states are dropped


def use_folder(folder: str) -> None:
    """Keep settings as INI files under `folder` (tests; a portable install)."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, folder)


def settings() -> QSettings:
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def get(key: str, default=None, kind=None):
    s = settings()
    if not s.contains(key):
        return default
    v = s.value(key)
    if kind is bool:
        return v in (True, "true", "1", 1)
    if kind is not None:
        try:
            return kind(v)
        except (TypeError, ValueError):
            return default
    return v


def put(key: str, value) -> None:
    s = settings()
    if value is None:
        s.remove(key)
    else:
        s.setValue(key, value)
    s.sync()


# ---- language
def language(default: str = "zh") -> str:
    lang = get("ui/language", default)
    return lang if lang in ("zh", "en") else default


def set_language(lang: str) -> None:
    put("ui/language", lang)


# ---- recent projects
def recent_projects() -> list[str]:
    v = get("recent/projects", "[]")
    try:
        items = json.loads(v) if isinstance(v, str) else list(v or [])
    except ValueError:
        items = []
    return [p for p in items if isinstance(p, str)]


def _recent_key(path: str) -> str:
    """How a project is kept in the recent list: a file by its absolute path; a database park
    by its target without any password (passwords never go into settings)."""
    from landapp.store.target import is_database_target, parse_target

    return parse_target(path).display if is_database_target(path) else os.path.abspath(path)


def is_database(path: str) -> bool:
    from landapp.store.target import is_database_target

    return is_database_target(path)


def recent_label(path: str) -> str:
    """A recent project's menu entry: the file's name, or a database park's schema and database."""
    if is_database(path):
        from landapp.store.target import parse_target

        t = parse_target(path)
        where = t.params.get("service") or t.params.get("dbname") or ""
        return f"{t.schema or ''} @ {where}".strip(" @") or t.display
    return os.path.basename(path)


def add_recent(path: str) -> list[str]:
    path = _recent_key(path)
    items = [path] + [p for p in recent_projects() if os.path.normcase(p) != os.path.normcase(path)]
    items = items[:RECENT_MAX]
    put("recent/projects", json.dumps(items, ensure_ascii=False))
    return items


def prune_recent() -> tuple[list[str], list[str]]:
    """Drop the projects whose files are gone (database parks stay: whether one is still
    there is asked when it is opened). Returns (kept, dropped)."""
    items = recent_projects()
    kept = [p for p in items if is_database(p) or os.path.isfile(p)]
    dropped = [p for p in items if p not in kept]
    if dropped:
        put("recent/projects", json.dumps(kept, ensure_ascii=False))
    return kept, dropped


def remove_recent(path: str) -> None:
    put("recent/projects", json.dumps([p for p in recent_projects() if p != path], ensure_ascii=False))


# ---- folders
def last_folder(kind: str, project_path: str | None = None) -> str:
    """The folder last used for `kind` ('import', 'export'), else the project's folder."""
    folder = get(f"folders/{kind}", "")
    if isinstance(folder, str) and folder and os.path.isdir(folder):
        return folder
    if project_path:
        return os.path.dirname(os.path.abspath(project_path))
    return os.path.expanduser("~")


def remember_folder(kind: str, path: str) -> None:
    if path:
        put(f"folders/{kind}", os.path.dirname(os.path.abspath(path)) if not os.path.isdir(path) else path)


# ---- per project
def _project_key(path: str) -> str:
    return hashlib.sha1(os.path.normcase(os.path.abspath(path)).encode("utf-8")).hexdigest()[:16]


def project_get(path: str, key: str, default=None):
    return get(f"projects/{_project_key(path)}/{key}", default)


def project_put(path: str, key: str, value) -> None:
    put(f"projects/{_project_key(path)}/{key}", value)
    if value is not None:
        put(f"projects/{_project_key(path)}/path", os.path.abspath(path))


def project_extent(path: str) -> tuple[float, float, float, float] | None:
    v = project_get(path, "extent")
    try:
        x0, y0, x1, y1 = (float(t) for t in json.loads(v))
    except (TypeError, ValueError):
        return None
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def project_themes(path: str) -> dict[str, str]:
    v = project_get(path, "themes")
    try:
        d = json.loads(v) if isinstance(v, str) else {}
    except ValueError:
        return {}
    return {k: t for k, t in d.items() if isinstance(k, str) and isinstance(t, str)}


def start_themes(store) -> dict[str, str]:
    """ParkMap's parcel_theme / building_theme from this project's saved themes."""
    path = getattr(store, "path", None)
    if not path:
        return {}
    from layers.themes import THEMES

    themes = project_themes(path)
    return {arg: themes[lid] for lid, arg in (("parcels", "parcel_theme"), ("buildings", "building_theme"))
            if themes.get(lid) in THEMES.get(lid, {})}


# ---- window layout
def window_layout() -> tuple[bytes | None, bytes | None, dict]:
    """(geometry, dock/toolbar state, panel areas) saved by the last window, or Nones."""
    if get("window/version", 0, int) != LAYOUT_VERSION:
        return None, None, {}
    geom, state = get("window/geometry"), get("window/state")
    try:
        areas = json.loads(get("window/panel_areas", "{}"))
    except (TypeError, ValueError):
        areas = {}
    return (bytes(geom) if geom else None), (bytes(state) if state else None), dict(areas)


def save_window_layout(geometry: bytes, state: bytes, areas: dict) -> None:
    put("window/version", LAYOUT_VERSION)
    put("window/geometry", geometry)
    put("window/state", state)
    put("window/panel_areas", json.dumps(areas))


def forget_window_layout() -> None:
    for k in ("window/geometry", "window/state", "window/panel_areas", "window/version"):
        put(k, None)
