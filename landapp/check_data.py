"""The data checks of `landapp check` that make figures trustworthy (issue 12): duplicate
building codes; references to missing buildings, floors, units, enterprises or parcels; units
on a floor of another building; units larger than their floor, floors larger than their
building; leases larger than their unit or over-letting one unit at once; spatial-index boxes
that differ from the geometry's; 已建成投产 parcels with no building; supplied parcels without an
agreed start; parcels whose land-use value was not understood on import.

Each check is one set-based SQL query (or a vectorised numpy comparison), so a 1M-parcel
project costs a few table scans, not a Python loop per row. Findings name the record; the
ones `--fix` can repair say so (the spatial index).

The checks run on both backends (issue 16): the SQL is written once, in the part SQLite and
PostgreSQL share, and _Db supplies the few spellings that differ (parameter marks, the
null-safe comparison, string aggregation, the two-argument max/min). The spatial-index check
compares R-tree boxes on a GeoPackage and asks PostgreSQL for a valid GiST index on PostGIS."""

from __future__ import annotations

import sqlite3
from typing import Any, Callable, Sequence

import numpy as np

from landapp import gpkg
from landapp.i18n import tr
from landapp.schema import SPATIAL_LAYERS

# land uses that carry no building when built: roads, green space, water, land left blank
NO_BUILDING_PREFIXES = ("12", "14", "16", "17")
# statuses after supply and before completion: the idle-land rule needs their agreed start
SUPPLIED_UNFINISHED = ("已供未开工", "在建", "闲置")
ACTIVE = "(retired = 0 OR retired IS NULL)"
LIST_LIMIT = 200  # findings of one kind listed one by one; the rest are counted
_ZEROS = "0" * 80  # pads a short blob's hex (an empty geometry) to 40 bytes


def _problem(kind: str, layer: str, fids: Sequence[int], message: str, fixable: bool = False):
    from landapp.check import Problem

    p = Problem(kind, layer, tuple(int(f) for f in fids), message)
    p.fixable = fixable
    return p


class _Db:
    """Queries on the store's database: db(sql, params) -> rows, with `?` marks. The SQL
    is the dialect SQLite and PostgreSQL share; these give the rest."""

    def __init__(self, execute: Callable[..., Any], postgres: bool, store: Any = None):
        self._execute, self.postgres, self.store = execute, postgres, store
        self.is_not = " IS DISTINCT FROM " if postgres else " IS NOT "  # null-safe <>
        self.greatest, self.least = ("GREATEST", "LEAST") if postgres else ("max", "min")
        self.active = ACTIVE if postgres else gpkg.ACTIVE_SCAN  # a whole table's current rows

    def __call__(self, query: str, params: Sequence[Any] = ()) -> list[tuple]:
        if self.postgres:  # psycopg's marks; no literal % in these queries (patterns are parameters)
            return self._execute(query.replace("?", "%s"), list(params) or None).fetchall()
        return self._execute(query, params).fetchall()

    def fids(self, column: str) -> str:
        """The fids of a group as comma-joined text."""
        return f"string_agg(CAST({column} AS text), ',' ORDER BY {column})" if self.postgres else f"group_concat({column})"


def _sql(store) -> _Db | None:
    """A query function on the store's database (SQLite or PostgreSQL), or None for a
    backend it does not know."""
    execute = getattr(store, "_execute", None)
    if execute is None:
        return None
    if isinstance(getattr(store, "_conn", None), sqlite3.Connection):
        return _Db(execute, False, store)
    if type(store).__name__ == "PostGISStore":
        return _Db(execute, True, store)
    return None


def data_problems(store, *, index: bool = True) -> list:
    """Every data check's findings, the spatial index's last (index=False: all but those,
    see index_problems)."""
    db = _sql(store)
    if db is None:
        return []
    out: list = []
    for check in (_duplicate_building_codes, _missing_references, _unit_floor_mismatch, _sizes, _leases):
        out.extend(check(db))
    built, supplied, unknown = _parcel_counts(db)  # one scan of the parcels for three checks
    out.extend(_built_without_buildings(db, built))
    out.extend(_supplied_without_dates(db, supplied))
    out.extend(_unknown_land_use(db, unknown))
    if index:
        out.extend(index_problems(store))
    return out


