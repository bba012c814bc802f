"""Review cycles: when each public page was reviewed and when it is next due.

This is metadata, not content: it is not versioned, so restoring an old revision of a page
never rewinds its review dates, and a minor edit never moves them.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from reviews.dates import add_months
from reviews.models.items import ItemQuerySet
from reviews.models.reviewers import ReviewerSnapshot

MAX_CYCLE_MONTHS = 60
# A review is due soon from this many days before its date: reminders start, and the dashboard
# lists it.
DUE_SOON_DAYS = 90
CYCLE_LIMITS = [
    MinValueValidator(1, "A review cycle is at least 1 month."),
    MaxValueValidator(MAX_CYCLE_MONTHS, "A review cycle is at most 60 months (5 years)."),
]


class ReviewPolicy(models.Model):
    """The charity's default review cycle. There is one row."""

    default_cycle_months = models.PositiveSmallIntegerField(
        validators=CYCLE_LIMITS,
        help_text="Months from a page's review to its next one, unless the page sets its own. "
        "Changing it moves the next review date of every page that follows it.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "review policy"

    def __str__(self):
        return f"Review every {self.default_cycle_months} months"

    @classmethod
    def current(cls) -> "ReviewPolicy":
        policy, _ = cls.objects.get_or_create(
            pk=1, defaults={"default_cycle_months": settings.REVIEW_CYCLE_MONTHS}
        )
        return policy


class PageReviewQuerySet(ItemQuerySet):
    def overdue(self, today: datetime.date) -> "PageReviewQuerySet":
        """Reviews whose date has come (see PageReview.is_overdue_on)."""
        return self.filter(next_review_due__lte=today)

    def due_soon_or_overdue(self, today: datetime.date) -> "PageReviewQuerySet":
        return self.filter(next_review_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))

    def following_default_cycle(self) -> "PageReviewQuerySet":
        return self.filter(cycle_months__isnull=True)


class PageReview(models.Model):
    """When a public page was last reviewed, who approved that review, and when it is next due."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    reviewed_on = models.DateField()
    cycle_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=CYCLE_LIMITS,
        help_text="Leave empty to follow the review policy's default cycle.",
    )
    next_review_due = models.DateField(
        editable=False, help_text="The review date plus the review cycle."
    )
    approved_by = models.ForeignKey(
        ReviewerSnapshot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
        help_text="Who approved the latest review, as they were when they approved it.",
    )
    responsible_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who is reminded when the review falls due.",
    )

    objects = PageReviewQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_review_record_per_page"
            )
        ]

    def __str__(self):
        return f"Review of {self.item}: reviewed {self.reviewed_on}, next {self.next_review_due}"

    def save(self, *args, **kwargs):
        self.next_review_due = self.computed_next_review()
        super().save(*args, **kwargs)

    def clean(self):
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError({"reviewed_on": "A review date cannot be in the future."})
        if self.cycle_months is not None and not 1 <= self.cycle_months <= MAX_CYCLE_MONTHS:
            return  # the field's own validators say so; there is no date to work out
        if self.reviewed_on and self.computed_next_review() <= self.reviewed_on:
            raise ValidationError("The next review must come after the date it was reviewed.")

    def computed_next_review(self, default_cycle_months: int | None = None) -> datetime.date:
        """The review date plus the page's cycle, or else the policy's default cycle (given,
        when the caller is moving many pages to a new default)."""
        default = default_cycle_months or ReviewPolicy.current().default_cycle_months
        return add_months(self.reviewed_on, self.cycle_months or default)

    def days_left(self, today: datetime.date) -> int:
        return (self.next_review_due - today).days

    def is_overdue_on(self, today: datetime.date) -> bool:
        """Overdue from the day it is due: by then the review should have been done."""
        return self.days_left(today) <= 0

    def is_due_soon_on(self, today: datetime.date) -> bool:
        return 0 < self.days_left(today) <= DUE_SOON_DAYS

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())
