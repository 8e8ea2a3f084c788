"""Rule sets in the workbench: drafts, versions, validation at the line, one in force."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.submissions.world import (
    DAY,
    RULESET_2011,
    make_ruleset,
    make_world,
    points_of,
    reported_item,
)
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import actions
from xinxuan.scoring.models import RuleSetStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_a_new_rule_set_starts_as_a_draft_and_scores_nothing(world):
    draft = actions.save_ruleset(
        user=world.office, unit=world.org.bureau, text=RULESET_2011.replace("2011.1", "2011.2")
    )
    assert draft.status == RuleSetStatus.DRAFT
    assert draft.version == 1 and draft.versions.count() == 1
    assert not draft.lines.exists()


def test_two_rule_sets_are_never_in_force_for_one_unit_on_one_day(world):
    draft = actions.save_ruleset(user=world.office, unit=world.org.bureau, text=RULESET_2011)
    with pytest.raises(ActionRefused, match=world.org.bureau.name):
        actions.activate_ruleset(ruleset=draft, user=world.office, reason="新年度规则")


def test_every_version_is_kept_and_editing_the_rule_set_in_force_rescores(world):
    item = reported_item(world)
    outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    assert points_of(world.org.dept) == Decimal("10.5")
    world.ruleset.version = 1
    edited = actions.save_ruleset(
        user=world.office,
        unit=world.org.bureau,
        ruleset=world.ruleset,
        text=RULESET_2011.replace("[report]\npoints = 0.5", "[report]\npoints = 2"),
        note="上报加分提高",
    )
    assert edited.version == 2
    assert list(edited.versions.values_list("number", flat=True)) == [2]
    assert points_of(world.org.dept) == Decimal("12")
    assert set(edited.lines.values_list("version", flat=True)) == {"2011.1 · v2"}


def test_retiring_then_activating_another_moves_the_points_to_it(world):
    reported_item(world)
    actions.retire_ruleset(ruleset=world.ruleset, user=world.office, reason="改用新规则")
    assert points_of(world.org.dept) == 0
    other = actions.save_ruleset(
        user=world.office,
        unit=world.org.bureau,
        text=RULESET_2011.replace("[report]\npoints = 0.5", "[report]\npoints = 1"),
    )
    actions.activate_ruleset(ruleset=other, user=world.office, reason="改用新规则")
    assert points_of(world.org.dept) == Decimal("1")


@pytest.mark.parametrize(
    "broken, line_words",
    [
        ("[adoption.points]\nnational = 10", '[adoption.points]\nnational = "ten"'),
        ("[uses.combined]", "[uses.combined\n"),
    ],
    ids=["not-a-number", "toml-syntax"],
)
def test_a_broken_rule_set_is_refused_with_the_offending_line(world, broken, line_words):
    text = RULESET_2011.replace(broken, line_words)
    with pytest.raises(actions.InvalidRuleSet) as invalid:
        actions.save_ruleset(user=world.office, unit=world.org.bureau, text=text)
    lines = [p.line for p in invalid.value.problems]
    expected = text.splitlines().index(line_words.splitlines()[-1]) + 1
    assert any(abs(line - expected) <= 1 for line in lines), (lines, expected)


def test_the_workbench_shows_problems_at_their_lines(client, world):
    client.force_login(world.office)
    text = RULESET_2011.replace("national = 10\nprovincial = 5", 'national = "十"\nprovincial = 5')
    response = client.post(
        reverse("scoring:ruleset-add"), {"unit": world.org.bureau.pk, "text": text}
    )
    assert response.status_code == 200
    assert "ruleset-problems" in response.text
    assert "第" in response.text and "行" in response.text


def test_an_officer_cannot_change_rule_sets(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("scoring:ruleset-add"), {"unit": world.org.bureau.pk, "text": RULESET_2011}
    )
    assert response.status_code in (200, 302, 403)  # refused: Wagtail redirects with a message
    assert world.org.bureau.rulesets.count() == 1


def test_standings_show_completion_and_rank(client, world):
    reported_item(world)
    client.force_login(world.office)
    response = client.get(reverse("scoring:standings", args=[world.ruleset.pk]))
    assert response.status_code == 200
    assert world.org.dept.name in response.text


def test_officers_and_heads_find_the_rule_set_that_assesses_them_and_read_it(client, world):
    """The bureau's rule set assesses the officer's department: listed with its
    standings, readable, not editable."""
    for user in (world.officer, world.head):
        client.force_login(user)
        listing = client.get(reverse("scoring:ruleset-list")).text
        assert reverse("scoring:standings", args=[world.ruleset.pk]) in listing
        page = client.get(reverse("scoring:ruleset-edit", args=[world.ruleset.pk]))
        assert page.status_code == 200 and "<textarea" not in page.text
        edit = client.post(
            reverse("scoring:ruleset-edit", args=[world.ruleset.pk]),
            {"unit": world.org.bureau.pk, "text": RULESET_2011, "note": "x"},
        )
        assert edit.status_code in (302, 403)
    assert world.ruleset.versions.count() <= 1
    # another bureau's rule set stays out of sight
    client.force_login(world.outsider)
    assert (
        reverse("scoring:standings", args=[world.ruleset.pk])
        not in client.get(reverse("scoring:ruleset-list")).text
    )
    assert client.get(reverse("scoring:ruleset-edit", args=[world.ruleset.pk])).status_code == 404


def test_a_bureau_office_reads_but_cannot_change_its_superiors_rule_set(client, world):
    province = make_ruleset(
        world.org.province, name="省局办法", code="province-2011", status=RuleSetStatus.DRAFT
    )
    client.force_login(world.office)
    listing = client.get(reverse("scoring:ruleset-list")).text
    assert reverse("scoring:ruleset-edit", args=[province.pk]) in listing
    page = client.get(reverse("scoring:ruleset-edit", args=[province.pk]))
    assert page.status_code == 200 and "<textarea" not in page.text
    before = province.versions.count()
    edit = client.post(
        reverse("scoring:ruleset-edit", args=[province.pk]),
        {"unit": world.org.province.pk, "text": RULESET_2011 + "\n", "note": "改"},
    )
    assert edit.status_code in (302, 403) and province.versions.count() == before
    # its own bureau's rule set it still edits
    own = client.get(reverse("scoring:ruleset-edit", args=[world.ruleset.pk]))
    assert "<textarea" in own.text


def test_units_with_equal_points_share_a_rank(world):
    from xinxuan.scoring import ledger
    from xinxuan.scoring.models import Standing

    for unit, points in (
        (world.org.dept, 30),
        (world.org.other_dept, 30),
        (world.org.section.parent, 5),
    ):
        Standing.objects.create(ruleset=world.ruleset, unit=unit, points=Decimal(points))
    rows = ledger.standings(world.ruleset)
    assert [row.rank for row in rows] == [1, 1, 3]
