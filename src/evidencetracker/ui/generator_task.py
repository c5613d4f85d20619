"""A service generator run on the TaskRunner's worker: progress by signal, Cancel by a flag."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from evidencetracker.services.importing.plan import Progress
from evidencetracker.ui.tasks import TaskRunner


class GeneratorTask(QObject):
    """Runs a service generator on the worker: progress by signal, a cancel flag, one result.

    ``factory(cancelled)`` builds the generator (or returns a plain result); ``drop()`` makes
    the callbacks ignore a task that was overtaken, so late answers never reach the page.
    """

    progress = Signal(object)
    stopped = Signal()  # the job has ended (also when dropped): the worker is free of it

    def __init__(
        self,
        tasks: TaskRunner,
        factory: Callable[[Callable[[], bool]], Any],
        on_progress: Callable[[Progress], None],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        parent: QObject,
    ):
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self.running = True
        self.dropped = False
        self.progress.connect(on_progress, Qt.ConnectionType.QueuedConnection)
        signal = self.progress

        def job() -> Any:
            result = factory(self.cancel_event.is_set)
            if not inspect.isgenerator(result):
                return result
            while True:
                try:
                    step = next(result)
                except StopIteration as stop:
                    return stop.value
                signal.emit(step)

        def done(result: Any) -> None:
            self.running = False
            if not self.dropped:
                on_done(result)
            self.stopped.emit()

        def failed(exc: BaseException) -> None:
            self.running = False
            if not self.dropped:
                on_error(exc)
            self.stopped.emit()

        tasks.submit(job, done, failed)

    def cancel(self) -> None:
        self.cancel_event.set()

    def drop(self) -> None:
        self.cancel_event.set()
        self.dropped = True
