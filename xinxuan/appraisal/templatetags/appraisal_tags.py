from django import template

from xinxuan.appraisal.models import PlaqueAward

register = template.Library()


@register.inclusion_tag("appraisal/portal_plaque.html")
def plaque_holders():
    """The current holders of the rotating plaque: public news, shown on the portal."""
    holders = PlaqueAward.objects.filter(ended_on__isnull=True).select_related("holder", "bureau")
    return {"plaques": list(holders.order_by("bureau__sort_order", "bureau__name"))}
