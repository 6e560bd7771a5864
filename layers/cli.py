"""`landapp render PROJECT -o OUT.png|.pdf [--bbox ...] [--size WxH] [--style ...]`:
headless rendering with the same renderer as the desktop map."""

from __future__ import annotations

from landapp import argtypes
from landapp.errors import LandappError
from landapp.i18n import tr


def register(sub) -> None:
    p = sub.add_parser("render", help=tr("把园区地图渲染为 PNG 或 PDF(无需界面)",
                                         "render the park map to PNG or PDF (headless)"))
    p.add_argument("project", metavar="PROJECT.gpkg", help=tr("工程文件", "the project file"))
    p.add_argument("-o", "--output", required=True, metavar="OUT.png|OUT.pdf",
                   help=tr("输出文件:PNG 图片,或带标题和图例的 A4 PDF",
                           "output file: a PNG image, or an A4 PDF page with title and legend"))
    p.add_argument("--bbox", type=argtypes.bbox, help=tr("范围 minx,miny,maxx,maxy(工程坐标系,x 为东坐标)",
                                     "extent minx,miny,maxx,maxy in the project CRS (x = easting)"))
    p.add_argument("--size", default="1920x1080",
                   help=tr("PNG 尺寸 宽x高(像素,默认 1920x1080)", "PNG size WxH in pixels (default 1920x1080)"))
    p.add_argument("--style", default="status",
                   help=tr("地块专题:status(状态,默认)、landuse(用地性质)、idle(闲置土地认定)、"
                           "mu_class(亩均评价类别)",
                           "parcel theme: status (default), landuse, idle (idle-land status), "
                           "mu_class (per-mu class)"))
    p.add_argument("--building-style", default="vacancy",
                   help=tr("建筑专题:vacancy(空置率,默认)、type(类型)、availability(一年内可招商比例)",
                           "building theme: vacancy (default), type, availability (within 12 months)"))
    p.add_argument("--basemap", action="store_true", help=tr("叠加园区底图", "show the park map raster"))
    p.add_argument("--hide", nargs="*", default=[], metavar="LAYER",
                   help=tr("隐藏图层(zones roads parcels buildings)", "layers to hide"))
    p.add_argument("--no-legend", action="store_true", help=tr("不画图例", "no legend"))
    p.add_argument("--title", default=None, help=tr("PDF 标题", "PDF title"))
    p.set_defaults(func=cmd_render)

    from landapp.cli import group

    export = group(sub, "export", tr("导出:机会清单、HTML 地图、宗地图、图层", "export lists, HTML maps, parcel sheets, layers"))
    p = export.add_parser("stacking", help=tr("楼宇分层图(PDF 或 PNG)", "stacking plan of a building (PDF or PNG)"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf|OUT.png",
                   help=tr("输出文件;多栋建筑的 PDF 每栋一页", "output file; a PDF of several buildings has one page each"))
    p.add_argument("--building", action="append", metavar="CODE_OR_NAME",
                   help=tr("建筑编号或名称(可重复;缺省为全部楼宇和标准厂房,仅限 PDF)",
                           "building code or name (repeatable; default every tower and factory, PDF only)"))
    p.add_argument("--colour", choices=["status", "expiry"], default="status",
                   help=tr("着色:status(状态,默认)或 expiry(租约剩余年限)", "colour by status (default) or expiry"))
    p.add_argument("--as-of", metavar="DATE", help=tr("统计日(默认工程参考日期或今天)", "date (default: project reference date or today)"))
    p.set_defaults(func=cmd_export_stacking)

    from layers.cli_interop import register as register_interop

    register_interop(sub)


def _parse_size(text: str):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        w = h = 0
    if not (16 <= w <= 20000 and 16 <= h <= 20000):
        raise LandappError(tr("--size 应为 宽x高,如 1920x1080(16–20000 像素)。",
                              "--size must be WxH such as 1920x1080 (16–20000 pixels)."))
    return w, h


def cmd_render(args) -> int:
    from landapp.store import open_project
    from layers.map import ParkMap
    from layers.render import ensure_gui_app, render_pdf, render_png
    from layers.themes import THEMES
    from layers.view import MapView

    ensure_gui_app()
    out = args.output
    if not out.lower().endswith((".png", ".pdf")):
        raise LandappError(tr("输出文件应以 .png 或 .pdf 结尾。", "The output must end in .png or .pdf."))
    for layer, key in (("parcels", args.style), ("buildings", args.building_style)):
        if key not in THEMES.get(layer, {}):
            raise LandappError(tr(f"没有名为 {key} 的专题;可选:{'、'.join(THEMES[layer])}。",
                                  f"There is no style {key}; choose from {', '.join(THEMES[layer])}."))
    size = _parse_size(args.size)
    with open_project(args.project) as store:
        m = ParkMap(store, parcel_theme=args.style, building_theme=args.building_style)
        for layer in m.layers:
            if layer.kind == "raster":
                layer.visible = args.basemap
            if layer.id in args.hide:
                layer.visible = False
        bbox = args.bbox or m.extent()
        if bbox is None:
            raise LandappError(tr("工程中没有可绘制的要素。", "The project has nothing to draw."))
        if out.lower().endswith(".pdf"):
            render_pdf(out, m.layers, bbox, title=args.title or store.name)
        else:
            render_png(out, m.layers, MapView.fit(bbox, *size), legend=not args.no_legend)
    print(tr(f"已输出 {out}", f"Wrote {out}"))
    return 0


def cmd_export_stacking(args) -> int:
    from landapp.store import open_project
    from landapp.store.filters import F, current
    from landapp.vacancy import default_as_of, load_space, parse_date
    from layers.render import ensure_gui_app
    from layers.stacking import StackingPlan, export_pdf_pages, export_png, stacking_data

    ensure_gui_app()
    out = args.output
    if not out.lower().endswith((".png", ".pdf")):
        raise LandappError(tr("输出文件应以 .png 或 .pdf 结尾。", "The output must end in .png or .pdf."))
    with open_project(args.project) as store:
        as_of = parse_date(args.as_of, "--as-of") if args.as_of else default_as_of(store)
        if args.building:
            fids = []
            for ref in args.building:
                rows = store.rows("buildings", current() & ((F("code") == ref) | (F("name") == ref)), geometry=False)
                if not rows:
                    raise LandappError(tr(f"找不到编号或名称为“{ref}”的建筑。", f"No building has the code or name '{ref}'."))
                fids.append(rows[0]["fid"])
        else:
            with_units = sorted({b for (b,) in store.values("units", ["building_id"]) if b is not None})
            fids = [b["fid"] for b in store.rows(
                "buildings", current() & F("btype").in_(("楼宇", "标准厂房")) & F("fid").in_(with_units),
                order_by=("zone", "name"), geometry=False)]
        if not fids:
            raise LandappError(tr("没有可画分层图的建筑(需有单元)。", "No building with units to draw."))
        if out.lower().endswith(".png") and len(fids) > 1:
            raise LandappError(tr("PNG 只能画一栋建筑,请用 --building 指定,或输出 PDF。",
                                  "A PNG holds one building: name it with --building, or write a PDF."))
        space = load_space(store)
        plans = [StackingPlan(stacking_data(store, f, as_of, space), args.colour) for f in fids]
    if out.lower().endswith(".png"):
        export_png(plans[0], out)
    else:
        export_pdf_pages(plans, out)
    print(tr(f"已输出 {out}({len(plans)} 栋)", f"Wrote {out} ({len(plans)} buildings)"))
    return 0
