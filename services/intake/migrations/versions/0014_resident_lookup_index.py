"""An index on every case's resident lookup hash, open or closed.

The partial unique index (open cases only) cannot serve a lookup that does not say `status = 'open'`, so
finding a person's case, which every registration and every ledger row does, read the whole table. With
200,000 cases on SQLite that lookup took 46 ms; with this index 0.04 ms.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_worker_cases_resident_id_hash", "worker_cases", ["resident_id_hash"])


def downgrade() -> None:
    op.drop_index("ix_worker_cases_resident_id_hash", table_name="worker_cases")
