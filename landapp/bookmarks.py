"""Spatial bookmarks: named map extents kept in the project (project_settings "bookmarks",
a JSON list), so everyone who opens the park file finds them."""

from __future__ import annotations

import json
import math

from landapp.errors import LandappError
from landapp.i18n import tr

KEY = "bookmarks"
MAX_NAME = 60


def bookmarks(store) -> list[dict]:
    """[{"name": str, "extent": [x0, y0, x1, y1]}, …] in the order they were added."""
    raw = store.get_setting(KEY)
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        return []
    out = []
    for b in items if isinstance(items, list) else []:
        try:
            ext = [float(v) for v in b["extent"]]
            if len(ext) == 4 and all(math.isfinite(v) for v in ext) and isinstance(b["name"], str):
                out.append({"name": b["name"], "extent": ext})
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry is skipped, not fatal
    return out


def _save(store, items: list[dict]) -> None:
    store.set_setting(KEY, json.dumps(items, ensure_ascii=False) if items else None)


def add_bookmark(store, name: str, extent) -> dict:
    """Add (or replace, by name) a bookmark for extent (x0, y0, x1, y1) in the project CRS."""
    name = (name or "").strip()
    if not name:
        raise LandappError(tr("书签需要一个名称。", "A bookmark needs a name."))
    if len(name) > MAX_NAME:
        raise LandappError(tr(f"书签名称最多 {MAX_NAME} 个字。", f"A bookmark name has at most {MAX_NAME} characters."))
    x0, y0, x1, y1 = (float(v) for v in extent)
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 <= x0 or y1 <= y0:
        raise LandappError(tr("书签的范围无效。", "The bookmark's extent is not valid."))
    items = [b for b in bookmarks(store) if b["name"] != name]
    entry = {"name": name, "extent": [x0, y0, x1, y1]}
    items.append(entry)
    _save(store, items)
    return entry


def remove_bookmark(store, name: str) -> bool:
    items = bookmarks(store)
    kept = [b for b in items if b["name"] != name]
    if len(kept) == len(items):
        return False
    _save(store, kept)
    return True
