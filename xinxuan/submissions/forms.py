from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinxuan.outcomes.models import Route, SuperiorBody


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    superior_body = forms.ModelChoiceField(
        label=_("Superior body"), queryset=SuperiorBody.objects.all()
    )
    route = forms.ModelChoiceField(label=_("Route"), queryset=Route.objects.all(), required=False)
    date = forms.DateField(
        label=_("Date reported"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Note"), required=False)
