"""`landapp import` and `landapp export layer`."""

from __future__ import annotations

import sys

from landapp.cli import group
from landapp.errors import LandappError
from landapp.i18n import tr


def register(sub) -> None:
    p = sub.add_parser("import", help=tr("导入 Shapefile、GeoJSON、KML、DXF、GeoPackage、CSV、报盘或 CASS 文件",
                                         "import Shapefile, GeoJSON, KML, DXF, GeoPackage, CSV, 报盘 or CASS files"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--into", default="parcels", choices=["parcels", "buildings", "zones", "roads"])
    p.add_argument("--encoding", help=tr("文字编码(如 gbk、utf-8);缺省自动识别", "text encoding (gbk, utf-8); detected by default"))
    p.add_argument("--src-crs", help=tr("源坐标系,如 EPSG:4544;缺省读文件或推测", "source CRS such as EPSG:4544"))
    p.add_argument("--map", action="append", default=[], metavar="SRC=FIELD",
                   help=tr("字段映射,如 DKBH=code(可重复)", "field mapping such as DKBH=code (repeatable)"))
    p.add_argument("--land-use", action="append", default=[], metavar="VALUE=CODE",
                   help=tr("用地性质对照,如 工业=100101 或 M0=100101(可重复);其余按代码、旧代码或名称识别",
                           "land-use value to code, such as 工业=100101 (repeatable); others are read as codes or names"))
    p.add_argument("--layer", help=tr("GeoPackage/KML 图层名;DXF 图层名(多个用逗号分隔)",
                                      "GeoPackage/KML layer; DXF layers (comma-separated)"))
    p.add_argument("--swap-xy", choices=["auto", "yes", "no"], default="auto",
                   help=tr("X/Y 互换:auto 按坐标判断(缺省)", "exchange X and Y: auto judges from the coordinates"))
    p.add_argument("--gcj02", action="store_true", help=tr("数据取自高德等 GCJ-02 地图,先纠偏为 WGS84", "the data are GCJ-02 (traced from Amap)"))
    p.add_argument("--no-repair", action="store_true", help=tr("无效多边形不修复而是中止", "stop on invalid polygons instead of repairing"))
    p.add_argument("--skip-invalid", action="store_true", help=tr("跳过属性不合规的要素", "skip features with invalid values"))
    p.add_argument("--skip-duplicates", action="store_true",
                   help=tr("跳过编号已存在的要素(缺省导入并提示)", "skip features whose code exists already (default: import and report)"))
    p.add_argument("--dry-run", action="store_true", help=tr("只检查不写入", "check only, write nothing"))
    p.add_argument("--strict", action="store_true",
                   help=tr("有无法识别的用地性质时拒绝导入(缺省导入并保留原值)",
                           "refuse the import when a land-use value is not understood (default: import, keep the value)"))
    p.set_defaults(func=cmd_import)
    export = group(sub, "export", tr("导出:机会清单、HTML 地图、宗地图、图层", "export lists, HTML maps, parcel sheets, layers"))
    p = export.add_parser("layer", help=tr("导出图层为 SHP、GeoJSON、KML、DXF 或 GPKG", "export a layer to SHP, GeoJSON, KML, DXF or GPKG"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("layer", choices=["parcels", "buildings", "zones", "roads"])
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--fids", nargs="*", type=int, default=[], help=tr("只导出这些要素编号", "only these feature ids"))
    p.add_argument("--encoding", default="utf-8", choices=["utf-8", "gbk"], help=tr("Shapefile 编码", "Shapefile encoding"))
    p.add_argument("--gcj02", action="store_true", help=tr("KML 坐标转为 GCJ-02(奥维、高德)", "KML in GCJ-02 (奥维, Amap)"))
    p.set_defaults(func=cmd_export_layer)


def cmd_import(args) -> int:
    from landapp.dataio.importer import import_source, remember_mapping
    from landapp.dataio.readers import read_source
    from landapp.store import open_project

    mapping = _pairs(args.map, "--map", tr("源字段=目标字段", "SRC=FIELD")) if args.map else None
    land_use = _pairs(args.land_use, "--land-use", tr("源值=用地代码", "VALUE=CODE")) if args.land_use else None
    dxf = args.file.lower().endswith(".dxf")
    src = read_source(args.file, layer=None if dxf else args.layer, encoding=args.encoding,
                      dxf_layers_filter=[x.strip() for x in args.layer.split(",")] if dxf and args.layer else None)
    with open_project(args.project) as store:
        def progress(done, total):
            if sys.stderr.isatty():
                print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

        rep = import_source(store, src, args.into, mapping=mapping, src_crs=args.src_crs, gcj02=args.gcj02,
                            swap_xy={"auto": None, "yes": True, "no": False}[args.swap_xy],
                            land_use_map=land_use, repair=not args.no_repair, skip_invalid=args.skip_invalid,
                            skip_duplicates=args.skip_duplicates, dry_run=args.dry_run, progress=progress,
                            strict=args.strict)
        if (mapping or land_use) and not args.dry_run:
            from landapp.dataio.importer import (
                auto_mapping,
                remembered_land_use_map,
                remembered_mapping,
            )

            used = mapping or remembered_mapping(store, src, args.into) or auto_mapping(src.fields, args.into)
            remember_mapping(store, src, args.into, used,
                             {**(remembered_land_use_map(store, src, args.into) or {}), **(land_use or {})})
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for w in rep.warnings:
        print(tr("提示:", "Note: ") + w)
    for p in rep.problems:
        print(p.message)
    print((tr("(试运行,未写入)", "(dry run, nothing written) ") if args.dry_run else "") + rep.summary())
    return 0


def _pairs(items: list[str], option: str, form: str) -> dict[str, str]:
    out = {}
    for m in items:
        if "=" not in m:
            raise LandappError(tr(f"{option} 应写成 {form},而不是 {m}。", f"{option} must be {form}, not {m}."))
        a, b = m.split("=", 1)
        out[a.strip()] = b.strip()
    return out


def cmd_export_layer(args) -> int:
    from landapp.dataio.exporter import export_layer
    from landapp.store import open_project

    with open_project(args.project) as store:
        n = export_layer(store, args.layer, args.output, fids=args.fids, encoding=args.encoding, gcj02=args.gcj02)
    print(tr(f"已导出 {n} 个要素到 {args.output}", f"Exported {n} features to {args.output}"))
    return 0
