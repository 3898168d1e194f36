"""The index of registry_identifier.person_id alone: identifier_once (person, kind, digest)
serves the same look-ups, and every identifier written paid for both.

Only the index is dropped (DROP INDEX, the same on PostgreSQL and SQLite): Django's own
AlterField would drop and re-add the foreign key, which PostgreSQL then checks row by row under
a lock, and SQLite would copy the whole table."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "registry_identifier_person_id_1b988d70"


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f'CREATE INDEX {INDEX} ON "registry_identifier" ("person_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="identifier",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE,
                        related_name="identifiers", to="registry.person",
                    ),
                ),
            ],
        ),
    ]
