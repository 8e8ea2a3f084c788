"""Load the shipped categories and the small, tame default list (bureaus load their own)."""

from django.db import migrations


def load(apps, schema_editor):
    from xinxuan.comments.lexicon import (
        DEFAULT_CATEGORIES,
        DEFAULT_LEXICON,
        DEFAULT_WHITELIST,
        parse_lexicon,
        parse_whitelist,
    )

    Category = apps.get_model("comments", "LexiconCategory")
    Word = apps.get_model("comments", "LexiconWord")
    Whitelist = apps.get_model("comments", "WhitelistWord")
    categories = {
        name: Category.objects.get_or_create(name=name, defaults={"action": action.value})[0]
        for name, action in DEFAULT_CATEGORIES.items()
    }
    for entry in parse_lexicon(DEFAULT_LEXICON.read_text(encoding="utf-8")):
        category = categories[entry.category]
        action = "" if entry.action.value == category.action else entry.action.value
        Word.objects.get_or_create(word=entry.word, category=category, defaults={"action": action})
    for word in parse_whitelist(DEFAULT_WHITELIST.read_text(encoding="utf-8")):
        Whitelist.objects.get_or_create(word=word)


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
