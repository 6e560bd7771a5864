"""Store figures on a 100k-parcel project (issue 3): open + read parcels (target ≤ 0.5 s),
a bbox query through the spatial index, one feature update. Prints JSON.

    python benchmarks/store.py [--parcels 100000] [--project FILE]

The project is generated once (landapp demo --parcels N) into benchmarks/ and reused."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from landapp.store import open_project  # noqa: E402


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parcels", type=int, default=100_000)
    ap.add_argument("--project")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    path = args.project or os.path.join(HERE, f"park_{args.parcels}.gpkg")
    if not os.path.exists(path):
        from landapp.demo import build_synthetic_park

        t = time.perf_counter()
        build_synthetic_park(path, args.parcels, seed=1)
        print(f"# built {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    def open_and_read():
        with open_project(path) as s:
            return len(s.read_layer("parcels"))

    n, t_open_read = timed(open_and_read, args.repeat)
    store = open_project(path)
    x0, y0, x1, y1 = store.extent("parcels")
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bbox = (cx - 500, cy - 500, cx + 500, cy + 500)  # 1 km × 1 km
    hits, t_bbox = timed(lambda: len(store.read_layer("parcels", bbox=bbox)), args.repeat)
    ids, t_rtree = timed(lambda: store.fids_in_bbox("parcels", bbox), args.repeat)
    fid = ids[0]
    statuses = ["在建", "待供"]
    _, t_update = timed(lambda: store.update("parcels", fid, {"status": statuses.pop(0) if statuses
                                                              else "在建", "note": str(time.time())}),
                        args.repeat)
    store.close()

    def ms(ts):
        return {"median_ms": round(statistics.median(ts) * 1000, 1), "best_ms": round(min(ts) * 1000, 1)}

    print(json.dumps({
        "project": os.path.basename(path), "parcels": n, "cpus": os.cpu_count(),
        "open_and_read_parcels": ms(t_open_read), "target_open_and_read_ms": 500,
        "bbox_read_1km2": {**ms(t_bbox), "features": hits},
        "bbox_rtree_fids_1km2": {**ms(t_rtree), "features": len(ids)},
        "update_one_feature": ms(t_update),
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
