"""Time to import 100k parcels from a Shapefile (issue 8 aim: ≤ 10 s). Prints JSON.

    python benchmarks/import_shapefile.py [--parcels 100000]"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parcels", type=int, default=100_000)
    args = ap.parse_args()
    from landapp.dataio.exporter import export_layer
    from landapp.dataio.importer import import_source
    from landapp.dataio.readers import read_source
    from landapp.store import create_project, open_project

    park = os.path.join(HERE, f"park_{args.parcels}.gpkg")
    if not os.path.exists(park):
        from landapp.demo import build_synthetic_park

        build_synthetic_park(park, args.parcels, seed=1)
    tmp = tempfile.mkdtemp()
    shp = os.path.join(tmp, "parcels.shp")
    with open_project(park) as store:
        export_layer(store, "parcels", shp, encoding="gbk")
    os.unlink(os.path.join(tmp, "parcels.cpg"))  # the awkward case: GBK without .cpg
    target = create_project(os.path.join(tmp, "target.gpkg"))
    t = time.perf_counter()
    src = read_source(shp)
    t_read = time.perf_counter() - t
    rep = import_source(target, src, "parcels")
    total = time.perf_counter() - t
    target.close()
    print(json.dumps({"parcels": rep.imported, "read_s": round(t_read, 2), "total_s": round(total, 2),
                      "encoding": src.encoding, "target_s": 10}, indent=2))


if __name__ == "__main__":
    main()
