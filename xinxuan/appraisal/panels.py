from wagtail.admin.ui.components import Component

from xinxuan.appraisal.models import PlaqueAward
from xinxuan.organisation.access import visible_unit_ids


def plaques_for(user):
    """The current plaque holders of the bureaus the user sees."""
    ids = visible_unit_ids(user)
    current = PlaqueAward.objects.filter(ended_on__isnull=True).select_related("holder", "bureau")
    if ids is not None:
        current = current.filter(bureau_id__in=ids) | current.filter(holder_id__in=ids)
    return current.distinct()


class PlaquePanel(Component):
    """The workbench home: who holds the rotating plaque (流动示范点) now."""

    name = "plaque"
    template_name = "appraisal/plaque_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["plaques"] = list(plaques_for(parent_context["request"].user))
        return context
