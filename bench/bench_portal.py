#!/usr/bin/env python3
"""Portal speed: the application against baselines measured in the same run.

Needs wrk, nginx and varnishd (Debian: ``apt-get install -y wrk nginx-light varnish``);
installs nothing itself.  Starts everything on loopback in a temporary directory:

* gunicorn A — the application with its page cache (and Varnish as its purge target),
* gunicorn B — the application with its page cache off, plus the baseline views of
  bench/portal_baseline.py,
* Varnish in front of A with deploy/varnish.vcl,
* nginx serving the same HTML as static files.

For the article page and the home page it prints requests/s, p50 and p99 latency and
the ratios the issue asks for, then publishes a change and measures how long it
takes to show through Varnish.  Usage: ``.venv/bin/python bench/bench_portal.py``
(``BENCH_SECONDS``, ``BENCH_CONNECTIONS``, ``BENCH_WORKERS`` tune it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
PORT_A, PORT_B, PORT_PROXY, PORT_NGINX = 8101, 8102, 8103, 8104
TARGETS = [  # (name, uncached ≥, cached ≥, proxied ≥)
    ("article", 0.7, 0.8, 0.5),
    ("home", 0.7, 0.8, 0.5),
]


def need_tools() -> None:
    missing = [
        t
        for t in ("wrk", "nginx", "varnishd")
        if not shutil.which(t) and not Path(f"/usr/sbin/{t}").exists()
    ]
    if missing:
        print(f"Missing: {', '.join(missing)}.  Install them first, e.g.")
        print("  sudo apt-get install -y wrk nginx-light varnish")
        sys.exit(2)


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_port(port: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on port {port}")


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [PY, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wrk(url: str) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def latency(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": rps,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — loopback
        return response.read().decode()


def main() -> None:  # noqa: C901 — one linear script
    need_tools()
    tmp = Path(tempfile.mkdtemp(prefix="xinxuan-bench-"))
    tmp.chmod(0o755)  # varnishd reads its VCL as its own unprivileged user
    env = {
        **os.environ,
        "XINXUAN_VAR_DIR": str(tmp),
        "XINXUAN_DEBUG": "0",
        "XINXUAN_LOG_LEVEL": "WARNING",
        "XINXUAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "portal_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        # The bench process publishes; the workers must see the same cache.
        "XINXUAN_CACHE_URL": "redis://127.0.0.1:6379/3" if redis_up() else f"file://{tmp}/cache",
        "XINXUAN_FRONTEND_CACHE_URL": f"http://127.0.0.1:{PORT_PROXY}",
        "XINXUAN_BASE_URL": f"http://127.0.0.1:{PORT_PROXY}",
    }
    processes: list[subprocess.Popen] = []
    try:
        print(f"# setting up in {tmp} (cache: {env['XINXUAN_CACHE_URL']})", flush=True)
        if env["XINXUAN_CACHE_URL"].startswith("redis"):
            subprocess.run(["redis-cli", "-n", "3", "flushdb"], capture_output=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        info = json.loads(
            manage(
                env,
                "shell",
                "-c",
                (
                    "import json; from xinxuan.portal import demo; from wagtail.models import Site;"
                    "from xinxuan.portal.models import ArticlePage, HomePage;"
                    "demo.load(log=lambda m: None);"
                    "s = Site.objects.get(is_default_site=True); s.hostname = '127.0.0.1';"
                    f"s.port = {PORT_PROXY}; s.save();"
                    "a = ArticlePage.objects.get(slug='2012-information-publicity-meeting');"
                    "h = HomePage.objects.get();"
                    "print(json.dumps({'article': [a.pk, a.url], 'home': [h.pk, '/']}))"
                ),
            )
            .strip()
            .splitlines()[-1]
        )

        def gunicorn(port: int, **extra: str) -> None:
            log = open(tmp / f"gunicorn-{port}.log", "w")  # noqa: SIM115
            processes.append(
                subprocess.Popen(
                    [
                        GUNICORN,
                        "config.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(WORKERS),
                        "--limit-request-line",
                        "0",
                        "--backlog",
                        "2048",
                    ],
                    env={**env, **extra},
                    cwd=ROOT,
                    stdout=log,
                    stderr=log,
                )
            )

        gunicorn(PORT_A)
        gunicorn(PORT_B, XINXUAN_PAGE_CACHE_SECONDS="0")
        vcl = (
            (ROOT / "deploy" / "varnish.vcl")
            .read_text()
            .replace('.port = "8000"', f'.port = "{PORT_A}"')
        )
        (tmp / "varnish.vcl").write_text(vcl)
        processes.append(
            subprocess.Popen(
                [
                    "varnishd",
                    "-F",
                    "-a",
                    f"127.0.0.1:{PORT_PROXY}",
                    "-f",
                    str(tmp / "varnish.vcl"),
                    "-n",
                    str(tmp / "varnish"),
                    "-s",
                    "malloc,64m",
                    "-T",
                    "127.0.0.1:0",
                ],
                stdout=open(tmp / "varnish.log", "w"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            )
        )
        www = tmp / "www"
        www.mkdir()
        (tmp / "nginx.conf").write_text(
            f"worker_processes {WORKERS}; pid {tmp}/nginx.pid; error_log {tmp}/nginx.err;"
            "events { worker_connections 1024; }"
            f"http {{ access_log off; client_body_temp_path {tmp}/nb; proxy_temp_path {tmp}/np;"
            f" fastcgi_temp_path {tmp}/nf; uwsgi_temp_path {tmp}/nu; scgi_temp_path {tmp}/ns;"
            f" server {{ listen 127.0.0.1:{PORT_NGINX}; root {www};"
            " default_type text/html; } }"
        )
        for port in (PORT_A, PORT_B, PORT_PROXY):
            wait_port(port)

        rows = []
        for name, want_uncached, want_cached, want_proxy in TARGETS:
            pk, path = info[name]
            html = fetch(f"http://127.0.0.1:{PORT_B}{path}")
            (www / f"{name}.html").write_text(html)
            urls = {
                "bare Django, render": f"http://127.0.0.1:{PORT_B}/__bench/render/{pk}/",
                "app, uncached": f"http://127.0.0.1:{PORT_B}{path}",
                "bare Django, cached": f"http://127.0.0.1:{PORT_B}/__bench/cached/{pk}/",
                "app, own cache": f"http://127.0.0.1:{PORT_A}{path}",
                "nginx, static file": f"http://127.0.0.1:{PORT_NGINX}/{name}.html",
                "app behind Varnish": f"http://127.0.0.1:{PORT_PROXY}{path}",
            }
            if name == TARGETS[0][0]:
                processes.append(
                    subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
                )
                wait_port(PORT_NGINX)
            results = {}
            print(
                f"\n## {name} page ({len(html) // 1024} KB), {CONNECTIONS} connections, "
                f"{SECONDS} s each, {WORKERS} gunicorn workers",
                flush=True,
            )
            print(f"{'':24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
            for label, url in urls.items():
                for _ in range(3):
                    fetch(url)  # warm caches and the worker's memoised context
                results[label] = r = wrk(url)
                note = f"  ({r['errors']} non-2xx!)" if r["errors"] else ""
                print(
                    f"{label:24} {r['rps']:9.0f} {r['p50']:8.1f} {r['p99']:8.1f}{note}", flush=True
                )
            ratios = [
                (
                    "uncached / bare render",
                    results["app, uncached"]["rps"] / results["bare Django, render"]["rps"],
                    want_uncached,
                ),
                (
                    "own cache / bare cached",
                    results["app, own cache"]["rps"] / results["bare Django, cached"]["rps"],
                    want_cached,
                ),
                (
                    "Varnish / nginx static",
                    results["app behind Varnish"]["rps"] / results["nginx, static file"]["rps"],
                    want_proxy,
                ),
            ]
            for label, ratio, want in ratios:
                verdict = "met" if ratio >= want else "NOT MET"
                print(f"ratio {label:26} {ratio:5.2f}  (target ≥ {want}: {verdict})")
                rows.append((name, label, ratio, want))

        # A published change must show through Varnish within one second.
        pk, path = info["article"]
        before = fetch(f"http://127.0.0.1:{PORT_PROXY}{path}")
        assert "（修订）" not in before
        out = manage(
            env,
            "shell",
            "-c",
            (
                "import time, urllib.request;"
                "from xinxuan.portal.models import ArticlePage;"
                "from xinxuan.portal.actions import publish_article;"
                f"a = ArticlePage.objects.get(pk={pk}); a.title = a.title + '（修订）';"
                "publish_article(article=a); t0 = time.monotonic(); seen = None\n"
                "while time.monotonic() - t0 < 5:\n"
                f"    body = urllib.request.urlopen('http://127.0.0.1:{PORT_PROXY}{path}').read()"
                ".decode()\n"
                "    if '（修订）' in body: seen = time.monotonic() - t0; break\n"
                "    time.sleep(0.01)\n"
                "print('VISIBLE', seen)"
            ),
        )
        seen = out.strip().splitlines()[-1].split()[-1]
        home = fetch(f"http://127.0.0.1:{PORT_PROXY}/")
        visible = seen != "None" and float(seen) <= 1.0
        print(
            f"\npublished change visible through Varnish after "
            f"{f'{float(seen):.3f} s' if seen != 'None' else 'more than 5 s'}"
            f" (target ≤ 1 s: {'met' if visible else 'NOT MET'}); "
            f"home page shows it: {'（修订）' in home}"
        )
        failed = [r for r in rows if r[2] < r[3]] or ([] if visible else ["visibility"])
        print("\nall targets met" if not failed else f"\n{len(failed)} target(s) not met")
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
