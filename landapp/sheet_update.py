"""Attributes back from a spreadsheet (`landapp update`, 文件 → 从表格更新属性): a sheet whose
headers are our Chinese titles or field names is matched to a layer by a key column (地块编号
…), every changed cell is shown as old → new, unmatched and duplicate keys are listed, every
value is checked with the store's rules, and the changes are applied as one transaction and
one undoable edit (SheetUpdate, a MultiEdit).

It reads the spreadsheets offices actually send: a title row above the header, header cells
merged across columns or rows (a two-row header such as 面积 over ㎡ | 亩), numbers stored as
text ('1,234.5', full-width '１２３４'), dates as Excel serial numbers or '2026年3月1日',
areas in 亩 where ㎡ is expected (by the column title, '建筑面积(亩)', or by the value,
'2.5亩'; converted, and the notes say so), trailing and full-width spaces. The opportunity
lists landapp exports come back unchanged except for the cells someone edited (their
land-use column '100101 一类工业用地', FAR as '1.0–2.0', the project's contact shown where a
parcel has none)."""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field

from landapp import landuse
from landapp.editing import MultiEdit
from landapp.errors import LandappError, ValidationError
from landapp.files import read_csv_text
from landapp.i18n import tr
from landapp.schema import VALUE_EN, spec, validate_record
from landapp.store.filters import current
from landapp.units import MU_M2

LAYERS = ("parcels", "buildings", "units", "enterprises")  # also in landapp/commands/update.py
HEADER_SCAN = 12  # rows searched for the header
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Headers of landapp's own lists that are not field titles (opportunities.py).
EXTRA_HEADERS = {
    "buildings": {"载体名称": "name", "层高(m)": "ground_height", "carrier": "name"},
    "parcels": {},
}
FAR_HEADERS = ("容积率", "far")  # the land list's '1.0–2.0' -> far_min, far_max
# A list shows the project's contact where a record has none: that is not an edit.
PROJECT_FALLBACK = {"contact": "contact", "phone": "phone"}
_DATE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_UNIT_SUFFIX = re.compile(r"\s*(平方米|㎡|m²|m2|亩|公顷|%|万元|元|米|m)$", re.IGNORECASE)


def _norm_text(v) -> str:
    return unicodedata.normalize("NFKC", str(v)).strip()


def _header_key(text: str) -> str:
    t = _norm_text(text).replace(" ", "").lower()
    return t.replace("（", "(").replace("）", ")")


def _base_and_unit(title: str) -> tuple[str, str]:
    m = re.match(r"^(.*?)\((.*)\)$", _header_key(title))
    return (m.group(1), m.group(2)) if m else (_header_key(title), "")


@dataclass
class Column:
    header: str
    field: str | None
    factor: float = 1.0  # multiply values by this (亩 -> ㎡)
    note: str = ""


def map_header(header: str, layer: str) -> Column:
    """The field a column header means: our field name, Chinese or English title, a synonym
    the importer knows, a list header of ours; a title with another area unit (亩 for ㎡)."""
    from landapp.dataio.importer import auto_mapping

    s = spec(layer)
    key = _header_key(header)
    if not key:
        return Column(header, None)
    if layer == "parcels" and key in FAR_HEADERS:
        return Column(header, "far")
    extra = {k.lower(): v for k, v in EXTRA_HEADERS.get(layer, {}).items()}
    if key in extra:
        return Column(header, extra[key])
    for f in s.fields:
        if key in (_header_key(f.title_zh), _header_key(f.title_en), f.name) and not f.computed:
            return Column(header, f.name)
    # a title in another unit: 建筑面积(亩) where the field is 建筑面积(㎡)
    base, unit = _base_and_unit(header)
    if unit in ("亩", "mu"):
        for f in s.fields:
            fb, fu = _base_and_unit(f.title_zh)
            if fb == base and fu in ("㎡", "m2") and not f.computed:  # NFKC makes ㎡ m2
                return Column(header, f.name, MU_M2, tr(
                    f"“{header}”一列以亩计,已按 1 亩 = 666.67 ㎡ 换算为{f.title_zh}",
                    f"the column '{header}' is in mu; converted to m² (1 mu = 666.67 m²) for {f.title_en}"))
    found = auto_mapping([key], layer)
    target = found.get(key)
    if target and not s.field(target).computed:
        return Column(header, target)
    return Column(header, None)


