"""The demo's 2011 year: the seed's headline figures, 动植检处's first prize and the
2012 plaque, all produced by the actions; the year bulletin is ready."""

import datetime as dt

import pytest

from xinxuan.appraisal import demo as appraisal_demo
from xinxuan.appraisal.models import Appraisal, PlaqueAward
from xinxuan.bulletins import demo as bulletins_demo
from xinxuan.bulletins.models import Bulletin, BulletinStatus
from xinxuan.organisation import demo as organisation_demo
from xinxuan.outcomes import demo as outcomes_demo
from xinxuan.outcomes.figures import headline_figures
from xinxuan.scoring import demo as scoring_demo
from xinxuan.submissions import demo as submissions_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    for module in (
        organisation_demo,
        submissions_demo,
        outcomes_demo,
        scoring_demo,
        appraisal_demo,
        bulletins_demo,
    ):
        module.load(log=lambda _message: None)


def test_the_demo_year_has_the_seed_figures_prize_plaque_and_bulletin(demo):
    # one test: loading the demo year takes most of a minute
    appraisal = Appraisal.objects.get(ruleset__code="changzhou-2011")
    bureau = appraisal.ruleset.unit
    figures = headline_figures(unit=bureau, start=dt.date(2011, 1, 1), end=dt.date(2011, 12, 31))
    assert figures.reported >= 150
    assert figures.adopted_high == 16
    assert figures.endorsements == 12
    assert figures.media_articles >= 300
    assert figures.prizes == 3

    assert appraisal.is_confirmed
    first = appraisal.awards.get(tier="first", recipient="collective", track="publicity")
    assert first.unit.code == "cz-dzj"
    plaque = PlaqueAward.objects.get(year=2012)
    assert plaque.holder.code == "cz-dzj" and plaque.awarded_on == dt.date(2012, 3, 23)

    bulletin = Bulletin.objects.get(ruleset__code="changzhou-2011")
    assert bulletin.status == BulletinStatus.READY, bulletin.error
    assert bulletin.number == "常检办〔2012〕1号"
