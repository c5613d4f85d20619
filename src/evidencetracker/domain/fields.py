"""Field specifications and the one function that turns raw input into clean, valid values.

Every entity's editable fields are declared once (``schema.py``); the services, the CLI, the
importers and the editor all validate through ``clean``, so an error reads the same everywhere
and names the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from evidencetracker.domain import geography
from evidencetracker.domain.errors import FieldError, ValidationError


@dataclass(frozen=True)
class Field:
    """One editable field: how it is shown, what it accepts, and its default."""

    name: str
    label: str
    # text | longtext | enum | enumset | geo | date | int | float | decimal | bool | currency | json
    kind: str
    required: bool = False
    enum: type[Enum] | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None

    def empty_value(self) -> Any:
        if self.default is not None:
            return self.default
        return {"text": "", "longtext": "", "enumset": (), "geo": (), "bool": False}.get(self.kind)


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _number_text(value: Any) -> str:
    """Drop thousands separators only where they cannot be a decimal comma ("1,000.50")."""
    text = str(value).strip()
    return text.replace(",", "") if _THOUSANDS.match(text) else text


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _coerce(f: Field, value: Any) -> Any:
    """Convert one raw value; raise ValueError with a message that reads after the label."""
    if f.kind in ("text", "longtext"):
        text = str(value)
        text = text.strip() if f.kind == "text" else text.strip("\n")
        if f.max_length and len(text) > f.max_length:
            raise ValueError(f"is longer than {f.max_length} characters ({len(text)})")
        return text
    if f.kind == "enum":
        return f.enum.parse(value)  # type: ignore[union-attr]
    if f.kind == "enumset":
        items = value.split(",") if isinstance(value, str) else value
        return tuple(sorted({f.enum.parse(v).value for v in items if str(v).strip()}))  # type: ignore[union-attr]
    if f.kind == "geo":
        items = value.split(",") if isinstance(value, str) else value
        return tuple(sorted({geography.normalise(str(v)) for v in items if str(v).strip()}))
    if f.kind == "date":
        try:
            return _as_date(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD)") from None
    if f.kind == "int":
        if isinstance(value, bool):
            raise ValueError("must be a whole number")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"'{value}' is not a whole number")
        try:
            number: Any = int(str(value).strip()) if not isinstance(value, float) else int(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a whole number") from None
    elif f.kind == "float":
        try:
            number = float(_number_text(value)) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise ValueError(f"'{value}' is not a number") from None
        if math.isnan(number) or math.isinf(number):
            raise ValueError("must be a finite number")
    elif f.kind == "decimal":
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation:
            raise ValueError(f"'{value}' is not an amount") from None
        if not number.is_finite():
            raise ValueError("must be a finite amount")
        number = number.quantize(Decimal("0.01"))
    elif f.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "y"):
            return True
        if text in ("0", "false", "no", "n", ""):
            return False
        raise ValueError(f"'{value}' is not yes or no")
    elif f.kind == "currency":
        text = str(value).strip().upper()
        if len(text) != 3 or not text.isalpha():
            raise ValueError(f"'{value}' is not a three-letter currency code (ISO 4217)")
        return text
    elif f.kind == "json":
        if not isinstance(value, Mapping):
            raise ValueError("must be a table of names and numbers")
        return dict(value)
    else:  # pragma: no cover - a programming error in a spec
        raise AssertionError(f"unknown field kind {f.kind}")
    if f.minimum is not None and number < f.minimum:
        raise ValueError(f"must be at least {f.minimum:g}")
    if f.maximum is not None and number > f.maximum:
        raise ValueError(f"must be at most {f.maximum:g}")
    return number


Rule = Callable[[Mapping[str, Any]], Iterable[FieldError]]


def clean(
    fields: Iterable[Field],
    values: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
    rules: Iterable[Rule] = (),
) -> dict[str, Any]:
    """Validate ``values`` against ``fields`` and return the cleaned values.

    With ``current`` (an update), only the given fields change, but required fields and the
    cross-field ``rules`` are checked on the merged result. Unknown field names are errors.

    Raises:
        ValidationError: listing every problem, each naming its field.
    """
    specs = {f.name: f for f in fields}
    errors: list[FieldError] = []
    for name in values:
        if name not in specs:
            errors.append(FieldError(name, f"Unknown field '{name}'"))
    cleaned: dict[str, Any] = {}
    for name, raw in values.items():
        f = specs.get(name)
        if f is None:
            continue
        if _is_blank(raw) or (f.kind in ("enumset", "geo") and not raw):
            cleaned[name] = f.empty_value()
            continue
        try:
            cleaned[name] = _coerce(f, raw)
        except ValueError as exc:
            errors.append(FieldError(name, f"{f.label} {exc}"))
    merged = {f.name: f.empty_value() for f in specs.values()}
    merged.update(current or {})
    merged.update(cleaned)
    for f in specs.values():
        if (
            f.required
            and _is_blank(merged.get(f.name))
            and not any(e.field == f.name for e in errors)
        ):
            errors.append(FieldError(f.name, f"{f.label} is required"))
        if (
            f.required
            and f.kind in ("enumset", "geo")
            and not merged.get(f.name)
            and not any(e.field == f.name for e in errors)
        ):
            errors.append(FieldError(f.name, f"{f.label}: choose at least one"))
    if not errors:
        for rule in rules:
            errors.extend(rule(merged))
    if errors:
        raise ValidationError(errors)
    if current is None:
        return {name: merged[name] for name in specs}
    return cleaned


def date_order(start: str, end: str, message: str) -> Rule:
    """A rule: the ``end`` date, when both are given, is not before the ``start`` date."""

    def rule(values: Mapping[str, Any]) -> Iterable[FieldError]:
        a, b = values.get(start), values.get(end)
        if a is not None and b is not None and b < a:
            yield FieldError(end, message)

    return rule
