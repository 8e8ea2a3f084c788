"""`manage.py check --deploy` is clean with production values."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "XINXUAN_SECRET_KEY": "k" * 20 + "production-secret-key-with-enough-entropy-0123456789",
        "XINXUAN_HTTPS": "1",
        "XINXUAN_ALLOWED_HOSTS": "xinxuan.example.gov.cn",
        "XINXUAN_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixtures
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
