"""The ledger: number series, their counters, issued invoices and their lines.

Issued invoices and lines refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) by trigger, so
that not even a hand-written statement changes what was issued.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

IMMUTABLE = ("engagekit_invoices", "engagekit_invoice_lines")


def upgrade() -> None:
    op.create_table(
        "engagekit_series",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("last_hash", sa.String(64)),
    )
    op.create_table(
        "engagekit_counters",
        sa.Column(
            "series", sa.String(100), sa.ForeignKey("engagekit_series.name"), primary_key=True
        ),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "engagekit_invoices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(100), nullable=False, unique=True),
        sa.Column("series", sa.String(100), sa.ForeignKey("engagekit_series.name"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("project", sa.Text, nullable=False),
        sa.Column("project_file", sa.Text, nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("issue_date", sa.String(10), nullable=False),
        sa.Column("total", sa.String(40), nullable=False),
        sa.Column("corrects", sa.String(100)),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64)),
        sa.Column("issued_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("series", "year", "sequence", name="engagekit_invoices_numbering"),
    )
    op.create_index(
        "engagekit_invoices_project_period", "engagekit_invoices", ["project_file", "period"]
    )
    op.create_table(
        "engagekit_invoice_lines",
        sa.Column(
            "invoice_id", sa.Integer, sa.ForeignKey("engagekit_invoices.id"), primary_key=True
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("component", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("quantity", sa.String(40), nullable=False),
        sa.Column("unit_price", sa.String(40), nullable=False),
        sa.Column("amount", sa.String(40), nullable=False),
    )
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION engagekit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'engagekit: issued invoices cannot be changed (% on %)',
                    TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        for table in IMMUTABLE:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION engagekit_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION engagekit_refuse_change()"
            )
    else:
        for table in IMMUTABLE:
            for op_name in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{op_name.lower()} BEFORE {op_name} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, "
                    f"'engagekit: issued invoices cannot be changed ({op_name} on {table})'); END"
                )


def downgrade() -> None:
    raise NotImplementedError("the ledger is never downgraded: issued invoices stay as issued")
