from django.conf import settings
from django.db import models


class EditorialRole(models.TextChoices):
    CLINICAL_REVIEWER = "clinical_reviewer", "clinical reviewer"
    LAY_REVIEWER = "lay_reviewer", "lay reviewer"
    SENIOR_MEDICAL_EDITOR = "senior_medical_editor", "senior medical editor"


class Reviewer(models.Model):
    """A person who reviews or approves information, as readers see them named."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewer",
        help_text="The login this reviewer uses, if they have one.",
    )
    name = models.CharField(max_length=200)
    job_title = models.CharField(
        max_length=200, help_text="As shown to readers, e.g. Consultant Clinical Oncologist."
    )
    editorial_role = models.CharField(max_length=32, choices=EditorialRole)
    credentials = models.CharField(
        max_length=300, blank=True, help_text="Qualifications, e.g. MBChB, FRCR, PhD."
    )
    declaration = models.TextField(
        blank=True,
        help_text="Conflicts of interest (funding, consultancy, shares…), or 'None declared'.",
    )
    declared_on = models.DateField(
        null=True, blank=True, help_text="When the declaration was made or last confirmed."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "job_title"], name="unique_reviewer_name")
        ]

    def __str__(self):
        return f"{self.name}, {self.job_title}"
