"""The editorial workflow: changes sent for review, sign-offs bound to one revision,
publications, and the audit trail of every action."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from reversion.models import Revision

from reviews.models.items import ItemQuerySet
from reviews.models.reviewers import NOTE_LENGTH, EditorialRole

# A note for readers is a sentence or two, as NHS.UK's "what changed" notes are.
READER_NOTE_LENGTH = 1_000


class WorkflowError(Exception):
    """An action the workflow does not allow, with a message for the person who tried it."""


class ReviewRequestQuerySet(ItemQuerySet):
    def in_review(self) -> "ReviewRequestQuerySet":
        return self.filter(state=ReviewRequest.State.IN_REVIEW)

    def for_sign_off(self) -> "ReviewRequestQuerySet":
        """With everything the sign-off rule (reviews.signing) reads of each change."""
        return self.select_related("submitted_by", "revision").prefetch_related(
            "sign_offs",
            "reference_checks__reference",
            "cited_references",
            models.Prefetch("authors", queryset=get_user_model().objects.only("pk")),
        )


class ReviewRequest(models.Model):
    """One revision of a page, sent for review with a summary of the change."""

    class State(models.TextChoices):
        IN_REVIEW = "in_review", "in review"
        CHANGES_REQUESTED = "changes_requested", "changes requested"
        PUBLISHED = "published", "approved and published"
        CONFIRMED = "confirmed", "reviewed: no change needed"
        SUPERSEDED = "superseded", "superseded"

    # Which state may follow which; anything else is refused.
    NEXT_STATES = {
        State.IN_REVIEW: {
            State.CHANGES_REQUESTED,
            State.PUBLISHED,
            State.CONFIRMED,
            State.SUPERSEDED,
        },
        State.CHANGES_REQUESTED: {State.SUPERSEDED},
        State.PUBLISHED: set(),
        State.CONFIRMED: set(),
        State.SUPERSEDED: set(),
    }

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=300)
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    snapshot = models.JSONField(
        help_text="Everything readers will see if this is approved, frozen when it was sent."
    )
    summary = models.TextField(max_length=NOTE_LENGTH, help_text="What changed, and why.")
    reader_note = models.TextField(
        "what changed, for readers",
        blank=True,
        max_length=READER_NOTE_LENGTH,
        help_text="Published with the page, dated, and in the feed of latest changes when this "
        "change is approved. Empty: readers are told nothing of this change.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=20, choices=State, default=State.IN_REVIEW)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(
        max_length=NOTE_LENGTH + 100,
        blank=True,
        help_text="Why it ended without a decision (a later save, a withdrawal).",
    )
    is_review = models.BooleanField(
        default=False,
        help_text="This is the page's scheduled review: approving it moves the review dates, "
        "and every reference must be checked first.",
    )
    no_change = models.BooleanField(
        default=False, help_text="A review that confirms the published page is still right."
    )
    cited_references = models.ManyToManyField(
        "therapies.Reference", blank=True, related_name="+", help_text="As sent for review."
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Everyone who wrote any part of the change, and whoever sent it, as found when "
        "it was sent (reviews.authorship): none of them may sign it off.",
    )

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [
            ("submit_for_review", "Can send a change for review"),
            ("sign_off_clinical", "Can sign off as clinical reviewer"),
            ("sign_off_lay", "Can sign off as lay reviewer"),
            ("give_final_approval", "Can give final approval and publish"),
            ("withdraw_page", "Can withdraw a published page"),
        ]

    def __str__(self):
        # Not reversion's revision id, which counts every page's revisions: people know a
        # revision by its number in the page's history, which lists show in a column of their own.
        if self.submitted_at is None:
            return f"{self.object_repr}: {self.get_state_display()}"
        sent = timezone.localtime(self.submitted_at)
        return f"{self.object_repr}, sent {sent:%d %b %Y}: {self.get_state_display()}"

    @property
    def kind_label(self) -> str:
        if self.no_change:
            return "review, no change needed"
        return "review with changes" if self.is_review else "change"

    def close(self, state: str, reason: str = "") -> None:
        """End the review in `state`; `reason` says why when it ended without a decision."""
        if state not in self.NEXT_STATES[self.state]:
            raise WorkflowError(f"{self.why_closed} It cannot be {self.State(state).label} now.")
        self.state = state
        self.closed_at = timezone.now()
        self.closed_reason = reason
        self.save()

    @property
    def why_closed(self) -> str:
        """Why this change takes no more sign-offs, in the words a reviewer reads."""
        match self.state:
            case self.State.CHANGES_REQUESTED:
                return "Changes were requested on this revision, so it can no longer be signed off."
            case self.State.PUBLISHED:
                return "This revision has been approved and published: nothing is left to sign."
            case self.State.CONFIRMED:
                return (
                    "This review has been confirmed with no change needed: nothing is left to sign."
                )
            case self.State.SUPERSEDED:
                reason = self.closed_reason or "The page was saved again after it was sent."
                return f"This review has ended, so it can no longer be signed off. {reason}"
        return "This change is still in review."

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_REVIEW


class SignOff(models.Model):
    """One reviewer's decision on one revision: it says nothing about any other revision."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "approved"
        CHANGES_REQUESTED = "changes_requested", "changes requested"

    review_request = models.ForeignKey(
        ReviewRequest, on_delete=models.PROTECT, related_name="sign_offs"
    )
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_offs"
    )
    signer = models.ForeignKey(
        "reviews.ReviewerSnapshot",
        null=True,
        on_delete=models.PROTECT,
        related_name="sign_offs",
        help_text="Who signed, as readers and assessors are told: name, role, credentials and "
        "declaration of interests as they were at that moment.",
    )
    role = models.CharField(max_length=32, choices=EditorialRole)
    decision = models.CharField(max_length=20, choices=Decision)
    comment = models.TextField(blank=True, max_length=NOTE_LENGTH)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_request", "role"], name="one_sign_off_per_role_per_request"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.reviewer}: {self.get_decision_display()}"

    @property
    def signed_by(self) -> str:
        """The signer's name as they signed (a login's name only for older sign-offs)."""
        if self.signer_id:
            return self.signer.name
        return self.reviewer.get_full_name() or self.reviewer.get_username()


