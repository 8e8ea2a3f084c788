"""Settings for bench/bench_portal.py: the project's, plus the baseline views' URLs."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "portal_baseline"
