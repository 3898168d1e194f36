"""The index of messaging_message.case_id alone: message_case (case, created_at) serves the same
look-ups, and every message written paid for both.

Only the index is dropped (DROP INDEX, the same on PostgreSQL and SQLite): Django's own
AlterField would drop and re-add the foreign key, which PostgreSQL then checks row by row under
a lock, and SQLite would copy the whole table."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "messaging_message_case_id_a4862ca0"


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f'CREATE INDEX {INDEX} ON "messaging_message" ("case_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="message",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages", to="registry.case",
                    ),
                ),
            ],
        ),
    ]
