"""Column mapping: which spreadsheet column feeds which field, matched automatically, and presets.

A preset is a JSON file ``{"name", "converter", "mapping": {field: column}}`` in
``config_dir()/presets``; two ship with the app (``wwc`` and ``tip-grants``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from evidencetracker.atomic import write_atomic
from evidencetracker.config import config_dir
from evidencetracker.domain.errors import FieldError, ValidationError


@dataclass(frozen=True)
class ImportField:
    """A field a converter can fill from a column."""

    name: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preset:
    name: str
    converter: str
    mapping: dict[str, str] = field(default_factory=dict)
    shipped: bool = False


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-.()/]+", "", str(text).casefold())


def auto_match(headers: list[str], fields: tuple[ImportField, ...]) -> dict[str, str]:
    """Match headers to fields by name, label or alias, ignoring case, spaces and underscores."""
    by_norm = {}
    for h in headers:
        by_norm.setdefault(_norm(h), h)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for f in fields:
        for candidate in (f.name, *f.aliases, f.label):
            header = by_norm.get(_norm(candidate))
            if header is not None and header not in used:
                mapping[f.name] = header
                used.add(header)
                break
    return mapping


def check_mapping(
    mapping: dict[str, str], headers: list[str], fields: tuple[ImportField, ...]
) -> None:
    """Raise if a required field has no column, or a column named does not exist."""
    known = {f.name for f in fields}
    errors = []
    for name, header in mapping.items():
        if name not in known:
            errors.append(FieldError(name, f"'{name}' is not a field this import can fill"))
        elif header and header not in headers:
            errors.append(FieldError(name, f"The file has no column '{header}' (for {name})"))
    for f in fields:
        if f.required and not mapping.get(f.name):
            errors.append(FieldError(f.name, f"Choose the column that holds '{f.label}'"))
    if errors:
        raise ValidationError(errors)


_NAME = re.compile(r"^[\w][\w .\-]{0,59}$")


def presets_dir() -> Path:
    return config_dir() / "presets"


def save_preset(preset: Preset) -> Path:
    """Save a mapping preset as JSON (atomically); names are letters, digits, space, . - _."""
    if not _NAME.match(preset.name):
        raise ValidationError(
            FieldError("name", f"'{preset.name}' cannot be a preset name (letters, digits, - _)")
        )
    folder = presets_dir()
    folder.mkdir(parents=True, exist_ok=True)
    body = {"name": preset.name, "converter": preset.converter, "mapping": preset.mapping}
    return write_atomic(
        folder / f"{preset.name}.json",
        json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8"),
    )


def load_preset_file(path: Path) -> Preset:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        mapping = raw.get("mapping") or {}
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise ValueError("mapping must name a column for each field")
        return Preset(str(raw["name"]), str(raw["converter"]), dict(mapping))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(
            FieldError("preset", f"{Path(path).name} is not a mapping preset: {exc}")
        ) from exc


def user_presets() -> list[Preset]:
    folder = presets_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append(load_preset_file(path))
        except ValidationError:
            continue  # a damaged preset file must not stop the import wizard
    return found
