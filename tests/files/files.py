"""Builders for unit-owned images and documents."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model


def make_image(unit, *, title: str = "内部照片", name: str = "内部照片.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 40, 40)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=name), unit=unit
    )


def make_document(unit, *, title: str = "内部材料", name: str = "2012年考核细则（内部）.pdf"):
    document = get_document_model()(title=title, unit=unit)
    document.file.save(name, ContentFile(b"%PDF-1.4 internal"), save=True)
    return document