# ---- reading ----------------------------------------------------------------------------

def _grid_xlsx(path: str, sheet: str | None) -> list[list]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # noqa: BLE001 - zip, XML and openpyxl errors: one sentence
        raise LandappError(tr(f"无法读取 {os.path.basename(path)}(不是有效的 XLSX 文件):{e}",
                              f"Cannot read {os.path.basename(path)} (not a valid XLSX file): {e}")) from None
    if sheet is not None and sheet not in wb.sheetnames:
        raise LandappError(tr(f"没有名为“{sheet}”的工作表;有:{'、'.join(wb.sheetnames)}。",
                              f"There is no sheet '{sheet}'; the sheets are {', '.join(wb.sheetnames)}."))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    grid = [list(row) for row in ws.iter_rows(values_only=True)]
    # merged cells hold their value in the top-left cell only: give it to every cell
    for rng in ws.merged_cells.ranges:
        v = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = v
    return grid


def _grid_csv(path: str) -> list[list]:
    text = read_csv_text(path)
    return [list(r) for r in csv.reader(text.splitlines())]


def read_grid(path: str, sheet: str | None = None) -> list[list]:
    if not os.path.exists(path):
        raise LandappError(tr(f"找不到文件 {path}。", f"The file {path} does not exist."))
    ext = os.path.splitext(path)[1].lower()
    if ext in (".xlsx", ".xlsm"):
        return _grid_xlsx(path, sheet)
    if ext in (".csv", ".txt"):
        return _grid_csv(path)
    if ext == ".xls":
        raise LandappError(tr("不能读取旧版 .xls 文件;请在 Excel 或 WPS 中“另存为” .xlsx 后再更新。",
                              "Old .xls files cannot be read; save the sheet as .xlsx in Excel or WPS first."))
    raise LandappError(tr(f"不支持的表格类型 {ext or '(无扩展名)'};请用 .xlsx 或 .csv。",
                          f"Unsupported spreadsheet type {ext or '(none)'}; use .xlsx or .csv."))


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def find_header(grid: list[list], layer: str, key_field: str) -> tuple[int, list[Column]]:
    """(index of the last header row, columns). The header is the row among the first ones
    whose cells name the most fields (the key counting most); a title row above it is
    skipped; a second header row under it (cells merged across columns above sub-titles, or
    down over two rows) is combined with it: 面积 over (亩) reads as 面积(亩)."""
    best, best_score = None, 0
    for i, row in enumerate(grid[:HEADER_SCAN]):
        cols = [map_header(str(v), layer) if not _blank(v) else Column("", None) for v in row]
        score = sum(1 for c in cols if c.field) + sum(5 for c in cols if c.field == key_field)
        if score > best_score:
            best, best_score = i, score
    if best is None or not any(c.field == key_field for c in
                               (map_header(str(v), layer) for v in grid[best] if not _blank(v))):
        # maybe the key only appears once two header rows are combined
        for i in range(min(HEADER_SCAN, len(grid) - 1)):
            cols = _combined(grid[i], grid[i + 1], layer)
            if any(c.field == key_field for c in cols):
                return i + 1, cols
        raise LandappError(tr(
            f"表格前 {HEADER_SCAN} 行中找不到关键字段“{spec(layer).field(key_field).title_zh}”的表头。",
            f"No header for the key field '{spec(layer).field(key_field).title_en}' in the first "
            f"{HEADER_SCAN} rows of the sheet."))
    head = grid[best]
    cols = [map_header(str(v), layer) if not _blank(v) else Column("", None) for v in head]
    if best + 1 < len(grid):
        nxt = grid[best + 1]
        key_col = next(i for i, c in enumerate(cols) if c.field == key_field)
        same_key = key_col < len(nxt) and nxt[key_col] == head[key_col]  # merged down
        if same_key:
            return best + 1, _combined(head, nxt, layer)
    return best, cols


