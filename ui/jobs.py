"""Long work off the GUI thread: a job runs a Qt-free function in a worker thread with a
progress callback and a cancel flag, while the window (and the map) keeps answering.

    from ui import jobs
    jobs.start(lambda job: check_topology(job.store, progress=job.progress, cancel=job.cancelled),
               title=tr("拓扑检查", "Topology check"), on_done=self.show_issues, store=store,
               busy=self, key=("topology", id(self)))

- `job.store` is a read connection opened in the worker for that job (SQLite connections are
  not shared across threads here: the window's store keeps its own), closed when it ends.
  Writing jobs must not use it: edits go through the window's store on the GUI thread.
- `job.progress(done, total, text)` may be called as often as wanted (throttled);
  `job.cancelled()` says whether the user cancelled, `job.check()` raises Cancelled then.
- Results and errors come back on the GUI thread (`on_done(result)`, `on_error(message)`);
  a cancelled job, or one superseded by a newer job with the same `key`, delivers nothing.
- `busy` widgets get a busy cursor while the job runs (where the user waits for the
  answer), never the whole application: the map beside them keeps its cursor and pans.
- The status bar of each main window shows running jobs (`JobIndicator`): what runs, a
  progress bar, and a cancel button.
- Small parks (below INLINE_PARCELS parcels) compute inline, as before: the answer is there
  at once instead of a progress bar flashing for 50 ms.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from landapp.errors import Cancelled, LandappError
from ui.i18n import tr

INLINE_PARCELS = 2000  # parks with fewer parcels compute in the GUI thread (≤ ~0.25 s each)
PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress updates a second reach the GUI thread


def open_reader(store):
    """A second connection to the same project for reading in another thread."""
    opener = getattr(store, "open_reader", None)
    if opener is not None:
        return opener()
    from landapp.store import open_project

    return open_project(store.path)


_park_sizes: "weakref.WeakKeyDictionary[Any, tuple[float, int]]" = weakref.WeakKeyDictionary()
SIZE_MAX_AGE_S = 10.0  # counted again after this (an import can make a small park big)


def is_small(store) -> bool:
    """Whether the project is small enough that its long work is short (computed inline).
    count(*) of 100k parcels takes ~2 ms; it is kept for a few seconds."""
    if store is None:
        return False
    now = time.monotonic()
    try:
        hit = _park_sizes.get(store)
    except TypeError:
        hit = None
    if hit is None or now - hit[0] > SIZE_MAX_AGE_S:
        try:
            hit = (now, store.count("parcels"))
        except Exception:
            return False
        try:
            _park_sizes[store] = hit
        except TypeError:
            pass
    return hit[1] < INLINE_PARCELS


class _Bridge(QObject):
    """Signals from the worker thread, delivered (queued) on the GUI thread."""

    progressed = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)
    ended = Signal()  # the worker has let go of the job (after done, failed or a cancel)


class Job(QObject):
    """One piece of work. The worker thread sees it as the `job` argument of the function."""

    changed = Signal()  # progress, or finished (GUI thread)

    def __init__(self, fn: Callable[["Job"], Any], title: str, *, store=None, cancellable: bool = True,
                 inline: bool = False):
        super().__init__()
        self.fn = fn
        self.title = title
        self.cancellable = cancellable
        self.inline = inline
        self._main_store = store
        self._reader = None
        self._cancel = threading.Event()
        self._cancel_lock = threading.Lock()
        self._committing = False  # past its point of no return: a cancel is refused
        self._last_emit = 0.0
        self.done_count = 0
        self.total = 0
        self.text = ""
        self.running = True
        self.result: Any = None
        self.error: str | None = None
        self.started_at = time.monotonic()
        self._bridge = _Bridge()
        self._bridge.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)

    # ---- the worker's side
    @property
    def store(self):
        """The project to read from: a connection of this job's own in a worker thread."""
        if self.inline or self._main_store is None:
            return self._main_store
        if self._reader is None:
            self._reader = open_reader(self._main_store)
        return self._reader

    def progress(self, done: float, total: float = 0, text: str | None = None) -> None:
        now = time.monotonic()
        if self.inline or (now - self._last_emit < PROGRESS_INTERVAL_S and done < total):
            return
        self._last_emit = now
        try:
            self._bridge.progressed.emit(int(done), int(total), text or "")
        except RuntimeError:  # the GUI side is gone (application quitting)
            pass

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled if the user cancelled (call between steps of the work)."""
        if self._cancel.is_set():
            raise Cancelled(tr("已取消。", "Cancelled."))

    def point_of_no_return(self) -> None:
        """The work is about to commit what cannot be stopped midway (one transaction):
        raise Cancelled if the user cancelled before, and refuse any later cancel, so a
        cancelled job never leaves its write behind undelivered."""
        with self._cancel_lock:
            if self._cancel.is_set():
                raise Cancelled(tr("已取消。", "Cancelled."))
            self._committing = True
            self.cancellable = False

    def _run(self) -> None:
        try:
            self.check()
            result = self.fn(self)
            self.check()
        except Cancelled:
            return
        except LandappError as e:
            self._emit(self._bridge.failed, str(e))
        except MemoryError:
            self._emit(self._bridge.failed, tr("内存不足,无法完成。", "Not enough memory to finish."))
        except Exception as e:  # a bug: one sentence for the user, the details on stderr
            traceback.print_exc(file=sys.stderr)
            self._emit(self._bridge.failed, tr(f"{self.title}出错:{e}", f"{self.title} failed: {e}"))
        else:
            self._emit(self._bridge.done, result)
        finally:
            if self._reader is not None:
                try:
                    self._reader.close()
                except Exception:
                    pass
                self._reader = None
            self._emit(self._bridge.ended)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the GUI side is gone (application quitting)
            pass

    # ---- the GUI's side
    def cancel(self) -> None:
        """Stop as soon as the work looks at its flag; nothing is delivered."""
        with self._cancel_lock:
            if not self.running or self._committing:
                return
            self._cancel.set()
            self.running = False
        self.changed.emit()

    def fraction(self) -> float | None:
        return self.done_count / self.total if self.total else None

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.done_count, self.total = done, total
        if text:
            self.text = text
        self.changed.emit()

    def wait(self, timeout_ms: int = 60000) -> bool:
        """Process events until the job has finished (tests, scripts); True if it did."""
        t = QElapsedTimer()
        t.start()
        while self.running and t.elapsed() < timeout_ms:
            QCoreApplication.processEvents()
            time.sleep(0.005)
        QCoreApplication.processEvents()
        return not self.running


class JobRunner(QObject):
    """Starts jobs and keeps them alive until they end; one per application."""

    job_started = Signal(object)
    job_ended = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        # Python threads, not QThreadPool's: pyproj keeps each thread's PROJ context in a
        # threading.local that Python drops between two runs on a foreign (Qt) thread while
        # PROJ's own pointer stays, and the next CRS made on that thread crashed (geopandas
        # makes one on every read). A Python thread keeps its state, so its context lives.
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="landapp-job")
        self.jobs: list[Job] = []  # running, as the user sees them
        self._keys: dict[Any, Job] = {}
        self._alive: dict[int, Job] = {}  # until its worker lets go (a cancelled job still runs a bit)

    def start(self, fn: Callable[[Job], Any], *, title: str, on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[str], None] | None = None, store=None, key: Any = None,
              busy: QWidget | list | None = None, cancellable: bool = True,
              inline: bool | None = None) -> Job:
        if key is not None and key in self._keys:
            self._keys.pop(key).cancel()  # a newer question replaces the older one
        if inline is None:
            inline = is_small(store)
        job = Job(fn, title, store=store, cancellable=cancellable, inline=inline)
        widgets = [w for w in (busy if isinstance(busy, (list, tuple)) else [busy]) if w is not None]
        refs = [weakref.ref(w) for w in widgets]

        def finish(result=None, error: str | None = None, ok: bool = True) -> None:
            was_running = job.running
            job.running = False
            if key is not None and self._keys.get(key) is job:
                del self._keys[key]
            for r in refs:
                w = r()
                if w is not None:
                    try:
                        w.unsetCursor()
                    except RuntimeError:
                        pass
            if job in self.jobs:
                self.jobs.remove(job)
                self.job_ended.emit(job)
            if not was_running:  # cancelled or superseded: deliver nothing
                return
            job.result, job.error = result, error
            job.changed.emit()
            try:
                if ok and on_done is not None:
                    on_done(result)
                elif not ok:
                    (on_error or _default_error)(error or "")
            except RuntimeError as e:  # the panel that asked was closed meanwhile
                if "already deleted" not in str(e):
                    raise

        if inline:
            try:
                result = fn(job)
            except Cancelled:
                job.running = False
                return job
            except LandappError as e:
                finish(error=str(e), ok=False)
                return job
            finish(result)
            return job
        if store is not None:
            # opened here (a few ms: the schema check), used and closed in the worker
            job._reader = open_reader(store)
        for w in widgets:
            w.setCursor(Qt.CursorShape.BusyCursor)
        job._bridge.done.connect(lambda r: finish(r), Qt.ConnectionType.QueuedConnection)
        job._bridge.failed.connect(lambda m: finish(error=m, ok=False), Qt.ConnectionType.QueuedConnection)
        job.changed.connect(lambda: (not job.running) and job in self.jobs and finish())
        self.jobs.append(job)
        if key is not None:
            self._keys[key] = job
        self.job_started.emit(job)
        self._alive[id(job)] = job
        job._bridge.ended.connect(lambda: self._alive.pop(id(job), None), Qt.ConnectionType.QueuedConnection)
        self.pool.submit(job._run)
        return job

    def cancel_all(self) -> None:
        for job in list(self.jobs):
            job.cancel()

    def wait_all(self, timeout_ms: int = 60000) -> bool:
        """Until every worker has finished, cancelled ones too (tests, closing)."""
        t = QElapsedTimer()
        t.start()
        while (self.jobs or self._alive) and t.elapsed() < timeout_ms:
            QCoreApplication.processEvents()
            time.sleep(0.005)
        return not (self.jobs or self._alive)


def _default_error(message: str) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    QMessageBox.warning(QApplication.activeWindow(), tr("无法完成", "Cannot do that"), message)


_runner: JobRunner | None = None


def runner() -> JobRunner:
    """The application's job runner."""
    global _runner
    if _runner is None:
        app = QCoreApplication.instance()
        _runner = JobRunner(app)
        _runner.destroyed.connect(lambda *_: _forget())
        # quitting cancels what runs: the workers stop at their next check instead of
        # holding the process open until they finish
        app.aboutToQuit.connect(_runner.cancel_all)
    return _runner


