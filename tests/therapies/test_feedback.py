"""Was this page helpful? Readers answer; editors read; nobody floods it."""

import pytest
from django.test import Client, override_settings

from therapies.models import Feedback, PublishedPage

URL = "/feedback/therapy/imatinib/"


def test_a_reader_says_a_page_helped_and_is_thanked(seed, client):
    page = PublishedPage.objects.get(slug="imatinib")
    form = client.get("/therapies/imatinib/").content.decode()
    assert 'action="/feedback/therapy/imatinib/"' in form
    response = client.post(URL, {"helpful": "yes", "comment": "Clear, thank you."})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (True, "Clear, thank you.")
    assert (feedback.kind, feedback.object_id) == ("therapy", page.object_id)
    assert feedback.revision_id == page.revision_id  # the revision the reader saw
    thanks = client.get(response["Location"])
    assert "Thank you for your feedback" in thanks.content.decode()
    assert 'href="/therapies/imatinib/"' in thanks.content.decode()


def test_no_answer_is_explained_and_the_comment_kept(seed, client):
    response = client.post(URL, {"comment": "Too long words."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose yes or no." in html
    assert "Too long words.</textarea>" in html
    assert not Feedback.objects.exists()


@override_settings(FEEDBACK_LIMIT=2)
def test_too_much_feedback_from_one_client_is_refused_kindly(seed, client):
    for _ in range(2):
        assert client.post(URL, {"helpful": "no"}).status_code == 302
    response = client.post(URL, {"helpful": "no", "comment": "My third try."})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait 10 minutes" in html
    assert "My third try.</textarea>" in html
    assert Feedback.objects.count() == 2
    other_reader = Client(REMOTE_ADDR="203.0.113.9")
    assert other_reader.post(URL, {"helpful": "yes"}).status_code == 302


def test_feedback_needs_the_csrf_token(seed):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, {"helpful": "yes"}).status_code == 403
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "url", ["/feedback/therapy/nope/", "/feedback/glossary_term/inhibiting/", "/feedback/x/y/"]
)
def test_feedback_on_no_page_is_a_404(seed, client, url):
    assert client.post(url, {"helpful": "yes"}).status_code == 404


def test_the_thanks_page_never_sends_readers_elsewhere(db, client):
    html = client.get("/feedback/thanks/?from=https://evil.example/").content.decode()
    assert "evil.example" not in html
    assert 'href="/"' in html


def test_editors_see_feedback_on_the_dashboard_and_the_page(seed, client, admin_client):
    from therapies.models import Therapy

    client.post(URL, {"helpful": "no", "comment": "What does adjuvant mean?"})
    dashboard = admin_client.get("/admin/").content.decode()
    assert "Helpful: 0. Not helpful: 1." in dashboard
    assert "What does adjuvant mean?" in dashboard
    imatinib = Therapy.objects.get(slug="imatinib")
    change = admin_client.get(f"/admin/therapies/therapy/{imatinib.pk}/change/").content.decode()
    assert "0 found it helpful, 1 did not." in change


@override_settings(FEEDBACK_LIMIT=1, TRUSTED_PROXY_HOPS=1)
def test_behind_a_load_balancer_each_reader_has_their_own_limit(seed):
    balancer = {"REMOTE_ADDR": "10.0.0.5"}
    first = Client(**balancer, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(**balancer, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert first.post(URL, {"helpful": "yes"}).status_code == 302
    assert second.post(URL, {"helpful": "yes"}).status_code == 302
    assert first.post(URL, {"helpful": "yes"}).status_code == 429
