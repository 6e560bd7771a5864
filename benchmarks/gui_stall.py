"""How long the GUI thread is blocked (longest gap between ticks of a 10-ms QTimer) while
the dashboard and the topology check compute, before (called on the GUI thread, as the
panels used to) and after (ui.jobs in the background), with the map panned meanwhile.

    python -m landapp demo /tmp/p100k.gpkg --parcels 100000   # once
    python benchmarks/gui_stall.py /tmp/p100k.gpkg
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(path: str) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from landapp.store import open_project
    from landapp.topology import check_topology
    from ui import jobs
    from ui.dashboard import collect_figures
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    store = open_project(path)
    win = MainWindow(store)
    win.resize(1366, 768)
    win.show()
    win.canvas.wait_for_frame(30000)

    gaps: list[float] = []
    clock = QElapsedTimer()

    def tick() -> None:
        gaps.append(clock.restart())

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    pans = [0]

    def pan() -> None:  # a user dragging the map meanwhile
        win.canvas.pan_pixels(5, 0)
        pans[0] += 1

    panner = QTimer()
    panner.setInterval(30)
    panner.timeout.connect(pan)

    def measure(label: str, run) -> None:
        gaps.clear()
        pans[0] = 0
        clock.start()
        timer.start()
        panner.start()
        t = time.perf_counter()
        run()
        total = time.perf_counter() - t
        timer.stop()
        panner.stop()
        print(f"{label:42s} total {total:6.2f} s   longest GUI stall {max(gaps or [0]) / 1000:6.2f} s"
              f"   pans handled {pans[0]}")

    def on_gui(fn):
        def run():
            QTimer.singleShot(0, fn)  # the way a panel used to: inside a slot
            t = time.perf_counter()
            while time.perf_counter() - t < 0.2:
                app.processEvents()
            time.sleep(0.02)
            app.processEvents()  # the tick that was due during the block
        return run

    def in_job(fn, title):
        def run():
            job = jobs.start(lambda job: fn(job.store), title=title, store=store, inline=False)
            job.wait(120000)
        return run

    def idle(seconds: float):
        def run():
            t = time.perf_counter()
            while time.perf_counter() - t < seconds:
                app.processEvents()
                time.sleep(0.002)
        return run

    measure("map panning only, no job (baseline)", idle(5.0))
    measure("dashboard, before (GUI thread)", on_gui(lambda: collect_figures(store)))
    measure("dashboard, after (ui.jobs)", in_job(collect_figures, "dashboard"))
    measure("topology check, before (GUI thread)", on_gui(lambda: check_topology(store)))
    measure("topology check, after (ui.jobs)", in_job(check_topology, "topology"))
    win.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/p100k.gpkg")
