"""A page's history as editors and reviewers read it: each revision and where it stands."""

from dataclasses import dataclass, field

from django.db import models
from reversion.models import Version

from reviews.models import AuditEvent, ReviewRequest
from reviews.versions import versions_of
from therapies.models import PublishedPage


@dataclass
class RevisionRow:
    number: int
    version: Version
    state: str
    requests: list[ReviewRequest] = field(default_factory=list)

    @property
    def revision(self):
        return self.version.revision


@dataclass
class PageStatus:
    latest: int | None  # revision numbers
    published: int | None
    open_request: ReviewRequest | None
    # Rows the page shows (a condition, a source…) changed since it was published.
    shared_rows_changed: bool = False

    @property
    def summary(self) -> str:
        if self.latest is None:
            return "Not saved as a revision yet."
        if self.open_request:
            return f"Revision {self.latest} is in review."
        if self.latest == self.published and self.shared_rows_changed:
            return (
                f"Revision {self.latest} is published, but rows it shows (a condition, a "
                "source…) have changed since: send it for review to bring those changes to "
                "readers."
            )
        if self.latest == self.published:
            return f"Revision {self.latest} is published: readers see exactly this."
        shown = f"Readers see revision {self.published}." if self.published else "Not published."
        return f"Draft: revision {self.latest} is not yet approved. {shown}"


def published_revision_id(item: models.Model) -> int | None:
    if not hasattr(item, "page_kind"):
        return None  # a shared row or a reviewer profile: readers see it through pages
    return (
        PublishedPage.objects.filter(kind=item.page_kind, object_id=item.pk)
        .values_list("revision_id", flat=True)
        .first()
    )


def published_document(item: models.Model) -> dict | None:
    """What readers see of the page now, in the form a review request freezes."""
    document = (
        PublishedPage.objects.filter(kind=item.page_kind, object_id=item.pk)
        .values_list("document", flat=True)
        .first()
    )
    return None if document is None else {"document": document}


def page_status(item: models.Model) -> PageStatus:
    revision_ids = list(versions_of(item).values_list("revision_id", flat=True))
    numbers = {revision_id: n for n, revision_id in enumerate(revision_ids, start=1)}
    return PageStatus(
        latest=len(revision_ids) or None,
        published=numbers.get(published_revision_id(item)),
        open_request=ReviewRequest.objects.for_item(item)
        .filter(state=ReviewRequest.State.IN_REVIEW)
        .first(),
    )


def page_history(item: models.Model) -> list[RevisionRow]:
    """Every revision of the page, newest first, with its reviews and sign-offs."""
    versions = list(versions_of(item))
    requests: dict[int, list[ReviewRequest]] = {}
    for request in (
        ReviewRequest.objects.for_item(item)
        .select_related("submitted_by")
        .prefetch_related("sign_offs__reviewer", "sign_offs__signer")
        .order_by("submitted_at")
    ):
        requests.setdefault(request.revision_id, []).append(request)
    published_now = published_revision_id(item)
    published_before = set(
        AuditEvent.objects.for_item(item)
        .filter(action=AuditEvent.Action.PUBLISH)
        .values_list("revision_id", flat=True)
    )
    rows = []
    for number, version in enumerate(versions, start=1):
        revision_id = version.revision_id
        if revision_id == published_now:
            state = "published"
        elif revision_id in requests:
            state = requests[revision_id][-1].get_state_display()
        elif revision_id in published_before:
            state = "published earlier"
        elif number == len(versions):
            state = "draft" if hasattr(item, "page_kind") else "current"
        else:
            state = "saved"
        rows.append(RevisionRow(number, version, state, requests.get(revision_id, [])))
    return rows[::-1]
