"""Typed filters for the store's reads, instead of SQL text: a condition is (field, operator,
value), conditions combine with & (AND) and | (OR), and each backend translates them, with
field names checked against landapp.schema and values always passed as parameters (or, for
GDAL's attribute filter, which takes no parameters, as escaped literals). No text a caller
or a user gives ever becomes SQL; the store refuses a `where` given as text.

    from landapp.store.filters import F, current
    store.rows("units", F("building_id") == bid)
    store.count("parcels", (F("status") == "闲置") & current())
    store.rows("leases", (F("building_id") == bid) & F("unit_id").is_null())
    store.rows("floors", F("building_id") == bid, order_by=F("level").desc())

Mind Python's precedence: & and | bind tighter than ==, so parenthesise comparisons.
Ordering (`order_by` of `rows`) is a field name, F("x").asc()/.desc(), or a sequence of
them; empty cells come first ascending and last descending on every backend."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import spec

OPS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "is not null", "contains", "starts")
GEOMETRY = "geometry"  # the pseudo-field of a spatial layer's shape: is_null()/is_not_null() only
GEOM_COLUMN = "geom"  # its column in both backends (landapp.gpkg.GEOM_COLUMN)
INLINE_IN = 200  # SQLite: an IN over more values is one parameter, a JSON array (PostgreSQL: always an array)


class Filter:
    def __and__(self, other: "Filter") -> "Filter":
        return All((self, _need(other)))

    def __or__(self, other: "Filter") -> "Filter":
        return AnyOf((self, _need(other)))

    def __bool__(self) -> bool:  # `a and b` would silently keep only b
        raise TypeError("a filter has no truth value: combine filters with & and |, not and/or")


def _need(f: Any) -> "Filter":
    if not isinstance(f, Filter):
        raise TypeError(f"a filter combines only with another Filter, not {type(f).__name__} "
                        "(parenthesise comparisons: (F('a') == 1) & (F('b') == 2))")
    return f


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
class Order:
    """One ordering key of `rows`: a field, ascending or descending."""

    field: str
    descending: bool = False


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

    def in_(self, values: Iterable[Any]) -> Cond:
        """One of the values; any number of them (a 100k-fid list is one parameter)."""
        return Cond(self.name, "in", tuple(values))

    def not_in(self, values: Iterable[Any]) -> Cond:
        return Cond(self.name, "not in", tuple(values))

    def is_null(self) -> Cond:
        return Cond(self.name, "is null")

    def is_not_null(self) -> Cond:
        return Cond(self.name, "is not null")

    def contains(self, text: str) -> Cond:
        """Case-insensitive substring of the field's text."""
        return Cond(self.name, "contains", str(text))

    def startswith(self, text: str) -> Cond:
        """The field's text begins with `text` (case-insensitively)."""
        return Cond(self.name, "starts", str(text))

    def is_not_true(self) -> Filter:
        """A flag that is off or empty (retired = 0 OR retired IS NULL)."""
        return AnyOf((Cond(self.name, "=", False), Cond(self.name, "is null")))

    def asc(self) -> Order:
        return Order(self.name)

    def desc(self) -> Order:
        return Order(self.name, True)


def current() -> Filter:
    """Features in use: not retired (a split's or merge's parents are kept as history)."""
    return F("retired").is_not_true()


def all_of(*parts: "Filter | None") -> "Filter | None":
    """AND of the filters given (None ones left out); None when none is left."""
    kept = tuple(_need(p) for p in parts if p is not None)
    return None if not kept else kept[0] if len(kept) == 1 else All(kept)


def any_of(*parts: Filter) -> Filter:
    """OR of the filters (none: nothing matches)."""
    return AnyOf(tuple(_need(p) for p in parts))


def checked(where: Any, method: str) -> "Filter | None":
    """The `where` a public store method was given: a Filter or None; SQL text refused."""
    if where is None or isinstance(where, Filter):
        return where
    if isinstance(where, str):
        raise TypeError(f"store.{method}: `where` is a typed filter (landapp.store.filters: "
                        f"F('status') == '闲置'), not SQL text: {where[:60]!r}")
    raise TypeError(f"store.{method}: `where` is a landapp.store.filters Filter, not {type(where).__name__}")


def _bad(layer: str, what: str) -> LandappError:
    return LandappError(tr(f"图层 {layer} 的筛选条件无效:{what}。", f"Invalid filter on layer {layer}: {what}."))


def _value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        raise LandappError(tr("筛选值不能是 NaN 或无穷。", "A filter value cannot be NaN or infinity."))
    if v is not None and not isinstance(v, (int, float, str)):
        if hasattr(v, "item"):  # numpy scalars
            return _value(v.item())
        return str(v.isoformat()) if hasattr(v, "isoformat") else str(v)
    return v


