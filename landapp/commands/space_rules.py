"""`landapp vacancy`, `landapp idle`, `landapp evaluate`, `landapp cases …`: thin wrappers over
landapp.vacancy, landapp.idle, landapp.evaluation and landapp.revitalisation."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from landapp import argtypes
from landapp.cli import EXIT_OK, group
from landapp.errors import LandappError
from landapp.i18n import display_width, tr
from landapp.schema import CASE_MEASURES, CASE_STATES, IDLE_STAGES, value_label
from landapp.spreadsheet import csv_row
from landapp.store.filters import F, current
from landapp.units import MU_M2


def open_project(path, **kw):
    """The store, imported when a command runs (numpy and shapely are not for --help)."""
    from landapp.store import open_project as _open

    return _open(path, **kw)

# ---- output ---------------------------------------------------------------------------------

def _cell(v: Any, key: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return tr("是", "yes") if v else ""
    if isinstance(v, float):
        return f"{v:,.1f}" if key.endswith("_m2") else f"{v:,.2f}"
    if isinstance(v, (list, tuple)):
        return "、".join(map(str, v))
    return str(v)


def emit(rows: list[dict], columns: Sequence[tuple[str, str, str]], fmt: str, *,
         title: str = "", json_extra: dict | None = None) -> None:
    """Print rows as an aligned table, CSV (UTF-8 with BOM for Excel) or JSON.
    columns: (key, zh header, en header)."""
    if fmt == "json":
        out = {"rows": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]}
        if json_extra:
            out.update(json_extra)
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    heads = [tr(zh, en) for _, zh, en in columns]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(csv_row(heads))
        for r in rows:  # text that would be a formula is quoted (OWASP), numbers stay numbers
            w.writerow(csv_row("" if r.get(k) is None else r.get(k) for k, _, _ in columns))
        sys.stdout.write("\ufeff" + buf.getvalue() if not sys.stdout.isatty() else buf.getvalue())
        return
    cells = [[_cell(r.get(k), k) for k, _, _ in columns] for r in rows]
    widths = [max([display_width(h)] + [display_width(c[i]) for c in cells]) for i, h in enumerate(heads)]

    def line(vals: list[str], numeric: list[bool]) -> str:
        parts = []
        for v, w, num in zip(vals, widths, numeric):
            pad = " " * (w - display_width(v))
            parts.append(pad + v if num else v + pad)
        return "  ".join(parts).rstrip()

    numeric = [all(isinstance(r.get(k), (int, float)) and not isinstance(r.get(k), bool)
                   for r in rows if r.get(k) is not None) and any(r.get(k) is not None for r in rows)
               for k, _, _ in columns]
    if title:
        print(title)
    print(line(heads, numeric))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print(line(c, numeric))


def _fmt_arg(p) -> None:
    p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help=tr("输出格式(默认 table)", "output format (default table)"))


def _date_arg(p) -> None:
    p.add_argument("--as-of", metavar="DATE",
                   help=tr("统计日期 YYYY-MM-DD(默认为工程基准日或今天)",
                           "date of the figures, YYYY-MM-DD (default: the project's reference date or today)"))


def _as_of(store, args):
    from landapp.vacancy import default_as_of, parse_date
    return parse_date(args.as_of, tr("统计日期", "as-of date")) if args.as_of else default_as_of(store)


# ---- register -------------------------------------------------------------------------------

def register(sub) -> None:
    p = sub.add_parser("vacancy", help=tr("空置率、可租面积、租约到期与净吸纳",
                                          "vacancy, availability, lease expiry and net absorption"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("--by", choices=["park", "zone", "building", "type"], default="park",
                   help=tr("分组:全园区、片区、建筑、类型(标准厂房/楼宇)", "group by park, zone, building or type"))
    p.add_argument("--months", type=argtypes.non_negative_int, default=12,
                   help=tr("可租面积计入几个月内到期的租约(默认 12)", "lease-expiry horizon for availability (default 12)"))
    p.add_argument("--zone", action="append", help=tr("只统计该片区(可重复)", "only this zone (repeatable)"))
    p.add_argument("--expiry", action="store_true", help=tr("输出租约到期分布(按年)", "print the lease expiry schedule by year"))
    p.add_argument("--absorption-since", metavar="DATE",
                   help=tr("输出自该日至统计日的净吸纳面积", "print net absorption from DATE to the as-of date"))
    _date_arg(p)
    _fmt_arg(p)
    p.set_defaults(func=cmd_vacancy)

    p = sub.add_parser("idle", help=tr("闲置土地认定、批而未供与供而未用清单",
                                       "idle land (闲置土地处置办法), 批而未供 and 供而未用 lists"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("--list", choices=["idle", "all", "unsupplied", "unused"], default="idle",
                   help=tr("idle=疑似闲置及可收回(默认),all=全部已供未竣工,unsupplied=批而未供,unused=供而未用",
                           "idle (default), all supplied unfinished, unsupplied (批而未供), unused (供而未用)"))
    p.add_argument("--exempt", metavar="CODE", help=tr("为该地块登记闲置豁免原因(配合 --reason)",
                                                      "record an exemption for this parcel (with --reason)"))
    p.add_argument("--reason", help=tr("豁免原因(《闲置土地处置办法》第八条;空字符串表示撤销)",
                                       "exemption reason (Art. 8; empty clears it)"))
    p.add_argument("--record", metavar="CODE", help=tr("登记该地块的处置阶段(配合 --stage 等)",
                                                      "record this parcel's disposal (with --stage …)"))
    p.add_argument("--stage", choices=IDLE_STAGES + [""],
                   help=tr("处置阶段:疑似闲置、认定、征缴闲置费、收回(空字符串表示撤销)",
                           "stage: 疑似闲置, 认定, 征缴闲置费, 收回 (empty clears it)"))
    p.add_argument("--decision-no", help=tr("决定书文号", "decision (决定书) number"))
    p.add_argument("--decision-date", metavar="DATE", help=tr("决定书日期 YYYY-MM-DD", "decision date"))
    p.add_argument("--fee-due", type=argtypes.non_negative, metavar="WAN",
                   help=tr("应缴闲置费(万元,默认出让价款的 20%%)", "fee due, 10k CNY (default 20%% of the price)"))
    p.add_argument("--fee-paid", type=argtypes.non_negative, metavar="WAN", help=tr("已缴闲置费(万元)", "fee paid, 10k CNY"))
    _date_arg(p)
    _fmt_arg(p)
    p.set_defaults(func=cmd_idle)

    p = sub.add_parser("evaluate", help=tr("亩均论英雄:企业或地块亩均效益评价与分类",
                                           "per-mu evaluation (亩均论英雄) of enterprises or parcels"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("--year", type=int, help=tr("评价年度(默认最近一年)", "year (default: the latest)"))
    p.add_argument("--level", choices=["enterprise", "parcel"], default="enterprise",
                   help=tr("评价对象:企业(默认)或地块", "evaluate enterprises (default) or parcels"))
    p.add_argument("--preset", choices=["sichuan", "zhejiang"],
                   help=tr("本次使用预设方案(四川 A/B/C;浙江式 A/B/C/D)", "use a preset for this run"))
    p.add_argument("--config", metavar="FILE.json", help=tr("本次使用 JSON 评价方案文件", "use a JSON configuration file"))
    p.add_argument("--save-config", action="store_true",
                   help=tr("把 --preset/--config 的方案保存到工程", "store the --preset/--config in the project"))
    p.add_argument("--show-config", action="store_true", help=tr("打印当前评价方案(JSON)", "print the configuration"))
    p.add_argument("--low-only", action="store_true", help=tr("只列低效企业/地块", "list low-efficiency ones only"))
    p.add_argument("--excluded", action="store_true",
                   help=tr("列出未参评的企业/地块及原因", "list the enterprises or parcels left out, with the reason"))
    p.add_argument("--import-metrics", metavar="FILE.csv",
                   help=tr("先导入企业年度数据(CSV,表头如 企业名称,年度,营业收入(万元),实缴税收(万元)…)",
                           "first import yearly figures from a CSV file"))
    p.add_argument("--demo-metrics", action="store_true",
                   help=tr("为示例园区生成模拟的企业年度数据(会替换已有数据)",
                           "fill simulated yearly figures for a demo park (replaces existing ones)"))
    _fmt_arg(p)
    p.set_defaults(func=cmd_evaluate)

    g = group(sub, "cases", tr("盘活案件:列表、立案、推进、修改、进展、年度目标",
                               "revitalisation cases: list, open, advance, edit, history, target"))
    p = g.add_parser("list", help=tr("列出盘活案件", "list cases"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("--state", choices=CASE_STATES, help=tr("只列该状态", "only this state"))
    _fmt_arg(p)
    p.set_defaults(func=cmd_cases_list)

    p = g.add_parser("open", help=tr("为地块或建筑立案", "open a case for a parcel or building"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    t = p.add_mutually_exclusive_group(required=True)
    t.add_argument("--parcel", metavar="CODE", help=tr("地块编号", "parcel code"))
    t.add_argument("--building", metavar="CODE_OR_ID", help=tr("建筑编号或内部编号", "building code or id"))
    p.add_argument("--measure", choices=CASE_MEASURES, help=tr("盘活方式", "measure"))
    p.add_argument("--responsible", help=tr("责任人", "responsible person"))
    p.add_argument("--target-date", metavar="DATE", help=tr("目标日期", "target date"))
    p.add_argument("--area", type=argtypes.non_negative, metavar="M2", help=tr("盘活面积(㎡),默认取地块/建筑面积", "area in m²"))
    p.add_argument("--date", metavar="DATE", help=tr("立案日期", "opening date"))
    p.add_argument("--note", help=tr("说明", "note"))
    p.set_defaults(func=cmd_cases_open)

    p = g.add_parser("advance", help=tr("推进案件状态", "move a case to its next state"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("case", type=int, metavar="CASE_ID")
    p.add_argument("state", choices=CASE_STATES)
    p.add_argument("--date", metavar="DATE")
    p.add_argument("--note")
    p.add_argument("--user")
    p.set_defaults(func=cmd_cases_advance)

    p = g.add_parser("edit", help=tr("修改案件的盘活方式、责任人、目标日期、面积或备注",
                                      "change a case's measure, responsible person, target date, area or note"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("case", type=int, metavar="CASE_ID")
    p.add_argument("--measure", choices=CASE_MEASURES)
    p.add_argument("--responsible")
    p.add_argument("--target-date", metavar="DATE", help=tr("目标日期(空字符串表示清除)", "target date ('' clears it)"))
    p.add_argument("--area", type=argtypes.non_negative, metavar="M2")
    p.add_argument("--note")
    p.set_defaults(func=cmd_cases_edit)

    p = g.add_parser("history", help=tr("案件的进展记录", "a case's dated history"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("case", type=int, metavar="CASE_ID")
    _fmt_arg(p)
    p.set_defaults(func=cmd_cases_history)

    p = g.add_parser("progress", help=tr("年度盘活目标完成情况", "campaign progress for a year"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("--year", type=int)
    p.add_argument("--target", type=argtypes.non_negative, metavar="M2", help=tr("设置该年度目标面积(㎡)", "set the year's target (m²)"))
    _fmt_arg(p)
    p.set_defaults(func=cmd_cases_progress)


# ---- commands -------------------------------------------------------------------------------

def cmd_vacancy(args) -> int:
    from landapp import vacancy as v

    with open_project(args.project) as store:
        as_of = _as_of(store, args)
        space = v.load_space(store)
    if args.months < 0:
        raise LandappError(tr("月数不能为负。", "The number of months cannot be negative."))
    if args.expiry:
        rows = v.expiry_schedule(space, as_of, zones=args.zone)
        emit(rows, [("year", "到期年份", "Year"), ("leases", "租约数", "Leases"),
                    ("area_m2", "到期面积(㎡)", "Area (m²)")], args.format,
             title=tr(f"租约到期分布(截至 {as_of} 的有效租约)", f"Lease expiry schedule (leases in force on {as_of})"),
             json_extra={"as_of": as_of.isoformat()})
        return EXIT_OK
    if args.absorption_since:
        start = v.parse_date(args.absorption_since, tr("起始日期", "start date"))
        rows = v.net_absorption(space, start, as_of, args.by, zones=args.zone)
        emit(rows, [("key", "分组", "Group"), ("occupied_start_m2", "期初占用(㎡)", "Occupied at start (m²)"),
                    ("occupied_end_m2", "期末占用(㎡)", "Occupied at end (m²)"),
                    ("net_absorption_m2", "净吸纳(㎡)", "Net absorption (m²)")], args.format,
             title=tr(f"净吸纳 {start} 至 {as_of}", f"Net absorption {start} to {as_of}"),
             json_extra={"start": start.isoformat(), "end": as_of.isoformat()})
        return EXIT_OK
    figs = v.vacancy_figures(space, as_of, args.by, zones=args.zone)
    avail = {r["key"]: r for r in v.availability(space, as_of, args.months, args.by, zones=args.zone)}
    rows = []
    for f in figs:
        d = f.as_dict()
        a = avail.get(f.key, {})
        d.update(expiring_m2=a.get("expiring_m2"), available_m2=a.get("available_m2"),
                 availability_rate=a.get("availability_rate"))
        if args.by == "type" and args.format != "json":
            d["key"] = value_label(d["key"])
        if args.format == "table":
            d["vacancy_rate"] = None if f.vacancy_rate is None else f"{f.vacancy_rate:.1%}"
            d["availability_rate"] = None if d["availability_rate"] is None else f"{d['availability_rate']:.1%}"
        rows.append(d)
    head = {"park": ("范围", "Scope"), "zone": ("片区", "Zone"), "building": ("建筑", "Building"),
            "type": ("类型", "Type")}[args.by]
    emit(rows, [("key", *head), ("buildings", "建筑数", "Buildings"), ("units", "单元数", "Units"),
                ("leasable_m2", "可租售面积(㎡)", "Leasable (m²)"), ("leased_m2", "已租(㎡)", "Leased (m²)"),
                ("sold_m2", "已售(㎡)", "Sold (m²)"), ("withheld_m2", "预留/装修(㎡)", "Withheld (m²)"),
                ("vacant_m2", "空置(㎡)", "Vacant (m²)"), ("vacancy_rate", "空置率", "Vacancy rate"),
                ("expiring_m2", f"{args.months}个月内到期(㎡)", f"Expiring in {args.months} mo (m²)"),
                ("available_m2", "可招商面积(㎡)", "Available (m²)"),
                ("availability_rate", "可招商率", "Availability rate")], args.format,
         title=tr(f"空置统计(统计日 {as_of})", f"Vacancy on {as_of}"),
         json_extra={"as_of": as_of.isoformat(), "by": args.by, "months": args.months})
    return EXIT_OK


def cmd_idle(args) -> int:
    from landapp import idle

    with open_project(args.project) as store:
        as_of = _as_of(store, args)
        if args.exempt:
            if args.reason is None:
                raise LandappError(tr("登记豁免需要 --reason(空字符串表示撤销)。",
                                      "--exempt needs --reason (an empty one clears it)."))
            rows = store.rows("parcels", (F("code") == args.exempt) & current())
            if not rows:
                raise LandappError(tr(f"找不到编号为“{args.exempt}”的地块。", f"No parcel has the code '{args.exempt}'."))
            idle.set_exemption(store, rows[0]["fid"], args.reason)
            st = idle.idle_land_status(store.get("parcels", rows[0]["fid"]), as_of)
            print(tr(f"地块 {args.exempt}:{idle.status_label(st.status)}。{st.reason}",
                     f"Parcel {args.exempt}: {idle.status_label(st.status)}. {st.reason}"))
            return EXIT_OK
        if args.record:
            rows = store.rows("parcels", (F("code") == args.record) & current())
            if not rows:
                raise LandappError(tr(f"找不到编号为“{args.record}”的地块。", f"No parcel has the code '{args.record}'."))
            if args.stage is None:
                raise LandappError(tr("登记处置需要 --stage。", "--record needs --stage."))
            idle.set_stage(store, rows[0]["fid"], args.stage, decision_no=args.decision_no,
                           decision_date=args.decision_date, fee_due=args.fee_due, fee_paid=args.fee_paid)
            st = idle.idle_land_status(store.get("parcels", rows[0]["fid"]), as_of)
            print(tr(f"地块 {args.record}:{idle.status_label(st.status)},处置阶段 {st.stage or '-'}。",
                     f"Parcel {args.record}: {idle.status_label(st.status)}, stage {st.stage or '-'}."))
            return EXIT_OK
        parcels = idle.load_parcels(store)
    base = [("code", "地块编号", "Parcel"), ("name", "地块名称", "Name"), ("zone", "所在片区", "Zone")]
    area = [("area_m2", "面积(㎡)", "Area (m²)"), ("area_mu", "面积(亩)", "Area (mu)")]
    if args.list == "unsupplied":
        rows = idle.approved_not_supplied(parcels)
        emit(rows, base + area + [("kind", "类别", "Kind"), ("land_use", "用地性质", "Land use"),
                                  ("expected_supply_date", "预计供地时间", "Expected supply")], args.format,
             title=tr(f"批而未供 {len(rows)} 宗,{sum(r['area_m2'] or 0 for r in rows) / MU_M2:,.2f} 亩",
                      f"Approved, not supplied: {len(rows)} parcels"))
        return EXIT_OK
    if args.list == "unused":
        rows = idle.supplied_not_used(parcels, as_of)
        for r in rows:
            r["idle_status"] = idle.status_label(r["idle_status"])
        emit(rows, base + [("land_user", "土地使用权人", "Land user")] + area +
             [("supply_date", "供地日期", "Supplied"), ("agreed_start", "约定开工", "Agreed start"),
              ("kind", "情形", "Situation"), ("idle_status", "闲置认定", "Idle status")], args.format,
             title=tr(f"供而未用 {len(rows)} 宗(统计日 {as_of})", f"Supplied, not used: {len(rows)} parcels on {as_of}"))
        return EXIT_OK
    rows = idle.idle_report(parcels, as_of)
    summary = idle.idle_summary(rows)
    if args.list == "idle":
        rows = [r for r in rows if r["status"] in idle.IDLE_STATUSES
                or r["status"] in (idle.EXEMPT, idle.INCOMPLETE) or r.get("stage")]
    for r in rows:
        r["status_label"] = idle.status_label(r["status"])
    emit(rows, base + [("land_user", "土地使用权人", "Land user")] + area +
         [("status_label", "认定结果", "Status"), ("since", "闲置起算", "Idle since"),
          ("reclaim_from", "可收回日期", "Reclaimable from"), ("stage_label", "处置阶段", "Stage"),
          ("decision_no", "决定书文号", "Decision no."), ("decision_date", "决定书日期", "Decision date"),
          ("fee_due", "应缴闲置费(万元)", "Fee due (10k CNY)"), ("fee_paid", "已缴(万元)", "Paid (10k CNY)"),
          ("exemption", "豁免原因", "Exemption"), ("reason", "依据", "Grounds")], args.format,
         title=tr(f"闲置土地(统计日 {as_of}):{summary['idle_count']} 宗,"
                  f"{summary['idle_area_m2']:,.1f} ㎡({summary['idle_area_m2'] / MU_M2:,.2f} 亩);"
                  f"征缴闲置费 {summary['fee_count']} 宗,应缴 {summary['fee_wan']:,.1f} 万元,"
                  f"已缴 {summary['fee_paid_wan']:,.1f} 万元;资料不全 {summary['incomplete_count']} 宗",
                  f"Idle land on {as_of}: {summary['idle_count']} parcels, {summary['idle_area_m2']:,.1f} m²; "
                  f"fee levied on {summary['fee_count']}: due {summary['fee_wan']:,.1f}, paid "
                  f"{summary['fee_paid_wan']:,.1f} (10k CNY); dates missing: {summary['incomplete_count']}"),
         json_extra={"as_of": as_of.isoformat(), "summary": summary})
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from landapp import evaluation as ev

    with open_project(args.project) as store:
        if args.import_metrics:
            n = ev.import_metrics(store, args.import_metrics, year=args.year)
            print(tr(f"已导入 {n} 条企业年度数据。", f"Imported {n} rows of yearly figures."), file=sys.stderr)
        if args.demo_metrics:
            n = ev.fill_demo_metrics(store)
            print(tr(f"已生成 {n} 条模拟企业年度数据。", f"Wrote {n} rows of simulated figures."), file=sys.stderr)
        cfg = None
        if args.preset:
            cfg = ev.validate_config(ev.PRESETS[args.preset])
        if args.config:
            with open(args.config, encoding="utf-8") as fh:
                try:
                    cfg = ev.validate_config(json.load(fh))
                except json.JSONDecodeError as e:
                    raise LandappError(tr(f"评价方案文件 {args.config} 不是有效的 JSON:{e.msg}(第 {e.lineno} 行)。",
                                          f"{args.config} is not valid JSON: {e.msg} (line {e.lineno}).")) from None
        if args.save_config:
            if cfg is None:
                raise LandappError(tr("--save-config 需要同时给出 --preset 或 --config。",
                                      "--save-config needs --preset or --config."))
            ev.save_config(store, cfg)
        cfg = cfg or ev.load_config(store)
        if args.show_config:
            print(json.dumps(cfg, ensure_ascii=False, indent=2))
            return EXIT_OK
        excluded: list = []
        year, results = ev.evaluate(store, args.year, level=args.level, cfg=cfg, excluded=excluded)
    from landapp.evaluation_scope import scope_text

    who = ("企业", "Enterprise") if args.level == "enterprise" else ("地块", "Parcel")
    if args.excluded:
        emit(excluded, [("name", *who), ("reason", "未参评原因", "Reason left out")], args.format,
             title=tr(f"{year} 年未参评 {len(excluded)} 个({scope_text(ev.validate_config(cfg)['scope'])})",
                      f"{year}: {len(excluded)} left out ({scope_text(ev.validate_config(cfg)['scope'])})"))
        return EXIT_OK
    keys = [i["key"] for i in cfg["indicators"]]
    rows = [r.as_dict() for r in results if r.low_efficiency or not args.low_only]
    for r in rows:
        r["flags"] = "、".join(r["flags"]) if args.format != "json" else r["flags"]
    counts = ev.class_counts(results)
    summary = tr(",".join(f"{c} 类 {v['count']}" for c, v in counts.items()),
                 ", ".join(f"class {c}: {v['count']}" for c, v in counts.items()))
    emit(rows, [("rank", "排名", "Rank"), ("name", *who), ("land_mu", "用地(亩)", "Land (mu)")] +
         [(k, ev.INDICATORS[k][3] + f"({ev.INDICATORS[k][5]})", ev.INDICATORS[k][4]) for k in keys] +
         [("score", "得分", "Score"), ("class", "类别", "Class"), ("class_name", "类别名称", "Class name"),
          ("flags", "低效标记", "Low-efficiency flags")], args.format,
         title=tr(f"{year} 年亩均效益评价({cfg.get('name', '')}):{summary};未参评 {len(excluded)} 个"
                  f"(--excluded 列出原因)",
                  f"Per-mu evaluation {year} ({cfg.get('name', '')}): {summary}; {len(excluded)} left out "
                  "(--excluded lists why)"),
         json_extra={"year": year, "config": cfg, "classes": counts, "excluded": excluded})
    return EXIT_OK


def _case_rows(store, cases):
    from landapp.revitalisation import done_date
    out = []
    for c in cases:
        out.append({**c, "state_label": value_label(c["state"]),
                    "target_label": tr("地块", "parcel") if c["target_layer"] == "parcels" else tr("建筑", "building"),
                    "done": (d.isoformat() if (d := done_date(store, c)) else None)})
    return out


def cmd_cases_list(args) -> int:
    with open_project(args.project) as store:
        cases = store.rows("revitalisation_cases", (F("state") == args.state) if args.state else None)
        rows = _case_rows(store, cases)
    emit(rows, [("fid", "案件编号", "Case"), ("target_label", "对象", "Target"), ("target_code", "编号", "Code"),
                ("measure", "盘活方式", "Measure"), ("responsible", "责任人", "Responsible"),
                ("state_label", "状态", "State"), ("area_m2", "面积(㎡)", "Area (m²)"),
                ("opened_date", "立案日期", "Opened"), ("target_date", "目标日期", "Target"),
                ("done", "盘活日期", "Revitalised")], args.format)
    return EXIT_OK


def _building_id(store, ref: str) -> int:
    rows = store.rows("buildings", (F("code") == ref) | (F("name") == ref))
    if rows:
        return rows[0]["fid"]
    if ref.isdigit():
        return int(ref)
    raise LandappError(tr(f"找不到编号或名称为“{ref}”的建筑。", f"No building has the code or name '{ref}'."))


def cmd_cases_open(args) -> int:
    from landapp.revitalisation import open_case

    with open_project(args.project) as store:
        if args.parcel:
            rows = store.rows("parcels", (F("code") == args.parcel) & current())
            if not rows:
                raise LandappError(tr(f"找不到编号为“{args.parcel}”的地块。", f"No parcel has the code '{args.parcel}'."))
            layer, fid = "parcels", rows[0]["fid"]
        else:
            layer, fid = "buildings", _building_id(store, args.building)
        cid = open_case(store, layer, fid, measure=args.measure, responsible=args.responsible,
                        target_date=args.target_date, area_m2=args.area, note=args.note, opened=args.date)
    print(tr(f"已立案,案件编号 {cid}。", f"Opened case {cid}."))
    return EXIT_OK


def cmd_cases_advance(args) -> int:
    from landapp.revitalisation import advance_case

    with open_project(args.project) as store:
        old = advance_case(store, args.case, args.state, date=args.date, note=args.note, user=args.user)
    print(tr(f"案件 {args.case}:{old['state']} → {args.state}。",
             f"Case {args.case}: {value_label(old['state'])} -> {value_label(args.state)}."))
    return EXIT_OK


def cmd_cases_edit(args) -> int:
    from landapp.revitalisation import update_case

    changes = {k: v for k, v in (("measure", args.measure), ("responsible", args.responsible),
                                 ("target_date", args.target_date), ("area_m2", args.area), ("note", args.note))
               if v is not None}
    if "target_date" in changes and changes["target_date"] == "":
        changes["target_date"] = None
    if not changes:
        raise LandappError(tr("没有要修改的内容(--measure、--responsible、--target-date、--area、--note)。",
                              "Nothing to change (--measure, --responsible, --target-date, --area, --note)."))
    with open_project(args.project) as store:
        update_case(store, args.case, changes)
    print(tr(f"案件 {args.case} 已修改。", f"Case {args.case} changed."))
    return EXIT_OK


def cmd_cases_history(args) -> int:
    from landapp.revitalisation import history

    with open_project(args.project) as store:
        store.get("revitalisation_cases", args.case)  # a clear message for an unknown case
        rows = [{**h, "state_label": value_label(h["state"])} for h in history(store, args.case)]
    emit(rows, [("date", "日期", "Date"), ("state_label", "状态", "State"), ("note", "说明", "Note"),
                ("user", "记录人", "Recorded by")], args.format)
    return EXIT_OK


def cmd_cases_progress(args) -> int:
    from landapp.revitalisation import campaign_progress, set_target
    from landapp.vacancy import default_as_of

    with open_project(args.project) as store:
        year = args.year or default_as_of(store).year
        if args.target is not None:
            set_target(store, year, args.target)
        p = campaign_progress(store, year)
    if args.format == "json":
        print(json.dumps(p, ensure_ascii=False, indent=2))
        return EXIT_OK
    target = f"{p['target_m2']:,.0f} ㎡" if p["target_m2"] else tr("未设", "not set")
    pct = f"{p['progress']:.1%}" if p["progress"] is not None else "-"
    print(tr(f"{year} 年已盘活 {p['revitalised_count']} 宗/栋,{p['revitalised_m2']:,.1f} ㎡;目标 {target},完成 {pct}。"
             f"在办案件 {p['open_count']} 件,{p['open_m2']:,.1f} ㎡。",
             f"{year}: {p['revitalised_count']} revitalised, {p['revitalised_m2']:,.1f} m²; target {target}, "
             f"{pct} done. {p['open_count']} open cases, {p['open_m2']:,.1f} m²."))
    return EXIT_OK
