"""Words of two or three characters are found by sound only when marked; the shipped
list's words are marked, so that they are found as before."""

from django.db import migrations, models


def mark_shipped_words(apps, schema_editor):
    from xinxuan.comments.lexicon import DEFAULT_LEXICON, parse_lexicon

    Word = apps.get_model("comments", "LexiconWord")
    for entry in parse_lexicon(DEFAULT_LEXICON.read_text(encoding="utf-8")):
        if entry.homophones:
            Word.objects.filter(word=entry.word, category__name=entry.category).update(
                homophones=True
            )


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_default_lexicon")]
    operations = [
        migrations.AddField(
            model_name="lexiconcategory",
            name="homophones",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Also find the category's words of two or three characters written "
                    "with characters that sound the same (longer words always are)."
                ),
                verbose_name="find by sound",
            ),
        ),
        migrations.AddField(
            model_name="lexiconword",
            name="homophones",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Also find this word of two or three characters written with "
                    "characters that sound the same (longer words always are)."
                ),
                verbose_name="find by sound",
            ),
        ),
        migrations.RunPython(mark_shipped_words, migrations.RunPython.noop),
    ]
