"""Find files in ``resources/``: inside the installed package, or in a source checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_path(relative: str) -> Path:
    """The path of a shipped resource such as ``fonts/DejaVuSans.ttf``.

    A wheel carries ``resources/`` inside the package (hatchling force-include); an editable
    install does not see it there, so fall back to the checkout's top-level folder.

    Raises:
        FileNotFoundError: naming the resource, when neither place has it.
    """
    packaged = Path(str(files("evidencetracker"))) / "resources" / relative
    if packaged.exists():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "resources" / relative
    if checkout.exists():
        return checkout
    raise FileNotFoundError(f"resource '{relative}' is missing from this installation")
