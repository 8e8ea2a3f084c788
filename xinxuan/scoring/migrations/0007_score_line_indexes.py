"""The score lines' own indexes on ``unit_id`` and ``person_id`` dropped: no query
needs the first ((ruleset, unit, date) serves every one that picks a unit's lines), the
second becomes ``scoreline_person``, partial over the lines that have a writer.

Only the indexes are dropped: the field change as Django would make it remakes the
whole table on SQLite and drops and validates the key again on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

UNIT_INDEX = "scoring_scoreline_unit_id_b24f4a1e"
PERSON_INDEX = "scoring_scoreline_person_id_a536d74e"


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("scoring", "0006_standings_lines_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="scoreline",
                    name="person",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="score_lines",
                        to="organisation.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="scoreline",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="score_lines",
                        to="organisation.unit",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{PERSON_INDEX}"',
                    f'CREATE INDEX "{PERSON_INDEX}" ON "scoring_scoreline" ("person_id")',
                ),
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{UNIT_INDEX}"',
                    f'CREATE INDEX "{UNIT_INDEX}" ON "scoring_scoreline" ("unit_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="scoreline",
            index=models.Index(
                condition=models.Q(("person__isnull", False)),
                fields=["person"],
                name="scoreline_person",
            ),
        ),
    ]
