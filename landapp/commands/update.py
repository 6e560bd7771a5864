"""`landapp update PROJECT FILE.xlsx|.csv --layer parcels --key 地块编号`: attributes back from
a spreadsheet (landapp.sheet_update). Prints every change (old → new), the unmatched and
duplicate keys and the invalid values; writes nothing with --dry-run or when a value is
invalid."""

from __future__ import annotations

from landapp.errors import LandappError
from landapp.i18n import tr

LAYERS = ("parcels", "buildings", "units", "enterprises")  # as landapp.sheet_update (not imported here: CLI start-up)


def register(sub) -> None:
    p = sub.add_parser("update", help=tr("用表格(XLSX/CSV)按编号更新属性", "update attributes from a spreadsheet (XLSX/CSV) by key"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("file", metavar="FILE.xlsx|.csv")
    p.add_argument("--layer", choices=LAYERS, default="parcels", help=tr("要更新的图层或表", "layer or table to update"))
    p.add_argument("--key", default=None, help=tr("用来匹配的字段(标题或字段名,默认地块编号/建筑名称/企业名称)",
                                                  "field that matches rows (title or name; default code or name)"))
    p.add_argument("--sheet", help=tr("工作表名(默认第一个)", "worksheet (default: the first)"))
    p.add_argument("--map", action="append", default=[], metavar="表头=字段",
                   help=tr("指定列的对应字段(字段为空则忽略该列),可重复", "map a column to a field (empty: ignore it); repeatable"))
    p.add_argument("--blank-clears", action="store_true",
                   help=tr("空单元格清空原值(默认空单元格不改)", "blank cells clear values (default: left alone)"))
    p.add_argument("--dry-run", action="store_true", help=tr("只显示将做的修改", "only show what would change"))
    p.set_defaults(func=cmd_update)


DEFAULT_KEYS = {"parcels": "code", "buildings": "name", "units": "code", "enterprises": "name"}


def _show(v) -> str:
    return tr("(空)", "(empty)") if v is None or v == "" else str(v)


def cmd_update(args) -> int:
    from landapp.schema import spec
    from landapp.sheet_update import apply_update, plan_update
    from landapp.store import open_project

    mapping = {}
    for m in args.map:
        if "=" not in m:
            raise LandappError(tr(f"--map 应为 表头=字段,而不是 {m}。", f"--map must be HEADER=FIELD, not {m}."))
        h, f = m.split("=", 1)
        if f and not spec(args.layer).has(f):
            raise LandappError(tr(f"{f} 不是{spec(args.layer).title_zh}的字段。", f"{f} is not a field of {args.layer}."))
        mapping[h.strip()] = f.strip()
    with open_project(args.project) as store:
        plan = plan_update(store, args.file, args.layer, args.key or DEFAULT_KEYS[args.layer],
                           sheet=args.sheet, mapping=mapping, clear_blank=args.blank_clears)
        s = spec(args.layer)
        print(tr(f"表头在第 {plan.header_row} 行;对应:", f"Header in row {plan.header_row}; columns:"),
              "、".join(f"{c.header}→{c.field}" for c in plan.columns if c.field))
        if plan.ignored:
            print(tr("忽略的列:", "Ignored columns: ") + "、".join(plan.ignored))
        for note in plan.notes:
            print(tr("说明:", "Note: ") + note)
        for c in plan.changes:
            title = s.field(c.field).title_zh if s.has(c.field) else c.field
            print(tr(f"第 {c.row} 行 {c.key}:{title} {_show(c.old)} → {_show(c.new)}",
                     f"row {c.row} {c.key}: {c.field} {_show(c.old)} → {_show(c.new)}"))
        for row, key in plan.unmatched:
            print(tr(f"第 {row} 行:找不到编号 {key}", f"row {row}: no record with key {key}"))
        for key, rows in plan.duplicates:
            print(tr(f"编号 {key} 在第 {'、'.join(map(str, rows))} 行重复,未更新",
                     f"key {key} repeats in rows {', '.join(map(str, rows))}; not updated"))
        for key in plan.ambiguous:
            print(tr(f"工程中有多条记录的编号为 {key},这些行未更新", f"several records share the key {key}; not updated"))
        for row, col, value, rule in plan.problems:
            print(tr(f"第 {row} 行“{col}”的值 {value!r} 不合规则:{rule}",
                     f"row {row} '{col}': invalid value {value!r}: {rule}"))
        print(plan.summary())
        if plan.problems:
            raise LandappError(tr("表格中有不合规则的值,未做任何修改;请改正后再更新。",
                                  "The sheet has invalid values; nothing was changed. Correct them and update again."))
        if args.dry_run:
            print(tr("(试运行,未写入)", "(dry run, nothing written)"))
            return 0
        apply_update(store, plan)
    print(tr(f"已更新 {len(plan.by_fid())} 条记录。", f"Updated {len(plan.by_fid())} records."))
    return 0
