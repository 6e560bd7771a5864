"""`landapp new`, `landapp info`, `landapp check`."""

from __future__ import annotations

import json
import sys

from landapp.cli import EXIT_OK, EXIT_PROBLEMS
from landapp.i18n import pad, tr

# the store and the checks are imported by the command that runs: `landapp --help` and the
# other commands do not pay for numpy, shapely or pandas


def register(sub) -> None:
    p = sub.add_parser("new", help=tr("新建空白工程(GeoPackage)", "create an empty project (GeoPackage)"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("--name", default="", help=tr("园区名称", "park name"))
    p.add_argument("--epsg", type=int, default=4544,
                   help=tr("投影坐标系 EPSG 代码(默认 4544 = CGCS2000 3度带 105E)",
                           "projected CRS EPSG code (default 4544 = CGCS2000 GK CM 105E)"))
    p.add_argument("--contact", help=tr("默认联系人", "default contact person"))
    p.add_argument("--phone", help=tr("默认联系电话", "default phone"))
    p.add_argument("--force", action="store_true", help=tr("覆盖已有文件", "overwrite an existing file"))
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("info", help=tr("工程概况:数量、坐标系、面积、空置", "counts, CRS, areas, vacancy"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出", "print JSON"))
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("check", help=tr("检查工程:完整性、无效几何、重叠、重复编号",
                                        "check integrity, invalid geometry, overlaps, duplicate codes"))
    p.add_argument("project", metavar="PROJECT.gpkg")
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出", "print JSON"))
    p.add_argument("--fix", action="store_true",
                   help=tr("重算由其他软件修改后失效的面积,重建不符的空间索引",
                           "recompute areas made stale by other software and rebuild wrong spatial-index entries"))
    p.set_defaults(func=cmd_check)


def cmd_new(args) -> int:
    from landapp.store import create_project

    with create_project(args.project, args.name, epsg=args.epsg, contact=args.contact,
                        phone=args.phone, overwrite=args.force) as store:
        print(tr(f"已新建工程 {store.path}(EPSG:{store.srs_id})。",
                 f"Created project {store.path} (EPSG:{store.srs_id})."))
    return EXIT_OK


def cmd_info(args) -> int:
    from landapp.check import summary
    from landapp.store import open_project

    with open_project(args.project) as store:
        s = summary(store)
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return EXIT_OK
    c = s["counts"]
    lines = [
        f"{tr('工程', 'Project')}: {s['name']}  ({s['path']})",
        f"{tr('坐标系', 'CRS')}: {s['crs']}",
        tr(f"片区 {c['zones']} 个,道路 {c['roads']} 条,地块 {c['parcels']} 宗(另有已注销 {c['retired_parcels']} 宗),"
           f"建筑 {c['buildings']} 栋,单元 {c['units']} 个,企业 {c['enterprises']} 家,租约 {c['leases']} 份",
           f"{c['zones']} zones, {c['roads']} roads, {c['parcels']} parcels ({c['retired_parcels']} retired), "
           f"{c['buildings']} buildings, {c['units']} units, {c['enterprises']} enterprises, {c['leases']} leases"),
        tr(f"地块总面积 {s['parcel_area_m2']:,.1f} ㎡ = {s['parcel_area_mu']:,.2f} 亩",
           f"Parcel area {s['parcel_area_m2']:,.1f} m² = {s['parcel_area_mu']:,.2f} mu"),
    ]
    if s["parcels_by_status"]:
        lines.append(tr("按状态:", "By status:"))
        for r in s["parcels_by_status"]:
            lines.append(f"  {pad(r['status'] or '-', 12)} {r['count']:>7}  {r['area_m2']:>14,.1f} ㎡  {r['area_mu']:>11,.2f} 亩")
    v = s["vacancy"]
    if v["unit_area_m2"]:
        lines.append(tr(f"空置(统计日 {s['as_of']}):可租面积 {v['unit_area_m2']:,.0f} ㎡,空置 {v['vacant_m2']:,.0f} ㎡,"
                        f"空置率 {v['vacancy_rate']:.1%}",
                        f"Vacancy on {s['as_of']}: leasable {v['unit_area_m2']:,.0f} m², vacant {v['vacant_m2']:,.0f} m², "
                        f"rate {v['vacancy_rate']:.1%}"))
        for r in v["by_type"]:
            rate = f"{r['vacancy_rate']:.1%}" if r["vacancy_rate"] is not None else "-"
            lines.append(f"  {pad(r['type'], 10)} {r['buildings']:>5} {tr('栋', 'bldg')}  {r['unit_area_m2']:>12,.0f} ㎡  "
                         f"{tr('空置', 'vacant')} {r['vacant_m2']:>10,.0f} ㎡  {rate}")
    print("\n".join(lines))
    return EXIT_OK


def _progress_line():
    """A one-line progress report on a terminal, rewritten in place; step None clears it."""
    import time

    start = time.perf_counter()

    def show(step, fraction: float) -> None:
        if step is None:
            sys.stderr.write("\r\033[K")
        else:
            sys.stderr.write(f"\r\033[K{tr('检查中', 'Checking')}: {step} {fraction:4.0%}  "
                             f"{time.perf_counter() - start:5.1f} s")
        sys.stderr.flush()

    return show


def cmd_check(args) -> int:
    from landapp.check import check_project, fix_stale_areas
    from landapp.store import open_project

    progress = _progress_line() if sys.stderr.isatty() else None
    with open_project(args.project) as store:
        rep = check_project(store, progress=progress)
        if progress:
            progress(None, 1.0)
        if args.fix and any(p.kind == "stale_area" for p in rep.problems):
            n = fix_stale_areas(store, rep)
            print(tr(f"已重算 {n} 个要素的面积。", f"Recomputed the area of {n} features."))
            rep = check_project(store)
        if args.fix and any(p.kind == "index_box" for p in rep.problems):
            from landapp.check_data import fix_spatial_index

            n = fix_spatial_index(store, rep.problems)
            print(tr(f"已重建 {n} 条空间索引。", f"Rebuilt {n} spatial-index entries."))
            rep = check_project(store)
        if args.fix and any(p.kind == "spatial_index" for p in rep.problems):
            from landapp.check_data import fix_gist_indexes

            n = fix_gist_indexes(store, rep.problems)
            print(tr(f"已重建 {n} 个图层的空间索引。", f"Rebuilt the spatial index of {n} layers."))
            rep = check_project(store)
    if args.json:
        print(json.dumps({"ok": rep.ok, "checked": rep.checked,
                          "problems": [p.__dict__ for p in rep.problems]}, ensure_ascii=False, indent=2))
    else:
        for p in rep.problems:
            print(p.message)
        n = len(rep.problems)
        print(tr("检查通过,未发现问题。", "Check passed: no problems found.") if rep.ok else
              tr(f"发现 {n} 个问题。", f"{n} problems found."), file=sys.stdout if rep.ok else sys.stderr)
    return EXIT_OK if rep.ok else EXIT_PROBLEMS
