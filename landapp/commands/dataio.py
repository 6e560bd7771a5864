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
    p.add_argument("--layer", help=tr("GeoPackage 图层名 / DXF 图层名", "GeoPackage layer / DXF layer"))
    p.add_argument("--gcj02", action="store_true", help=tr("数据取自高德等 GCJ-02 地图,先纠偏为 WGS84", "the data are GCJ-02 (traced from Amap)"))
    p.add_argument("--no-repair", action="store_true", help=tr("无效多边形不修复而是中止", "stop on invalid polygons instead of repairing"))
    p.add_argument("--skip-invalid", action="store_true", help=tr("跳过属性不合规的要素", "skip features with invalid values"))
    p.add_argument("--dry-run", action="store_true", help=tr("只检查不写入", "check only, write nothing"))
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

    mapping = None
    if args.map:
        mapping = {}
        for m in args.map:
            if "=" not in m:
                raise LandappError(tr(f"--map 应写成 源字段=目标字段,而不是 {m}。", f"--map must be SRC=FIELD, not {m}."))
            a, b = m.split("=", 1)
            mapping[a.strip()] = b.strip()
    src = read_source(args.file, layer=args.layer if not args.file.lower().endswith(".dxf") else None,
                      encoding=args.encoding,
                      dxf_layers_filter=[args.layer] if args.layer and args.file.lower().endswith(".dxf") else None)
    with open_project(args.project) as store:
        def progress(done, total):
            if sys.stderr.isatty():
                print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

        rep = import_source(store, src, args.into, mapping=mapping, src_crs=args.src_crs, gcj02=args.gcj02,
                            repair=not args.no_repair, skip_invalid=args.skip_invalid, dry_run=args.dry_run,
                            progress=progress)
        if mapping and not args.dry_run:
            remember_mapping(store, src, args.into, mapping)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for w in rep.warnings:
        print(tr("提示:", "Note: ") + w)
    for p in rep.problems:
        print(p.message)
    print((tr("(试运行,未写入)", "(dry run, nothing written) ") if args.dry_run else "") + rep.summary())
    return 0


def cmd_export_layer(args) -> int:
    from landapp.dataio.exporter import export_layer
    from landapp.store import open_project

    with open_project(args.project) as store:
        n = export_layer(store, args.layer, args.output, fids=args.fids, encoding=args.encoding, gcj02=args.gcj02)
    print(tr(f"已导出 {n} 个要素到 {args.output}", f"Exported {n} features to {args.output}"))
    return 0
