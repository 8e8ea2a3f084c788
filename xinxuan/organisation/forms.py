from wagtail.admin.forms import WagtailAdminModelForm

from xinxuan.organisation.access import visible_people, visible_units
from xinxuan.organisation.models import Person, Unit


class UnitScopedAdminForm(WagtailAdminModelForm):
    """Admin form whose unit and person choices are limited to what the user may see."""

    def __init__(self, *args, for_user=None, **kwargs) -> None:
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None:
            return
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if queryset.model is Unit:
                field.queryset = queryset & visible_units(for_user)
            elif queryset.model is Person:
                field.queryset = queryset & visible_people(for_user)
