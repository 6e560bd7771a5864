"""Build synthetic parks into benchmarks/ and print the build times as JSON.

    python benchmarks/make_parks.py [10000 100000 1000000]"""

from __future__ import annotations

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from landapp.demo import build_synthetic_park  # noqa: E402


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    out = {}
    for n in sizes:
        path = os.path.join(HERE, f"park_{n}.gpkg")
        t = time.perf_counter()
        build_synthetic_park(path, n, seed=1)
        out[n] = {"seconds": round(time.perf_counter() - t, 1),
                  "file_mb": round(os.path.getsize(path) / 2**20, 1)}
        print(json.dumps({"parcels": n, **out[n]}), flush=True)


if __name__ == "__main__":
    main()
