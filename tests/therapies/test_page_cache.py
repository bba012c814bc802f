"""Public pages sent whole from the cache, with what browsers and CDNs need to hold them."""

import pytest
from django.test import Client, override_settings

from therapies.models import Feedback

PAGE = "/therapies/imatinib/"


def test_a_cached_page_costs_one_query(seed, client, django_assert_num_queries):
    first = client.get(PAGE)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # which edition of the site is current
        again = client.get(PAGE)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content


def test_pages_carry_validators_and_answer_conditional_requests(seed, client):
    page = client.get(PAGE)
    assert page["Cache-Control"] in {
        "public, max-age=0, must-revalidate",
        "max-age=0, public, must-revalidate",
    }
    assert page["ETag"].startswith('"')
    assert page["Last-Modified"].endswith("GMT")
    unchanged = client.get(PAGE, headers={"If-None-Match": page["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    since = client.get(PAGE, headers={"If-Modified-Since": page["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(PAGE, headers={"If-None-Match": '"an-older-page"'})
    assert stale.status_code == 200
    assert stale.content == page.content


def test_head_answers_with_the_headers_only(seed, client):
    client.get(PAGE)
    head = client.head(PAGE)
    assert head.status_code == 200
    assert head["X-Page-Cache"] == "hit"
    assert head.content == b""


def test_security_headers_are_kept_on_cached_pages(seed, client):
    client.get(PAGE)
    cached = client.get(PAGE)
    assert cached["X-Frame-Options"] == "DENY"
    assert cached["X-Content-Type-Options"] == "nosniff"


@override_settings(PUBLIC_PAGE_MAX_AGE=300)
def test_how_long_others_may_hold_a_page_is_a_setting(seed, client):
    assert "max-age=300" in client.get(PAGE)["Cache-Control"]


def test_cached_pages_hold_nothing_personal(seed, client, admin_client):
    """No CSRF token, no cookie: the same bytes can go to every reader."""
    for url in [PAGE, "/", "/topics/targeted-therapies-soft-tissue-sarcoma/", "/therapies/"]:
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.text, url
        assert not response.cookies, url
    # An editor who is logged in gets the same page.
    assert admin_client.get(PAGE).content == client.get(PAGE).content


def test_feedback_starts_on_the_cached_page_and_is_sent_from_its_own(seed):
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(PAGE).text
    assert 'action="/feedback/therapy/imatinib/"' in page
    assert 'name="helpful" value="no"' in page
    ask = reader.get("/feedback/therapy/imatinib/?helpful=no")
    assert ask.status_code == 200
    assert "csrfmiddlewaretoken" in ask.text
    assert 'value="no" id="id_helpful_1" required checked' in ask.text
    assert "Nothing is sent until you do." in ask.text
    assert not Feedback.objects.exists()  # asking is not answering
    token = ask.cookies["csrftoken"].value
    sent = reader.post(
        "/feedback/therapy/imatinib/",
        {"helpful": "no", "comment": "", "csrfmiddlewaretoken": ask.context["csrf_token"]},
        headers={"Cookie": f"csrftoken={token}"},
    )
    assert sent.status_code == 302
    assert Feedback.objects.get().helpful is False


def test_a_reader_with_a_message_waiting_gets_a_fresh_page(seed, client):
    client.get(PAGE)
    client.cookies["messages"] = "something"
    assert "X-Page-Cache" not in client.get(PAGE)


def test_only_public_pages_are_cached(seed, client, admin_client):
    client.get("/feedback/therapy/imatinib/?helpful=yes")
    assert "X-Page-Cache" not in client.get("/feedback/therapy/imatinib/?helpful=yes")
    assert "X-Page-Cache" not in admin_client.get("/admin/")
    missing = client.get("/therapies/no-such-drug/")
    assert missing.status_code == 404
    assert "X-Page-Cache" not in missing


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
)
def test_pages_are_served_when_the_cache_is_down(seed, client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Imatinib" in response.text


@pytest.mark.parametrize("url", ["/therapies/?q=", "/therapies/?page=2", "/feed/"])
def test_each_address_is_cached_on_its_own(seed, client, url):
    first = client.get(url)
    assert client.get(url).content == first.content
    assert client.get(url)["X-Page-Cache"] == "hit"
