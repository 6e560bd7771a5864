"""Team figures on PostgreSQL/PostGIS, against a throwaway cluster this script starts (and
stops): never a server it did not start.

    python benchmarks/teams.py read [--project PARK.gpkg] [--repeat 5]
        push a park, then read its parcels for the map from PostGIS and from the GeoPackage
        (target: PostGIS ≤ 2× the GeoPackage); also push and pull times.

    python benchmarks/teams.py load [--clients 8] [--seconds 60] [--parcels 2000]
        8 editor processes on one park for 60 s, each updating random parcels (a small park,
        so many edits meet on the same parcel): each reads a parcel, changes one field and
        writes it only if the value it read is still there (the app's check). Edits per
        second, p50/p95 commit latency, conflicts detected, and lost updates: every client's
        log of committed edits is replayed against the server's edit log and final state
        (each write must start from the value the previous write left; must be 0).

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
from landapp.store.filters import F  # noqa: E402
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
        # the map's own read (read_wkb: the theme's column and the WKB in one buffer), then
        # GeoDataFrames (exports, rules) with the map's columns, all columns and none
        for label, how, kw in [("map_read_wkb", "read_wkb", {"columns": ["status"]}),
                               ("map_columns", "read_layer", {"columns": MAP_COLUMNS}),
                               ("all_columns", "read_layer", {}),
                               ("geometry_only", "read_layer", {"columns": []})]:
            _, tg = timed(lambda: getattr(g, how)("parcels", **kw), args.repeat)
            _, tp = timed(lambda: getattr(p, how)("parcels", **kw), args.repeat)
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


FIELDS = ("name", "note", "contact", "location")  # text: every written value is unique


def _client(target: str, seconds: float, seed: int, parcels: list[int], out_path: str,
            checked: bool = True) -> None:
    import random

    from landapp.errors import ConflictError, LandappError

    rnd = random.Random(seed)
    done, conflicts, errors, latencies = [], 0, 0, []
    with open_project(target) as store:
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            fid = rnd.choice(parcels)
            field = rnd.choice(FIELDS)
            rec = store.get("parcels", fid)
            seen = rec[field]
            n += 1
            value = f"c{seed}-{n}"
            t0 = time.perf_counter()
            try:  # made from the version read (no lost update: issue 16, deliverable 4)
                if checked:
                    store.update("parcels", fid, {field: value}, expected={field: seen},
                                 expected_version=rec.get("row_version"))
                else:
                    store.update("parcels", fid, {field: value})
                latencies.append(time.perf_counter() - t0)
                done.append([fid, field, seen, value])
            except ConflictError:
                conflicts += 1
            except LandappError:
                errors += 1
        session = store.session
    with open(out_path, "w") as fh:
        json.dump({"session": session, "done": done, "conflicts": conflicts, "errors": errors,
                   "latencies": latencies}, fh)


def bench_load(args) -> dict:
    import multiprocessing as mp

    from landapp.store import create_project

    out: dict = {"clients": args.clients, "seconds": args.seconds, "parcels": args.parcels}
    with ThrowawayCluster() as cluster, tempfile.TemporaryDirectory() as tmp:
        target = cluster.socket_uri(schema="load")
        from shapely.geometry import box
        with create_project(target, "负载测试") as s:
            x0, y0 = 430000.0, 3384000.0
            side = int(args.parcels ** 0.5) + 1
            s.insert_many("parcels", [{"code": f"L{i:05d}", "status": "待供", "name": "初始",
                                       "geometry": box(x0 + (i % side) * 60, y0 + (i // side) * 60,
                                                       x0 + (i % side) * 60 + 50, y0 + (i // side) * 60 + 50)}
                                      for i in range(args.parcels)])
            parcels = s.table_fids("parcels").tolist()
            start_log = s.count("edit_log")
            initial = {r["fid"]: r for r in s.rows("parcels", geometry=False)}
        ctx = mp.get_context("spawn")
        paths = [os.path.join(tmp, f"c{i}.json") for i in range(args.clients)]
        procs = [ctx.Process(target=_client, args=(target, args.seconds, i + 1, parcels, paths[i],
                                                    not args.unchecked))
                 for i in range(args.clients)]
        t = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        wall = time.perf_counter() - t
        logs = [json.load(open(p)) for p in paths]
        with open_project(target) as s:
            final = {r["fid"]: r for r in s.rows("parcels", geometry=False)}
            server_log = s.rows("edit_log", (F("fid") > start_log) & (F("operation") == "update"), order_by="fid")
    committed = sum(len(lg["done"]) for lg in logs)
    lat = sorted(x for lg in logs for x in lg["latencies"])
    # replay: per (fid, field) the server's update log must chain old -> new from the initial
    # value to the final one, and every edit a client says it committed must be in it having
    # overwritten exactly the value that client had read (else it overwrote someone's edit
    # unseen: a lost update)
    chains: dict = {}
    overwrote: dict = {}
    for row in server_log:
        for field, (old, new) in json.loads(row["changes"]).items():
            if field in FIELDS:
                chains.setdefault((row["feature_id"], field), []).append((old, new))
                overwrote[(row["feature_id"], field, new)] = old
    lost = 0
    for (fid, field), steps in chains.items():
        value = initial[fid][field]
        for old, new in steps:
            lost += old != value
            value = new
        lost += final[fid][field] != value
    for lg in logs:
        for fid, field, seen, new in lg["done"]:
            lost += overwrote.get((fid, field, new), object()) != seen
    out.update({
        "wall_s": round(wall, 1),
        "edits_committed": committed,
        "edits_per_s": round(committed / args.seconds, 1),
        "commit_latency_p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
        "commit_latency_p95_ms": round(1000 * lat[int(len(lat) * 0.95)], 1) if lat else None,
        "conflicts_detected": sum(lg["conflicts"] for lg in logs),
        "other_errors": sum(lg["errors"] for lg in logs),
        "lost_updates": lost,
        "checked": not args.unchecked,
    })
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("read")
    r.add_argument("--project")
    r.add_argument("--repeat", type=int, default=5)
    ld = sub.add_parser("load")
    ld.add_argument("--clients", type=int, default=8)
    ld.add_argument("--seconds", type=float, default=60)
    ld.add_argument("--parcels", type=int, default=2000)
    ld.add_argument("--unchecked", action="store_true",
                    help="write without the version check (shows the lost-update count is real)")
    args = ap.parse_args()
    result = bench_read(args) if args.what == "read" else bench_load(args)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
