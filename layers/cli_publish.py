"""`landapp export opportunities | map | sheets`: what leaves the office."""

from __future__ import annotations

import datetime as dt
import sys
import time

from landapp.cli import group
from landapp.errors import LandappError
from landapp.i18n import tr


def register(sub) -> None:
    export = group(sub, "export", tr("导出:机会清单、HTML 地图、宗地图、图层", "export lists, HTML maps, parcel sheets, layers"))
    p = export.add_parser("opportunities", help=tr("机会清单(XLSX、CSV 或 PDF)", "opportunity list (XLSX, CSV or PDF)"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|.csv|.pdf")
    p.add_argument("--kind", choices=["land", "carriers"], default="land",
                   help=tr("land:土地供给清单;carriers:招商载体清单", "land: land supply; carriers: investment carriers"))
    _filter_args(p)
    p.add_argument("--english", action="store_true", help=tr("英文表头", "English headers"))
    p.set_defaults(func=cmd_opportunities)

    p = export.add_parser("map", help=tr("可离线打开的 HTML 地图", "self-contained HTML map"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("-o", "--output", required=True, metavar="map.html")
    p.add_argument("--cdn", action="store_true", help=tr("从 CDN 加载 Leaflet(默认内嵌)", "link Leaflet from a CDN instead of inlining"))
    p.add_argument("--basemap", choices=["none", "osm", "amap", "tianditu"], default="none",
                   help=tr("在线底图;amap 时坐标转为 GCJ-02", "online basemap; amap puts the data in GCJ-02"))
    p.add_argument("--style", choices=["status", "landuse"], default="status",
                   help=tr("内部地图的地块着色", "parcel colours of the internal map"))
    p.add_argument("--internal", action="store_true",
                   help=tr("内部完整版(地块状态、使用权人、空置率;标注“内部资料”);默认为对外招商版",
                           "the full internal map (statuses, land users, vacancy; marked 内部资料); "
                           "the default is the public investor map"))
    p.add_argument("--kind", choices=["land", "carriers", "both"], default="both",
                   help=tr("对外版发布的清单:土地、载体或两者", "public map: publish the land list, the carriers or both"))
    _filter_args(p)
    p.set_defaults(func=cmd_map)

    p = export.add_parser("sheets", help=tr("宗地图 PDF(每宗一页 A4)", "parcel sheets PDF (one A4 page per parcel)"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("-o", "--output", required=True, metavar="sheets.pdf")
    p.add_argument("--parcel", action="extend", nargs="+", default=[], metavar="CODE",
                   help=tr("地块编号(可列多个,或重复本选项);按给出的顺序出图;不指定则输出全部地块",
                           "parcel codes (several, or repeat the option), in the order given; all parcels when absent"))
    p.add_argument("--zone", help=tr("片区", "zone"))
    p.add_argument("--drafter", default="", help=tr("制图人", "drafter"))
    p.add_argument("--checker", default="", help=tr("审核人", "checker"))
    p.set_defaults(func=cmd_sheets)


def _filter_args(p) -> None:
    """The opportunity lists' filters (also choose what the public map publishes)."""
    p.add_argument("--zone", action="append", default=[], help=tr("片区(可重复)", "zone (repeatable)"))
    p.add_argument("--land-use", action="append", default=[], help=tr("用地性质代码前缀,如 1001 或 M1", "land-use code prefix, e.g. 1001 or M1"))
    p.add_argument("--status", action="append", default=[], help=tr("地块状态(默认 待供)", "parcel status (default 待供)"))
    p.add_argument("--parcel", action="extend", nargs="+", default=[], metavar="CODE",
                   help=tr("指定地块编号(可列多个或重复)", "chosen parcel codes (several, or repeat the option)"))
    p.add_argument("--type", action="append", default=[], dest="btype", help=tr("载体类型:标准厂房、楼宇", "carrier type: 标准厂房, 楼宇"))
    p.add_argument("--min-mu", type=float, help=tr("最小面积(亩;载体为可租售面积)", "minimum area (mu; carriers: available)"))
    p.add_argument("--max-mu", type=float, help=tr("最大面积(亩)", "maximum area (mu)"))
    p.add_argument("--min-m2", type=float, help=tr("最小面积(㎡)", "minimum area (m²)"))
    p.add_argument("--max-m2", type=float, help=tr("最大面积(㎡)", "maximum area (m²)"))
    p.add_argument("--from", dest="date_from", help=tr("预计供地时间起 YYYY-MM-DD", "expected supply from"))
    p.add_argument("--to", dest="date_to", help=tr("预计供地时间止 YYYY-MM-DD;载体:截至该日可租售(含到期租约)",
                                                  "expected supply until; carriers: available by (incl. leases ending)"))


def _filters(store, args):
    from landapp.opportunities import Filters

    fids = []
    if args.parcel:
        from layers.sheets import select_parcels

        fids = select_parcels(store, codes=args.parcel)
    return Filters(zones=args.zone, land_use=args.land_use, statuses=args.status, fids=fids,
                   min_area_mu=args.min_mu, max_area_mu=args.max_mu, min_area_m2=args.min_m2,
                   max_area_m2=args.max_m2, date_from=_date(args.date_from),
                   date_to=_date(args.date_to), building_types=args.btype)


def _date(text: str | None):
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise LandappError(tr(f"日期 {text} 应为 YYYY-MM-DD。", f"The date {text} must be YYYY-MM-DD.")) from None


def cmd_opportunities(args) -> int:
    from landapp.opportunities import opportunity_list
    from landapp.publish import write_csv, write_xlsx
    from landapp.store import open_project

    out = args.output
    ext = out.lower().rsplit(".", 1)[-1]
    if ext not in ("xlsx", "csv", "pdf"):
        raise LandappError(tr("输出文件应以 .xlsx、.csv 或 .pdf 结尾。", "The output must end in .xlsx, .csv or .pdf."))
    with open_project(args.project) as store:
        f = _filters(store, args)
        df = opportunity_list(store, args.kind, f)
        lang = "en" if args.english else None
        if ext == "xlsx":
            write_xlsx(df, out, args.kind, park=store.name, lang=lang)
        elif ext == "csv":
            write_csv(df, out, args.kind, lang=lang)
        else:
            from layers.listpdf import write_list_pdf

            write_list_pdf(store, df, args.kind, out)
    print(tr(f"已导出 {len(df)} 项到 {out}", f"Exported {len(df)} items to {out}"))
    return 0


def cmd_map(args) -> int:
    from landapp.store import open_project
    from layers.htmlmap import write_map

    from dataclasses import replace

    with open_project(args.project) as store:
        if args.internal:
            size = write_map(store, args.output, theme=args.style, basemap=args.basemap, cdn=args.cdn, internal=True)
            what = tr("内部完整版", "internal map")
        else:
            f = _filters(store, args)
            # the same filters as the lists: land by its own, carriers by zone, type, m² and date
            carrier_f = replace(f, land_use=[], statuses=[], fids=[], min_area_mu=None, max_area_mu=None,
                                date_from=None)
            land_f = replace(f, building_types=[], min_area_m2=None, max_area_m2=None)
            kinds = ("land", "carriers") if args.kind == "both" else (args.kind,)
            size = write_map(store, args.output, basemap=args.basemap, cdn=args.cdn, land_filters=land_f,
                             carrier_filters=carrier_f, kinds=kinds)
            what = tr("对外招商版", "public investor map")
    print(tr(f"已导出 {args.output}({what},{size / 1e6:.1f} MB)", f"Exported {args.output} ({what}, {size / 1e6:.1f} MB)"))
    return 0


def cmd_sheets(args) -> int:
    from landapp.store import open_project
    from layers.sheets import select_parcels, write_sheets

    with open_project(args.project) as store:
        fids = select_parcels(store, codes=args.parcel, zone=args.zone)
        t = time.perf_counter()

        def progress(done, total):
            if sys.stderr.isatty():
                print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

        stats: dict = {}
        n = write_sheets(store, args.output, fids, drafter=args.drafter, checker=args.checker, progress=progress,
                         stats=stats)
        if sys.stderr.isatty():
            print(file=sys.stderr)
    dt_s = time.perf_counter() - t
    pages = stats.get("pages", n)
    rate = n / max(dt_s, 1e-9)
    print(tr(f"已输出 {n} 宗地块的宗地图({pages} 页)到 {args.output},{rate:.0f} 张/秒",
             f"Wrote {n} parcel sheet{'' if n == 1 else 's'} ({pages} page{'' if pages == 1 else 's'}) "
             f"to {args.output} ({rate:.0f} sheets/s)"))
    return 0
