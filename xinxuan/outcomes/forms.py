from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinxuan.outcomes.models import Carrier, CarrierKind, LeaderRank, Level, Outcome, Use


def _date():
    return forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class AdoptionForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Carrier"),
        queryset=Carrier.objects.filter(is_active=True).exclude(kind=CarrierKind.MEDIA),
    )
    grade = forms.CharField(label=_("Grade"), required=False)
    use = forms.ChoiceField(label=_("Use"), choices=Use.choices, initial=Use.SOLE)
    placement = forms.CharField(label=_("Placement"), required=False)
    issue = forms.CharField(label=_("Issue number"), required=False)
    date = _date()
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        validators=Outcome._meta.get_field("evidence").validators,
        help_text=_("PDF, Word or a picture (jpg, png)."),
    )
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")


class EndorsementForm(forms.Form):
    leader = forms.CharField(label=_("Leader"), max_length=40)
    level = forms.ModelChoiceField(label=_("Leader's level"), queryset=Level.objects.all())
    rank = forms.ChoiceField(label=_("Rank"), choices=LeaderRank.choices, initial=LeaderRank.OTHER)
    carrier = forms.ModelChoiceField(
        label=_("Carrier the item appeared in"), queryset=Carrier.objects.all(), required=False
    )
    date = _date()
    text = forms.CharField(
        label=_("Endorsement text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicationForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Outlet"),
        queryset=Carrier.objects.filter(is_active=True).exclude(kind=CarrierKind.PUBLICATION),
    )
    placement = forms.CharField(label=_("Placement"), required=False)
    date = _date()
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")


class PrizeForm(forms.Form):
    rule = forms.CharField(label=_("Prize (clause of the rule set)"), max_length=60)
    grade = forms.CharField(label=_("Grade"), required=False)
    date = _date()
    reason = forms.CharField(label=_("Note"), required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=500)


ITEM_FORMS = {
    "adoption": (_("Record an adoption"), AdoptionForm),
    "endorsement": (_("Record a leader endorsement"), EndorsementForm),
    "publication": (_("Record a media publication"), PublicationForm),
    "prize": (_("Record a prize"), PrizeForm),
}


def item_forms(prefix: str = "") -> dict[str, tuple[str, forms.Form]]:
    return {kind: (title, cls()) for kind, (title, cls) in ITEM_FORMS.items()}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger spreadsheet (.xlsx or .csv)"),
        help_text=_("Columns as in the exported ledger: 事件编号, 稿件编号, 标题, 类别 …"),
    )
