"""Carries the services' ChangeSet notifications from the worker thread to the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # the main window is shown before the services are imported (start-up time)
    from evidencetracker.services.container import Services
    from evidencetracker.services.context import ChangeSet


class ChangeRelay(QObject):
    """Listens to one Services' commits and re-emits each ChangeSet on the GUI thread.

    Service listeners run on the worker thread that committed; emitting a signal of a QObject
    that lives on the GUI thread queues the call there, so slots may touch widgets.
    """

    changed = Signal(object)  # ChangeSet

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._services: Services | None = None

    def attach(self, services: Services) -> None:
        self.detach()
        self._services = services
        services.ctx.listeners.append(self._on_commit)

    def detach(self) -> None:
        if self._services is not None and self._on_commit in self._services.ctx.listeners:
            self._services.ctx.listeners.remove(self._on_commit)
        self._services = None

    def _on_commit(self, change: ChangeSet) -> None:
        self.changed.emit(change)
