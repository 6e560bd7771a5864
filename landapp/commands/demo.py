"""`landapp demo OUT.gpkg [--parcels N]`: the 成都经开区 demo park, or a synthetic park."""

from __future__ import annotations

import os
import sys
import time

from landapp.cli import EXIT_OK
from landapp.errors import ProjectError
from landapp.i18n import tr


def register(sub) -> None:
    p = sub.add_parser("demo", help=tr("生成示例园区(成都经开区)或任意规模的合成园区",
                                       "build the demo park (Chengdu ETDZ) or a synthetic park of any size"))
    p.add_argument("project", metavar="OUT.gpkg")
    p.add_argument("--parcels", type=int, help=tr("合成园区的地块数(如 10000、100000、1000000)",
                                                  "number of parcels of a synthetic park (10000, 100000, 1000000 …)"))
    p.add_argument("--seed", type=int, default=None, help=tr("随机种子", "random seed"))
    p.add_argument("--force", action="store_true", help=tr("覆盖已有文件", "overwrite an existing file"))
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from landapp.demo import build_demo_park, build_synthetic_park, map_raster_path
    from landapp.store import open_project

    if os.path.exists(args.project) and not args.force:
        raise ProjectError(tr(f"{args.project} 已存在;如要覆盖请加 --force。",
                              f"{args.project} already exists; use --force to overwrite it."))
    t = time.perf_counter()
    if args.parcels is None:
        build_demo_park(args.project, seed=2026 if args.seed is None else args.seed)
    else:
        last = [0.0]

        def progress(msg: str) -> None:
            if sys.stderr.isatty() and time.perf_counter() - last[0] > 0.5:
                last[0] = time.perf_counter()
                print(f"\r{msg}   ", end="", file=sys.stderr, flush=True)

        build_synthetic_park(args.project, args.parcels, seed=args.seed or 0, progress=progress)
        if sys.stderr.isatty():
            print(file=sys.stderr)
    elapsed = time.perf_counter() - t
    with open_project(args.project) as store:
        n = {k: store.count(k) for k in ("zones", "parcels", "buildings", "units", "leases")}
        if args.parcels is None:  # styles for QGIS again, now that the park is filled
            from landapp import project_hooks

            project_hooks.run(store, "refresh")
    print(tr(f"已生成 {args.project}:片区 {n['zones']},地块 {n['parcels']},建筑 {n['buildings']},"
             f"单元 {n['units']},租约 {n['leases']};用时 {elapsed:.1f} 秒。",
             f"Built {args.project}: {n['zones']} zones, {n['parcels']} parcels, {n['buildings']} buildings, "
             f"{n['units']} units, {n['leases']} leases in {elapsed:.1f} s."))
    if args.parcels is None:
        print(tr(f"园区底图:{map_raster_path(args.project)}(及同名 .pgw 坐标文件)",
                 f"Park map: {map_raster_path(args.project)} (with its .pgw world file)"))
    return EXIT_OK
