"""The year-end decisions the office records: prizes, the rotating plaque, eliminations.

Nothing here holds points of its own: an award keeps the points it was proposed on
(copied from the standings at the time, for the certificate and the bulletin), and
the standings stay the ledger's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinxuan.organisation.models import Person, TeamMembership, Unit
from xinxuan.scoring.models import RuleSet
from xinxuan.submissions.models import Item


class AppraisalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting the office's review")
    CONFIRMED = "confirmed", _("Confirmed")


class Track(models.TextChoices):
    """The seed's two lines of work, each with its own prizes."""

    PUBLICITY = "publicity", _("Information and publicity")
    RESEARCH = "research", _("Policy research")


class Recipient(models.TextChoices):
    COLLECTIVE = "collective", _("Advanced collective")
    INDIVIDUAL = "individual", _("Advanced individual")
    ITEM = "item", _("Item award")


class Appraisal(models.Model):
    """The appraisal of one rule set's period: proposed from the standings, reviewed
    and adjusted by the office, then confirmed."""

    ruleset = models.OneToOneField(
        RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="appraisal"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AppraisalStatus.choices,
        default=AppraisalStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["-ruleset__effective_from"]

    def __str__(self) -> str:
        return f"{self.ruleset.name} · {self.get_status_display()}"

    @property
    def unit(self) -> Unit:
        return self.ruleset.unit

    @property
    def is_confirmed(self) -> bool:
        return self.status == AppraisalStatus.CONFIRMED


class Award(models.Model):
    """One prize of an appraisal: to a unit, a person or an item."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="awards")
    track = models.CharField(_("line of work"), max_length=12, choices=Track.choices)
    recipient = models.CharField(_("awarded to"), max_length=12, choices=Recipient.choices)
    tier = models.CharField(_("tier"), max_length=40)
    tier_label = models.CharField(_("prize"), max_length=60)
    tier_order = models.PositiveSmallIntegerField(default=0)
    place = models.PositiveSmallIntegerField(_("place"), default=0)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="awards"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), null=True, blank=True, on_delete=models.PROTECT
    )
    points = models.DecimalField(_("points"), max_digits=14, decimal_places=4, default=0)
    completion = models.DecimalField(
        _("completion"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # Equal points across a prize boundary, and the rule set does not say who goes up:
    # the office decides.
    tied = models.BooleanField(_("tied at a prize boundary"), default=False)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    adjusted_reason = models.CharField(_("reason for the adjustment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["track", "recipient", "tier_order", "place", "pk"]

    def __str__(self) -> str:
        return f"{self.tier_label} · {self.recipient_name}"

    @property
    def recipient_name(self) -> str:
        if self.item_id:
            return self.item.title
        if self.person_id:
            return f"{self.person.name}（{self.unit.label}）"
        return self.unit.label


class PlaqueAward(models.Model):
    """A period in which a unit holds its bureau's rotating plaque (流动示范点)."""

    bureau = models.ForeignKey(
        Unit, verbose_name=_("awarding unit"), on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(
        Unit, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="plaques"
    )
    year = models.PositiveSmallIntegerField(_("plaque year"))
    ruleset = models.ForeignKey(
        RuleSet, verbose_name=_("on the results of"), on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("title of the plaque"), max_length=80)
    awarded_on = models.DateField(_("awarded on"))
    ended_on = models.DateField(_("handed on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("plaque award")
        verbose_name_plural = _("plaque awards")
        ordering = ["bureau", "-year", "-awarded_on"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "year"], name="one_plaque_per_bureau_year"),
            models.UniqueConstraint(
                fields=["bureau"],
                condition=Q(ended_on__isnull=True),
                name="one_current_plaque_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label} · {self.holder.label}"


class Elimination(models.Model):
    """A team membership ended by last-place elimination (末位淘汰)."""

    membership = models.OneToOneField(
        TeamMembership, on_delete=models.PROTECT, related_name="elimination"
    )
    ruleset = models.ForeignKey(
        RuleSet, verbose_name=_("on the results of"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("points"), max_digits=14, decimal_places=4, default=0)
    reason = models.CharField(_("reason"), max_length=300)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("elimination")
        verbose_name_plural = _("eliminations")
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return str(self.membership)
