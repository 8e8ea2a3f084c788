from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from xinxuan.files.references import refuse_unseen_files
from xinxuan.organisation.access import (
    filter_by_unit,
    linkable_users,
    visible_people,
    visible_units,
)
from xinxuan.organisation.models import Person, Unit


def narrow_choices(form: forms.BaseForm, user) -> None:
    """Limit every choice of a unit, a person or a unit's record to what the user may see.

    A model with a ``unit`` foreign key (a commission, a target …) counts as belonging
    to that unit.  Images and documents are left to ``refuse_unseen_files``, which
    also reads rich text and says which file was refused.
    """
    files = (get_image_model(), get_document_model())
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        model = queryset.model
        if model is get_user_model() and isinstance(form.instance, Person):
            # Linking an account to a person puts it in the person's scope: only
            # accounts the user already manages (accounts.viewsets) may be linked.
            keep = getattr(form.instance, name, None)
            field.queryset = queryset & linkable_users(user, keep=keep)
        elif model is Unit:
            field.queryset = queryset & visible_units(user)
        elif model is Person:
            field.queryset = queryset & visible_people(user)
        elif model in files:
            continue
        elif any(
            getattr(f, "related_model", None) is Unit and f.name == "unit"
            for f in model._meta.get_fields()
        ):
            field.queryset = filter_by_unit(queryset, user, "unit")


class UnitScopedAdminForm(WagtailAdminModelForm):
    """Admin form whose unit and person choices — in the form and in its inline panels
    (unit shares, author shares …) — are limited to what the user may see.

    Choices outside the list are rejected by the form's validation, so a forged post
    cannot credit another department or bureau, nor attach another unit's photo or
    document (in a chooser or in rich text).
    """

    def __init__(self, *args, for_user=None, **kwargs) -> None:
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None:
            return
        narrow_choices(self, for_user)
        for formset in getattr(self, "formsets", {}).values():
            base = formset.form

            def __init__(inner, *a, _base=base, **kw):  # noqa: N807
                _base.__init__(inner, *a, **kw)
                narrow_choices(inner, for_user)

            def clean(inner, _base=base):
                cleaned = _base.clean(inner)
                refuse_unseen_files(inner, for_user)
                return cleaned

            # Every form of the inline panel, including the blank one the page uses to
            # add a row, is built from this class.
            formset.form = type(base.__name__, (base,), {"__init__": __init__, "clean": clean})
            if "forms" in formset.__dict__:  # already built
                for form in formset.forms:
                    form.__class__ = formset.form
                    narrow_choices(form, for_user)

    def clean(self):
        cleaned = super().clean()
        refuse_unseen_files(self, self.for_user)
        self._refuse_foreign_rows()
        return cleaned

    def _refuse_foreign_rows(self) -> None:
        """A posted inline row whose id is not one of this record's rows (another
        record's share, a made-up number) is refused: saved as a new row it would
        duplicate a share and fail in the database."""
        for formset in getattr(self, "formsets", {}).values():
            for form in formset.forms:
                posted = form.data.get(form.add_prefix("id")) if form.is_bound else None
                if posted and form.instance.pk is None:
                    raise forms.ValidationError(
                        _(
                            "A row of this form does not belong to this record; reload "
                            "the page and make the change again."
                        )
                    )
