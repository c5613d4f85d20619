"""The architecture rules of STYLE.md that a test can hold us to."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "evidencetracker"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_ui_imports_qt():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _python_files()
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and any(n == "PySide6" or n.startswith("PySide6.") for n in _imports(path))
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", ["domain", "reports"])
def test_pure_layers_do_not_touch_the_database(layer: str):
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / layer).rglob("*.py")
        if any(
            n.startswith(("sqlalchemy", "evidencetracker.db", "evidencetracker.services"))
            for n in _imports(path)
        )
    ]
    assert offenders == []


def test_the_architecture_check_sees_qt_imports(tmp_path: Path):
    # The scanner itself must catch both import forms, or the tests above prove nothing.
    sample = tmp_path / "x.py"
    sample.write_text("import PySide6.QtCore\nfrom PySide6.QtWidgets import QWidget\n")
    assert {"PySide6.QtCore", "PySide6.QtWidgets"} <= _imports(sample)
