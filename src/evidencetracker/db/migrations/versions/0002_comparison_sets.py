"""comparison sets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 21:53:10.259279
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "comparison_sets",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("strategy_uids", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_sets")),
        sa.UniqueConstraint("name", name=op.f("uq_comparison_sets_name")),
        sa.UniqueConstraint("uid", name=op.f("uq_comparison_sets_uid")),
    )


def downgrade() -> None:

    op.drop_table("comparison_sets")
