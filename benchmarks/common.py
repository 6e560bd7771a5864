"""What every benchmark shares: parks built once and reused, whole-process runs of a child
(wall time to a marker line or to exit, and the child's peak memory from wait4's
ru_maxrss), figures as median and min–max over several runs.

The code measured can be another checkout (`--code /work/main`) so "before" and "after"
come from one script."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def park(n: int) -> str:
    """A synthetic park of n parcels: an existing one (LANDAPP_PARKS dir, e.g. /work/parks
    with p100k.gpkg / p1m.gpkg, or benchmarks/park_N.gpkg), else built once into benchmarks/."""
    dirs = [d for d in (os.environ.get("LANDAPP_PARKS"), "/work/parks", HERE) if d]
    for d in dirs:
        for name in (f"p{_label(n)}.gpkg", f"park_{n}.gpkg"):
            path = os.path.join(d, name)
            if os.path.exists(path):
                return path
    sys.path.insert(0, ROOT)
    from landapp.demo import build_synthetic_park

    path = os.path.join(HERE, f"park_{n}.gpkg")
    build_synthetic_park(path, n, seed=1)
    return path


# Compiled bytecode, as an installed app has it: with PYTHONDONTWRITEBYTECODE set (as on the
# shared machine) every child compiled each of our ~100 modules again, ~0.1-0.2 s of every
# start that no user's start has. Kept outside the checkouts (by source path and mtime, so
# two checkouts or an edited file never share a stale one).
PYCACHE = os.path.join(os.path.expanduser("~"), ".cache", "landapp-bench-pycache")


def child_env(code: str = ROOT, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": code, "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="bench-cfg-"),  # no saved window state
           "PYTHONPYCACHEPREFIX": PYCACHE, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def warm_bytecode(cmd: list[str], env: dict[str, str], cwd: str | None = None) -> None:
    """Run cmd once unmeasured, so that the measured runs find everything it imports compiled
    in PYCACHE (ours and the libraries': the prefix replaces their __pycache__ folders)."""
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def run_child(cmd: list[str], *, env: dict[str, str], cwd: str | None = None, marker: str | None = None,
              ok_codes: tuple[int, ...] = (0,)) -> dict:
    """Run cmd as its own process: seconds from spawn to the line starting with `marker`
    (or to exit), and its peak resident memory in MB (ru_maxrss of wait4)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = None
    out_lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        out_lines.append(line)
        if marker and seen is None and line.startswith(marker):
            seen = time.perf_counter() - t
    _, status, usage = os.wait4(proc.pid, 0)
    total = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode not in ok_codes or (marker and seen is None):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}{''.join(out_lines)[-1000:]}")
    return {"seconds": seen if marker else total, "peak_mb": usage.ru_maxrss / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime, "stdout": "".join(out_lines)}


def summary(runs: list[dict], key: str = "seconds", digits: int = 3) -> dict:
    vals = [r[key] for r in runs]
    return {"median": round(statistics.median(vals), digits), "min": round(min(vals), digits),
            "max": round(max(vals), digits), "runs": len(vals)}


def figure(runs: list[dict], target: float | None = None, peak_target_mb: float | None = None) -> dict:
    out = {"seconds": summary(runs), "peak_mb": summary(runs, "peak_mb", 0)}
    if all("cpu_s" in r for r in runs):  # user + system CPU of the child: steadier on a loaded machine
        out["cpu_s"] = summary(runs, "cpu_s")
    if target is not None:
        out["target_s"] = target
    if peak_target_mb is not None:
        out["target_peak_mb"] = peak_target_mb
    return out


def machine_note() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load[0]:.1f} (shared machine: timings are noisy)"