def _combined(top: list, sub: list, layer: str) -> list[Column]:
    out = []
    for i in range(max(len(top), len(sub))):
        t = top[i] if i < len(top) and not _blank(top[i]) else ""
        b = sub[i] if i < len(sub) and not _blank(sub[i]) else ""
        candidates = [str(b)] if t == b else [f"{t}{b}", f"{t}({b})", str(b), str(t)]
        col = Column(str(b or t), None)
        for cand in candidates:
            c = map_header(cand, layer)
            if c.field:
                col = c
                break
        out.append(col)
    return out


# ---- values -----------------------------------------------------------------------------

def excel_date(v) -> dt.date | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    if 20000 <= x <= 80000 and x == int(x):  # 1954 … 2119 as Excel serial numbers
        return EXCEL_EPOCH + dt.timedelta(days=int(x))
    return None


def clean_value(layer: str, name: str, v, factor: float = 1.0) -> tuple[object, str]:
    """A cell as the value to validate, and a note when it was converted ('2.5亩' -> m²)."""
    f = spec(layer).field(name)
    if _blank(v):
        return None, ""
    if isinstance(v, str):
        v = v.strip()
        if len(v) > 1 and v[0] == "'" and v[1] in "=+-@":  # a neutralised formula
            v = v[1:]
    if f.kind == "date":
        if isinstance(v, (dt.datetime, dt.date)):
            return (v.date() if isinstance(v, dt.datetime) else v).isoformat(), ""
        d = excel_date(_norm_text(v)) if not isinstance(v, bool) else None
        if d is not None:
            return d.isoformat(), ""
        m = _DATE.match(_norm_text(v))
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), ""
            except ValueError:
                pass
        return _norm_text(v), ""
    if f.kind in ("int", "real"):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (v * factor if factor != 1.0 else v), ""
        t = _norm_text(v).replace(",", "").replace("，", "").replace(" ", "")
        note = ""
        m = _UNIT_SUFFIX.search(t)
        if m:
            unit = m.group(1).lower()
            t = t[: m.start()]
            if unit == "亩" and f.unit == "㎡":
                try:
                    return float(t) * MU_M2, tr(f"{v} 按亩换算为 ㎡", f"{v} read as mu, converted to m²")
                except ValueError:
                    return v, ""
            if unit in ("㎡", "m²", "m2", "平方米") and f.unit == "㎡":  # says ㎡ in a 亩 column
                try:
                    return float(t), ""
                except ValueError:
                    return v, ""
            if unit == "公顷" and f.unit == "㎡":
                try:
                    return float(t) * 10000, tr(f"{v} 按公顷换算为 ㎡", f"{v} read as hectares, converted to m²")
                except ValueError:
                    return v, ""
        try:
            return float(t) * factor, note
        except ValueError:
            return v, ""
    if f.kind == "bool":
        return _norm_text(v), ""
    text = str(v).strip()
    if f.choices:
        from landapp.dataio.importer import VALUE_SYNONYMS

        t = _norm_text(text)
        english = {en.lower(): zh for zh, en in VALUE_EN.items()}
        t = VALUE_SYNONYMS.get(name, {}).get(t, english.get(t.lower(), t))
        return t, ""
    if name == "land_use":
        code = landuse.guess_code(text)
        return (code if code else text), ""
    if isinstance(v, float) and v == int(v):  # a code typed as a number: 1001.0 -> '1001'
        return str(int(v)), ""
    return text, ""


def _split_far(text) -> tuple[object, object] | None:
    if _blank(text):
        return None
    t = _norm_text(text).replace(" ", "")
    m = re.match(r"^([\d.]+)\s*[–\-~～至]\s*([\d.]+)$", t)
    if m:
        return float(m.group(1)), float(m.group(2))
    if t.startswith(("≤", "<=")):
        return None, float(t.lstrip("≤<="))
    if t.startswith(("≥", ">=")):
        return float(t.lstrip("≥>=")), None
    try:
        x = float(t)
    except ValueError:
        raise ValueError(t) from None
    return x, x