def index_problems(store) -> list:
    """The spatial-index check of data_problems: R-tree boxes against the geometries on a
    GeoPackage, a usable GiST index on PostGIS."""
    db = _sql(store)
    if db is None:
        return []
    return _gist_indexes(db) if db.postgres else _spatial_index(db)


def _limited(rows: list, make: Callable[[tuple], Any], kind: str, layer: str, zh: str, en: str,
             total: int | None = None) -> list:
    """The first LIST_LIMIT rows as findings, and one line counting the rest (total: how
    many there are when `rows` holds only the first ones, see _first)."""
    n = len(rows) if total is None else total
    out = [make(r) for r in rows[:LIST_LIMIT]]
    if n > LIST_LIMIT:
        out.append(_problem(kind, layer, (), tr(f"……另有 {n - LIST_LIMIT} 个同类问题({zh})。",
                                                f"… and {n - LIST_LIMIT} more of these ({en}).")))
    return out


def _first(q, columns: str, rest: str, params: Sequence[Any], n: int) -> tuple[list, int]:
    """(the first LIST_LIMIT rows of SELECT columns FROM rest ORDER BY fid, n): a count (see
    _parcel_counts) and a short list instead of fetching every row (400k built parcels
    without a building on a synthetic 1M park took 0.7 s as tuples, counted 0.3 s)."""
    return (q(f"SELECT {columns} FROM {rest} ORDER BY fid LIMIT {LIST_LIMIT}", params) if n else []), n


def _no_building_params() -> list[str]:
    return [f"{p}%" for p in NO_BUILDING_PREFIXES]


# the conditions of the three parcel checks (with `?` for _no_building_params, then
# SUPPLIED_UNFINISHED); a building's parcel is looked up through the parcel_code index
_BUILT = ("status = '已建成投产' AND (land_use IS NULL OR ("
          + " AND ".join("land_use NOT LIKE ?" for _ in NO_BUILDING_PREFIXES) + ")) "
          "AND (code IS NULL OR NOT EXISTS (SELECT 1 FROM buildings b WHERE b.parcel_code = parcels.code "
          "AND (b.retired = 0 OR b.retired IS NULL)))")
_SUPPLIED = ("agreed_start IS NULL AND actual_completion IS NULL AND (status IN ("
             + ",".join("?" for _ in SUPPLIED_UNFINISHED) + ") OR (supply_date IS NOT NULL "
             "AND status NOT IN ('储备', '待供', '已建成投产', '低效', '盘活中', '已盘活')))")
_UNKNOWN = "land_use IS NULL AND land_use_source IS NOT NULL"


def _parcel_counts(q) -> tuple[int, int, int]:
    """How many active parcels each of the three parcel checks finds, in one scan (three
    scans of a million parcels took 1.7 s, one 0.9 s)."""
    row = q(f"SELECT count(*) FILTER (WHERE {_BUILT}), count(*) FILTER (WHERE {_SUPPLIED}), "
            f"count(*) FILTER (WHERE {_UNKNOWN}) FROM parcels WHERE {q.active}",
            [*_no_building_params(), *SUPPLIED_UNFINISHED])[0]
    return int(row[0]), int(row[1]), int(row[2])


def _duplicate_building_codes(q) -> list:
    rows = q(f"SELECT code, {q.fids('fid')}, count(*) FROM buildings WHERE {q.active} AND code IS NOT NULL "
             "GROUP BY code HAVING count(*) > 1 ORDER BY code")
    return _limited(rows, lambda r: _problem(
        "duplicate_building_code", "buildings", [int(x) for x in r[1].split(",")],
        tr(f"建筑编号 {r[0]} 重复({r[2]} 栋),按编号查找建筑会得到错误的一栋。",
           f"Building code {r[0]} is used by {r[2]} buildings, so a look-up by code finds the wrong one.")),
        "duplicate_building_code", "buildings", "建筑编号重复", "duplicate building codes")


