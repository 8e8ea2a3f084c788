"""A superior (province) office sees a city bureau's rule sets, standings, appraisal and
bulletins, but the bureau's own office decides them: the province may not edit or put
in force the bureau's rule set, record deductions under it, propose or confirm its
appraisal, hand its plaque on or issue its bulletins — not by the screens, not by a
forged request, not through the actions.  Found in the attacker walk of issue 10."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.appraisal.world import year_world
from tests.builders import make_user
from xinxuan.accounts.roles import Role
from xinxuan.appraisal import actions as appraisal_actions
from xinxuan.appraisal.models import Appraisal, PlaqueAward
from xinxuan.bulletins import actions as bulletin_actions
from xinxuan.bulletins.models import Bulletin, PeriodKind
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring import actions as scoring_actions
from xinxuan.scoring.models import RuleSet, RuleSetStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return year_world()


@pytest.fixture
def province(world):
    return make_user("province", role=Role.OFFICE, unit=world.org.province_office)


def test_the_province_reads_the_bureaus_standings_and_appraisal(client, world, province):
    client.force_login(province)
    assert client.get(reverse("scoring:standings", args=[world.ruleset.pk])).status_code == 200
    page = client.get(reverse("appraisal:appraisal-detail", args=[world.ruleset.pk]))
    assert page.status_code == 200
    assert reverse("appraisal:appraisal-propose", args=[world.ruleset.pk]) not in page.text


def test_the_province_cannot_decide_the_bureaus_appraisal(client, world, province):
    client.force_login(province)
    pk = world.ruleset.pk
    for name in ("appraisal-propose", "appraisal-confirm", "plaque-award"):
        response = client.post(reverse(f"appraisal:{name}", args=[pk]), {"day": "2012-03-23"})
        assert response.status_code in (302, 403)
    assert not Appraisal.objects.exists() and not PlaqueAward.objects.exists()
    with pytest.raises(PermissionDenied):
        appraisal_actions.propose_appraisal(ruleset=world.ruleset, user=province)
    with pytest.raises(PermissionDenied):
        appraisal_actions.award_plaque(
            ruleset=world.ruleset, user=province, day=dt.date(2012, 3, 23)
        )
    # the bureau's own office may
    appraisal = appraisal_actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    with pytest.raises(PermissionDenied):
        appraisal_actions.confirm_appraisal(appraisal=appraisal, user=province)


def test_the_province_cannot_issue_the_bureaus_bulletin(client, world, province):
    client.force_login(province)
    form = client.get(reverse("bulletins:bulletin-add"))
    assert f'<option value="{world.ruleset.pk}"' not in form.text
    client.post(
        reverse("bulletins:bulletin-add"),
        {"ruleset": world.ruleset.pk, "period": "year", "index": 1, "issued_on": "2012-03-23"},
    )
    assert not Bulletin.objects.exists()
    with pytest.raises(PermissionDenied):
        bulletin_actions.issue_bulletin(
            ruleset=world.ruleset,
            user=province,
            period=PeriodKind.YEAR,
            issued_on=dt.date(2012, 3, 23),
        )


def test_the_province_cannot_edit_or_retire_the_bureaus_rule_set(client, world, province):
    client.force_login(province)
    pk = world.ruleset.pk
    text = world.ruleset.text
    client.post(
        reverse("scoring:ruleset-edit", args=[pk]),
        {"unit": world.org.bureau.pk, "text": text + "\n# 改"},
    )
    client.post(reverse("scoring:ruleset-retire", args=[pk]), {"reason": "省局停用"})
    ruleset = RuleSet.objects.get(pk=pk)
    assert ruleset.text == text and ruleset.status == RuleSetStatus.ACTIVE
    with pytest.raises(PermissionDenied):
        scoring_actions.retire_ruleset(ruleset=ruleset, user=province, reason="省局停用")
    # nor create one in the bureau's name
    client.post(reverse("scoring:ruleset-add"), {"unit": world.org.bureau.pk, "text": text})
    assert RuleSet.objects.count() == 1


def test_the_province_cannot_record_deductions_under_the_bureaus_rule_set(client, world, province):
    client.force_login(province)
    before = Outcome.objects.count()
    url = reverse("scoring:unit-outcome-add", args=[world.ruleset.pk, "deduction"])
    assert client.get(url).status_code == 403
    response = client.post(url, {"unit": world.org.dept.pk, "clause": "late", "date": "2011-05-01"})
    assert response.status_code == 403
    assert Outcome.objects.count() == before
