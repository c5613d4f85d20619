"""The PySide6 desktop application. The only package that imports Qt."""

from evidencetracker.ui import qt_workarounds as _qt_workarounds  # noqa: F401  (before any Qt call)
