"""Posting a comment under load: a gunicorn server and this process as the client.

    .venv/bin/python bench/bench_comments.py                  # SQLite, 2 workers, 2 clients
    .venv/bin/python bench/bench_comments.py --database postgres://postgres@127.0.0.1:5432/bench_reader
    .venv/bin/python bench/bench_comments.py --posts 400 --threads 1 --workers 1 --rounds 5

Builds a throw-away database (SQLite under a temporary directory, or the PostgreSQL
database given, which is dropped and created again), migrates it, makes a portal with
one article in a post-moderated channel and one reader per client thread, starts
gunicorn on 127.0.0.1 only, signs each reader in, warms every worker up (the lexicon
tables are built on a worker's first post), then, ``--rounds`` times, times
``--posts`` requests of the baseline GET /healthz (one trivial query) and then as many
comment posts over loopback, from this (second) process.  Prints per round and as
medians with their spread: the median and p95 of each, the errors, the ratio of the
p95s, and the load average.  The captcha is in test mode and the rate limits are
raised for the run only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CHARS = "会议表彰了年度信息宣传政策研究工作先进集体和个人对流动示范点进行授牌通报情况部署任务要求"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup(env: dict, readers: int) -> int:
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    script = f"""
from django.contrib.auth.models import Group
from wagtail.models import Page, Site
from xinxuan.accounts.models import User
from xinxuan.accounts.roles import GROUP_NAMES, Role
from xinxuan.comments.models import ChannelCommentPolicy, Moderation
from xinxuan.portal.models import ArticlePage, ChannelPage, HomePage
root = Page.get_first_root_node()
home = HomePage(title="门户", slug="bench-portal")
root.add_child(instance=home)
home.save_revision().publish()
site = Site.objects.get(is_default_site=True)
site.root_page = home
site.save()
news = ChannelPage(title="新闻", slug="news", show_in_menus=True)
home.add_child(instance=news)
news.save_revision().publish()
ChannelCommentPolicy.objects.create(channel=news, moderation=Moderation.AFTER)
article = ArticlePage(title="推进会", body=[])
news.add_child(instance=article)
article.save_revision().publish()
group = Group.objects.get(name=GROUP_NAMES[Role.READER])
for i in range({readers}):
    user = User.objects.create_user(username=f"reader{{i}}", password="bench-password-1")
    user.groups.add(group)
