import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from reviews.dates import add_months
from reviews.models.reviewers import Reviewer


class PageReviewQuerySet(models.QuerySet):
    def for_item(self, item: models.Model) -> "PageReviewQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)

    def due_for_review(self, *, on: datetime.date) -> "PageReviewQuerySet":
        return self.filter(next_review_due__lte=on)


class PageReview(models.Model):
    """When a public page was last reviewed, who approved it, and when it is next due.

    Kept apart from the content so that restoring an old revision of the content never
    rewinds the review dates.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    reviewed_on = models.DateField()
    next_review_due = models.DateField(
        blank=True, help_text="Left empty, it is the review date plus the review cycle."
    )
    approved_by = models.ForeignKey(
        Reviewer, null=True, blank=True, on_delete=models.PROTECT, related_name="approvals"
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
        if self.next_review_due is None:
            self.next_review_due = add_months(self.reviewed_on, settings.REVIEW_CYCLE_MONTHS)
        super().save(*args, **kwargs)

    def clean(self):
        if self.reviewed_on and self.next_review_due and self.next_review_due <= self.reviewed_on:
            raise ValidationError(
                {"next_review_due": "The next review must come after the date it was reviewed."}
            )

    @property
    def is_overdue(self) -> bool:
        return self.next_review_due <= timezone.localdate()
