"""Second half of 0002: every line now has its calc; the texts go.

A migration of its own: PostgreSQL refuses to alter a table in the transaction that
just updated its rows under a deferred foreign key.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0004_explanations_on_demand"),
    ]

    operations = [
        migrations.AlterField(
            model_name="scoreline",
            name="calc",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="scoring.scorecalc",
            ),
        ),
        migrations.RemoveField(
            model_name="scoreline",
            name="explanation",
        ),
        migrations.RemoveField(
            model_name="scoreline",
            name="explanation_en",
        ),
        # the foreign key's own index on item does the same
        migrations.RemoveIndex(
            model_name="scoreline",
            name="scoring_sco_item_id_ade5dc_idx",
        ),
        # the (ruleset, unit, date) index starts with it
        migrations.AlterField(
            model_name="scoreline",
            name="ruleset",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lines",
                to="scoring.ruleset",
            ),
        ),
    ]
