from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinxuan.outcomes.models import Carrier, CarrierKind, LeaderRank, Level, Outcome, Use
from xinxuan.scoring.vocabulary import outside, range_text


def _date():
    return forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def in_words(form) -> str:
    """A form's errors as the user reads them: each after its field's label, not its
    name (等次：… rather than "grade")."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = "；".join(str(e) for e in errors)
        parts.append(f"{field.label}：{text}" if field is not None else text)
    return "；".join(parts)


class OfferForm(forms.Form):
    """A form whose choices are the rule set's own (``scoring.vocabulary.Offer``): its
    carriers, grades, placements, uses and prizes by their Chinese names with their
    points. Without a rule set in force the choices are the workbench's."""

    outcome = ""  # "adoption" or "publication": whose points the carriers show

    def __init__(self, *args, offer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        if "carrier" in self.fields:
            field = self.fields["carrier"]
            if offer is not None and offer.compiled is not None:
                known = [c.pk for c in field.queryset if offer.knows_carrier(c)]
                field.queryset = field.queryset.filter(pk__in=known)
                outcome = self.outcome or "adoption"
                field.label_from_instance = lambda c: offer.carrier_label(c, outcome)
                field.help_text = _(
                    "The carriers “%(ruleset)s” names, with what one sole use of this item "
                    "in each earns."
                ) % {"ruleset": offer.ruleset.name}

    def offered(self, name: str, choices, *, blank: bool = True) -> None:
        """Offer ``choices`` in field ``name``, or drop the field when there are none."""
        if not choices:
            del self.fields[name]
            return
        self.fields[name].choices = ([("", "—")] if blank else []) + list(choices)

    def check_points(self, data) -> None:
        """An assessor-chosen value inside the carrier's range, refused outside it."""
        carrier = data.get("carrier")
        points = data.get("points")
        span = self.offer.carrier_range(carrier.code) if self.offer and carrier else None
        data["range_min"], data["range_max"] = span or (None, None)
        if span is None:
            if points is not None:
                self.add_error(
                    "points",
                    _("%(carrier)s has its value in the rule set; leave the chosen points empty.")
                    % {"carrier": carrier},
                )
            return
        if points is None or outside(points, *span):
            self.add_error(
                "points",
                _("Choose the points for %(carrier)s from %(range)s.")
                % {"carrier": carrier, "range": range_text(*span)},
            )


class AdoptionForm(OfferForm):
    outcome = "adoption"
    carrier = forms.ModelChoiceField(
        label=_("Carrier"),
        queryset=Carrier.objects.filter(is_active=True).exclude(kind=CarrierKind.MEDIA),
    )
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    points = forms.DecimalField(
        label=_("Chosen points"), required=False, max_digits=10, decimal_places=2
    )
    use = forms.ChoiceField(label=_("Use"), required=False)
    placement = forms.ChoiceField(label=_("Placement"), required=False)
    issue = forms.CharField(label=_("Issue number"), required=False)
    date = _date()
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        validators=Outcome._meta.get_field("evidence").validators,
        help_text=_("PDF, Word or a picture (jpg, png)."),
    )
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    def __init__(self, *args, offer=None, **kwargs):
        super().__init__(*args, offer=offer, **kwargs)
        if offer is None or offer.compiled is None:
            self.fields["grade"] = forms.CharField(label=_("Grade"), required=False)
            self.fields["use"].choices = Use.choices
            self.fields["use"].initial = Use.SOLE
            self.fields["placement"] = forms.CharField(label=_("Placement"), required=False)
            return
        carriers = list(self.fields["carrier"].queryset)
        self.offered("grade", offer.grade_choices(carriers))
        self.offered("use", offer.use_choices(), blank=False)
        if "use" in self.fields:
            self.fields["use"].initial = Use.SOLE
        self.offered("placement", offer.placement_choices())
        ranged = [
            f"{c} {range_text(*span)}" for c in carriers if (span := offer.carrier_range(c.code))
        ]
        if ranged:
            self.fields["points"].help_text = _(
                "Only for carriers whose value the assessor chooses: %(ranges)s."
            ) % {"ranges": "；".join(ranged)}
        else:
            del self.fields["points"]

    def clean(self):
        data = super().clean()
        carrier = data.get("carrier")
        grade = data.get("grade", "")
        if self.offer is not None and self.offer.compiled is not None and carrier is not None:
            grades = [g.name for g in self.offer.grades(carrier.code)]
            if grade and grade not in grades:
                self.add_error(
                    "grade",
                    _("%(carrier)s has no grade “%(grade)s”; its grades are: %(grades)s.")
                    % {"carrier": carrier, "grade": grade, "grades": "、".join(grades) or "—"},
                )
            self.check_points(data)
        data.setdefault("grade", "")
        data.setdefault("use", "")
        data.setdefault("placement", "")
        data.setdefault("points", None)
        return data


