"""Commands for the tools planners already use: `landapp qgis PROJECT` (QGIS styles and
project into the GeoPackage) and `landapp export report PROJECT -o 月报.docx` (the monthly
Word report). Registered from layers.cli.register."""

from __future__ import annotations

from landapp.errors import LandappError
from landapp.i18n import tr


def register(sub) -> None:
    p = sub.add_parser("qgis", help=tr("把 QGIS 样式(layer_styles)和 QGIS 工程写入工程文件",
                                       "write QGIS styles (layer_styles) and a QGIS project into the project file"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.set_defaults(func=cmd_qgis)

    from landapp.cli import group

    export = group(sub, "export", tr("导出:机会清单、HTML 地图、宗地图、图层", "export lists, HTML maps, parcel sheets, layers"))
    p = export.add_parser("report", help=tr("工作月报(Word .docx)", "monthly work report (Word .docx)"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("-o", "--output", required=True, metavar="月报.docx")
    p.add_argument("--month", metavar="YYYY-MM",
                   help=tr("报告月份(默认工程参考日期所在月)", "month reported (default: the month of the project's reference date)"))
    p.add_argument("--zone", help=tr("只报告一个片区", "report one zone only"))
    p.set_defaults(func=cmd_report)


def cmd_qgis(args) -> int:
    from landapp.store import open_project, scrub
    from layers.qgis_styles import write_qgis

    with open_project(args.project) as store:
        res = write_qgis(store)
        where = store.path if getattr(store, "schema", None) else args.project  # a database: no password
    print(tr(f"已写入 {res['styles']} 个 QGIS 样式和 QGIS 工程“{res['project']}”到 {scrub(where)}",
             f"Wrote {res['styles']} QGIS styles and the QGIS project '{res['project']}' into {scrub(where)}"))
    return 0


def cmd_report(args) -> int:
    from landapp.monthly_report import parse_month
    from landapp.store import open_project
    from layers.report import write_report

    if not args.output.lower().endswith(".docx"):
        raise LandappError(tr("输出文件应以 .docx 结尾。", "The output must end in .docx."))
    with open_project(args.project) as store:
        month = parse_month(args.month, store)
        info = write_report(store, args.output, month=month, zone=args.zone)
    print(tr(f"已输出 {args.output}({info['pages_hint']})", f"Wrote {args.output} ({info['pages_hint']})"))
    return 0
