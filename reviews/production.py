"""The production record of one publication: everything an assessor asks to see about how a
page readers saw was made, checked and approved."""

import re

from django.db.models import Q
from django.utils import timezone

from reviews.authorship import authors_of_publication
from reviews.models import (
    AuditEvent,
    EditorialRole,
    PageReview,
    Publication,
    ReferenceCheck,
    ReviewRequest,
    SignOff,
)
from reviews.versions import revision_number
from therapies.models import (
    KIND_OF_MODEL,
    PAGE_MODELS,
    Feedback,
    PageKind,
    PublishedPage,
)
from therapies.models.published import page_address
from therapies.publishing import PageSnapshot, preview
from therapies.views import render_page


def render_as_published(publication: Publication, request, review=None) -> str:
    """The page `publication` made, as readers saw it: its snapshot made into a page by the code
    that publishes and rendered by the public views and templates, as the reviewers' preview
    is. `review`: the page's review record, when the caller has it already."""
    snapshot = PageSnapshot.from_json(publication.snapshot)
    if review is None:
        item = PAGE_MODELS[snapshot.kind](pk=snapshot.object_id)
        review = PageReview.objects.for_item(item).first()
    request_note = publication.review_request.reader_note if publication.review_request else ""
    page = preview(
        snapshot,
        review=review,
        approved_by=publication.approved_by,
        change_summary=request_note,
    )
    page.published_at = publication.published_at
    return render_page(request, page).content.decode()


def page_as_published(publication: Publication, request, review=None) -> str:
    """The main content of that page, for a record that shows it among the evidence."""
    html = render_as_published(publication, request, review)
    if publication.snapshot.get("kind") == PageKind.GLOSSARY_TERM:
        # The glossary shows every term; the record shows this one.
        slug = publication.snapshot.get("slug", "")
        term = re.search(rf'<div id="{re.escape(slug)}">.*?</div>', html, re.S)
        return f"<h1>Medical words explained</h1><dl>{term[0]}</dl>" if term else ""
    main = re.search(r"<main\b[^>]*>(.*)</main>", html, re.S)
    # Its questions for readers (feedback) are not part of what it said.
    return re.sub(r"<form\b.*?</form>", "", main[1] if main else html, flags=re.S)


def _sources(publication: Publication, until) -> list[dict]:
    """Each source the page cited, with its latest check in an approved review of this page up
    to `until`: one entry per source, however many reviews checked it. A check in a review
    that ended unapproved is no evidence."""
    cited = publication.snapshot.get("document", {}).get("references", [])
    checks = {}
    for check in (
        ReferenceCheck.objects.filter(
            review_request__content_type=publication.content_type,
            review_request__object_id=publication.object_id,
            review_request__state__in=[
                ReviewRequest.State.PUBLISHED,
                ReviewRequest.State.CONFIRMED,
            ],
            review_request__closed_at__lte=until,
        )
        .select_related("reference", "checked_by")
        .order_by("checked_on", "pk")
    ):
        checks[(check.reference.authors, check.reference.title)] = check
    return [
        {"reference": reference, "check": checks.get((reference["authors"], reference["title"]))}
        for reference in cited
    ]


def _feedback(kind: str, publication: Publication) -> dict:
    """What readers said of the version `publication` made."""
    said = list(
        Feedback.objects.for_page(kind, publication.object_id).filter(
            revision_id=publication.revision_id
        )
    )
    return {
        "helpful": sum(1 for f in said if f.helpful),
        "not_helpful": sum(1 for f in said if not f.helpful),
        "comments": [f for f in said if f.comment.strip()],
    }


def production_record(publication: Publication) -> dict:
    """Everything the record shows. Revisions are named by their number in the page's own
    history (as its history page shows them), each worked out in the query that reads it."""
    content_type = publication.content_type
    kind = KIND_OF_MODEL[content_type.model]
    # The review that led to this publication, then any later reviews that confirmed it.
    requests = [publication.review_request] if publication.review_request else []
    requests += list(
        ReviewRequest.objects.filter(
            content_type=content_type,
            object_id=publication.object_id,
            revision=publication.revision,
            state=ReviewRequest.State.CONFIRMED,
        )
    )
    signed = {r.pk: list(r.sign_offs.select_related("reviewer", "signer")) for r in requests}
    # A review that found no change needed approves this version again: the latest such final
    # approval, not the publication's, is the one readers are told of.
    reapproval = (
        SignOff.objects.filter(
            review_request__in=[r for r in requests if r.state == ReviewRequest.State.CONFIRMED],
            role=EditorialRole.SENIOR_MEDICAL_EDITOR,
            decision=SignOff.Decision.APPROVED,
        )
        .select_related("signer")
        .order_by("-signed_at")
        .first()
    )
    shown = PublishedPage.objects.filter(
        kind=kind, object_id=publication.object_id, revision=publication.revision
    ).first()
    page_review = (
        PageReview.objects.filter(content_type=content_type, object_id=publication.object_id)
        .select_related("approved_by")
        .first()
    )
    today = timezone.localdate()
    until = max(
        [publication.published_at, *(r.closed_at for r in requests if r.closed_at)], default=None
    )
    previous = (
        Publication.objects.filter(
            content_type=content_type,
            object_id=publication.object_id,
            published_at__lt=publication.published_at,
        )
        .defer("snapshot")
        .order_by("-published_at")
        .first()
    )
    return {
        "publication": publication,
        "kind": PageKind(kind).label,
        "address": page_address(kind, publication.snapshot.get("slug", "")),
        "next": Publication.objects.filter(
            content_type=content_type,
            object_id=publication.object_id,
            published_at__gt=publication.published_at,
        )
        .defer("snapshot")
        .order_by("published_at")
        .first(),
        "overdue_days": page_review.days_overdue(today) if page_review else None,
        "readability": publication.readability,
        "sources": _sources(publication, until),
        "feedback": _feedback(kind, publication),
        # What readers said of the version this one replaced, which it may answer.
        "previous": previous,
        "previous_feedback": _feedback(kind, previous) if previous else None,
        "authors": authors_of_publication(publication),
        "revision": publication.revision,
        "revision_number": Publication.objects.filter(pk=publication.pk)
        .annotate(number=revision_number())
        .values_list("number", flat=True)
        .first(),
        "requests": [
            {
                "request": request,
                "sign_offs": signed[request.pk],
                "comments": request.comments.select_related("author", "resolved_by").annotate(
                    resolution_number=revision_number(
                        page="review_request", revision="resolution_revision"
                    )
                ),
            }
            for request in requests
        ],
        "reapproval": reapproval,
        "readers_see_it": shown is not None,
        "page_review": page_review,
        # What was done up to this version and in the reviews that confirmed it (its own
        # "published" is written just after it): never a later draft's summary or comments.
        "events": AuditEvent.objects.filter(
            Q(at__lte=until)
            | Q(
                revision=publication.revision,
                action__in=[AuditEvent.Action.PUBLISH, AuditEvent.Action.REVIEW],
            ),
            content_type=content_type,
            object_id=publication.object_id,
        )
        .select_related("actor")
        .annotate(revision_number=revision_number())
        .order_by("at"),
    }