# (layer, field, target layer, title zh, title en); the target looked up by fid
_REFERENCES = (
    ("floors", "building_id", "buildings", "楼层", "floor"),
    ("units", "building_id", "buildings", "单元", "unit"),
    ("units", "floor_id", "floors", "单元", "unit"),
    ("leases", "building_id", "buildings", "租约", "lease"),
    ("leases", "unit_id", "units", "租约", "lease"),
    ("leases", "enterprise_id", "enterprises", "租约", "lease"),
    ("enterprise_metrics", "enterprise_id", "enterprises", "亩均数据", "yearly figures"),
    ("parcels", "land_user_id", "enterprises", "地块", "parcel"),
)
_TARGET = {"buildings": ("建筑", "building"), "floors": ("楼层", "floor"), "units": ("单元", "unit"),
           "enterprises": ("企业", "enterprise"), "parcels": ("地块", "parcel")}


def _missing_references(q) -> list:
    out = []
    for layer, col, target, zh, en in _REFERENCES:
        label = "code" if layer == "parcels" else "fid"
        rows = q(f'SELECT t.fid, t."{col}", t.{label} FROM "{layer}" t LEFT JOIN "{target}" x ON x.fid = t."{col}" '
                 f'WHERE t."{col}" IS NOT NULL AND x.fid IS NULL ORDER BY t.fid')
        tz, te = _TARGET[target]
        out += _limited(rows, lambda r, layer=layer, col=col, zh=zh, en=en, tz=tz, te=te: _problem(
            "missing_reference", layer, (r[0],),
            tr(f"{zh} {r[2]} 的 {col} 指向不存在的{tz}(编号 {r[1]})。",
               f"{en.capitalize()} {r[2]}: {col} points to {te} {r[1]}, which does not exist.")),
            "missing_reference", layer, f"{zh}引用缺失", f"{en} references")
    # a building's 所在地块 names a parcel code that no current parcel has (looked up through
    # the code index: NOT IN built a set of a million codes, 1.5 s against 0.4 s)
    rows = q(f"SELECT fid, coalesce(code, name), parcel_code FROM buildings WHERE {q.active} AND parcel_code IS NOT NULL "
             "AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.code = buildings.parcel_code "
             "AND (p.retired = 0 OR p.retired IS NULL)) ORDER BY fid")
    out += _limited(rows, lambda r: _problem(
        "missing_reference", "buildings", (r[0],),
        tr(f"建筑 {r[1]} 的所在地块 {r[2]} 不存在(或已注销)。",
           f"Building {r[1]}: its parcel {r[2]} does not exist (or is retired).")),
        "missing_reference", "buildings", "所在地块不存在", "missing parcels")
    # revitalisation cases on a parcel or building that is gone
    for target, (tz, te) in (("parcels", _TARGET["parcels"]), ("buildings", _TARGET["buildings"])):
        rows = q(f"SELECT c.fid, c.target_id, c.target_code FROM revitalisation_cases c LEFT JOIN \"{target}\" x "
                 f"ON x.fid = c.target_id WHERE c.target_layer = ? AND x.fid IS NULL ORDER BY c.fid", (target,))
        out += _limited(rows, lambda r, tz=tz, te=te: _problem(
            "missing_reference", "revitalisation_cases", (r[0],),
            tr(f"盘活案件 {r[0]} 指向不存在的{tz}(编号 {r[1]},{r[2] or '-'})。",
               f"Revitalisation case {r[0]} points to {te} {r[1]} ({r[2] or '-'}), which does not exist.")),
            "missing_reference", "revitalisation_cases", "案件对象不存在", "missing case targets")
    return out


def _unit_floor_mismatch(q) -> list:
    rows = q("SELECT u.fid, coalesce(u.code, CAST(u.fid AS TEXT)), u.building_id, f.fid, f.building_id FROM units u "
             f"JOIN floors f ON f.fid = u.floor_id WHERE f.building_id{q.is_not}u.building_id ORDER BY u.fid")
    return _limited(rows, lambda r: _problem(
        "unit_floor_building", "units", (r[0],),
        tr(f"单元 {r[1]}(#{r[0]})属于建筑 {r[2]},但所在楼层 {r[3]} 属于建筑 {r[4]}。",
           f"Unit {r[1]} (#{r[0]}) belongs to building {r[2]} but its floor {r[3]} to building {r[4]}.")),
        "unit_floor_building", "units", "单元与楼层不在同一建筑", "units on another building's floor")


