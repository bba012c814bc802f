"""The editorial workflow: changes sent for review, sign-offs bound to one revision,
publications, and the audit trail of every action."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from reversion.models import Revision

from reviews.models.reviewers import EditorialRole


class WorkflowError(Exception):
    """An action the workflow does not allow, with a message for the person who tried it."""


class ItemQuerySet(models.QuerySet):
    def for_item(self, item: models.Model):
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)


class ReviewRequest(models.Model):
    """One revision of a page, sent for review with a summary of the change."""

    class State(models.TextChoices):
        IN_REVIEW = "in_review", "in review"
        CHANGES_REQUESTED = "changes_requested", "changes requested"
        PUBLISHED = "published", "approved and published"
        SUPERSEDED = "superseded", "superseded by a later save"

    # Which state may follow which; anything else is refused.
    NEXT_STATES = {
        State.IN_REVIEW: {State.CHANGES_REQUESTED, State.PUBLISHED, State.SUPERSEDED},
        State.CHANGES_REQUESTED: {State.SUPERSEDED},
        State.PUBLISHED: set(),
        State.SUPERSEDED: set(),
    }

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=300)
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    publication = models.JSONField(
        help_text="Everything readers will see if this is approved, frozen when it was sent."
    )
    summary = models.TextField(help_text="What changed, and why.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=20, choices=State, default=State.IN_REVIEW)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("submit_for_review", "Can send a change for review"),
            ("sign_off_clinical", "Can sign off as clinical reviewer"),
            ("sign_off_lay", "Can sign off as lay reviewer"),
            ("give_final_approval", "Can give final approval and publish"),
            ("withdraw_page", "Can withdraw a published page"),
        ]

    def __str__(self):
        return f"{self.object_repr}, revision {self.revision_id}: {self.get_state_display()}"

    def move_to(self, state: str) -> None:
        if state not in self.NEXT_STATES[self.state]:
            raise WorkflowError(
                f"This change is {self.get_state_display()}; it cannot become "
                f"{self.State(state).label}."
            )
        self.state = state

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_REVIEW


# The permission each sign-off role needs.
ROLE_PERMISSIONS = {
    EditorialRole.CLINICAL_REVIEWER: "reviews.sign_off_clinical",
    EditorialRole.LAY_REVIEWER: "reviews.sign_off_lay",
    EditorialRole.SENIOR_MEDICAL_EDITOR: "reviews.give_final_approval",
}


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
    role = models.CharField(max_length=32, choices=EditorialRole)
    decision = models.CharField(max_length=20, choices=Decision)
    comment = models.TextField(blank=True)
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