def _same(a, b) -> bool:
    if _blank(a) and _blank(b):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


# ---- the plan ---------------------------------------------------------------------------

@dataclass
class CellChange:
    row: int  # row number in the sheet (1-based, as Excel shows it)
    key: str
    fid: int
    field: str
    old: object
    new: object


@dataclass
class UpdatePlan:
    layer: str
    key_field: str
    path: str
    header_row: int = 0  # 1-based
    columns: list[Column] = field(default_factory=list)
    changes: list[CellChange] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (row, key)
    duplicates: list[tuple[str, list[int]]] = field(default_factory=list)  # key, rows
    ambiguous: list[str] = field(default_factory=list)  # keys several records share
    problems: list[tuple[int, str, object, str]] = field(default_factory=list)  # row, column, value, rule
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0

    def by_fid(self) -> dict[int, dict]:
        out: dict[int, dict] = {}
        for c in self.changes:
            out.setdefault(c.fid, {})[c.field] = c.new
        return out

    @property
    def ignored(self) -> list[str]:
        return [c.header for c in self.columns if c.header and not c.field]

    def summary(self) -> str:
        n_rec = len(self.by_fid())
        return tr(f"读取 {self.rows_read} 行:{n_rec} 条记录的 {len(self.changes)} 处改动,"
                  f"{len(self.unmatched)} 行找不到,{len(self.duplicates)} 个重复编号,"
                  f"{len(self.ambiguous)} 个编号对应多条记录,{len(self.problems)} 个错误值。",
                  f"Read {self.rows_read} rows: {len(self.changes)} changes in {n_rec} records, "
                  f"{len(self.unmatched)} unmatched, {len(self.duplicates)} duplicate keys, "
                  f"{len(self.ambiguous)} keys shared by several records, {len(self.problems)} invalid values.")


def resolve_key(layer: str, key: str) -> str:
    if layer not in LAYERS:
        raise LandappError(tr(f"只能更新 {'、'.join(LAYERS)},不能更新 {layer}。",
                              f"Only {', '.join(LAYERS)} can be updated, not {layer}."))
    col = map_header(key, layer)
    if col.field is None or col.field == "far":
        raise LandappError(tr(f"“{key}”不是{spec(layer).title_zh}的字段。",
                              f"'{key}' is not a field of {spec(layer).title_en}."))
    return col.field


