"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 21:48:47.853913
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_uid", sa.Uuid(), nullable=False),
        sa.Column("strategy_uid", sa.Uuid(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_entries_entity_uid"), ["entity_uid"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_entries_strategy_uid"), ["strategy_uid"], unique=False
        )

    op.create_table(
        "evidence_sources",
        sa.Column(
            "source_type",
            sa.Enum(
                "evaluation_report",
                "peer_reviewed",
                "administrative_data",
                "monitoring_data",
                "case_study",
                "expert_opinion",
                "survivor_feedback",
                name="sourcetype",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("publisher", sa.Text(), nullable=False),
        sa.Column("doi", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column(
            "design",
            sa.Enum(
                "rct",
                "regression_discontinuity",
                "instrumental_variables",
                "natural_experiment",
                "difference_in_differences",
                "matching",
                "comparative_its",
                "quasi_experimental",
                "controlled_before_after",
                "cross_section",
                "interrupted_time_series",
                "uncontrolled_before_after",
                "monitoring_trend",
                "qualitative",
                "case_study",
                "descriptive",
                "expert_opinion",
                name="studydesign",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("evaluator_independent", sa.Boolean(), nullable=True),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("sample_group", sa.String(length=200), nullable=True),
        sa.Column("setting", sa.Text(), nullable=False),
        sa.Column("follow_up_months", sa.Integer(), nullable=True),
        sa.Column("concern_attrition", sa.Boolean(), nullable=False),
        sa.Column("concern_baseline", sa.Boolean(), nullable=False),
        sa.Column("concern_measure", sa.Boolean(), nullable=False),
        sa.Column("indirect", sa.Boolean(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_sources")),
        sa.UniqueConstraint("uid", name=op.f("uq_evidence_sources_uid")),
    )
    with op.batch_alter_table("evidence_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_sources_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_sources_doi"), ["doi"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "org_type",
            sa.Enum(
                "government",
                "law_enforcement",
                "ngo",
                "business",
                "international",
                "survivor_led",
                "academic",
                "faith_based",
                "donor",
                "other",
                name="organisationtype",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("country", sa.String(length=10), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_organisations_name")),
        sa.UniqueConstraint("uid", name=op.f("uq_organisations_uid")),
    )
    op.create_table(
        "strategies",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "partnership_type",
            sa.Enum(
                "law_enforcement_task_force",
                "government_business_alliance",
                "regional_intergovernmental",
                "ngo_coalition",
                "survivor_network",
                "public_private",
                "multi_sector",
                "other",
                name="partnershiptype",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("focus", sa.Text(), nullable=False),
        sa.Column("sectors", sa.Text(), nullable=False),
        sa.Column("geography", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "active",
                "completed",
                "discontinued",
                name="strategystatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("cost_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("cost_currency", sa.String(length=3), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column(
            "headline_level",
            sa.Enum(
                "proven",
                "effective",
                "promising",
                "emerging",
                "inconclusive",
                "no_effects",
                "harmful",
                "not_rated",
                name="ratinglevel",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "headline_certainty",
            sa.Enum(
                "high",
                "moderate",
                "low",
                "very_low",
                name="certainty",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("harm_flag", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategies")),
        sa.UniqueConstraint("uid", name=op.f("uq_strategies_uid")),
    )
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strategies_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index("ix_strategies_title", ["title"], unique=False)
        batch_op.create_index("ix_strategies_updated_at", ["updated_at"], unique=False)

    op.create_table(
        "tags",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tags.id"], name=op.f("fk_tags_parent_id_tags"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", "parent_id", name=op.f("uq_tags_name")),
        sa.UniqueConstraint("uid", name=op.f("uq_tags_uid")),
    )
    op.create_table(
        "tombstones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_uid", sa.Uuid(), nullable=False),
        sa.Column("last_version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstones")),
        sa.UniqueConstraint("entity_uid", name=op.f("uq_tombstones_entity_uid")),
    )
    op.create_table(
        "attachments",
        sa.Column("strategy_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["evidence_sources.id"],
            name=op.f("fk_attachments_source_id_evidence_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_attachments_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("uid", name=op.f("uq_attachments_uid")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_source_id"), ["source_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attachments_strategy_id"), ["strategy_id"], unique=False
        )

    op.create_table(
        "external_ratings",
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "crimesolutions",
                "blueprints",
                "wwc",
                "essa_tier",
                "tip_tier",
                "other",
                name="externalratingsource",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("rating", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_external_ratings_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_ratings")),
        sa.UniqueConstraint("uid", name=op.f("uq_external_ratings_uid")),
    )
    with op.batch_alter_table("external_ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_ratings_strategy_id"), ["strategy_id"], unique=False
        )

    op.create_table(
        "notes",
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_notes_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
        sa.UniqueConstraint("uid", name=op.f("uq_notes_uid")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notes_strategy_id"), ["strategy_id"], unique=False)

    op.create_table(
        "outcomes",
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "output",
                "short_term",
                "long_term",
                "impact",
                name="outcomelevel",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "focus",
            sa.Enum(
                "prevention",
                "protection",
                "prosecution",
                "partnership",
                name="focus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("primary", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_outcomes_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
        sa.UniqueConstraint("uid", name=op.f("uq_outcomes_uid")),
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcomes_strategy_id"), ["strategy_id"], unique=False)

    op.create_table(
        "partners",
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "lead",
                "implementing_partner",
                "funder",
                "evaluator",
                "member",
                name="partnerrole",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partners_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_partners_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint(
            "strategy_id", "organisation_id", "role", name=op.f("uq_partners_strategy_id")
        ),
        sa.UniqueConstraint("uid", name=op.f("uq_partners_uid")),
    )
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partners_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_partners_strategy_id"), ["strategy_id"], unique=False)

    op.create_table(
        "source_tags",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["evidence_sources.id"],
            name=op.f("fk_source_tags_source_id_evidence_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_source_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source_id", "tag_id", name=op.f("pk_source_tags")),
    )
    op.create_table(
        "strategy_sources",
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["evidence_sources.id"],
            name=op.f("fk_strategy_sources_source_id_evidence_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_strategy_sources_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_sources")),
        sa.UniqueConstraint(
            "strategy_id", "source_id", name=op.f("uq_strategy_sources_strategy_id")
        ),
        sa.UniqueConstraint("uid", name=op.f("uq_strategy_sources_uid")),
    )
    with op.batch_alter_table("strategy_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_strategy_sources_source_id"), ["source_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_strategy_sources_strategy_id"), ["strategy_id"], unique=False
        )

    op.create_table(
        "strategy_tags",
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_strategy_tags_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_strategy_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("strategy_id", "tag_id", name=op.f("pk_strategy_tags")),
    )
    op.create_table(
        "findings",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum(
                "favourable",
                "null",
                "adverse",
                name="findingdirection",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("significant", sa.Boolean(), nullable=False),
        sa.Column("effect_size", sa.Float(), nullable=True),
        sa.Column(
            "effect_size_type",
            sa.Enum(
                "smd",
                "odds_ratio",
                "percent_change",
                name="effectsizetype",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("follow_up_months", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcomes.id"],
            name=op.f("fk_findings_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["evidence_sources.id"],
            name=op.f("fk_findings_source_id_evidence_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint("uid", name=op.f("uq_findings_uid")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_outcome_id"), ["outcome_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_source_id"), ["source_id"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("increase", "decrease", name="desireddirection", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("person_count", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcomes.id"],
            name=op.f("fk_indicators_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("uid", name=op.f("uq_indicators_uid")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicators_outcome_id"), ["outcome_id"], unique=False)

    op.create_table(
        "outcome_ratings",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("rubric_version", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "proven",
                "effective",
                "promising",
                "emerging",
                "inconclusive",
                "no_effects",
                "harmful",
                "not_rated",
                name="ratinglevel",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "certainty",
            sa.Enum(
                "high",
                "moderate",
                "low",
                "very_low",
                name="certainty",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("trace", sa.Text(), nullable=False),
        sa.Column("studies", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcomes.id"],
            name=op.f("fk_outcome_ratings_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outcome_id", name=op.f("pk_outcome_ratings")),
    )
    op.create_table(
        "rating_overrides",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "proven",
                "effective",
                "promising",
                "emerging",
                "inconclusive",
                "no_effects",
                "harmful",
                "not_rated",
                name="ratinglevel",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "certainty",
            sa.Enum(
                "high",
                "moderate",
                "low",
                "very_low",
                name="certainty",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column(
            "computed_level",
            sa.Enum(
                "proven",
                "effective",
                "promising",
                "emerging",
                "inconclusive",
                "no_effects",
                "harmful",
                "not_rated",
                name="ratinglevel",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcomes.id"],
            name=op.f("fk_rating_overrides_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_overrides")),
        sa.UniqueConstraint("uid", name=op.f("uq_rating_overrides_uid")),
    )
    with op.batch_alter_table("rating_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rating_overrides_outcome_id"), ["outcome_id"], unique=False
        )

    op.create_table(
        "measurements",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("disaggregation", sa.JSON(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_measurements_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurements")),
        sa.UniqueConstraint("indicator_id", "period", name=op.f("uq_measurements_indicator_id")),
        sa.UniqueConstraint("uid", name=op.f("uq_measurements_uid")),
    )
    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measurements_indicator_id"), ["indicator_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measurements_indicator_id"))

    op.drop_table("measurements")
    with op.batch_alter_table("rating_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_overrides_outcome_id"))

    op.drop_table("rating_overrides")
    op.drop_table("outcome_ratings")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_outcome_id"))

    op.drop_table("indicators")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findings_source_id"))
        batch_op.drop_index(batch_op.f("ix_findings_outcome_id"))

    op.drop_table("findings")
    op.drop_table("strategy_tags")
    with op.batch_alter_table("strategy_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategy_sources_strategy_id"))
        batch_op.drop_index(batch_op.f("ix_strategy_sources_source_id"))

    op.drop_table("strategy_sources")
    op.drop_table("source_tags")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_strategy_id"))
        batch_op.drop_index(batch_op.f("ix_partners_organisation_id"))

    op.drop_table("partners")
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcomes_strategy_id"))

    op.drop_table("outcomes")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notes_strategy_id"))

    op.drop_table("notes")
    with op.batch_alter_table("external_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_ratings_strategy_id"))

    op.drop_table("external_ratings")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_strategy_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_source_id"))

    op.drop_table("attachments")
    op.drop_table("tombstones")
    op.drop_table("tags")
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.drop_index("ix_strategies_updated_at")
        batch_op.drop_index("ix_strategies_title")
        batch_op.drop_index(batch_op.f("ix_strategies_deleted_at"))

    op.drop_table("strategies")
    op.drop_table("organisations")
    with op.batch_alter_table("evidence_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_sources_doi"))
        batch_op.drop_index(batch_op.f("ix_evidence_sources_deleted_at"))

    op.drop_table("evidence_sources")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_strategy_uid"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_entity_uid"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_at"))

    op.drop_table("audit_entries")
