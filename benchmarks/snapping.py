"""Snap lookup time on a big project (issue 5 target: ≤ 5 ms on 1M parcels). Prints JSON.

    python benchmarks/snapping.py [--parcels 1000000] [--queries 2000]"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from landapp.snapping import Snapper  # noqa: E402
from landapp.store import open_project  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parcels", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    args = ap.parse_args()
    path = os.path.join(HERE, f"park_{args.parcels}.gpkg")
    if not os.path.exists(path):
        from landapp.demo import build_synthetic_park

        build_synthetic_park(path, args.parcels, seed=1)
    with open_project(path) as store:
        t = time.perf_counter()
        parcels = store.read_layer("parcels", columns=[])
        buildings = store.read_layer("buildings", columns=[])
        read = time.perf_counter() - t
    t = time.perf_counter()
    snap = Snapper()
    snap.set_source("parcels", parcels.geometry.values)
    snap.set_source("buildings", buildings.geometry.values)
    build = time.perf_counter() - t
    x0, y0, x1, y1 = parcels.total_bounds
    rng = np.random.default_rng(0)
    xs, ys = rng.uniform(x0, x1, args.queries), rng.uniform(y0, y1, args.queries)
    tol = 3 * 1.2  # 3 px at ~1:4,500 (1.2 m per pixel), a typical editing scale
    times, kinds = [], {"vertex": 0, "edge": 0, "none": 0}
    for x, y in zip(xs, ys):
        t = time.perf_counter()
        s = snap.snap(float(x), float(y), tol)
        times.append(time.perf_counter() - t)
        kinds[s.kind if s else "none"] += 1
    print(json.dumps({"parcels": len(parcels), "read_s": round(read, 2), "index_build_s": round(build, 2),
                      "snap_median_ms": round(statistics.median(times) * 1000, 3),
                      "snap_p99_ms": round(float(np.percentile(times, 99)) * 1000, 3),
                      "target_ms": 5, "results": kinds}, indent=2))


if __name__ == "__main__":
    main()