class AuditEventQuerySet(ItemQuerySet):
    def update(self, **kwargs):
        raise WorkflowError("The audit trail cannot be changed.")

    def delete(self):
        raise WorkflowError("The audit trail cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to which page, when, on which revision and why. Written once, never changed."""

    class Action(models.TextChoices):
        SAVE = "save", "saved"
        SUBMIT = "submit", "sent for review"
        APPROVE = "approve", "approved"
        REQUEST_CHANGES = "request_changes", "requested changes"
        PUBLISH = "publish", "published"
        WITHDRAW = "withdraw", "withdrew"
        RESTORE = "restore", "restored an earlier revision"
        RECOVER = "recover", "recovered after deletion"
        DELETE = "delete", "deleted"
        REVIEW = "review", "recorded a review"
        CHECK_REFERENCE = "check_reference", "checked a reference"
        COMMENT = "comment", "commented"
        RESOLVE_COMMENT = "resolve_comment", "answered a comment"

    action = models.CharField(max_length=20, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    comment = models.TextField(blank=True)
    restored_from = models.ForeignKey(
        Revision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a restore or a recovery: the earlier revision it brought back, whose "
        "authors are authors of the restored content too.",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        who = self.actor or "the system"
        return f"{who} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise WorkflowError("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise WorkflowError("The audit trail cannot be deleted.")


class Publication(models.Model):
    """One revision of a page becoming what readers see: the production record's spine."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    review_request = models.ForeignKey(
        ReviewRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(help_text="Exactly what readers were shown.")
    summary = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        "reviews.ReviewerSnapshot", null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    readability = models.JSONField(
        default=dict,
        blank=True,
        help_text="The reading measures of what was published, taken when it was published.",
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        # A page's publications, in order: its production record reads the one before and after.
        indexes = [models.Index(fields=["content_type", "object_id", "published_at"])]

    def __str__(self):
        return f"{self.object_repr}, published {self.published_at:%d %B %Y %H:%M}"


class ReferenceCheck(models.Model):
    """A cited source checked (still right) or marked replaced, during one review."""

    class Outcome(models.TextChoices):
        CHECKED = "checked", "checked: still supports the page"
        REPLACED = "replaced", "replaced by a newer source"

    review_request = models.ForeignKey(
        ReviewRequest, on_delete=models.PROTECT, related_name="reference_checks"
    )
    reference = models.ForeignKey(
        "therapies.Reference", on_delete=models.PROTECT, related_name="checks"
    )
    outcome = models.CharField(max_length=20, choices=Outcome)
    note = models.CharField(max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField()

    class Meta:
        ordering = ["reference__authors"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_request", "reference"], name="one_check_per_reference_per_review"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.get_outcome_display()} by {self.checked_by}"


class ReviewComment(models.Model):
    """A reviewer's comment on a change, and how the editors answered it."""

    class Status(models.TextChoices):
        OPEN = "open", "waiting for an answer"
        ACCEPTED = "accepted", "accepted"
        NOT_ACCEPTED = "not_accepted", "not accepted"

    review_request = models.ForeignKey(
        ReviewRequest, on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32, choices=EditorialRole, blank=True)
    field = models.CharField(
        max_length=100, blank=True, help_text="The part of the page it is about, if one."
    )
    text = models.TextField(max_length=NOTE_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_revision = models.ForeignKey(
        Revision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The revision that made the change, when accepted.",
    )
    reason = models.TextField(
        blank=True, max_length=NOTE_LENGTH, help_text="Why not, when not accepted."
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author}: {self.text[:60]} ({self.get_status_display()})"


class ReminderSent(models.Model):
    """A review reminder sent for one page, one threshold and one due date: sent once."""

    class Threshold(models.TextChoices):
        DAYS_90 = "90", "due within 90 days"
        DAYS_30 = "30", "due within 30 days"
        DUE = "0", "due today"
        OVERDUE = "overdue", "overdue"

    page_review = models.ForeignKey(
        "reviews.PageReview", on_delete=models.CASCADE, related_name="reminders"
    )
    threshold = models.CharField(max_length=10, choices=Threshold)
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page_review", "threshold", "due_on"], name="one_reminder_per_threshold"
            )
        ]

    def __str__(self):
        return f"{self.page_review}: {self.get_threshold_display()}"


class ReminderRun(models.Model):
    """Each run of send_review_reminders, so a job that stopped running is noticed."""

    ran_at = models.DateTimeField(auto_now_add=True)
    reminders_sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self):
        return f"Reminders run at {self.ran_at:%d %B %Y %H:%M}: {self.reminders_sent} sent"