def plan_update(store, path: str, layer: str, key: str, *, sheet: str | None = None,
                mapping: dict[str, str] | None = None, clear_blank: bool = False) -> UpdatePlan:
    """Read the sheet and work out every change, without writing anything. `mapping`
    (header -> field, '' to ignore) overrides the automatic one; blank cells leave values
    alone unless clear_blank."""
    key_field = resolve_key(layer, key)
    grid = read_grid(path, sheet)
    hdr, cols = find_header(grid, layer, key_field)
    if mapping:
        for c in cols:
            if c.header in mapping:
                c.field, c.factor, c.note = (mapping[c.header] or None), 1.0, ""
    plan = UpdatePlan(layer, key_field, path, hdr + 1, cols)
    plan.notes += [c.note for c in cols if c.note]
    s = spec(layer)
    # the same area in ㎡ and in 亩 (面积 over ㎡ | 亩): the ㎡ column counts, the 亩 one is left out
    plain = {c.field for c in cols if c.field and c.factor == 1.0}
    for c in cols:
        if c.field in plain and c.factor != 1.0:
            plan.notes.append(tr(f"“{c.header}”与以㎡计的列对应同一字段,以㎡列为准",
                                 f"'{c.header}' repeats a column given in m²; the m² column is used"))
            plan.notes = [n for n in plan.notes if n != c.note]
            c.field, c.factor, c.note = None, 1.0, ""
    seen: set[str] = set()
    for c in cols:
        if c.field and c.field in seen and c.field != key_field:
            raise LandappError(tr(f"有两列都对应字段“{s.field(c.field).title_zh}”;请在映射中去掉一列。",
                                  f"Two columns map to the field '{s.field(c.field).title_en}'; map one of them away."))
        if c.field:
            seen.add(c.field)
    key_col = next(i for i, c in enumerate(cols) if c.field == key_field)
    records = store.rows(layer, current() if s.has("retired") else None, geometry=False)
    index: dict[str, list[dict]] = {}
    for r in records:
        if not _blank(r.get(key_field)):
            index.setdefault(_norm_text(r[key_field]), []).append(r)
    fallback = {f: store.get_setting(k) for f, k in PROJECT_FALLBACK.items() if s.has(f)}
    rows_by_key: dict[str, list[int]] = {}
    data = []
    for i in range(hdr + 1, len(grid)):
        row = grid[i]
        if all(_blank(v) for v in row):
            continue
        k = row[key_col] if key_col < len(row) else None
        if _blank(k):
            continue
        if isinstance(k, float) and k == int(k):
            k = int(k)
        k = _norm_text(k)
        rows_by_key.setdefault(k, []).append(i + 1)
        data.append((i + 1, k, row))
    plan.rows_read = len(data)
    plan.duplicates = [(k, rows) for k, rows in rows_by_key.items() if len(rows) > 1]
    plan.ambiguous = sorted(k for k in rows_by_key if len(index.get(k, ())) > 1)  # the sheet's only
    dup = {k for k, _ in plan.duplicates}
    for rownum, k, row in data:
        if k in dup:
            continue
        found = index.get(k, [])
        if not found:
            plan.unmatched.append((rownum, k))
            continue
        if len(found) > 1:
            continue
        rec = found[0]
        changes: dict[str, object] = {}
        for ci, col in enumerate(cols):
            if not col.field or col.field == key_field:
                continue
            v = row[ci] if ci < len(row) else None
            if _blank(v) and not clear_blank:
                continue
            if col.field == "far":
                try:
                    pair = _split_far(v)
                except ValueError:
                    plan.problems.append((rownum, col.header, v, tr("容积率应为数字或 a–b", "FAR must be a number or a–b")))
                    continue
                if pair is None:
                    if clear_blank:
                        changes.update(far_min=None, far_max=None)
                    continue
                changes.update(far_min=pair[0], far_max=pair[1])
                continue
            value, note = clean_value(layer, col.field, v, col.factor)
            if note:
                plan.notes.append(tr(f"第 {rownum} 行:{note}", f"row {rownum}: {note}"))
            try:
                value = validate_record(layer, {col.field: value}, partial=True).get(col.field)
            except ValidationError as e:
                plan.problems.append((rownum, col.header, v, e.rule))
                continue
            if col.field in fallback and rec.get(col.field) is None and value == fallback[col.field]:
                continue  # the list showed the project's contact: not an edit
            changes[col.field] = value
        changes = {f: v for f, v in changes.items() if not _same(rec.get(f), v)}
        if not changes:
            continue
        merged = {f.name: rec.get(f.name) for f in s.fields if not f.computed}
        merged.update(changes)
        try:
            validate_record(layer, merged, partial=True)
        except ValidationError as e:
            plan.problems.append((rownum, e.title, e.value, e.rule))
            continue
        for f, v in changes.items():
            plan.changes.append(CellChange(rownum, k, int(rec["fid"]), f, rec.get(f), v))
    return plan


class SheetUpdate(MultiEdit):
    """The whole update as one undoable step."""

    text_zh = "从表格更新属性"
    text_en = "Update attributes from a spreadsheet"

    def __init__(self, plan: UpdatePlan):
        super().__init__(plan.layer, plan.by_fid())
        self.source = os.path.basename(plan.path)


def apply_update(store, plan: UpdatePlan) -> SheetUpdate:
    """Write the plan's changes (one transaction). Refuses while the plan has invalid values,
    so nothing half-right is written."""
    if plan.problems:
        raise LandappError(tr(f"表格中有 {len(plan.problems)} 个不合规则的值,未做任何修改。",
                              f"The sheet has {len(plan.problems)} invalid values; nothing was changed."))
    edit = SheetUpdate(plan)
    if edit.changes:
        edit.apply(store)
    return edit
