"""Team figures on PostgreSQL/PostGIS, against a throwaway cluster this script starts (and
stops): never a server it did not start.

    python benchmarks/teams.py read [--project PARK.gpkg] [--repeat 5]
        push a park, then read its parcels for the map from PostGIS and from the GeoPackage
        (target: PostGIS ≤ 2× the GeoPackage); also push and pull times.

Prints JSON."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from landapp.store import open_project  # noqa: E402
from landapp.store.pgcluster import ThrowawayCluster  # noqa: E402

MAP_COLUMNS = ["code", "land_use", "name", "status"]  # labels + the status/land-use themes


def timed(fn, repeat: int) -> tuple[object, list[float]]:
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, times


def bench_read(args) -> dict:
    from landapp.store.transfer import pull, push

    path = args.project or "/work/parks/p100k.gpkg"
    if not os.path.exists(path):
        path = os.path.join(tempfile.gettempdir(), "p100k.gpkg")
        if not os.path.exists(path):
            from landapp.demo import build_synthetic_park
            build_synthetic_park(path, 100_000)
    out: dict = {"project": path}
    with ThrowawayCluster() as cluster:
        target = cluster.socket_uri(schema="bench")
        t = time.perf_counter()
        push(path, target)
        out["push_s"] = round(time.perf_counter() - t, 2)
        g = open_project(path)
        p = open_project(target)
        out["parcels"] = p.count("parcels")
        for label, kw in [("map_columns", {"columns": MAP_COLUMNS}), ("all_columns", {}),
                          ("geometry_only", {"columns": []})]:
            _, tg = timed(lambda: g.read_layer("parcels", **kw), args.repeat)
            _, tp = timed(lambda: p.read_layer("parcels", **kw), args.repeat)
            out[label] = {"gpkg_s": round(min(tg), 3), "postgis_s": round(min(tp), 3),
                          "ratio": round(min(tp) / min(tg), 2),
                          "gpkg_median_s": round(statistics.median(tg), 3),
                          "postgis_median_s": round(statistics.median(tp), 3)}
        g.close()
        p.close()
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            pull(target, os.path.join(d, "back.gpkg"))
            out["pull_s"] = round(time.perf_counter() - t, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("read")
    r.add_argument("--project")
    r.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(json.dumps(bench_read(args), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
