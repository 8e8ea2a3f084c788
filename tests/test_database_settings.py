"""The database connection as configured: on PostgreSQL, statements a connection runs
often are prepared on the server (``XINXUAN_DB_PREPARE_THRESHOLD``)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from xinxuan.organisation.models import Unit

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    not os.environ.get("XINXUAN_DATABASE_URL", "").startswith("postgres"),
    reason="prepared statements are a PostgreSQL connection's",
)
def test_a_statement_run_often_is_prepared_on_the_server():
    for pk in range(8):  # the threshold is 5 by default
        list(Unit.objects.filter(pk=pk).values_list("name"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "organisation_unit"' in sql and "$1" in sql for sql in prepared), prepared


def test_a_threshold_that_is_not_a_number_is_refused_with_its_name():
    env = {
        **os.environ,
        "XINXUAN_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "XINXUAN_DB_PREPARE_THRESHOLD": "often",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "XINXUAN_DB_PREPARE_THRESHOLD" in result.stderr
    assert "'often'" in result.stderr
