"""Upload forms that give each new file its owner unit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from xinxuan.organisation.access import home_unit

NO_UNIT = _(
    "Your account is not linked to any unit, so a file you upload would belong to no "
    "one. Ask the office to link your account to your department."
)


class OwnedFileFormMixin:
    """A new file belongs to the home unit of the person uploading it."""

    def __init__(self, *args, **kwargs) -> None:
        self.uploader = kwargs.get("user")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        user = self.uploader
        new = self.instance.pk is None
        if new and user is not None and not user.is_superuser and home_unit(user) is None:
            raise ValidationError(NO_UNIT)
        return cleaned

    def save(self, commit=True):
        if self.instance.pk is None and self.uploader is not None:
            self.instance.unit = home_unit(self.uploader)
        return super().save(commit=commit)


class ImageForm(OwnedFileFormMixin, BaseImageForm):
    pass


class DocumentForm(OwnedFileFormMixin, BaseDocumentForm):
    pass
