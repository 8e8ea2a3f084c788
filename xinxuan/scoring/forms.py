from django import forms
from django.utils.translation import gettext_lazy as _

from xinxuan.scoring.ledger import fmt_signed
from xinxuan.scoring.vocabulary import outside, range_text


class RuleSetForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Issuing unit"), queryset=None)
    text = forms.CharField(
        label=_("Rule set (TOML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "ruleset-text"}),
        required=False,
    )
    upload = forms.FileField(label=_("or upload a .toml file"), required=False)
    note = forms.CharField(label=_("What changed"), required=False, max_length=200)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        if not data.get("text", "").strip():
            raise forms.ValidationError(_("Paste the rule set or upload its file."))
        return data


class RuleSetDecisionForm(forms.Form):
    """Putting a rule set in force, or retiring it, moves every standing: say why."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={
            "required": _("Say why the rule set is put in force or retired: every standing moves.")
        },
    )


class UnitOutcomeForm(forms.Form):
    """A deduction or a manual adjustment for one unit, under one rule set in force.

    The clauses are the rule set's own; a chosen value is checked against the clause's
    range here, so a bad value is refused with the range before anything is saved.
    """

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    rule = forms.ChoiceField(label=_("Clause"))
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    points = forms.DecimalField(
        label=_("Chosen points"),
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text=_("Only for clauses with a range; a fixed clause brings its own points."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason: the unit concerned will read it.")},
    )

    def __init__(self, *args, units=None, clauses=(), ruleset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ruleset = ruleset
        self.clauses = {c.id: c for c in clauses}
        self.fields["unit"].queryset = units
        self.fields["rule"].choices = [(c.id, c.describe()) for c in clauses]

    def clean(self):
        data = super().clean()
        clause = self.clauses.get(data.get("rule", ""))
        day = data.get("date")
        rs = self.ruleset
        if day is not None and not (rs.effective_from <= day <= rs.effective_to):
            self.add_error(
                "date",
                _("The date must lie in the period of “%(ruleset)s”: %(start)s to %(end)s.")
                % {"ruleset": rs.name, "start": rs.effective_from, "end": rs.effective_to},
            )
        if clause is None:
            return data
        points = data.get("points")
        if clause.is_ranged:
            low, high = clause.low, clause.high
            if points is None or outside(points, low, high):
                if low is not None and high is not None:
                    message = _("Choose a value from %(low)s to %(high)s for “%(clause)s”.") % {
                        "low": fmt_signed(low),
                        "high": fmt_signed(high),
                        "clause": clause.label,
                    }
                else:  # open on one side: 2 以上, −50 以下
                    message = _("Choose a value in %(range)s for “%(clause)s”.") % {
                        "range": range_text(low, high, signed=True),
                        "clause": clause.label,
                    }
                self.add_error("points", message)
        elif points is not None and points != clause.points:
            self.add_error(
                "points",
                _("“%(clause)s” is worth %(points)s by the rule set; leave the value empty.")
                % {"clause": clause.label, "points": fmt_signed(clause.points)},
            )
        data["clause"] = clause
        return data
