"""Images and documents uploaded before files had units move to the unit models.

Rows keep their ids, so item photos and attachments, image blocks, rich-text
embeds and document links go on pointing at the same files.  The owner unit is the
uploader's unit; a file whose uploader has no unit belongs to none (superusers only,
or everyone once a live page shows it).  Stored file names are kept (nothing under
MEDIA_ROOT is served directly any more); renditions are made again when asked for.
"""

from django.core.management.color import no_style
from django.db import migrations

IMAGE_FIELDS = [
    "id", "title", "file", "description", "width", "height", "created_at",
    "uploaded_by_user_id", "focal_point_x", "focal_point_y", "focal_point_width",
    "focal_point_height", "file_size", "file_hash", "collection_id",
]  # fmt: skip
DOCUMENT_FIELDS = [
    "id", "title", "file", "created_at", "uploaded_by_user_id", "file_size", "file_hash",
    "collection_id",
]  # fmt: skip


def _content_type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _copy(apps, schema_editor, old_label, new_label, fields):
    Old = apps.get_model(*old_label)
    New = apps.get_model("files", new_label)
    Person = apps.get_model("organisation", "Person")
    rows = list(Old.objects.values(*fields))
    if not rows:
        return
    units = dict(
        Person.objects.filter(user__isnull=False).values_list("user_id", "unit_id")
    )
    New.objects.bulk_create(
        New(unit_id=units.get(row["uploaded_by_user_id"]), **row) for row in rows
    )
    old_type = _content_type(apps, old_label[0], old_label[1].lower())
    new_type = _content_type(apps, "files", new_label.lower())
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    TaggedItem.objects.filter(content_type=old_type).update(content_type=new_type)
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    ReferenceIndex.objects.filter(to_content_type=old_type).update(to_content_type=new_type)
    # Rows came with their ids: PostgreSQL's sequence must start after them.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [New]):
            cursor.execute(sql)


def copy_files(apps, schema_editor):
    _copy(apps, schema_editor, ("wagtailimages", "Image"), "UnitImage", IMAGE_FIELDS)
    _copy(apps, schema_editor, ("wagtaildocs", "Document"), "UnitDocument", DOCUMENT_FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("files", "0001_initial"),
        ("organisation", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(copy_files, migrations.RunPython.noop)]
