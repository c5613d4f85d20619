"""sync and conflicts: replica identity, peers, per-peer merge bases, recorded conflicts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_replica",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("replica_uid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_replica")),
        sa.UniqueConstraint("replica_uid", name=op.f("uq_sync_replica_replica_uid")),
    )
    op.create_table(
        "sync_peers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_uid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("last_exchange_at", sa.DateTime(), nullable=True),
        sa.Column("exchanges", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_peers")),
        sa.UniqueConstraint("peer_uid", name=op.f("uq_sync_peers_peer_uid")),
    )
    op.create_table(
        "sync_bases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_uid", sa.Uuid(), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_uid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_bases")),
        sa.UniqueConstraint("peer_uid", "entity_uid", name=op.f("uq_sync_bases_peer_uid")),
    )
    op.create_index(op.f("ix_sync_bases_peer_uid"), "sync_bases", ["peer_uid"], unique=False)
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_uid", sa.Uuid(), nullable=False),
        sa.Column("strategy_uid", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("field", sa.String(length=80), nullable=False),
        sa.Column("base_value", sa.JSON(), nullable=True),
        sa.Column("value_a", sa.JSON(), nullable=False),
        sa.Column("origin_a", sa.JSON(), nullable=False),
        sa.Column("value_b", sa.JSON(), nullable=False),
        sa.Column("origin_b", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.JSON(), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
        sa.UniqueConstraint("uid", name=op.f("uq_sync_conflicts_uid")),
    )
    for column in ("entity_uid", "strategy_uid", "status"):
        op.create_index(
            op.f(f"ix_sync_conflicts_{column}"), "sync_conflicts", [column], unique=False
        )


def downgrade() -> None:
    for column in ("entity_uid", "strategy_uid", "status"):
        op.drop_index(op.f(f"ix_sync_conflicts_{column}"), table_name="sync_conflicts")
    op.drop_table("sync_conflicts")
    op.drop_index(op.f("ix_sync_bases_peer_uid"), table_name="sync_bases")
    op.drop_table("sync_bases")
    op.drop_table("sync_peers")
    op.drop_table("sync_replica")
