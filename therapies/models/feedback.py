from django.db import models

from therapies.models.published import PageKind


class FeedbackQuerySet(models.QuerySet):
    def for_page(self, kind: str, object_id: int):
        return self.filter(kind=kind, object_id=object_id)


class Feedback(models.Model):
    """A reader's answer to "Was this page helpful?". No personal data is asked for or kept."""

    kind = models.CharField(max_length=20, choices=PageKind)
    object_id = models.PositiveBigIntegerField()
    page_title = models.CharField(max_length=500)  # as PublishedPage.title
    revision = models.ForeignKey(
        "reversion.Revision",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The published revision the reader saw.",
    )
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "reader feedback"
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self):
        answer = "helpful" if self.helpful else "not helpful"
        return f"{self.page_title}: {answer}"
