"""Map rendering figures at 1920×1080 (issue 4), printed as JSON:
full-extent redraw of 100k and 1M parcels, a zoomed view into 1M, opening a 100k project
to its first frame, identify.

    python benchmarks/render.py [--sizes 100000 1000000] [--repeat 5]

Parks are generated once into benchmarks/ (see make_parks.py) and reused."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

W, H = 1920, 1080


def park(n: int) -> str:
    """Reused if built (see common.park: /work/parks, LANDAPP_PARKS, benchmarks/park_N)."""
    sys.path.insert(0, HERE)
    from common import park as reuse

    return reuse(n)


def ms(ts):
    return {"median_ms": round(statistics.median(ts) * 1000, 3), "best_ms": round(min(ts) * 1000, 3)}


def window_first_frame(path: str) -> float:
    """What a planner waits for: the desktop window (map, layer panel, attribute table,
    search, docks) from opening the file to its first map frame, in seconds."""
    from PySide6.QtWidgets import QApplication

    from landapp.store import open_project
    import ui.canvas
    from ui.main_window import MainWindow

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise SystemExit("the window needs a QApplication: run render.py in its own process")
    done: list[float] = []
    t = time.perf_counter()
    store = open_project(path)
    win = MainWindow(store)
    # the first frame is ready when the canvas receives it, before the slots that follow it
    real = ui.canvas.MapCanvas._on_rendered
    ui.canvas.MapCanvas._on_rendered = lambda self, *a: (done or done.append(time.perf_counter() - t), real(self, *a))
    try:
        win.resize(W, H)
        win.show()
        win.canvas.wait_for_frame(60000)
    finally:
        ui.canvas.MapCanvas._on_rendered = real
        win.detach()
        win.close()
        store.close()
    return done[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    from layers.render import render_image

    app = QApplication.instance() or QApplication([])  # a widgets app: the window is measured too
    from landapp.store import open_project
    from layers.map import ParkMap
    from layers.view import MapView

    out: dict = {"size": f"{W}x{H}", "cpus": os.cpu_count()}
    for n in args.sizes:
        path = park(n)
        # open to first frame (store open + layer load + first full render)
        t = time.perf_counter()
        store = open_project(path)
        m = ParkMap(store)
        view = MapView.fit(m.extent(), W, H)
        render_image(m.layers, view)
        first = time.perf_counter() - t
        full = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            render_image(m.layers, view)
            full.append(time.perf_counter() - t)
        zoom_view = MapView(view.center_x, view.center_y, 0.6, W, H)  # ~1:2,300, a few blocks
        zoom = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            render_image(m.layers, zoom_view)
            zoom.append(time.perf_counter() - t)
        parcels = m.layer("parcels")
        ident = []
        for k in range(200):
            x = view.center_x + (k - 100) * 37.0
            t = time.perf_counter()
            parcels.features_at(x, view.center_y, view.scale * 3)
            ident.append(time.perf_counter() - t)
        store.close()
        out[str(n)] = {"open_to_first_frame_ms": round(first * 1000, 1),
                       "window_open_to_first_frame_ms": round(window_first_frame(path) * 1000, 1),
                       "full_extent_redraw": ms(full), "zoomed_redraw": ms(zoom), "identify": ms(ident)}
        print(json.dumps({n: out[str(n)]}, ensure_ascii=False), file=sys.stderr, flush=True)
    out["targets_ms"] = {"full_100k": 150, "full_1M": 300, "zoomed_1M": 60, "open_100k_first_frame": 1500,
                         "identify": 5}
    del app
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
