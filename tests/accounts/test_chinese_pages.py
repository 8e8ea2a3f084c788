"""The sign-in page and the error pages speak Chinese (zh-hans is the default)."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_login_page_labels_and_hints_are_chinese(client):
    page = client.get("/admin/login/").content.decode()
    labels = [label.strip() for label in re.findall(r"<label[^>]*>\s*([^<]*)", page)]
    assert labels[:2] == ["用户名", "密码"]
    assert re.findall(r'placeholder="([^"]*)"', page) == ["输入用户名", "输入密码"]


def test_a_form_without_its_security_token_is_refused_in_chinese():
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Forbidden" not in page and "安全校验" in page
    # styled, and offline: its style sheet comes from this site
    assert re.search(r'<link rel="stylesheet" href="/static/', page)
    assert not re.search(r'(?:href|src)="(?:https?:)?//', page)


def test_a_bad_request_page_is_chinese(rf):
    from xinxuan.accounts.views import bad_request

    response = bad_request(rf.get("/"))
    assert response.status_code == 400
    assert "请求已损坏" in response.content.decode()