def _field_kind(layer: str, name: str) -> str:
    s = spec(layer)
    if name == "fid":
        return "int"
    if name == GEOMETRY and s.spatial:
        return "geometry"
    if not s.has(name):
        raise _bad(layer, tr(f"没有字段 {name}", f"no field {name}"))
    return s.field(name).kind


def translate(f: Filter, layer: str, dialect: str = "sqlite", *,
              pg_type: Callable[[str], str] | None = None) -> tuple[str, list[Any]]:
    """SQL text and parameters for a filter. dialect: "sqlite" (? parameters), "gdal"
    (SQLite with values inlined as escaped literals: GDAL's attribute filter takes no
    parameters) or "postgres" (%s parameters cast to the column's type, which `pg_type`
    names for a field kind, so dates compare as dates in binary transfers too; an IN is one
    array parameter)."""
    params: list[Any] = []
    postgres = dialect == "postgres"
    pg_type = pg_type or (lambda kind: "text")

    def val(v: Any, kind: str | None = None) -> str:
        v = _value(v)
        if dialect == "gdal":
            return sqlite_literal(v)
        params.append(v)
        if not postgres:
            return "?"
        return f"CAST(%s AS {pg_type(kind)})" if kind else "%s"

    def go(node: Filter) -> str:
        if isinstance(node, (All, AnyOf)):
            if not node.parts:
                return "1=1" if isinstance(node, All) else "1=0"
            joiner = " AND " if isinstance(node, All) else " OR "
            return "(" + joiner.join(go(p) for p in node.parts) + ")"
        if not isinstance(node, Cond):
            raise _bad(layer, repr(node)[:40])
        kind = _field_kind(layer, node.field)
        if node.op not in OPS:
            raise _bad(layer, tr(f"不支持的运算 {node.op}", f"unsupported operator {node.op}"))
        if kind == "geometry" and node.op not in ("is null", "is not null"):
            raise _bad(layer, tr("几何只能判断是否为空", "a geometry can only be tested for being empty"))
        col = quote_ident(GEOM_COLUMN if kind == "geometry" else node.field)
        if node.op == "is null":
            return f"{col} IS NULL"
        if node.op == "is not null":
            return f"{col} IS NOT NULL"
        if node.op in ("in", "not in"):
            return in_sql(col, kind, node.op == "not in", list(node.value or ()))
        if node.op in ("contains", "starts"):
            fn = "strpos" if postgres else "instr"
            test = "> 0" if node.op == "contains" else "= 1"
            return f"{fn}(lower(CAST({col} AS TEXT)), {val(str(node.value).lower())}) {test}"
        if node.value is None:
            raise _bad(layer, tr("与空值比较请用 is_null()", "compare with None through is_null()"))
        return f"{col} {'<>' if node.op == '!=' else node.op} {val(node.value, kind)}"

    def in_sql(col: str, kind: str, negate: bool, values: list[Any]) -> str:
        if not values:
            return "1=1" if negate else "1=0"
        if postgres:  # one array parameter, cast to the column's type
            params.append([_value(v) for v in values])
            return f"{'NOT ' if negate else ''}({col} = ANY(CAST(%s AS {pg_type(kind)}[])))"
        if dialect == "gdal" or len(values) <= INLINE_IN:
            inner = ", ".join(val(v) for v in values)
            return f"{col} {'NOT IN' if negate else 'IN'} ({inner})"
        values = [_value(v) for v in values]
        params.append(json.dumps(values, ensure_ascii=False))  # one parameter: no variable limit
        return f"{col} {'NOT IN' if negate else 'IN'} (SELECT value FROM json_each(?))"

    return go(f), params


def order_sql(order_by: Any, layer: str, postgres: bool = False) -> str | None:
    """ORDER BY text for `order_by`: a field name, an F, an Order (F("x").desc()) or a
    sequence of them; names checked against the layer. Empty cells sort first ascending and
    last descending (SQLite's way; PostgreSQL is told so)."""
    if order_by is None:
        return None
    keys = list(order_by) if isinstance(order_by, (list, tuple)) else [order_by]
    out = []
    for k in keys:
        if isinstance(k, F):
            k = Order(k.name)
        elif isinstance(k, str):
            k = Order(k)
        elif not isinstance(k, Order):
            raise TypeError(f"order_by takes field names, F('x').asc()/.desc() or a list of them, not {k!r}")
        kind = _field_kind(layer, k.field)
        if kind == "geometry":
            raise _bad(layer, tr("不能按几何排序", "cannot order by the geometry"))
        text = quote_ident(k.field) + (" DESC" if k.descending else "")
        if postgres:
            text += " NULLS LAST" if k.descending else " NULLS FIRST"
        out.append(text)
    if not out:
        return None
    return ", ".join(out)


def sqlite_literal(v: Any) -> str:
    """A value as an SQLite literal (GDAL's attribute filter takes no parameters)."""
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


__all__ = ["F", "Filter", "Order", "current", "all_of", "any_of", "checked", "translate", "order_sql"]
