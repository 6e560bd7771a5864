"""Select by attribute: conditions (field, operator, value) joined by AND/OR, turned into a
typed store filter (landapp.store.filters) whose field names come from the schema and whose
values the store binds as parameters, never text from the user; and statistics of a set of
features (count, ㎡, 亩, by a field)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import spec
from landapp.store.filters import F, Filter, all_of, any_of, current
from landapp.units import to_mu

# operator -> (needs a value, Chinese, English)
OPERATORS: dict[str, tuple[bool, str, str]] = {
    "=": (True, "等于", "equals"),
    "!=": (True, "不等于", "is not"),
    ">": (True, "大于", "greater than"),
    ">=": (True, "大于等于", "at least"),
    "<": (True, "小于", "less than"),
    "<=": (True, "小于等于", "at most"),
    "contains": (True, "包含", "contains"),
    "starts": (True, "开头是", "starts with"),
    "empty": (False, "为空", "is empty"),
    "not_empty": (False, "不为空", "is not empty"),
}
NUMERIC_OPS = ("=", "!=", ">", ">=", "<", "<=", "empty", "not_empty")


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None
    join: str = "AND"  # how this condition joins the one before it (ignored for the first)


def operator_title(op: str) -> str:
    _, zh, en = OPERATORS[op]
    return tr(zh, en)


def _value(layer: str, field, op: str, value: Any) -> Any:
    if op in ("contains", "starts"):
        return str(value if value is not None else "")
    if field.kind in ("int", "real"):
        try:
            v = float(str(value).strip().replace(",", ""))
        except ValueError:
            raise LandappError(tr(f"字段“{field.title}”是数字,“{value}”不是数字。",
                                  f"Field '{field.title}' is a number; '{value}' is not.")) from None
        return int(v) if field.kind == "int" and v.is_integer() else v
    if field.kind == "bool":
        t = str(value).strip().lower()
        if t in ("1", "true", "yes", "是", "y"):
            return 1
        if t in ("0", "false", "no", "否", "n"):
            return 0
        raise LandappError(tr(f"字段“{field.title}”只能是“是”或“否”。", f"Field '{field.title}' is yes or no."))
    return "" if value is None else str(value)


def _condition(field, op: str, value: Any) -> Filter:
    f = F(field.name)
    if op == "=":
        return f == value
    if op == "!=":  # an empty cell is 'not' the value too
        return (f != value) | f.is_null()
    if op in (">", ">=", "<", "<="):
        return {">": f > value, ">=": f >= value, "<": f < value, "<=": f <= value}[op]
    if op == "contains":
        return f.contains(value)
    if op == "starts":
        return f.startswith(value)
    text = field.kind in ("text", "datetime")  # only text can be an empty string
    if op == "empty":
        return (f.is_null() | (f == "")) if text else f.is_null()
    return (f.is_not_null() & (f != "")) if text else f.is_not_null()


def build_filter(layer: str, conditions: Sequence[Condition]) -> Filter | None:
    """The store filter of the conditions (None for none). Fields must be the layer's;
    operators from OPERATORS; AND binds tighter than OR, as in SQL and QGIS expressions."""
    s = spec(layer)
    fields = {f.name: f for f in s.fields}
    groups: list[list[Filter]] = []
    for k, c in enumerate(conditions):
        if c.field not in fields:
            raise LandappError(tr(f"图层 {layer} 没有字段 {c.field}。", f"Layer {layer} has no field {c.field}."))
        if c.op not in OPERATORS:
            raise LandappError(tr(f"不认识的条件“{c.op}”。", f"Unknown operator '{c.op}'."))
        if k and c.join.upper() not in ("AND", "OR"):
            raise LandappError(tr("条件之间只能用“并且”或“或者”。", "Conditions join with AND or OR."))
        needs_value, _, _ = OPERATORS[c.op]
        f = fields[c.field]
        if needs_value and (c.value is None or str(c.value).strip() == ""):
            raise LandappError(tr(f"请为“{f.title} {operator_title(c.op)}”填写值。",
                                  f"Give a value for '{f.title} {operator_title(c.op)}'."))
        cond = _condition(f, c.op, _value(layer, f, c.op, c.value) if needs_value else None)
        if not k or c.join.upper() == "OR":
            groups.append([cond])
        else:
            groups[-1].append(cond)
    if not groups:
        return None
    return any_of(*(all_of(*g) for g in groups)) if len(groups) > 1 else all_of(*groups[0])


def _where(layer: str, conditions: Sequence[Condition]) -> Filter | None:
    """The conditions' filter, on active features only (retired ones are history)."""
    return all_of(build_filter(layer, conditions), current() if spec(layer).has("retired") else None)


def count(store, layer: str, conditions: Sequence[Condition]) -> int:
    """How many active features match (retired ones are history, never counted)."""
    return store.count(layer, _where(layer, conditions))


def select_fids(store, layer: str, conditions: Sequence[Condition]) -> list[int]:
    return [int(r["fid"]) for r in store.rows(layer, _where(layer, conditions), geometry=False)]


AREA_FIELD = {"parcels": "area_m2", "zones": "area_m2", "buildings": "footprint_m2"}


def statistics(store, layer: str, fids: Sequence[int], by: str | None = None) -> dict:
    """Count and area (㎡ and 亩) of the features, and the same per value of `by`:
    {"count", "area_m2", "area_mu", "floor_area_m2" (buildings), "groups": [(value, count,
    area_m2, area_mu), …] largest area first}."""
    s = spec(layer)
    area = AREA_FIELD.get(layer)
    cols = [c for c in (area, by, "floor_area" if layer == "buildings" else None) if c and s.has(c)]
    if by is not None and not s.has(by):
        raise LandappError(tr(f"图层 {layer} 没有字段 {by}。", f"Layer {layer} has no field {by}."))
    wanted = set(int(f) for f in fids)
    out: dict = {"count": 0, "area_m2": 0.0, "area_mu": 0.0, "groups": []}
    if not wanted or not cols:
        out["count"] = len(wanted)
        return out
    df = store.read_layer(layer, columns=cols, geometry=False)
    df = df[df.index.isin(list(wanted))]
    out["count"] = int(len(df))
    if area:
        a = df[area].fillna(0.0).astype(float)
        out["area_m2"] = float(a.sum())
        out["area_mu"] = to_mu(out["area_m2"])
    if "floor_area" in df:
        out["floor_area_m2"] = float(df["floor_area"].fillna(0.0).astype(float).sum())
    if by:
        keys = df[by].where(df[by].notna(), None)
        groups: dict = {}
        for key, value in zip(keys.tolist(), (df[area].fillna(0.0).astype(float).tolist() if area
                                              else [0.0] * len(df))):
            g = groups.setdefault(key if key not in ("",) else None, [0, 0.0])
            g[0] += 1
            g[1] += value
        out["groups"] = sorted(((k, n, a, to_mu(a)) for k, (n, a) in groups.items()),
                               key=lambda r: (-r[2], -r[1], str(r[0])))
    return out
