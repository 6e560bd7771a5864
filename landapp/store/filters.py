"""Typed filters for the store's reads, instead of SQL text: a condition is (field, operator,
value), conditions combine with & (AND) and | (OR), and each backend translates them, with
field names checked against landapp.schema and values always passed as parameters (or, for
GDAL's attribute filter, which takes no parameters, as escaped literals). No text a caller
or a user gives ever becomes SQL.

    from landapp.store.filters import F
    store.rows("units", F("building_id") == bid)
    store.count("parcels", (F("status") == "闲置") & F("retired").is_not_true())
    store.rows("leases", (F("building_id") == bid) & F("unit_id").is_null())

`rows`/`count`/`read_layer` still accept the old `where` text (with `params`) until every
caller has moved (issue 16, item 6)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import spec

OPS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "is not null", "contains")


class Filter:
    def __and__(self, other: "Filter") -> "Filter":
        return All((self, other))

    def __or__(self, other: "Filter") -> "Filter":
        return AnyOf((self, other))


@dataclass(frozen=True)
class Cond(Filter):
    field: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class All(Filter):
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class AnyOf(Filter):
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class F:
    """A field of a layer, to build conditions: F("status") == "闲置"."""

    name: str

    def __eq__(self, v):  # type: ignore[override]
        return Cond(self.name, "is null") if v is None else Cond(self.name, "=", v)

    def __ne__(self, v):  # type: ignore[override]
        return Cond(self.name, "is not null") if v is None else Cond(self.name, "!=", v)

    def __lt__(self, v):
        return Cond(self.name, "<", v)

    def __le__(self, v):
        return Cond(self.name, "<=", v)

    def __gt__(self, v):
        return Cond(self.name, ">", v)

    def __ge__(self, v):
        return Cond(self.name, ">=", v)

    def __hash__(self):
        return hash(self.name)

    def in_(self, values) -> Cond:
        return Cond(self.name, "in", tuple(values))

    def not_in(self, values) -> Cond:
        return Cond(self.name, "not in", tuple(values))

    def is_null(self) -> Cond:
        return Cond(self.name, "is null")

    def is_not_null(self) -> Cond:
        return Cond(self.name, "is not null")

    def contains(self, text: str) -> Cond:
        """Case-insensitive substring of the field's text."""
        return Cond(self.name, "contains", str(text))

    def is_not_true(self) -> Filter:
        """A flag that is off or empty (retired = 0 OR retired IS NULL)."""
        return AnyOf((Cond(self.name, "=", False), Cond(self.name, "is null")))


def _bad(layer: str, what: str) -> LandappError:
    return LandappError(tr(f"图层 {layer} 的筛选条件无效:{what}。", f"Invalid filter on layer {layer}: {what}."))


def _value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        raise LandappError(tr("筛选值不能是 NaN 或无穷。", "A filter value cannot be NaN or infinity."))
    if v is not None and not isinstance(v, (int, float, str)):
        return str(v.isoformat()) if hasattr(v, "isoformat") else str(v)
    return v


def translate(f: Filter, layer: str, quote: Callable[[str], str] | None = None, mark: str = "?",
              literal: Callable[[Any], str] | None = None, postgres: bool = False) -> tuple[str, list[Any]]:
    """SQL text and parameters for a filter. `quote` makes a checked field name an
    identifier; with `literal`, values are inlined through it instead of parameters."""
    s = spec(layer)
    params: list[Any] = []
    quote = quote or quote_ident

    def val(v: Any) -> str:
        v = _value(v)
        if literal is not None:
            return literal(v)
        params.append(v)
        return mark

    def go(node: Filter) -> str:
        if isinstance(node, (All, AnyOf)):
            if not node.parts:
                return "1=1" if isinstance(node, All) else "1=0"
            joiner = " AND " if isinstance(node, All) else " OR "
            return "(" + joiner.join(go(p) for p in node.parts) + ")"
        if not isinstance(node, Cond):
            raise _bad(layer, repr(node)[:40])
        if node.field != "fid" and not s.has(node.field):
            raise _bad(layer, tr(f"没有字段 {node.field}", f"no field {node.field}"))
        if node.op not in OPS:
            raise _bad(layer, tr(f"不支持的运算 {node.op}", f"unsupported operator {node.op}"))
        col = quote(node.field)
        if node.op == "is null":
            return f"{col} IS NULL"
        if node.op == "is not null":
            return f"{col} IS NOT NULL"
        if node.op in ("in", "not in"):
            values = list(node.value or ())
            if not values:
                return "1=0" if node.op == "in" else "1=1"
            inner = ", ".join(val(v) for v in values)
            return f"{col} {'IN' if node.op == 'in' else 'NOT IN'} ({inner})"
        if node.op == "contains":
            fn = "strpos" if postgres else "instr"
            return f"{fn}(lower(CAST({col} AS TEXT)), {val(str(node.value).lower())}) > 0"
        if node.value is None:
            raise _bad(layer, tr("与空值比较请用 is_null()", "compare with None through is_null()"))
        return f"{col} {'<>' if node.op == '!=' else node.op} {val(node.value)}"

    return go(f), params


def sqlite_literal(v: Any) -> str:
    """A value as an SQLite literal (GDAL's attribute filter takes no parameters)."""
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