def _forget() -> None:
    global _runner
    _runner = None


def start(fn: Callable[[Job], Any], **kw) -> Job:
    return runner().start(fn, **kw)


class JobIndicator(QWidget):
    """Status-bar widget: the running job's title and progress, and a cancel button."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setFixedWidth(140)
        self.bar.setMaximumHeight(14)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText(tr("取消", "Cancel"))
        self.cancel_button.setToolTip(tr("取消正在进行的计算", "Cancel the running work"))
        self.cancel_button.setMaximumHeight(18)  # the status bar keeps its height while a job runs
        self.cancel_button.setAutoRaise(True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 6, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        r = runner()
        r.job_started.connect(self._watch)
        r.job_ended.connect(self._ended)  # bound methods: gone with the widget
        for job in r.jobs:
            self._watch(job)
        self.refresh()

    def _ended(self, _job) -> None:
        self.refresh()

    def _watch(self, job: Job) -> None:
        job.changed.connect(self.refresh)
        self.refresh()

    def current(self) -> Job | None:
        jobs = [j for j in runner().jobs if j.running]
        return jobs[-1] if jobs else None

    def cancel(self) -> None:
        job = self.current()
        if job is not None:
            job.cancel()

    def refresh(self) -> None:
        try:
            job = self.current()
        except RuntimeError:
            return
        self.setVisible(job is not None)
        if job is None:
            return
        others = len([j for j in runner().jobs if j.running]) - 1
        text = job.text or job.title
        self.label.setText(tr(f"正在{text}…", f"{text}…") + (f" (+{others})" if others > 0 else ""))
        frac = job.fraction()
        if frac is None:
            self.bar.setRange(0, 0)  # busy
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(int(frac * 100))
        self.cancel_button.setVisible(job.cancellable)


def install_job_indicator(window) -> JobIndicator:
    """Put the job indicator in a main window's status bar (left of the permanent widgets)."""
    ind = JobIndicator(window)
    window.statusBar().addPermanentWidget(ind)
    window.job_indicator = ind
    return ind
