"""The example web-server configuration serves no uploaded file itself."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_nginx_serves_only_the_static_folder():
    conf = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
    directives = [
        line.split("#", 1)[0] for line in conf.splitlines() if not line.strip().startswith("#")
    ]
    served = re.findall(r"\b(?:alias|root)\s+([^;\s]+)", "\n".join(directives))
    assert served == ["/srv/xinxuan/var/static/"]
    assert "/media" not in "\n".join(directives)