def _sizes(q) -> list:
    rows = q("SELECT u.fid, coalesce(u.code, CAST(u.fid AS TEXT)), u.area, f.fid, coalesce(f.name, CAST(f.level AS TEXT)), "
             "f.area FROM units u "
             "JOIN floors f ON f.fid = u.floor_id WHERE u.area > f.area + 0.05 ORDER BY u.fid")
    out = _limited(rows, lambda r: _problem(
        "unit_larger_than_floor", "units", (r[0],),
        tr(f"单元 {r[1]}(#{r[0]})面积 {r[2]:,.1f} ㎡ 大于所在楼层 {r[4]}(#{r[3]})的 {r[5]:,.1f} ㎡。",
           f"Unit {r[1]} (#{r[0]}) has {r[2]:,.1f} m², more than its floor {r[4]} (#{r[3]}) with {r[5]:,.1f} m².")),
        "unit_larger_than_floor", "units", "单元大于楼层", "units larger than their floor")
    rows = q("SELECT f.fid, coalesce(f.name, CAST(f.level AS TEXT)), f.area, b.fid, coalesce(b.code, b.name), b.floor_area "
             "FROM floors f JOIN buildings b ON b.fid = f.building_id WHERE f.area > b.floor_area + 0.05 ORDER BY f.fid")
    out += _limited(rows, lambda r: _problem(
        "floor_larger_than_building", "floors", (r[0],),
        tr(f"楼层 {r[1]}(#{r[0]})面积 {r[2]:,.1f} ㎡ 大于建筑 {r[4]} 的建筑面积 {r[5]:,.1f} ㎡。",
           f"Floor {r[1]} (#{r[0]}) has {r[2]:,.1f} m², more than the {r[5]:,.1f} m² of building {r[4]}.")),
        "floor_larger_than_building", "floors", "楼层大于建筑", "floors larger than their building")
    return out


def _leases(q) -> list:
    rows = q("SELECT l.fid, l.tenant, l.area, u.fid, coalesce(u.code, CAST(u.fid AS TEXT)), u.area, u.building_id, "
             "l.building_id FROM leases l JOIN units u ON u.fid = l.unit_id "
             f"WHERE l.area > u.area + 0.05 OR u.building_id{q.is_not}l.building_id ORDER BY l.fid")
    out = _limited(rows, lambda r: _problem(
        "lease_outside_unit", "leases", (r[0],),
        tr(f"租约 #{r[0]}({r[1]})" + (f"面积 {r[2]:,.1f} ㎡ 大于单元 {r[4]} 的 {r[5]:,.1f} ㎡。" if r[6] == r[7]
                                      else f"所在建筑 {r[7]} 与单元 {r[4]} 的建筑 {r[6]} 不同。"),
           f"Lease #{r[0]} ({r[1]}) " + (f"has {r[2]:,.1f} m², more than unit {r[4]} with {r[5]:,.1f} m²."
                                          if r[6] == r[7] else f"is in building {r[7]}, its unit {r[4]} in {r[6]}."))),
        "lease_outside_unit", "leases", "租约超出单元", "leases outside their unit")
    # two leases on one unit at once whose areas add up to more than the unit
    rows = q("SELECT a.fid, b.fid, a.tenant, b.tenant, coalesce(u.code, CAST(u.fid AS TEXT)), "
             f"{q.greatest}(a.start_date, b.start_date), {q.least}(a.end_date, b.end_date) "
             "FROM leases a JOIN leases b ON b.unit_id = a.unit_id AND b.fid > a.fid "
             "JOIN units u ON u.fid = a.unit_id "
             f"WHERE a.status{q.is_not}'已终止' AND b.status{q.is_not}'已终止' "
             "AND a.start_date <= b.end_date AND b.start_date <= a.end_date "
             "AND a.area + b.area > u.area + 0.05 ORDER BY a.fid, b.fid")
    out += _limited(rows, lambda r: _problem(
        "lease_overlap", "leases", (r[0], r[1]),
        tr(f"单元 {r[4]} 的租约 #{r[0]}({r[2]})与 #{r[1]}({r[3]})在 {r[5]} 至 {r[6]} 重叠,合计超过单元面积。",
           f"Unit {r[4]}: leases #{r[0]} ({r[2]}) and #{r[1]} ({r[3]}) overlap from {r[5]} to {r[6]} "
           "and together exceed the unit.")),
        "lease_overlap", "leases", "租约重叠", "overlapping leases")
    return out


