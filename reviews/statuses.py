"""Where each page stands: published, a draft, in review… The one definition, worked out in
the database, so a list of pages costs the same few queries however many it shows, and a
page's own form reads the very same answer (reviews.history.page_status).

The latest review request decides first: a page in review, or one with changes requested, is
that until it is sent again (saving during a review ends it, so that page is a draft again).
Otherwise what readers see decides: nothing (a draft, or withdrawn), the latest revision
(published), or an earlier one (published, with draft changes). A published page past its next
review date is also marked overdue, whatever its status.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast
from reversion.models import Version

from reviews.models import PageReview, ReviewRequest
from therapies.models import PublishedPage, WithdrawnPage


class Status(models.TextChoices):
    PUBLISHED = "published", "Published"
    DRAFT_CHANGES = "draft_changes", "Published, with draft changes"
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    WITHDRAWN = "withdrawn", "Withdrawn"


OVERDUE = "overdue"
OVERDUE_LABEL = "Review overdue"


def with_status(pages: models.QuerySet, today: datetime.date) -> models.QuerySet:
    """`pages` (of one page model) with `workflow_status` (a Status), `review_overdue`, and
    what they are worked out from: `status_latest_revision`, `status_published_revision`,
    `status_published`, `status_withdrawn`, `status_request` (the latest review request's id)
    and `status_request_state`."""
    model = pages.model
    content_type = ContentType.objects.get_for_model(model)
    published = PublishedPage.objects.filter(kind=model.page_kind, object_id=OuterRef("pk"))
    requests = ReviewRequest.objects.filter(
        content_type=content_type, object_id=OuterRef("pk")
    ).order_by("-submitted_at", "-pk")
    versions = (
        Version.objects.get_for_model(model)
        # A version's object id is text, whatever the model's key is.
        .filter(object_id=Cast(OuterRef("pk"), models.CharField()))
        .order_by("-revision_id")
    )
    return pages.annotate(
        status_latest_revision=Subquery(versions.values("revision_id")[:1]),
        status_published_revision=Subquery(published.values("revision_id")[:1]),
        status_published=Exists(published),
        status_withdrawn=Exists(
            WithdrawnPage.objects.filter(kind=model.page_kind, object_id=OuterRef("pk"))
        ),
        status_request=Subquery(requests.values("pk")[:1]),
        status_request_state=Subquery(requests.values("state")[:1]),
        # As the dashboard and the reminders count it: the published page's review is due.
        review_overdue=Exists(published.filter(review__in=PageReview.objects.overdue(today))),
    ).annotate(
        workflow_status=Case(
            When(status_request_state=ReviewRequest.State.IN_REVIEW, then=Value(Status.IN_REVIEW)),
            When(
                status_request_state=ReviewRequest.State.CHANGES_REQUESTED,
                then=Value(Status.CHANGES_REQUESTED),
            ),
            When(status_published=False, status_withdrawn=True, then=Value(Status.WITHDRAWN)),
            When(status_published=False, then=Value(Status.DRAFT)),
            When(
                status_latest_revision__gt=F("status_published_revision"),
                then=Value(Status.DRAFT_CHANGES),
            ),
            default=Value(Status.PUBLISHED),
            output_field=models.CharField(),
        )
    )


def filter_by_status(pages: models.QuerySet, value: str) -> models.QuerySet:
    """`pages` (annotated by with_status) in one Status, or overdue for review."""
    if value == OVERDUE:
        return pages.filter(review_overdue=True)
    if value in Status.values:
        return pages.filter(workflow_status=value)
    return pages
