"""Score lines keep what their explanation needs instead of two rendered texts.

Existing lines are converted, not rescored: each distinct pair of stored texts becomes
one ``ScoreCalc`` holding them (``{"text": …, "text_en": …}``), shown as it was; the
next rescoring of a rule set replaces its lines with structured calcs.
"""

import hashlib
import json
from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models


def texts_to_calcs(apps, schema_editor):
    ScoreLine = apps.get_model("scoring", "ScoreLine")
    ScoreCalc = apps.get_model("scoring", "ScoreCalc")
    db = schema_editor.connection.alias
    lines = ScoreLine.objects.using(db)
    pks_by_text: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, zh, en in lines.values_list("pk", "explanation", "explanation_en").iterator(
        chunk_size=10_000
    ):
        pks_by_text[(zh, en)].append(pk)
    for (zh, en), pks in pks_by_text.items():
        data = {"text": zh, "text_en": en}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        calc, _new = ScoreCalc.objects.using(db).get_or_create(
            digest=hashlib.sha256(text.encode()).hexdigest(), defaults={"data": data}
        )
        for start in range(0, len(pks), 500):
            lines.filter(pk__in=pks[start : start + 500]).update(calc=calc)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0003_period_stage_by_unit"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScoreCalc",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("data", models.JSONField()),
            ],
            options={
                "verbose_name": "score calculation",
                "verbose_name_plural": "score calculations",
            },
        ),
        migrations.AddField(
            model_name="scoreline",
            name="share",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="scoreline",
            name="calc",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="scoring.scorecalc",
            ),
        ),
        migrations.RunPython(texts_to_calcs, migrations.RunPython.noop, elidable=True),
    ]