def _built_without_buildings(q, n: int) -> list:
    rows, n = _first(q, "fid, code, land_use", f"parcels WHERE {q.active} AND {_BUILT}", _no_building_params(), n)
    return _limited(rows, lambda r: _problem(
        "built_without_building", "parcels", (r[0],),
        tr(f"地块 {r[1]} 状态为已建成投产,但没有任何建筑。", f"Parcel {r[1]} is 已建成投产 (built) but has no building.")),
        "built_without_building", "parcels", "已建成投产但无建筑", "built parcels without buildings", n)


def _supplied_without_dates(q, n: int) -> list:
    rows, n = _first(q, "fid, code, status", f"parcels WHERE {q.active} AND {_SUPPLIED}", SUPPLIED_UNFINISHED, n)
    return _limited(rows, lambda r: _problem(
        "supplied_without_dates", "parcels", (r[0],),
        tr(f"地块 {r[1]}({r[2]})已供地,但没有约定开工日期,无法判定是否闲置。",
           f"Parcel {r[1]} ({r[2]}) is supplied but has no agreed start date, so idle land cannot be judged.")),
        "supplied_without_dates", "parcels", "已供地缺约定开工日期", "supplied parcels without dates", n)


def _unknown_land_use(q, n: int) -> list:
    rows, n = _first(q, "fid, code, land_use_source", f"parcels WHERE {q.active} AND {_UNKNOWN}", (), n)
    return _limited(rows, lambda r: _problem(
        "land_use_unknown", "parcels", (r[0],),
        tr(f"地块 {r[1]} 的原用地代码“{r[2]}”无法对应到国家分类,需填写用地性质。",
           f"Parcel {r[1]}: the original land-use value '{r[2]}' has no national code yet; set its land use.")),
        "land_use_unknown", "parcels", "用地性质待填", "land uses to set", n)


# ---- spatial index: compare boxes, not counts --------------------------------------------------

