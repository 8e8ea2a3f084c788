"""Each demo role logs in through a real browser and sees only what it should."""

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_bureau():
    from xinxuan.organisation import demo

    demo.load(log=lambda message: None)


def unit_list(page, live_server):
    page.goto(f"{live_server.url}/admin/snippets/organisation/unit/")
    return page.locator("main").inner_text()


def test_login_page_is_chinese(page, live_server, demo_bureau):
    page.goto(f"{live_server.url}/admin/login/")
    assert "登录" in page.content()


@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        pytest.param(
            "office", ["卫生检疫处", "武进办事处", "轻纺处"], ["南京出入境检验检疫局"], id="office"
        ),
        pytest.param(
            "province", ["常州出入境检验检疫局", "南京出入境检验检疫局"], [], id="province"
        ),
        pytest.param(
            "leader", ["动植物检验检疫处", "卫生检疫处"], ["苏州出入境检验检疫局"], id="leader"
        ),
        pytest.param("head", ["动植物检验检疫处"], ["卫生检疫处"], id="head"),
        pytest.param("officer", ["动植物检验检疫处"], ["卫生检疫处", "办公室"], id="officer"),
        pytest.param("officer2", ["卫生检疫处"], ["动植物检验检疫处"], id="colleague"),
    ],
)
def test_staff_role_sees_its_units(page, live_server, demo_bureau, username, sees, does_not_see):
    login(page, live_server, username)
    assert "/admin/login" not in page.url, f"{username} could not log in"
    text = unit_list(page, live_server)
    for name in sees:
        assert name in text, f"{username} should see {name}"
    for name in does_not_see:
        assert name not in text, f"{username} should not see {name}"


def test_reader_has_no_workbench(page, live_server, demo_bureau):
    login(page, live_server, "reader")
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login" in page.url


def test_wrong_password_is_refused_in_chinese(page, live_server, demo_bureau):
    login(page, live_server, "office", password="not-the-password")
    assert "/admin/login" in page.url
    assert "用户名" in page.content() or "密码" in page.content()
