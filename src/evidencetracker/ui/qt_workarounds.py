"""Work around a reference-count bug of PySide6 6.12 on Python 3.11.

PySide6 6.12 returns ``None`` (and, from some calls, ``True``/``False``) without taking a new
reference, which is harmless from Python 3.12 on, where these objects are immortal (PEP 683).
On 3.11 every such call drops one reference: after a few thousand calls of ``setEnabled``,
``setText`` and the like the interpreter aborts with "none_dealloc: deallocating None" (checked:
100 calls of ``QWidget.setEnabled`` lower ``sys.getrefcount(None)`` by 100). Giving the three
singletons a huge reference count makes them effectively immortal, as 3.12 does.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40


def make_singletons_immortal() -> bool:
    """On CPython < 3.12, raise the refcounts of None, True and False out of reach; idempotent."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is PyObject's first field
        if refcount.value < _HEADROOM:
            refcount.value += _HEADROOM
    return True


make_singletons_immortal()
