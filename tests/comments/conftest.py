import pytest
from captcha.models import CaptchaStore
from django.contrib.auth.hashers import make_password

from tests.portal.conftest import _fresh_caches, make_article, portal  # noqa: F401, F811
from xinxuan.comments import filtering


@pytest.fixture(autouse=True)
def _fresh_lexicon(settings):
    settings.COMMENTS_LEXICON_CHECK_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    filtering.forget()
    yield
    filtering.forget()


@pytest.fixture
def article(portal):  # noqa: F811
    return make_article(portal.news, "常州检验检疫局召开信息宣传工作推进会")


def captcha() -> dict[str, str]:
    """A fresh captcha and its right answer, as the form posts them."""
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def unused_password() -> str:
    return make_password(None)
