"""The check every admin form makes on the images and documents it refers to."""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from xinxuan.organisation.access import can_see_file

NOT_YOURS = _(
    "%(file)s (no. %(pk)s) belongs to a unit outside your responsibility and cannot be used here."
)
MISSING = _("The chosen file (no. %(pk)s) does not exist.")


def _referenced_files(model_field, value):
    """(model, pk) of every image and document a field's value refers to: a foreign
    key, a chooser block of a StreamField, an embed or link in rich text."""
    from xinxuan.files.models import UnitDocument, UnitImage

    if value is None or value == "":
        return
    if isinstance(value, (UnitImage, UnitDocument)):
        yield type(value), value.pk
        return
    extract = getattr(model_field, "extract_references", None)
    if extract is None:
        return
    for model, pk, _model_path, _content_path in extract(value):
        if model in (UnitImage, UnitDocument):
            yield model, pk


def refuse_unseen_files(form: forms.BaseForm, user) -> None:
    """Add an error to each field that refers to a file the user may not see.

    A forged post (an id typed into a chooser, an ``<embed>`` in rich text) cannot put
    another unit's picture or document into an item, or onto a public page, which
    would make it public.
    """
    if user is None or not hasattr(form, "cleaned_data"):
        return
    model = form._meta.model
    for name, value in list(form.cleaned_data.items()):
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a form field that is not a model field
            continue
        for file_model, pk in _referenced_files(model_field, value):
            file = file_model.objects.filter(pk=pk).first() if str(pk).isdigit() else None
            if file is None:
                form.add_error(name, ValidationError(MISSING % {"pk": pk}))
            elif not can_see_file(user, file):
                form.add_error(name, ValidationError(NOT_YOURS % {"file": file.title, "pk": pk}))
