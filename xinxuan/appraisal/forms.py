from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WITHDRAW = "__withdraw__"


class AdjustAwardForm(forms.Form):
    tier = forms.ChoiceField(label=_("Prize"))
    recipient = forms.ChoiceField(label=_("Awarded to"))
    reason = forms.CharField(
        label=_("Reason for the adjustment"),
        max_length=300,
        error_messages={"required": _("Give the reason for the adjustment.")},
    )

    def __init__(self, *args, tiers, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [*tiers, (WITHDRAW, _("Withdraw the award"))]
        self.fields["recipient"].choices = recipients


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2012-03-23.")},
    )


class EliminationForm(DayForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        error_messages={"required": _("Give the reason for the elimination.")},
    )


class FiguresForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2012-03-23.")},
    )
    end = forms.DateField(
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2012-03-23.")},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data
