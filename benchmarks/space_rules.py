"""Figures for the space and land rules (issue 6): vacancy by every grouping, availability,
expiry schedule and net absorption; idle-land report; per-mu evaluation. Prints JSON.

    python benchmarks/space_rules.py [--project FILE] [--parcels N] [--repeat 3]

Without --project it uses a copy of the demo park; with --parcels N a synthetic park
(landapp demo --parcels N, about 3% of parcels carry buildings with units and leases) built
into benchmarks/ once and reused. Timings are noisy on a shared machine."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from landapp import evaluation as ev
from landapp import idle
from landapp import vacancy as v
from landapp.store import open_project


def timed(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, {"median_s": round(statistics.median(times), 4), "max_s": round(max(times), 4)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--project")
    ap.add_argument("--parcels", type=int)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    if args.project:
        path = args.project
    elif args.parcels:
        path = os.path.join(HERE, f"park_{args.parcels}.gpkg")
        if not os.path.exists(path):
            from landapp.demo import build_synthetic_park
            build_synthetic_park(path, args.parcels)
    else:
        path = os.path.join(tmp, "demo.gpkg")
        shutil.copy(os.path.join(os.path.dirname(HERE), "data", "demo_park.gpkg"), path)
    out: dict = {"project": os.path.basename(path)}
    with open_project(path) as s:
        as_of = v.default_as_of(s)
        space, out["load_space"] = timed(lambda: v.load_space(s), args.repeat)
        out.update(buildings=len(space.buildings), units=len(space.units), leases=len(space.leases))
        for by in v.GROUPINGS:
            _, out[f"vacancy_by_{by}"] = timed(lambda by=by: v.vacancy_figures(space, as_of, by), args.repeat)
        _, out["availability_by_zone"] = timed(lambda: v.availability(space, as_of, 12, "zone"), args.repeat)
        _, out["expiry_schedule"] = timed(lambda: v.expiry_schedule(space, as_of), args.repeat)
        _, out["net_absorption_by_type"] = timed(
            lambda: v.net_absorption(space, v.add_months(as_of, -12), as_of, "type"), args.repeat)
        parcels, out["read_parcels"] = timed(lambda: idle.load_parcels(s), args.repeat)
        out["parcels"] = len(parcels)
        _, out["idle_report"] = timed(lambda: idle.idle_report(parcels, as_of), args.repeat)
        if s.count("enterprise_metrics"):
            res, out["evaluate_enterprises"] = timed(lambda: ev.evaluate(s)[1], args.repeat)
            out["enterprises_evaluated"] = len(res)
            _, out["evaluate_parcels"] = timed(lambda: ev.evaluate(s, level="parcel")[1], args.repeat)
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
