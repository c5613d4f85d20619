"""Database work off the UI thread: one background worker, results delivered by signal.

SQLite allows one writer at a time and a Session belongs to one thread, so a single worker
thread serialises every job; each job opens its own session through the services.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot


class TaskRunner(QObject):
    """Run callables on one worker thread and call back on the GUI thread."""

    _finished = Signal(int, object, object)  # job id, result, exception

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable, Callable | None]] = {}
        self._finished.connect(self._deliver)

    def submit(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Queue ``job``; ``on_done(result)`` or ``on_error(exc)`` runs later on the GUI thread."""
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)

        def run() -> None:
            try:
                result = job()
            except BaseException as exc:  # delivered to the GUI, never lost in the thread
                self._finished.emit(job_id, None, exc)
            else:
                self._finished.emit(job_id, result, None)

        self._pool.start(run)
        return job_id

    @Slot(int, object, object)
    def _deliver(self, job_id: int, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        if error is not None:
            if on_error is None:
                raise error
            on_error(error)
        elif on_done is not None:
            on_done(result)

    def pending(self) -> int:
        return len(self._callbacks)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (used at shutdown and in tests)."""
        return self._pool.waitForDone(msecs)
