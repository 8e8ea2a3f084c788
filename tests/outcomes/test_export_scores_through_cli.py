"""The workbench's ledger export is an events file for the engine's command line: the
demo ledger, exported by the office and scored by ``python -m xinxuan.scoring.engine``
under the rule set in force, gives the standings the workbench shows."""

import datetime
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.urls import reverse

from xinxuan.accounts.models import User
from xinxuan.organisation import demo as organisation_demo
from xinxuan.organisation.models import Unit
from xinxuan.outcomes import actions
from xinxuan.outcomes import demo as outcomes_demo
from xinxuan.outcomes.models import Carrier, Outcome, OutcomeKind
from xinxuan.scoring import demo as scoring_demo
from xinxuan.scoring import ledger
from xinxuan.scoring.models import RuleSet
from xinxuan.submissions import demo as submissions_demo
from xinxuan.submissions.models import APPROVED_STATES, Item

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    for module in (organisation_demo, submissions_demo, outcomes_demo, scoring_demo):
        module.load(log=lambda _message: None)
    office = User.objects.get(username="office")
    day = datetime.date(2011, 6, 1)
    items = Item.objects.filter(status__in=APPROVED_STATES, kind__code="diaoyan").order_by("pk")
    research, other = items[0], items[1]
    # what the demo year lacks: a prize, a deduction, a submission delivered late, and a
    # revoked adoption, each of which the export must carry to the command line
    actions.record_prize(item=research, user=office, rule="haoxinwen", grade="二等奖", date=day)
    actions.record_deduction(
        unit=Unit.objects.get(code="cz-dzj"),
        user=office,
        rule="late-report",
        date=day,
        reason="迟报一次",
    )
    actions.record_submission(item=other, user=office, date=day, due=day - datetime.timedelta(2))
    adoption = actions.record_adoption(
        item=other, user=office, carrier=Carrier.objects.get(code="zongju-zhuanbao"), date=day
    )
    actions.revoke_outcome(outcome=adoption, user=office, reason="重复登记")
    return office, RuleSet.objects.get(code="changzhou-2011")


def score_with_cli(
    tmp_path, ruleset: RuleSet, export: bytes, suffix: str, units: bytes | None = None
) -> dict:
    rules = tmp_path / "rules.toml"
    rules.write_text(ruleset.text, encoding="utf-8")
    events = tmp_path / f"ledger.{suffix}"
    events.write_bytes(export)
    extra = []
    if units is not None:
        (tmp_path / "units.csv").write_bytes(units)
        extra = ["--units", str(tmp_path / "units.csv")]
    done = subprocess.run(
        [sys.executable, "-m", "xinxuan.scoring.engine", "score", "--rules", str(rules)]
        + ["--events", str(events), "--period", "2011", "--format", "json", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def export(client, query: str) -> bytes:
    response = client.get(reverse("outcomes:ledger") + query)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


# One test (the demo takes half a minute to load): both formats, then the submission row.
def test_the_exported_demo_ledger_scores_to_the_standings_on_screen(client, demo, tmp_path):
    office, ruleset = demo
    client.force_login(office)
    on_screen = {row.unit.label: row.points for row in ledger.standings(ruleset) if row.points}
    persons = {row.person.name: row.points for row in ledger.person_standings(ruleset)}
    for spreadsheet_format in ("csv", "xlsx"):
        data = export(client, f"?export={spreadsheet_format}")
        if spreadsheet_format == "csv":
            text = data.decode("utf-8-sig")
            assert "调研/政策研究" not in text  # the workbench's name, which the rule set lacks
            assert ",报送," in text and "好新闻奖" in text and "迟报" in text
        scored = score_with_cli(tmp_path, ruleset, data, spreadsheet_format)
        by_cli = {u["id"]: Decimal(u["points"]) for u in scored["units"] if Decimal(u["points"])}
        assert by_cli == on_screen, spreadsheet_format
        assert {p["id"]: Decimal(p["points"]) for p in scored["persons"]} == persons

    # with the units file the command line also knows the targets and the tree: every
    # unit the workbench ranks, with its points, target and completion, and the units
    # below it rolled up into it
    units = client.get(reverse("scoring:ruleset-units", args=[ruleset.pk]))
    assert units.status_code == 200 and units["Content-Type"].startswith("text/csv")
    assert "武进办" in units.content.decode("utf-8-sig")
    scored = score_with_cli(tmp_path, ruleset, export(client, "?export=csv"), "csv", units.content)
    by_cli = {u["id"]: u for u in scored["units"]}
    rows = ledger.standings(ruleset)
    assert sum(1 for row in rows if row.target) >= 3  # the demo's targets were compared
    for row in rows:
        cli = by_cli[row.unit.label]
        assert Decimal(cli["points"]) == row.points, row.unit.label
        if row.target is None:
            assert cli["target"] is None and cli["completion"] is None, row.unit.label
        else:
            assert Decimal(cli["target"]) == row.target, row.unit.label
            assert Decimal(cli["completion"]) * 100 == row.completion, row.unit.label

    text = export(client, "?export=csv&kind=submission").decode("utf-8-sig")
    [header, row] = text.strip().splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True))
    submission = Outcome.objects.get(kind=OutcomeKind.SUBMISSION)
    assert (values["事件"], values["日期"], values["应报日期"]) == (
        "报送",
        submission.date.isoformat(),
        submission.due.isoformat(),
    )
