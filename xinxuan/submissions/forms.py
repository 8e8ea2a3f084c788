import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinxuan.organisation.forms import UnitScopedAdminForm
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
    due = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The day the report was due; reported after it, the rule set's deduction for "
            "lateness applies."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False)


class AutoSubmissionForm(forms.Form):
    auto_submission = forms.BooleanField(
        label=_("Record submissions to the office automatically"),
        required=False,
        help_text=_(
            "When a department head approves an item and it reaches the office, its "
            "submission to the office is recorded, dated that day, once per item."
        ),
    )


class ItemForm(UnitScopedAdminForm):
    """The workbench's item form: the unit-scoped choices, a one-time key against a
    double click on create, and the reason an item with outcomes is changed."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        help_text=_(
            "This item has outcomes in the ledger: the change rescores it, and the reason "
            "is kept in its history."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say why this item is changed: it has outcomes in the ledger.")
        },
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["change_reason"]
            self.fields["form_token"].initial = uuid.uuid4().hex
        else:
            del self.fields["form_token"]
            if not self.instance.outcomes.exists():
                del self.fields["change_reason"]
