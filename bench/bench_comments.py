"""Posting a comment under load: a gunicorn server and this process as the client.

    .venv/bin/python bench/bench_comments.py                  # 400 posts, 4 client threads
    .venv/bin/python bench/bench_comments.py --posts 1000 --threads 8 --workers 2

Builds a throw-away SQLite database under a temporary directory (migrate, a portal
with one article in a post-moderated channel, one reader per client thread), starts
gunicorn on 127.0.0.1 only, signs each reader in, warms every worker up (the lexicon
tables are built on a worker's first post), then times a bounded number of comment
posts over loopback and prints the median, p95 and maximum and the error count.
The captcha is in test mode and the rate limits are raised for the run only.  As a
baseline in the same run it times GET /healthz (one trivial query) the same way.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
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
            base_times, base_errors = run_load(
                readers, args.posts, lambda r, g: r.request("GET", "/healthz")
            )
            times, errors = run_load(readers, args.posts, lambda r, g: r.post(article, g))
            print(f"gunicorn {args.workers} workers, {args.threads} client threads, SQLite (WAL)")
            print(summary("baseline GET /healthz", base_times, base_errors))
            print(summary("POST a comment", times, errors))
            ratio = percentile(times, 0.95) / percentile(base_times, 0.95)
            print(f"ratio of p95s: {ratio:.1f}x")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
