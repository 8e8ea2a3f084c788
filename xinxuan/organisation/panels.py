from wagtail.admin.ui.components import Component

from xinxuan.organisation.access import home_unit, scope_root, visible_units
from xinxuan.organisation.models import TeamMembership, UnitTarget


class MyUnitPanel(Component):
    """The workbench home: the user's unit, the units in their care, teams and targets."""

    name = "my_unit"
    template_name = "organisation/my_unit_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        unit = home_unit(user)
        units = visible_units(user) if unit or user.is_superuser else None
        context.update(
            {
                "unit": unit,
                "root": scope_root(user),
                "is_superuser": user.is_superuser,
                "unit_count": units.count() if units is not None else 0,
                "memberships": TeamMembership.objects.filter(person__user=user)
                .select_related("team")
                .order_by("-joined"),
                "targets": UnitTarget.objects.filter(unit=unit).order_by("-year")[:3]
                if unit
                else [],
            }
        )
        return context
