"""Documents and images that belong to a unit.

Wagtail's own models know no unit, so the project swaps in these
(``WAGTAILIMAGES_IMAGE_MODEL``, ``WAGTAILDOCS_DOCUMENT_MODEL``).  A file belongs to the
unit of the person who uploaded it; who may open it is decided by
``organisation.access.can_see_file``: the people of that unit (and those above it, by
the unit rule), or anyone once a live portal page shows it.
"""

from __future__ import annotations

import os

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import Document as WagtailDocument
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.images.models import Image as WagtailImage
from wagtail.models import Page, ReferenceIndex
from wagtail.search import index

from xinxuan.organisation.models import Unit


def _owner_unit():
    return models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit of the person who uploaded the file."),
    )


class UnitFile(models.Model):
    """What images and documents share: an owner unit and the public test."""

    unit = _owner_unit()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def is_public(self) -> bool:
        """True when a live, unrestricted portal page shows the file.

        Read from Wagtail's reference index, which records the live content of every
        page (an image block, a rich-text embed, a document link).
        """
        pages = ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(type(self)),
            to_object_id=str(self.pk),
            base_content_type=ContentType.objects.get_for_model(Page),
        ).values_list("object_id", flat=True)
        ids = [int(pk) for pk in pages]
        return bool(ids) and Page.objects.live().public().filter(pk__in=ids).exists()


class UnitImage(UnitFile, AbstractImage):
    admin_form_fields = WagtailImage.admin_form_fields
    # Searching a listing or chooser filters by the units the user may see.
    search_fields = [*AbstractImage.search_fields, index.FilterField("unit")]

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        indexes = [models.Index(fields=["file"], name="files_image_file")]


class UnitRendition(AbstractRendition):
    image = models.ForeignKey(UnitImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "filter_spec", "focal_point_key"], name="files_unique_rendition"
            )
        ]
        indexes = [models.Index(fields=["file"], name="files_rendition_file")]


class UnitDocument(UnitFile, AbstractDocument):
    admin_form_fields = WagtailDocument.admin_form_fields
    search_fields = [*AbstractDocument.search_fields, index.FilterField("unit")]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["file"], name="files_document_file")]

    @property
    def filename(self) -> str:
        """The name the file is downloaded under: its title and extension.

        The stored name is random (``files.storage``), so it says nothing to a reader.
        """
        extension = os.path.splitext(self.file.name)[1].lower()
        try:
            stem = get_valid_filename(self.title)
        except Exception:  # noqa: BLE001 - a title of only punctuation
            stem = "document"
        return f"{stem[:80]}{extension}"
