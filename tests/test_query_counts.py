"""Pages take the same number of SQL queries with 10 therapies as with 500."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from reviews.models import PageReview
from reviews.versions import versions_of
from therapies import search
from therapies.context_processors import current_site
from therapies.editions import edition_clock
from therapies.models import PublishedFacet, PublishedPage, SideEffect, Therapy, TherapySideEffect
from therapies.publishing import build_snapshot


def add_therapies(count: int, start: int):
    """`count` published therapies like sunitinib (same document, own names), in bulk."""
    sunitinib = Therapy.objects.get(slug="sunitinib")
    template = build_snapshot(sunitinib)
    therapies = Therapy.objects.bulk_create(
        Therapy(generic_name=f"testinib{n:04d}", slug=f"testinib{n:04d}", summary="A drug.")
        for n in range(start, start + count)
    )
    effects = list(SideEffect.objects.all())
    TherapySideEffect.objects.bulk_create(
        TherapySideEffect(therapy=t, side_effect=effects[n % len(effects)])
        for n, t in enumerate(therapies)
    )
    content_type = ContentType.objects.get_for_model(Therapy)
    reviews = PageReview.objects.bulk_create(
        PageReview(
            content_type=content_type,
            object_id=t.pk,
            reviewed_on=datetime.date(2024, 1, 1),
            next_review_due=datetime.date(2027, 1, 1),
        )
        for t in therapies
    )
    pages = PublishedPage.objects.bulk_create(
        PublishedPage(
            kind="therapy",
            object_id=t.pk,
            slug=t.slug,
            title=t.generic_name,
            sort_name=t.generic_name,
            search_names=t.generic_name,
            document={**template.document, "generic_name": t.generic_name},
            review=review,
            published_at="2026-01-01T00:00:00Z",
        )
        for t, review in zip(therapies, reviews, strict=True)
    )
    PublishedFacet.objects.bulk_create(
        PublishedFacet(page=page, name=name, value=value, label=label)
        for page in pages
        for name, value, label in template.facets
    )


PUBLIC = [
    "/",
    "/topics/targeted-therapies-soft-tissue-sarcoma/",
    "/therapies/",
    "/therapies/?condition=gastrointestinal-stromal-tumour&form=tablets",
    "/therapies/?q=tinib",
    "/therapies/?q=tinnib",  # a near spelling
    "/search/?q=tinib",
    "/search/?q=xyzzy",  # nothing found
    "/therapies/?page=2",
    "/therapies/sunitinib/",
    "/side-effects/tiredness/",
    "/glossary/",
    "/sitemap.xml",
    "/feed/",
]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def counts(client, urls) -> dict[str, int]:
    # The organisation's details and the search synonyms are read once per edition of the
    # site, not per request.
    current_site(RequestFactory().get("/"))
    search.synonyms(edition_clock.token())
    search.published_words(edition_clock.token())
    return {url: queries_for(client, url) for url in urls}


def grown(small: dict[str, int], large: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The pages that took more queries with more content."""
    return {url: (small[url], large[url]) for url in small if large[url] > small[url]}


@override_settings(HOME_A_TO_Z_LIMIT=5)  # the home page shows its letter index at both sizes
def test_public_pages_take_constant_queries(seed, client):
    add_therapies(10, 0)
    small = counts(client, PUBLIC)
    add_therapies(490, 10)
    assert grown(small, counts(client, PUBLIC)) == {}
    pages = {url: n for url, n in small.items() if "q=" not in url}
    assert max(pages.values()) <= 6, small
    # A search also decides whether to look for near spellings, and counts a search that found
    # nothing.
    assert max(small.values()) <= 12, small


@pytest.fixture
def admin_urls(seed):
    sunitinib = Therapy.objects.get(slug="sunitinib")
    base = f"/admin/therapies/therapy/{sunitinib.pk}"
    revision = versions_of(sunitinib).last().revision_id
    return [
        "/admin/",
        "/admin/therapies/therapy/",
        "/admin/therapies/therapy/?q=tinib",
        # Each page's status, and the filter by it, are worked out in the list's own query.
        "/admin/therapies/therapy/?status=draft_changes",
        "/admin/therapies/therapy/?status=overdue",
        "/admin/therapies/glossaryterm/?status=draft",
        "/admin/therapies/topic/",
        # How many pages show each row, likewise.
        "/admin/therapies/drugclass/",
        "/admin/therapies/reference/",
        f"{base}/change/",
        f"{base}/history/",
        f"{base}/preview/",
        f"{base}/compare/?older={revision}&newer={revision}",
        "/admin/therapies/sideeffect/",
        "/admin/therapies/publishedpage/",
        "/admin/therapies/feedback/",
        "/admin/reviews/pagereview/",
        "/admin/reviews/auditevent/",
        "/admin/reviews/publication/",
        "/admin/reviews/reviewrequest/",
        "/admin/reviews/reviewrequest/queue/",
    ]


def test_admin_pages_take_constant_queries(admin_urls, admin_client):
    add_therapies(10, 0)
    small = counts(admin_client, admin_urls)
    add_therapies(490, 10)
    assert grown(small, counts(admin_client, admin_urls)) == {}


def add_waiting_comments(editor, reviewer, start: int):
    """A change in review and a comment waiting for an answer on each therapy added from
    `start` on: half of them on pages `editor` is the responsible editor of, half on changes
    `editor` sent."""
    from reviews.models import ReviewComment, ReviewRequest

    content_type = ContentType.objects.get_for_model(Therapy)
    revision = versions_of(Therapy.objects.get(slug="sunitinib")).last().revision
    therapies = Therapy.objects.filter(generic_name__gte=f"testinib{start:04d}")
    PageReview.objects.filter(
        content_type=content_type, object_id__in=[t.pk for t in therapies[::2]]
    ).update(responsible_editor=editor)
    requests = ReviewRequest.objects.bulk_create(
        ReviewRequest(
            content_type=content_type,
            object_id=t.pk,
            object_repr=t.generic_name,
            revision=revision,
            snapshot={},
            summary="Check",
            submitted_by=editor,
            state=ReviewRequest.State.CHANGES_REQUESTED,
            closed_at="2026-01-01T00:00:00Z",
        )
        for t in therapies
    )
    ReviewComment.objects.bulk_create(
        ReviewComment(review_request=r, author=reviewer, text="Why?") for r in requests
    )


def test_the_dashboard_with_comments_waiting_takes_constant_queries(seed, client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from reviews import roles
    from reviews.models import EditorialRole, Reviewer

    roles.sync_groups()
    make = get_user_model().objects.create_user
    editor = make("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    reviewer = make("lay", is_staff=True)
    Reviewer.objects.create(
        user=reviewer, name="Lee", job_title="Reader", editorial_role=EditorialRole.LAY_REVIEWER
    )
    client.force_login(editor)
    add_therapies(10, 0)
    add_waiting_comments(editor, reviewer, 0)
    small = queries_for(client, "/admin/")
    assert "Comments waiting for my answer (10)" in client.get("/admin/").text
    add_therapies(490, 10)
    add_waiting_comments(editor, reviewer, 10)
    assert queries_for(client, "/admin/") == small
    assert "Comments waiting for my answer (500)" in client.get("/admin/").text
