"""Synthetic parks for the benchmarks, built once and reused (an existing park is not built
again: LANDAPP_PARKS dir, /work/parks with p100k.gpkg / p1m.gpkg, or benchmarks/park_N.gpkg).
Prints JSON per park: its path, whether it was built now, the seconds it took.

    python benchmarks/make_parks.py [10000 100000 1000000]"""

from __future__ import annotations

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import park  # noqa: E402


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    for n in sizes:
        t = time.perf_counter()
        before = {p for d in (os.environ.get("LANDAPP_PARKS"), "/work/parks", HERE) if d and os.path.isdir(d)
                  for p in os.listdir(d)}
        path = park(n)
        built = os.path.basename(path) not in before
        print(json.dumps({"parcels": n, "path": path, "built": built,
                          "seconds": round(time.perf_counter() - t, 1),
                          "file_mb": round(os.path.getsize(path) / 2**20, 1)}), flush=True)


if __name__ == "__main__":
    main()