class EndorsementForm(OfferForm):
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

    def __init__(self, *args, offer=None, **kwargs):
        super().__init__(*args, offer=offer, **kwargs)
        # the carrier here is where the endorsed item appeared: its bonus, not its value
        self.fields["carrier"].label_from_instance = str
        if offer is not None and offer.compiled is not None:
            self.fields["level"].label_from_instance = offer.endorsement_label
            # a flat value (``[endorsement] value = 3``) does not depend on the leader
            self.fields["level"].required = offer.compiled.endorsement_value is None


class PublicationForm(OfferForm):
    outcome = "publication"
    carrier = forms.ModelChoiceField(
        label=_("Outlet"),
        queryset=Carrier.objects.filter(is_active=True).exclude(kind=CarrierKind.PUBLICATION),
    )
    points = forms.DecimalField(
        label=_("Chosen points"), required=False, max_digits=10, decimal_places=2
    )
    placement = forms.ChoiceField(label=_("Placement"), required=False)
    date = _date()
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    def __init__(self, *args, offer=None, **kwargs):
        super().__init__(*args, offer=offer, **kwargs)
        if offer is None or offer.compiled is None:
            self.fields["placement"] = forms.CharField(label=_("Placement"), required=False)
            del self.fields["points"]
            return
        self.offered("placement", offer.placement_choices())
        carriers = list(self.fields["carrier"].queryset)
        ranged = [
            f"{c} {range_text(*span)}" for c in carriers if (span := offer.carrier_range(c.code))
        ]
        if ranged:
            self.fields["points"].help_text = _(
                "Only for carriers whose value the assessor chooses: %(ranges)s."
            ) % {"ranges": "；".join(ranged)}
        else:
            del self.fields["points"]

    def clean(self):
        data = super().clean()
        if self.offer is not None and self.offer.compiled is not None and data.get("carrier"):
            self.check_points(data)
        data.setdefault("placement", "")
        data.setdefault("points", None)
        return data


class PrizeForm(OfferForm):
    rule = forms.ChoiceField(label=_("Prize"))
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    date = _date()
    reason = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, offer=None, **kwargs):
        super().__init__(*args, offer=offer, **kwargs)
        if offer is None or offer.compiled is None:
            self.fields["rule"] = forms.CharField(label=_("Prize"), max_length=60)
            self.fields["grade"] = forms.CharField(label=_("Grade"), required=False)
            return
        self.fields["rule"].choices = offer.prize_choices()
        self.offered("grade", offer.prize_grade_choices())

    def clean(self):
        data = super().clean()
        rule, grade = data.get("rule"), data.get("grade", "")
        if self.offer is not None and self.offer.compiled is not None and rule:
            grades = self.offer.prize_grades(rule)
            if grade and grade not in grades:
                self.add_error(
                    "grade",
                    _("“%(prize)s” has no grade “%(grade)s”; its grades are: %(grades)s.")
                    % {
                        "prize": self.offer.labels().get(rule, rule),
                        "grade": grade,
                        "grades": "、".join(grades) or "—",
                    },
                )
        data.setdefault("grade", "")
        return data


class SubmissionForm(OfferForm):
    """报送: the item reached the office on ``date``; with the day it was due, the rule
    set's lateness deduction follows."""

    date = _date()
    due = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The day it was due; delivered after it, the rule set's deduction for lateness applies."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=500)


ITEM_FORMS = {
    "submission": (_("Record a submission to the office"), SubmissionForm),
    "adoption": (_("Record an adoption"), AdoptionForm),
    "endorsement": (_("Record a leader endorsement"), EndorsementForm),
    "publication": (_("Record a media publication"), PublicationForm),
    "prize": (_("Record a prize"), PrizeForm),
}


def item_forms(offer=None, kinds=None) -> dict[str, tuple[str, forms.Form]]:
    """The item page's outcome forms (all, or those of ``kinds``), offering what the
    rule set of ``offer`` knows."""
    return {
        kind: (title, cls(offer=offer))
        for kind, (title, cls) in ITEM_FORMS.items()
        if kinds is None or kind in kinds
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger spreadsheet (.xlsx or .csv)"),
        help_text=_("Columns as in the exported ledger: 事件编号, 稿件编号, 标题, 类别 …"),
    )
