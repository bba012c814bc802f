"""The review queue and the dashboard's "awaiting my sign-off" ask the one sign-off rule
(reviews.signing) about every open change, in the same number of queries for 1 as for 200."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import changes
from reviews.models import ReviewRequest
from tests.test_query_counts import add_therapies
from therapies.models import Therapy
from therapies.publishing import build_snapshot


def open_changes(count: int, start: int, sender) -> None:
    """`count` published therapies, each with a new revision sent for review by `sender`."""
    add_therapies(count, start)
    therapies = list(Therapy.objects.filter(slug__startswith="testinib").order_by("pk")[start:])
    revisions = changes.record_generated(therapies)
    template = build_snapshot(Therapy.objects.get(slug="sunitinib")).as_json()
    requests = ReviewRequest.objects.bulk_create(
        ReviewRequest(
            content_type=ContentType.objects.get_for_model(Therapy),
            object_id=therapy.pk,
            object_repr=therapy.generic_name,
            revision=revisions[therapy.pk],
            content_hash="-",
            snapshot={
                **template,
                "object_id": therapy.pk,
                "slug": therapy.slug,
                "document": {**template["document"], "summary": "A changed drug."},
            },
            summary="Reworded",
            submitted_by=sender,
        )
        for therapy in therapies
    )
    ReviewRequest.authors.through.objects.bulk_create(
        ReviewRequest.authors.through(reviewrequest_id=request.pk, user_id=sender.pk)
        for request in requests
    )


def page_for(client, user, url) -> tuple[int, str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def waiting(page: str) -> set[str]:
    """The changes a page links to for review."""
    return set(re.findall(r"/admin/reviews/reviewrequest/(\d+)/review/", page))


@pytest.mark.parametrize("url", ["/admin/reviews/reviewrequest/queue/", "/admin/"])
def test_changes_awaiting_sign_off_take_constant_queries(seed, people, client, url):
    open_changes(1, 0, people["editor"])
    small, page = page_for(client, people["clinical"], url)
    assert len(waiting(page)) == 1
    open_changes(199, 1, people["editor"])
    large, page = page_for(client, people["clinical"], url)
    assert len(waiting(page)) == 200
    assert large == small


def test_an_author_of_a_change_is_not_asked_to_sign_it(seed, people, client):
    """The dashboard asks the same rule as the queue: someone who wrote any part of a change
    (here the clinical reviewer, who also edited it) does not find it awaiting them."""
    open_changes(2, 0, people["editor"])
    first, second = ReviewRequest.objects.order_by("pk")
    first.authors.add(people["clinical"])
    for url in ["/admin/reviews/reviewrequest/queue/", "/admin/"]:
        _, page = page_for(client, people["clinical"], url)
        assert waiting(page) == {str(second.pk)}, url
