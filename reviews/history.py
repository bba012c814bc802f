"""A page's history as editors and reviewers read it: each revision and where it stands."""

from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from reversion.models import Version

from reviews.models import NOTE_LENGTH, AuditEvent, Publication, ReviewRequest, SignOff
from reviews.roles import name_of
from reviews.statuses import Status, with_status
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
    # Where the page stands (reviews.statuses), and the review request that decided it, for a
    # page in review or with changes requested.
    state: str = Status.DRAFT
    last_request: ReviewRequest | None = None
    requested: int | None = None  # the number of the revision the request is about
    review_overdue: bool = False
    # Rows the page shows (a condition, a source…) changed since it was published.
    shared_rows_changed: bool = False

    @property
    def label(self) -> str:
        return Status(self.state).label

    @property
    def open_request(self) -> ReviewRequest | None:
        return self.last_request if self.state == Status.IN_REVIEW else None

    @property
    def sent_by(self) -> str:
        return name_of(self.last_request.submitted_by) if self.last_request else ""

    @property
    def changes_requested(self) -> SignOff | None:
        """The sign-off that asked for changes, when that is where the page stands."""
        if self.state != Status.CHANGES_REQUESTED or self.last_request is None:
            return None
        return next(
            (
                sign_off
                for sign_off in self.last_request.sign_offs.all()
                if sign_off.decision == SignOff.Decision.CHANGES_REQUESTED
            ),
            None,
        )

    @property
    def has_unsent_changes(self) -> bool:
        """Whether sending the page for review would send something readers do not see yet."""
        if self.latest is None or self.state == Status.IN_REVIEW:
            return False
        return self.latest != self.published or self.shared_rows_changed

    @property
    def summary(self) -> str:
        if self.latest is None:
            return "Not saved as a revision yet."
        shown = f"Readers see revision {self.published}." if self.published else "Not published."
        if self.state == Status.WITHDRAWN:
            shown = "Withdrawn: readers are told the page was withdrawn."
        if self.open_request:
            return f"Revision {self.latest} is in review."
        if self.state == Status.CHANGES_REQUESTED:
            since = (
                f" Revision {self.latest} is saved since and not yet sent."
                if self.requested and self.latest != self.requested
                else ""
            )
            return f"Changes were requested on revision {self.requested}.{since} {shown}"
        if self.latest == self.published and self.shared_rows_changed:
            return (
                f"Revision {self.latest} is published, but rows it shows (a condition, a "
                "source…) have changed since: send it for review to bring those changes to "
                "readers."
            )
        if self.latest == self.published:
            return f"Revision {self.latest} is published: readers see exactly this."
        if self.state == Status.WITHDRAWN:
            return (
                f"{shown} Revision {self.latest} comes back only when it is sent for review "
                "and given final approval."
            )
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
    row = (
        with_status(type(item)._default_manager.filter(pk=item.pk), timezone.localdate())
        .values("workflow_status", "review_overdue", "status_published_revision", "status_request")
        .first()
    )
    status = PageStatus(latest=len(revision_ids) or None, published=None)
    if row is None:
        return status
    status.state = row["workflow_status"]
    status.review_overdue = row["review_overdue"]
    status.published = numbers.get(row["status_published_revision"])
    if status.state in {Status.IN_REVIEW, Status.CHANGES_REQUESTED}:
        status.last_request = (
            ReviewRequest.objects.select_related("submitted_by__reviewer")
            .prefetch_related("sign_offs__signer")
            .get(pk=row["status_request"])
        )
        status.requested = numbers.get(status.last_request.revision_id)
    return status


def summaries_to_send(item: models.Model) -> list[str]:
    """What a review request of the page would say it changes, taken from what was said when
    it changed: the summaries of its revisions since it was last published or sent for review,
    oldest first, each once. A review that ended without a decision (changes requested, or a
    save during it) said what it sent: that comes first, as the change still holds it."""
    last_request = ReviewRequest.objects.for_item(item).order_by("-submitted_at", "-pk").first()
    last_publication = Publication.objects.for_item(item).order_by("-published_at", "-pk").first()
    since = [
        revision_id
        for revision_id in [
            published_revision_id(item),
            last_publication.revision_id if last_publication else None,
            last_request.revision_id if last_request else None,
        ]
        if revision_id is not None
    ]
    summaries = []
    if last_request and last_request.state in {
        ReviewRequest.State.CHANGES_REQUESTED,
        ReviewRequest.State.SUPERSEDED,
    }:
        summaries.append(last_request.summary)
    versions = versions_of(item)
    if since:
        versions = versions.filter(revision_id__gt=max(since))
    summaries += versions.values_list("revision__comment", flat=True)
    return [s for s in dict.fromkeys(s.strip() for s in summaries) if s]


# Said first when the summaries do not all fit in a review request's summary.
LEFT_OUT = "(Earlier change summaries are left out: see the page's history.)"


def summary_to_send(item: models.Model) -> str:
    """summaries_to_send, a line each. When they do not all fit in a review request's summary,
    the newest are kept, and it says that earlier ones are left out."""
    summaries = summaries_to_send(item)
    text = "\n".join(summaries)
    if len(text) <= NOTE_LENGTH:
        return text
    kept: list[str] = []
    room = NOTE_LENGTH - len(LEFT_OUT)
    for summary in reversed(summaries):
        room -= len(summary) + 1
        if room < 0:
            break
        kept.insert(0, summary)
    # The newest alone may be too long: as much of it as fits.
    kept = kept or [summaries[-1][: NOTE_LENGTH - len(LEFT_OUT) - 1]]
    return "\n".join([LEFT_OUT, *kept])


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
