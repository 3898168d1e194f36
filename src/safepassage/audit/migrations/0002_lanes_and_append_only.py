"""Create the chain heads, and make the audit table append-only inside the database itself.

The triggers stop the application (or a careless query) from rewriting history; someone with
control of the database file can still drop them, which is what the hash chain then exposes.
SQLite refuses updates only: Django empties tables with DELETE there (test flushes), and the
chain already exposes a deleted entry.
"""

from typing import Any

from django.db import migrations

APPEND_ONLY_SQL = {
    "postgresql": [
        """
        CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'the audit trail is append-only';
        END;
        $$ LANGUAGE plpgsql;
        """,
        """
        CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION audit_append_only();
        """,
    ],
    "sqlite": [
        """
        CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """,
    ],
}


def create_lanes(apps: Any, schema_editor: Any) -> None:
    lane_model = apps.get_model("audit", "AuditLane")
    lane_model.objects.bulk_create([lane_model(lane=n) for n in range(64)])


def add_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in APPEND_ONLY_SQL.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_lanes, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, migrations.RunPython.noop),
    ]
