"""Import of a GBK shapefile of parcels (issue 14: ≤ 1.2× `ogr2ogr -append` of the same
file into a copy of the project, peak ≤ 400 MB), both measured as whole processes,
alternating, several times; JSON with median and min–max and the child's ru_maxrss.

    python benchmarks/import_shapefile.py [--parcels 100000] [--repeat 3] [--code /work/main]"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import ROOT, child_env, figure, machine_note, park, run_child  # noqa: E402


def make_shapefile(n: int, tmp: str, code: str) -> str:
    """The park's parcels as a GBK shapefile without .cpg (the awkward, common case)."""
    shp = os.path.join(tmp, "parcels.shp")
    script = ("import sys; sys.path.insert(0, sys.argv[1]);"
              "from landapp.dataio.exporter import export_layer; from landapp.store import open_project;"
              "s = open_project(sys.argv[2]); export_layer(s, 'parcels', sys.argv[3], encoding='gbk')")
    subprocess.run([sys.executable, "-c", script, code, park(n), shp], check=True, env=child_env(code))
    cpg = os.path.join(tmp, "parcels.cpg")
    if os.path.exists(cpg):
        os.unlink(cpg)
    return shp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parcels", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--code", default=ROOT)
    args = ap.parse_args()
    code = os.path.abspath(args.code)
    env = child_env(code)
    tmp = tempfile.mkdtemp()
    shp = make_shapefile(args.parcels, tmp, code)
    empty = os.path.join(tmp, "empty.gpkg")
    subprocess.run([sys.executable, "-m", "landapp", "new", empty], check=True, env=env, capture_output=True)
    ours, gdal = [], []
    for k in range(args.repeat):
        for who in ("gdal", "ours") if k % 2 else ("ours", "gdal"):
            target = os.path.join(tmp, f"{who}{k}.gpkg")
            shutil.copy(empty, target)
            if who == "ours":
                cmd = [sys.executable, "-m", "landapp", "import", target, shp, "--into", "parcels"]
                ours.append(run_child(cmd, env=env, cwd=code))
            else:
                cmd = ["ogr2ogr", "-append", "-nln", "parcels", "-nlt", "MULTIPOLYGON",
                       "--config", "SHAPE_ENCODING", "GBK", target, shp]
                gdal.append(run_child(cmd, env=env))
            os.unlink(target)
    a, b = figure(ours), figure(gdal)
    print(json.dumps({"code": code, "machine": machine_note(), "parcels": args.parcels,
                      "landapp_import": a, "ogr2ogr_append": b,
                      "ratio_median": round(a["seconds"]["median"] / b["seconds"]["median"], 2),
                      "target_ratio": 1.2, "target_peak_mb": 400}, indent=2))


if __name__ == "__main__":
    main()
