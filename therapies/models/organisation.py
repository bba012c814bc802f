"""Who publishes this site: the organisation readers see named in the header and footer, and
how they can reach it."""

from django.db import models, transaction

from therapies.models.content import TypedText
from therapies.models.published import SiteEdition


class OrganisationManager(models.Manager):
    ROW = 1

    def current(self) -> "Organisation":
        """The one row. Created by migration; if it has been deleted, the defaults stand in
        for it rather than a server error on every page."""
        return self.filter(pk=self.ROW).first() or Organisation(pk=self.ROW)


class Organisation(TypedText):
    """The publisher's settings: one row, changed by an administrator. Not reviewed content:
    these are facts about the organisation, not patient information."""

    name = models.CharField(
        max_length=200,
        default="sarcomainfo",
        help_text="The organisation's name, as in the footer and page titles.",
    )
    logo_text = models.CharField(
        max_length=100,
        default="sarcomainfo",
        help_text="The words shown as the logo at the top of every page.",
    )
    contact_email = models.EmailField(
        blank=True,
        verbose_name="contact e-mail",
        help_text="Where readers can write to us. Shown on every page once filled in.",
    )
    support_line_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. Sarcoma Support Line. Leave empty if there is none: no support line "
        "is shown.",
    )
    support_line_phone = models.CharField(
        max_length=40, blank=True, verbose_name="support line phone number"
    )
    support_line_hours = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="support line opening hours",
        help_text="e.g. Monday to Friday, 9am to 5pm",
    )
    holds_pif_tick = models.BooleanField(
        default=False,
        verbose_name="holds the PIF TICK",
        help_text="Tick only while the organisation is certified by the Patient Information "
        "Forum's quality mark: pages show the mark only then.",
    )

    objects = OrganisationManager()

    class Meta:
        verbose_name = "organisation settings"
        verbose_name_plural = "organisation settings"

    def __str__(self):
        return self.name

    @property
    def support_line(self) -> dict | None:
        """The support line as readers see it, or None while it is not set up: a number
        without a name, or a name without a number, is no help to anyone."""
        if not (self.support_line_name and self.support_line_phone):
            return None
        return {
            "name": self.support_line_name,
            "phone": self.support_line_phone,
            "hours": self.support_line_hours,
        }

    def save(self, *args, **kwargs):
        self.pk = self.ROW
        # Every page shows the organisation: cached pages must not outlive a change to it.
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            SiteEdition.objects.advance()

    ROW = OrganisationManager.ROW
