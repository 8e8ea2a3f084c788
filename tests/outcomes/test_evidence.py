"""Evidence files: only documents and pictures, and never served as public files
(they are opened from their outcome: tests/files/test_serving.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.submissions.world import approved_item, make_world
from xinxuan.outcomes.models import Outcome

pytestmark = pytest.mark.django_db


def record_adoption(client, world, item, evidence):
    return client.post(
        reverse("outcomes:outcome-record", args=[item.pk, "adoption"]),
        {
            "carrier": world.carriers["sheng-dongtai"].pk,
            "use": "sole",
            "date": "2011-05-20",
            "evidence": evidence,
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def test_a_web_page_posing_as_evidence_is_refused(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    item = approved_item(world)
    client.force_login(world.office)
    page = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", "text/html")
    record_adoption(client, world, item, page)
    assert not Outcome.objects.filter(item=item, kind="adoption").exists()
    assert not list(tmp_path.rglob("*.html"))


def test_a_pdf_is_accepted_and_not_served_to_the_public(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    item = approved_item(world)
    client.force_login(world.office)
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4 demo", "application/pdf")
    record_adoption(client, world, item, pdf)
    outcome = Outcome.objects.get(item=item, kind="adoption")
    assert outcome.evidence.name.startswith("evidence/")
    assert "proof" not in outcome.evidence.name  # stored under a random name
    # No file route reaches the evidence by its name, signed in or not.
    for path in (f"/_files/{outcome.evidence.name}", f"/media/{outcome.evidence.name}"):
        assert client.get(path).status_code == 404
        client.logout()
        assert client.get(path).status_code == 404