def index_mismatches(q, layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fids whose R-tree box differs from the geometry's envelope or is missing, their
    kind 'moved'|'missing', ids in the R-tree with no feature). The envelope comes from the
    blob header, read for the whole layer in one query and decoded with numpy; the R-tree
    holds float32 boxes rounded outwards, so boxes within a few float32 steps agree."""
    rtree = f"rtree_{layer}_{gpkg.GEOM_COLUMN}"
    # the fids and the first 40 bytes of every blob (padded) as two strings: no Python
    # object per row (1M rows as tuples cost seconds)
    fid_text, hex_text = q(f"SELECT group_concat(fid, ','), group_concat(substr(hex(substr(geom, 1, 40)) || '{_ZEROS}', 1, 80), '') "
                           f'FROM (SELECT fid, geom FROM "{layer}" WHERE geom IS NOT NULL ORDER BY fid)')[0]
    rt_ids, rt_boxes = _rtree_entries(q, rtree)
    # numpy's text parser: 1M fids in 15 ms (a list of strings: 110 ms)
    fids = np.fromstring(fid_text, dtype=np.int64, sep=",") if fid_text else np.empty(0, np.int64)
    n = len(fids)
    orphans = rt_ids[~np.isin(rt_ids, fids)]
    if not n:
        return np.empty(0, np.int64), np.empty(0, object), orphans
    raw = np.frombuffer(bytes.fromhex(hex_text), dtype=np.uint8).reshape(n, 40)
    env = np.full((n, 4), np.nan)
    flags = raw[:, 3]
    # little-endian, not empty, with an envelope whose first four doubles are x/y
    standard = (raw[:, 0] == ord("G")) & np.isin(flags, (3, 5, 7, 9))
    env[standard] = np.ascontiguousarray(raw[standard, 8:40]).view("<f8").reshape(-1, 4)
    for i in np.flatnonzero(~standard):  # other headers (big-endian, no envelope, empty): one by one
        blob = q(f'SELECT geom FROM "{layer}" WHERE fid = ?', (int(fids[i]),))[0][0]
        e = gpkg._envelope(blob)
        if e is not None:
            env[i] = e
    pos = np.searchsorted(rt_ids, fids)
    pos = np.minimum(pos, max(len(rt_ids) - 1, 0))
    has_entry = (len(rt_ids) > 0) & (rt_ids[pos] == fids) if len(rt_ids) else np.zeros(n, bool)
    box = np.full((n, 4), np.nan)
    box[has_entry] = rt_boxes[pos[has_entry]]
    has_env = ~np.isnan(env).any(axis=1)
    missing = has_env & ~has_entry
    tol = 0.01 + 4 * np.spacing(np.abs(np.nan_to_num(env)).astype(np.float32)).astype(float)
    moved = has_env & has_entry & (np.abs(np.nan_to_num(box) - np.nan_to_num(env)) > tol).any(axis=1)
    bad = missing | moved
    return fids[bad], np.where(missing[bad], "missing", "moved"), orphans


def _rtree_entries(q, rtree: str) -> tuple[np.ndarray, np.ndarray]:
    """The R-tree's ids (ascending) and boxes (minx, maxx, miny, maxy as float64) read from
    its node table: SQLite's documented node format (a big-endian depth and cell count, then
    cells of a 64-bit id and four 32-bit floats), decoded with numpy. Selecting the virtual
    table row by row was a second of `check` on 1M parcels; anything unexpected in the
    nodes falls back to that query."""
    try:
        nodes = dict(q(f'SELECT nodeno, data FROM "{rtree}_node"'))
        leaves = []
        level, todo = None, [1]
        root = nodes[1]
        level = int.from_bytes(root[0:2], "big")
        seen = 0
        while todo:
            blobs = [nodes[n] for n in todo]
            seen += len(blobs)
            if level == 0:
                leaves = blobs
                break
            todo = []
            for b in blobs:
                cells = np.frombuffer(b, dtype=_RTREE_CELL, count=int.from_bytes(b[2:4], "big"), offset=4)
                todo.extend(cells["id"].tolist())
            level -= 1
        if seen != len(nodes):
            raise ValueError("R-tree nodes not all reached from the root")
        cells = np.frombuffer(b"".join(b[4:4 + 24 * int.from_bytes(b[2:4], "big")] for b in leaves),
                              dtype=_RTREE_CELL)
        ids = cells["id"].astype(np.int64)
        boxes = cells["box"].astype(float)
    except (KeyError, ValueError, TypeError, IndexError):
        rows = q(f'SELECT id, minx, maxx, miny, maxy FROM "{rtree}" ORDER BY id')
        rt = np.array(rows, dtype=float).reshape(-1, 5)
        return rt[:, 0].astype(np.int64), rt[:, 1:]
    order = np.argsort(ids, kind="stable")
    return ids[order], boxes[order]


_RTREE_CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])


def _spatial_index(q) -> list:
    out = []
    for layer in SPATIAL_LAYERS:
        fids, kinds, orphans = index_mismatches(q, layer)
        rows = list(zip(fids.tolist(), kinds.tolist()))
        out += _limited(rows, lambda r, layer=layer: _problem(
            "index_box", layer, (r[0],),
            tr(f"{layer} #{r[0]} 的空间索引" + ("缺少该要素" if r[1] == "missing" else "范围框与图形不符")
               + ",按范围查询会漏掉或错找它;可用 --fix 重建。",
               f"{layer} #{r[0]}: the spatial index " + ("has no entry for it" if r[1] == "missing"
                                                        else "box differs from its geometry")
               + ", so map and bbox queries miss it; --fix rebuilds it."), fixable=True),
            "index_box", layer, "空间索引范围框不符", "index boxes")
        out += _limited(orphans.tolist(), lambda i, layer=layer: _problem(
            "index_box", layer, (i,),
            tr(f"{layer} 的空间索引含有不存在的要素 #{i};可用 --fix 删除。",
               f"{layer}: the spatial index has an entry #{i} for no feature; --fix removes it."), fixable=True),
            "index_box", layer, "多余的空间索引", "orphan index entries")
    return out


# ---- PostGIS: a GiST index PostgreSQL can use -------------------------------------------------

def _gist_rows(q, layer: str) -> list[tuple]:
    """(index name, usable) of the layer's GiST indexes on its geometry column."""
    from landapp.store.filters import quote_ident

    return q("SELECT c.relname, i.indisvalid AND i.indisready FROM pg_index i "
             "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
             "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
             "WHERE i.indrelid = to_regclass(?) AND am.amname = 'gist' AND a.attname = ? ORDER BY c.relname",
             (f"{quote_ident(q.store.schema)}.{quote_ident(layer)}", gpkg.GEOM_COLUMN))


