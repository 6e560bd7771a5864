"""Parcel sheets per second (issue 7 aim: ≥ 20). Prints JSON.

    python benchmarks/sheets.py [--project data/demo_park.gpkg] [--count 100]"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--project", default=os.path.join(os.path.dirname(HERE), "data", "demo_park.gpkg"))
    ap.add_argument("--count", type=int, default=100)
    args = ap.parse_args()
    from landapp.store import open_project
    from layers.sheets import select_parcels, write_sheets

    with open_project(args.project) as store:
        fids = select_parcels(store)[: args.count]
        out = os.path.join(tempfile.mkdtemp(), "sheets.pdf")
        t = time.perf_counter()
        n = write_sheets(store, out, fids)
        dt = time.perf_counter() - t
    print(json.dumps({"sheets": n, "seconds": round(dt, 2), "sheets_per_second": round(n / dt, 1),
                      "pdf_mb": round(os.path.getsize(out) / 2**20, 1), "target_per_second": 20}, indent=2))


if __name__ == "__main__":
    main()
