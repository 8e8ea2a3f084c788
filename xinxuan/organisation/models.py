"""Units and people: the tree every score rolls up through, and the two teams."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.search import index


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    FIELD_OFFICE = "field_office", _("Field office")
    SECTION = "section", _("Section")


class UnitClass(models.Model):
    """A group of units ranked separately, with its own quotas (e.g. 机关处室, 办事处)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("description")]

    class Meta:
        verbose_name = _("unit class")
        verbose_name_plural = _("unit classes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def roots(self) -> UnitQuerySet:
        return self.filter(parent__isnull=True)


class Unit(index.Indexed, models.Model):
    """A node of the organisation tree: a bureau, its office, departments, field offices.

    The tree may be of any depth: a province bureau over city bureaus over departments.
    """

    name = models.CharField(_("name"), max_length=80)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit_class = models.ForeignKey(
        UnitClass,
        verbose_name=_("unit class"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        help_text=_("Units of one class are ranked together."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # A bureau's own option, set by its office on its own screen (not in ``panels``:
    # a superior office edits its bureaus' units but does not run their review).
    auto_submission = models.BooleanField(
        _("record submissions to the office automatically"),
        default=False,
        help_text=_(
            "When a department head approves an item and it reaches the office, its "
            "submission to the office is recorded, dated that day, once per item."
        ),
    )

    objects = UnitQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("unit_class"), FieldPanel("sort_order")]),
        FieldPanel("is_active"),
    ]
    # FilterField: a chooser searches only the units the user may see
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("id"),
    ]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def ancestors(self) -> list[Unit]:
        """From the parent up to the root."""
        chain: list[Unit] = []
        seen = {self.pk}
        node = self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def descendant_ids(self) -> set[int]:
        """This unit and everything below it, from one read of the tree (a province's
        few hundred units; a query per level cost more than the rows)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent in Unit.objects.values_list("pk", "parent_id").order_by():
            children.setdefault(parent, []).append(pk)
        found = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = [
                pk for parent in frontier for pk in children.get(parent, ()) if pk not in found
            ]
            found.update(frontier)
        return found

    def bureau(self) -> Unit | None:
        """The nearest bureau at or above this unit."""
        for node in [self, *self.ancestors()]:
            if node.kind == UnitKind.BUREAU:
                return node
        return None

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.pk is not None and (
            self.parent_id == self.pk or self.parent_id in self.descendant_ids()
        ):
            raise ValidationError(
                {
                    "parent": _(
                        "A unit cannot be placed under itself or under one of its own "
                        "sub-units: that would make a cycle in the tree."
                    )
                }
            )


class Person(index.Indexed, models.Model):
    """A member of staff, with the unit they belong to and, if they log in, their user."""

    name = models.CharField(_("name"), max_length=40)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    position = models.CharField(_("position"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("position")]),
        FieldPanel("unit"),
        FieldRowPanel([FieldPanel("user"), FieldPanel("phone")]),
        FieldPanel("is_active"),
    ]
    # FilterField: a chooser searches only the people of units the user may see
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("unit"),
    ]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["unit__sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    NETWORK = "network", _("Information network members")
    WRITING = "writing", _("Writing collaboration group")


class Team(models.Model):
    """One of a bureau's two teams that carry the work (两支队伍)."""

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    bureau = models.ForeignKey(
        Unit,
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="teams",
        limit_choices_to={"kind": UnitKind.BUREAU},
    )
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("bureau"),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "kind"], name="one_team_of_each_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["TeamMembership"]):
    def current_on(self, day) -> MembershipQuerySet:
        return self.filter(joined__lte=day).filter(Q(left__isnull=True) | Q(left__gte=day))


class TeamMembership(models.Model):
    """A period in which a person belongs to a team (dynamic management: join, leave)."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    joined = models.DateField(_("joined"))
    left = models.DateField(_("left"), null=True, blank=True)
    join_reason = models.CharField(_("reason for joining"), max_length=200, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("team"), FieldPanel("person")]),
        FieldRowPanel([FieldPanel("joined"), FieldPanel("left")]),
        FieldPanel("join_reason"),
        FieldPanel("leave_reason"),
    ]

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "person__name", "joined"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.team}"

    def overlapping(self) -> MembershipQuerySet:
        """Other periods of the same person in the same team that share a day with this one."""
        others = TeamMembership.objects.filter(team_id=self.team_id, person_id=self.person_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        others = others.filter(Q(left__isnull=True) | Q(left__gte=self.joined))
        if self.left is not None:
            others = others.filter(joined__lte=self.left)
        return others

    def clean(self) -> None:
        if self.joined and self.left and self.left < self.joined:
            raise ValidationError({"left": _("The leaving date is before the joining date.")})
        if self.joined and self.team_id and self.person_id and self.overlapping().exists():
            raise ValidationError(
                _(
                    "This person already belongs to this team during part of that period. "
                    "End the earlier membership first."
                )
            )


points_validators = [MinValueValidator(Decimal("0"), _("A target cannot be negative."))]


class UnitTarget(models.Model):
    """A unit's yearly target: points, and optionally a number of adopted items."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    points = models.DecimalField(
        _("target points"), max_digits=10, decimal_places=2, validators=points_validators
    )
    adopted_items = models.PositiveIntegerField(_("target adopted items"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("unit"), FieldPanel("year")]),
        FieldRowPanel([FieldPanel("points"), FieldPanel("adopted_items")]),
    ]

    class Meta:
        verbose_name = _("unit target")
        verbose_name_plural = _("unit targets")
        ordering = ["-year", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_target_per_unit_year"),
            models.CheckConstraint(condition=Q(points__gte=0), name="unit_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class MemberTarget(models.Model):
    """A team member's yearly target."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="targets"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    points = models.DecimalField(
        _("target points"), max_digits=10, decimal_places=2, validators=points_validators
    )

    panels = [
        FieldRowPanel([FieldPanel("person"), FieldPanel("team")]),
        FieldRowPanel([FieldPanel("year"), FieldPanel("points")]),
    ]

    class Meta:
        verbose_name = _("member target")
        verbose_name_plural = _("member targets")
        ordering = ["-year", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "team", "year"], name="one_target_per_member_year"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="member_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}"
