"""Cached public pages change the moment anything readers see changes, and not before."""

import datetime

from reviews.dates import add_months
from reviews.services import set_default_review_cycle
from tests.reviews.test_workflow import PUBLIC, approve_all, edit_summary, submit
from therapies.models import PublishedPage

TOPIC = "/topics/targeted-therapies-soft-tissue-sarcoma/"
CACHED = ["/", TOPIC, PUBLIC, "/therapies/", "/therapies/?q=glivec", "/feed/", "/sitemap.xml"]


def fill_cache(client):
    client.logout()
    for url in CACHED:
        assert client.get(url)["X-Page-Cache"] == "miss", url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_publication_reaches_the_very_next_request(seed, as_user, client):
    from therapies.models import Therapy

    imatinib = Therapy.objects.get(slug="imatinib")
    edit_summary(as_user, imatinib, "Imatinib blocks a signal that makes GIST cells grow.")
    request = submit(as_user, imatinib)
    fill_cache(client)
    # Saved and sent for review, but not approved: readers still get the cached page.
    assert "blocks a signal" not in client.get(PUBLIC).text
    approve_all(as_user, request)
    client.logout()
    for url in [PUBLIC, TOPIC]:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Imatinib blocks a signal that makes GIST cells grow." in response.text, url
    assert "imatinib updated" in client.get("/feed/").text.lower()


def test_a_withdrawal_reaches_the_very_next_request(seed, as_user, client):
    fill_cache(client)
    page = PublishedPage.objects.get(slug="imatinib")
    response = as_user("senior").post(
        f"/admin/therapies/publishedpage/{page.pk}/withdraw/", {"reason": "Being checked."}
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(PUBLIC).status_code == 410
    assert 'href="/therapies/imatinib/"' not in client.get(TOPIC).text
    assert "/therapies/imatinib/" not in client.get("/sitemap.xml").text
    assert "imatinib" not in client.get("/therapies/?q=glivec").text


def test_new_review_dates_reach_the_very_next_request(seed, people, client):
    fill_cache(client)
    assert ">1 December 2025</time>" in client.get(PUBLIC).text
    set_default_review_cycle(months=24, user=people["senior"])
    response = client.get(PUBLIC)
    assert response["X-Page-Cache"] == "miss"
    assert ">1 December 2024</time>" in response.text


def test_a_review_falling_due_overnight_shows_the_next_morning(seed, client, monkeypatch):
    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    review = PublishedPage.objects.get(slug="imatinib").review
    review.cycle_months = 12
    review.reviewed_on = add_months(tomorrow, -12)
    review.save()
    due = review.next_review_due  # tomorrow, or a day either side at a month's end
    assert due > timezone.localdate()
    assert "due for review" not in client.get(PUBLIC).text.lower()
    monkeypatch.setattr(timezone, "localdate", lambda *args: due)
    assert "due for review" in client.get(PUBLIC).text.lower()
