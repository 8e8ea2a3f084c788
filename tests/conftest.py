import pytest


def pytest_configure(config):
    # Hashing a password the production way (PBKDF2, a million rounds) takes half a
    # second here; tests create and log in hundreds of users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # Background jobs run at once, inside the test (a test of the worker overrides this).
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }


def pytest_terminal_summary(terminalreporter):
    # Tests that count what they checked (the security suites) say so whether or not
    # output is captured, and under xdist too: the counts travel as user properties.
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == "summary"
    ]
    for line in lines:
        terminalreporter.write_line(line)
