"""The editable fields of every entity, declared once, with their cross-field rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from evidencetracker.domain import enums as E
from evidencetracker.domain.errors import FieldError
from evidencetracker.domain.fields import Field, date_order

NO_PERSONAL_DATA_HINT = (
    "Record evidence about programmes only: never a survivor's name or identifying details."
)

STRATEGY = (
    Field("title", "Title", "text", required=True, max_length=300),
    Field("summary", "Summary", "longtext", max_length=5000),
    Field("description", "Description", "longtext", max_length=100_000),
    Field("partnership_type", "Partnership type", "enum", required=True, enum=E.PartnershipType),
    Field("focus", "Focus (4Ps)", "enumset", required=True, enum=E.Focus),
    Field("sectors", "Sectors", "enumset", enum=E.Sector),
    Field("geography", "Countries and regions", "geo"),
    Field("period_start", "Start date", "date"),
    Field("period_end", "End date", "date"),
    Field(
        "status",
        "Status",
        "enum",
        required=True,
        enum=E.StrategyStatus,
        default=E.StrategyStatus.ACTIVE,
    ),
    Field("cost_amount", "Cost", "decimal", minimum=0),
    Field("cost_currency", "Currency", "currency"),
    Field("confidential", "Confidential", "bool"),
)


def _cost_needs_currency(values: Mapping[str, Any]) -> Iterable[FieldError]:
    if values.get("cost_amount") is not None and not values.get("cost_currency"):
        yield FieldError("cost_currency", "Currency is required when a cost is given")


STRATEGY_RULES = (
    date_order("period_start", "period_end", "End date is before the start date"),
    _cost_needs_currency,
)

ORGANISATION = (
    Field("name", "Name", "text", required=True, max_length=300),
    Field("org_type", "Organisation type", "enum", required=True, enum=E.OrganisationType),
    Field("country", "Country", "text", max_length=10),
    Field("website", "Website", "text", max_length=500),
    Field("notes", "Notes", "longtext", max_length=20_000),
)

PARTNER = (
    Field("role", "Role", "enum", required=True, enum=E.PartnerRole),
    Field("notes", "Notes", "longtext", max_length=20_000),
)

OUTCOME = (
    Field("title", "Outcome", "text", required=True, max_length=300),
    Field("description", "Description", "longtext", max_length=20_000),
    Field("level", "Level", "enum", required=True, enum=E.OutcomeLevel),
    Field("focus", "P", "enum", required=True, enum=E.Focus),
    Field("primary", "Primary outcome", "bool"),
)

INDICATOR = (
    Field("name", "Indicator", "text", required=True, max_length=300),
    Field("unit", "Unit", "text", max_length=60),
    Field(
        "direction",
        "Desired direction",
        "enum",
        required=True,
        enum=E.DesiredDirection,
        default=E.DesiredDirection.INCREASE,
    ),
    Field("baseline_value", "Baseline", "float"),
    Field("baseline_date", "Baseline date", "date"),
    Field("target_value", "Target", "float"),
    Field("target_date", "Target date", "date"),
    Field("person_count", "Counts persons", "bool"),
    Field("notes", "Notes", "longtext", max_length=20_000),
)

INDICATOR_RULES = (
    date_order("baseline_date", "target_date", "Target date is before the baseline date"),
)

MEASUREMENT = (
    Field("period", "Period", "text", required=True, max_length=40),
    Field("period_start", "Period start", "date"),
    Field("period_end", "Period end", "date"),
    Field("value", "Value", "float", required=True),
    Field("disaggregation", "Disaggregation", "json"),
    Field("notes", "Notes", "longtext", max_length=20_000),
)


def _disaggregation_numbers(values: Mapping[str, Any]) -> Iterable[FieldError]:
    for key, number in (values.get("disaggregation") or {}).items():
        if isinstance(number, bool) or not isinstance(number, int | float):
            yield FieldError("disaggregation", f"Disaggregation '{key}' is not a number")


MEASUREMENT_RULES = (
    date_order("period_start", "period_end", "Period end is before the period start"),
    _disaggregation_numbers,
)

EVIDENCE_SOURCE = (
    Field("source_type", "Source type", "enum", required=True, enum=E.SourceType),
    Field("title", "Title", "text", required=True, max_length=2000),
    Field("authors", "Authors", "longtext", max_length=10_000),
    Field("year", "Year", "int", minimum=1900, maximum=2100),
    Field("publisher", "Publisher", "text", max_length=1000),
    Field("doi", "DOI", "text", max_length=200),
    Field("url", "URL", "text", max_length=1000),
    Field("abstract", "Abstract", "longtext", max_length=100_000),
    Field("design", "Design", "enum", enum=E.StudyDesign),
    Field("evaluator_independent", "Independent evaluator", "bool"),
    Field("sample_size", "Sample size", "int", minimum=0),
    Field("sample_group", "Sample group", "text", max_length=200),
    Field("setting", "Setting", "longtext", max_length=5000),
    Field("follow_up_months", "Follow-up (months)", "int", minimum=0, maximum=1200),
    Field("concern_attrition", "High attrition", "bool"),
    Field("concern_baseline", "Baseline non-equivalence", "bool"),
    Field("concern_measure", "Poorly defined outcome measure", "bool"),
    Field("indirect", "Indirect evidence", "bool"),
    Field("reviewer", "Reviewer", "text", max_length=200),
    Field("review_date", "Review date", "date"),
    Field("notes", "Notes", "longtext", max_length=100_000),
    Field("confidential", "Confidential", "bool"),
)


def _effect_size_needs_type(values: Mapping[str, Any]) -> Iterable[FieldError]:
    if values.get("effect_size") is not None and values.get("effect_size_type") is None:
        yield FieldError(
            "effect_size_type", "Effect size type is required when an effect size is given"
        )


FINDING = (
    Field("direction", "Direction", "enum", required=True, enum=E.FindingDirection),
    Field("significant", "Statistically significant", "bool"),
    Field("effect_size", "Effect size", "float"),
    Field("effect_size_type", "Effect size type", "enum", enum=E.EffectSizeType),
    Field("follow_up_months", "Follow-up (months)", "int", minimum=0, maximum=1200),
    Field("notes", "Notes", "longtext", max_length=20_000),
)

FINDING_RULES = (_effect_size_needs_type,)

EXTERNAL_RATING = (
    Field("source", "Rated by", "enum", required=True, enum=E.ExternalRatingSource),
    Field("rating", "Rating", "text", required=True, max_length=200),
    Field("url", "URL", "text", max_length=1000),
    Field("rated_on", "Rated on", "date"),
    Field("notes", "Notes", "longtext", max_length=20_000),
)

NOTE = (
    Field("body", "Note", "longtext", required=True, max_length=100_000),
    Field("confidential", "Confidential", "bool"),
)

ATTACHMENT = (
    Field("filename", "File name", "text", required=True, max_length=500),
    Field("media_type", "Type", "text", max_length=200, default="application/octet-stream"),
    Field("confidential", "Confidential", "bool"),
    Field("notes", "Notes", "longtext", max_length=20_000),
)

RATING_OVERRIDE = (
    Field("level", "Level", "enum", required=True, enum=E.RatingLevel),
    Field("certainty", "Certainty", "enum", enum=E.Certainty),
    Field("justification", "Justification", "longtext", required=True, max_length=20_000),
)


def names(fields: Iterable[Field]) -> tuple[str, ...]:
    return tuple(f.name for f in fields)