print(article.pk)
"""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


class Reader:
    def __init__(self, port: int, username: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.username = username

    def request(self, method: str, path: str, fields: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status

    def sign_in(self) -> None:
        self.request("GET", "/readers/login/")
        status = self.request(
            "POST",
            "/readers/login/",
            {
                "username": self.username,
                "password": "bench-password-1",
                "captcha_0": "bench",
                "captcha_1": "passed",
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if status != 302:
            raise SystemExit(f"sign-in of {self.username} answered {status}")

    def post(self, article: int, rng: random.Random) -> int:
        body = "".join(rng.choice(CHARS) for _ in range(rng.randint(10, 120)))
        return self.request(
            "POST",
            f"/comments/{article}/post/",
            {"body": body, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")},
        )


def run_load(readers: list[Reader], count: int, work) -> tuple[list[float], int]:
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_thread = count // len(readers)

    def loop(reader: Reader, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        for _ in range(per_thread):
            started = time.perf_counter()
            status = work(reader, rng)
            elapsed = time.perf_counter() - started
            with lock:
                times.append(elapsed)
                if status >= 400:
                    errors += 1

    threads = [threading.Thread(target=loop, args=(r, i)) for i, r in enumerate(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def summary(name: str, times: list[float], errors: int) -> str:
    ordered = sorted(times)
    p95 = percentile(times, 0.95)
    return (
        f"{name}: {len(times)} requests, median {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms, errors {errors}"
    )


def server_cpu(master: int) -> float:
    """CPU seconds used so far by gunicorn's workers (and the database server's
    processes when given), from /proc: the cost of a request whatever the load."""
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in [master, *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def fresh_postgres(url: str) -> None:
    """Drop and create the benchmark's own PostgreSQL database."""
    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    common = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    common += ["-U", parts.username or "postgres"]
    subprocess.run(["dropdb", *common, "--if-exists", name], check=True)
    subprocess.run(["createdb", *common, name], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200, help="requests of each kind a round")
    parser.add_argument("--threads", type=int, default=2, help="client threads (one reader each)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="", help="a PostgreSQL URL; default SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var:
        port = free_port()
        env = {
            **os.environ,
            "XINXUAN_VAR_DIR": var,
            "XINXUAN_DEBUG": "0",
            "XINXUAN_CAPTCHA_TEST_MODE": "1",
            "XINXUAN_ALLOWED_HOSTS": "127.0.0.1",
            "XINXUAN_LOG_LEVEL": "WARNING",
            "XINXUAN_COMMENTS_RATE_LIMITS": "post-account=100000/60,post-address=100000/60",
            "XINXUAN_PAGE_CACHE_SECONDS": "0",
        }
        env.pop("XINXUAN_DATABASE_URL", None)
        if args.database:
            fresh_postgres(args.database)
            env["XINXUAN_DATABASE_URL"] = args.database
        article = setup(env, args.threads)
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            readers = [Reader(port, f"reader{i}") for i in range(args.threads)]
            for reader in readers:
                reader.sign_in()
            # Warm up: every worker builds its lexicon tables on its first post.
            run_load(readers, 20 * args.workers * args.threads, lambda r, g: r.post(article, g))
            database = "PostgreSQL" if args.database else "SQLite (WAL)"
            print(f"gunicorn {args.workers} workers, {args.threads} client threads, {database}")
            rounds = []
            cpu: dict[str, list[float]] = {"healthz": [], "post": []}
            for number in range(1, args.rounds + 1):
                before = server_cpu(server.pid)
                base, base_errors = run_load(
                    readers, args.posts, lambda r, g: r.request("GET", "/healthz")
                )
                middle = server_cpu(server.pid)
                posts, errors = run_load(readers, args.posts, lambda r, g: r.post(article, g))
                cpu["healthz"].append((middle - before) / len(base) * 1000)
                cpu["post"].append((server_cpu(server.pid) - middle) / len(posts) * 1000)
                rounds.append((base, base_errors, posts, errors))
                print(f"round {number}: " + summary("GET /healthz", base, base_errors))
                print(f"round {number}: " + summary("POST a comment", posts, errors))
            post_p95 = [percentile(r[2], 0.95) * 1000 for r in rounds]
            base_p95 = [percentile(r[0], 0.95) * 1000 for r in rounds]
            post_median = [statistics.median(r[2]) * 1000 for r in rounds]
            ratios = [p / b for p, b in zip(post_p95, base_p95, strict=True)]
            median = statistics.median
            print(
                f"POST a comment: median {median(post_median):.1f} ms, "
                f"p95 {median(post_p95):.1f} ms "
                f"(spread of the rounds' p95 {min(post_p95):.1f}–{max(post_p95):.1f}), "
                f"errors {sum(r[3] for r in rounds)} of {sum(len(r[2]) for r in rounds)}"
            )
            print(
                f"GET /healthz: p95 {median(base_p95):.1f} ms "
                f"({min(base_p95):.1f}–{max(base_p95):.1f}), "
                f"errors {sum(r[1] for r in rounds)}"
            )
            print(f"ratio of the p95s: {median(ratios):.1f}x ({min(ratios):.1f}–{max(ratios):.1f})")
            print(
                f"CPU time of the gunicorn workers per request (the database's own not "
                f"counted for PostgreSQL): POST {median(cpu['post']):.1f} ms "
                f"({min(cpu['post']):.1f}–{max(cpu['post']):.1f}), GET /healthz "
                f"{median(cpu['healthz']):.1f} ms ({min(cpu['healthz']):.1f}–"
                f"{max(cpu['healthz']):.1f})"
            )
            print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
