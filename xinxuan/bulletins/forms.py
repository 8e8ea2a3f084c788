from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PeriodKind


class BulletinForm(forms.Form):
    ruleset = forms.ModelChoiceField(label=_("Rule set"), queryset=None)
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    index = forms.IntegerField(
        label=_("Month or quarter"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("1–12 for a month, 1–4 for a quarter; ignored for the year."),
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("There is no such month or quarter."),
            "max_value": _("There is no such month or quarter."),
        },
    )
    issued_on = forms.DateField(
        label=_("Date of issue"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2012-03-23.")},
    )
    prefix = forms.CharField(
        label=_("Prefix of the document number"),
        max_length=30,
        required=False,
        help_text=_("For example 常检办; the unit's short name when left empty."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args, rulesets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ruleset"].queryset = rulesets
