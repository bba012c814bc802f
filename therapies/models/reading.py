from django.db import models

from therapies.models.published import PageKind


class ReadingLevel(models.Model):
    """A page's SMOG grade as last measured, so the dashboard can list hard pages at once."""

    kind = models.CharField(max_length=20, choices=PageKind)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    smog = models.FloatField()
    measured_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_reading_level_per_page")
        ]

    def __str__(self):
        return f"{self.title}: SMOG {self.smog}"