def _gist_indexes(q) -> list:
    """On PostGIS the spatial index is PostgreSQL's to keep consistent; what can be wrong is
    that a layer has none (dropped, or a table loaded by another tool) or only one that is
    not valid (a CREATE INDEX CONCURRENTLY that failed), which maps and bbox queries then
    do without: a whole-table scan each time."""
    out = []
    for layer in SPATIAL_LAYERS:
        rows = _gist_rows(q, layer)
        if any(ok for _, ok in rows):
            continue
        if rows:
            names = "、".join(r[0] for r in rows)
            msg = tr(f"图层 {layer} 的空间索引(GiST){names} 无效,数据库不会使用它;可用 --fix 重建。",
                     f"Layer {layer}: its spatial index (GiST) {names} is not valid, so the database does "
                     "not use it; --fix rebuilds it.")
        else:
            msg = tr(f"图层 {layer} 没有空间索引(GiST),地图和范围查询要扫描整张表;可用 --fix 重建。",
                     f"Layer {layer} has no spatial index (GiST), so maps and bbox queries scan the whole "
                     "table; --fix rebuilds it.")
        out.append(_problem("spatial_index", layer, (), msg, fixable=True))
    return out


def fix_gist_indexes(store, problems: list) -> int:
    """Rebuild the layers' unusable GiST indexes and create missing ones. Returns how many
    layers were repaired."""
    from psycopg import sql

    layers = sorted({p.layer for p in problems if p.kind == "spatial_index"})
    q = _sql(store)
    if q is None or not q.postgres:
        return 0
    with store.transaction():
        for layer in layers:
            for name, ok in _gist_rows(q, layer):
                if not ok:
                    store._execute(sql.SQL("REINDEX INDEX {}.{}").format(sql.Identifier(store.schema),
                                                                      sql.Identifier(name)))
            if not any(ok for _, ok in _gist_rows(q, layer)):
                store._execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {}.{} USING GIST ({})").format(
                    sql.Identifier(f"{layer}_{gpkg.GEOM_COLUMN}_gist"), sql.Identifier(store.schema),
                    sql.Identifier(layer), sql.Identifier(gpkg.GEOM_COLUMN)))
    return len(layers)


def fix_spatial_index(store, problems: list) -> int:
    """Rewrite the R-tree entries the report found wrong (box from the geometry) and drop
    orphans, in one transaction. Returns how many entries changed."""
    todo = [p for p in problems if p.kind == "index_box" and p.fids]
    if not todo:
        return 0
    conn: sqlite3.Connection = store._conn
    with store.transaction():
        for p in todo:
            rtree = f"rtree_{p.layer}_{gpkg.GEOM_COLUMN}"
            conn.execute(f'DELETE FROM "{rtree}" WHERE id = ?', (p.fids[0],))
            conn.execute(f'INSERT INTO "{rtree}" SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), '
                         f'ST_MaxY(geom) FROM "{p.layer}" WHERE fid = ? AND geom IS NOT NULL '
                         f'AND NOT ST_IsEmpty(geom)', (p.fids[0],))
    return len(todo)

