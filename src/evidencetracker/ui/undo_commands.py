"""Undo and redo of saves and deletes, as QUndoCommands that call services on the worker.

The action itself has already run when a command is pushed (the first ``redo`` does nothing);
undoing a save is another update back to the earlier values at the version the save produced,
and undoing a delete is a restore from the Trash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtGui import QUndoCommand

from evidencetracker.ui.tasks import TaskRunner

ErrorHandler = Callable[[BaseException], None]


class _ServiceCommand(QUndoCommand):
    def __init__(self, text: str, tasks: TaskRunner, on_error: ErrorHandler):
        super().__init__(text)
        self.tasks, self.on_error = tasks, on_error
        self._pushed = True  # the first redo() is the push: the work is already done

    def redo(self) -> None:
        if self._pushed:
            self._pushed = False
            return
        self.tasks.submit(self.forward, lambda _: None, self.on_error)

    def undo(self) -> None:
        self.tasks.submit(self.backward, lambda _: None, self.on_error)

    def forward(self) -> Any:  # runs on the worker
        raise NotImplementedError

    def backward(self) -> Any:  # runs on the worker
        raise NotImplementedError


class UpdateCommand(_ServiceCommand):
    """A save: ``service.update`` from ``before`` to ``after`` and back."""

    def __init__(
        self,
        text: str,
        tasks: TaskRunner,
        on_error: ErrorHandler,
        service: Any,
        uid: Any,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        version: int,
    ):
        super().__init__(text, tasks, on_error)
        self.service, self.uid = service, uid
        self.before, self.after = dict(before), dict(after)
        self.version = version  # only touched on the worker, where jobs run one at a time

    def forward(self) -> Any:
        record = self.service.update(self.uid, self.version, self.after)
        self.version = record.version
        return record

    def backward(self) -> Any:
        record = self.service.update(self.uid, self.version, self.before)
        self.version = record.version
        return record


class ToggleCommand(_ServiceCommand):
    """A delete undone by a restore (or a creation undone by a delete): two calls on one uid."""

    def __init__(
        self,
        text: str,
        tasks: TaskRunner,
        on_error: ErrorHandler,
        do: Callable[[Any], Any],
        undo: Callable[[Any], Any],
        uid: Any,
    ):
        super().__init__(text, tasks, on_error)
        self._do, self._undo, self.uid = do, undo, uid

    def forward(self) -> Any:
        return self._do(self.uid)

    def backward(self) -> Any:
        return self._undo(self.uid)
