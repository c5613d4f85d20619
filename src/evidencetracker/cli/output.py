"""Turning records into JSON and into readable text for the terminal."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

from evidencetracker.services.crud import jsonable


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return jsonable(value)


def print_json(value: Any) -> None:
    json.dump(to_jsonable(value), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def label(value: Any) -> str:
    if value is None:
        return "-"
    return getattr(value, "label", None) or str(value)


def table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    widths = [min(w, 60) for w in widths]

    def fmt(row: list[str]) -> str:
        cells = [str(c)[:w].ljust(w) for c, w in zip(row, widths, strict=False)]
        return "  ".join(cells).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])
