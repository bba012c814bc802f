import re

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from therapies.models import TypedText

# The most a reviewer's declaration, or a note in the workflow, may hold.
NOTE_LENGTH = 5_000


def has_words(text: str) -> bool:
    """Whether `text` says anything: a letter or a digit, not only spaces or invisible marks."""
    return re.search(r"\w", text) is not None


class EditorialRole(models.TextChoices):
    CLINICAL_REVIEWER = "clinical_reviewer", "clinical reviewer"
    LAY_REVIEWER = "lay_reviewer", "lay reviewer"
    SENIOR_MEDICAL_EDITOR = "senior_medical_editor", "senior medical editor"


# The login link is left out of the revisions, so restoring an old revision of a profile
# never moves it: only a superuser links a profile, in its form (and audited there).
@reversion.register(exclude=["edit_version", "user"])
class Reviewer(TypedText):
    """A person who reviews or approves information, as readers see them named.

    Every change is a revision with its author and reason. What readers and assessors see of a
    sign-off is not this row but a `ReviewerSnapshot` of it, taken when they signed.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewer",
        help_text="The login this reviewer uses. Only a superuser links it, and once the "
        "reviewer has signed anything it stays: another person needs a profile of their own.",
    )
    name = models.CharField(
        max_length=200,
        help_text="As shown to readers. Only an administrator changes a reviewer's name, job "
        "title, role or login.",
    )
    job_title = models.CharField(
        max_length=200, help_text="As shown to readers, e.g. Consultant Clinical Oncologist."
    )
    editorial_role = models.CharField(max_length=32, choices=EditorialRole)
    credentials = models.CharField(
        max_length=300, blank=True, help_text="Qualifications, e.g. MBChB, FRCR, PhD."
    )
    declaration = models.TextField(
        blank=True,
        max_length=NOTE_LENGTH,
        help_text="Conflicts of interest (funding, consultancy, shares…), or 'None declared'.",
    )
    declared_on = models.DateField(
        null=True, blank=True, help_text="When the declaration was made or last confirmed."
    )
    edit_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "job_title"], name="unique_reviewer_name")
        ]

    def __str__(self):
        return f"{self.name}, {self.job_title}"

    def clean(self):
        super().clean()
        if self.declaration and not has_words(self.declaration):
            raise ValidationError({"declaration": "Write your declaration, or “None declared”."})
        if self.declared_on and self.declared_on > timezone.localdate():
            raise ValidationError(
                {"declared_on": "A declaration is dated the day it was made, not a day to come."}
            )

    @property
    def has_signed(self) -> bool:
        """Whether anything was signed or approved in this reviewer's name."""
        return self.snapshots.exists()


class ReviewerSnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("A reviewer as they signed cannot be changed.")


class ReviewerSnapshotManager(models.Manager.from_queryset(ReviewerSnapshotQuerySet)):
    def of(self, reviewer: Reviewer, role: str) -> "ReviewerSnapshot":
        """The reviewer as they are now, signing in `role`: an earlier identical snapshot, or a
        new one."""
        values = {
            "reviewer": reviewer,
            "editorial_role": role,
            "name": reviewer.name,
            "job_title": reviewer.job_title,
            "credentials": reviewer.credentials,
            "declaration": reviewer.declaration,
            "declared_on": reviewer.declared_on,
        }
        return self.filter(**values).first() or self.create(**values)


class ReviewerSnapshot(models.Model):
    """A reviewer as they were when they signed: public name, role, credentials and declaration
    of interests. Written once, never changed; sign-offs, publications and review records point
    to it, so a later change to the profile never rewrites who approved what."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="snapshots")
    editorial_role = models.CharField(
        max_length=32, choices=EditorialRole, help_text="The role they signed in."
    )
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    credentials = models.CharField(max_length=300, blank=True)
    declaration = models.TextField(blank=True)
    declared_on = models.DateField(null=True, blank=True)
    taken_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewerSnapshotManager()

    class Meta:
        ordering = ["-taken_at", "-pk"]

    def __str__(self):
        return f"{self.name}, {self.job_title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A reviewer as they signed cannot be changed.")
        super().save(*args, **kwargs)
