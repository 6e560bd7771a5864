"""What happened to a feature: its parcel lineage (split from / merged into, with the date
and the user) and its edit log (who, when, each field before and after), as the info
panel shows them."""

from __future__ import annotations

import json

from landapp.i18n import tr
from landapp.schema import spec
from landapp.store.base import OTHER_PROGRAM, ProjectStore
from landapp.store.filters import F


def _flag(v):
    return bool(v) if isinstance(v, int) and not isinstance(v, bool) and v in (0, 1) else v


def _who(row: dict) -> str:
    """The edit's author; for a change the database's triggers recorded (QGIS, psql, GDAL on
    a PostGIS park) the database user and that it came through another program."""
    user = row.get("user") or ""
    session = str(row.get("session") or "")
    if not session.startswith(OTHER_PROGRAM):
        return user
    app = session[len(OTHER_PROGRAM):]
    app = "" if app in ("", "?") else app
    if app:
        return tr(f"{user}(通过其他程序 {app})", f"{user} (through another program, {app})")
    return tr(f"{user}(通过其他程序)", f"{user} (through another program)")


def lineage(store: ProjectStore, fid: int) -> dict[str, list[dict]]:
    """Parents and children of a parcel from the lineage table."""
    return {"parents": store.rows("parcel_lineage", F("child_id") == fid),
            "children": store.rows("parcel_lineage", F("parent_id") == fid)}


def feature_history(store: ProjectStore, layer: str, fid: int, limit: int = 20) -> list[dict]:
    """The edit log of one feature, newest first: ts, user, operation and `changes`, a
    list of (field title, old, new) for updates (old is None for an insert, new for a
    delete). Timestamps, areas and the geometry blob name are folded into readable rows."""
    s = spec(layer)
    rows = store.rows("edit_log", (F("layer") == layer) & (F("feature_id") == int(fid)),
                      order_by=F("fid").desc(), limit=limit)
    out = []
    for r in rows:
        try:
            raw = json.loads(r["changes"]) if r.get("changes") else {}
        except ValueError:
            raw = {}
        changes = []
        for k, v in raw.items():
            if k in ("created", "modified", "area_mu"):
                continue  # area in mu follows area_m2; stamps are the row's own time
            name = "geometry" if k in ("geom", "geometry") else k
            if s.has(name) and s.field(name).kind == "bool":  # 0/1 as PostgreSQL's triggers log them
                v = [_flag(x) for x in v] if isinstance(v, list) else _flag(v)
            title = tr("图形", "Shape") if name == "geometry" else (s.field(name).title if s.has(name) else name)
            if r["operation"] == "update" and isinstance(v, list) and len(v) == 2:
                changes.append((title, v[0], v[1]))
            elif r["operation"] == "insert":
                changes.append((title, None, v))
            else:
                changes.append((title, v, None))
        out.append({"ts": r["ts"], "user": _who(r), "operation": r["operation"], "changes": changes})
    other = store.other_programs_changes(layer, int(fid))  # QGIS, GDAL …: what, not who or which fields
    if other:
        who = tr("其他程序(如 QGIS)", "another program (e.g. QGIS)")
        out += [{"ts": o["ts"], "user": who, "operation": o["operation"], "changes": []} for o in other]
        out.sort(key=lambda e: e["ts"] or "", reverse=True)
        out = out[:limit]
    return out


