"""Pages about the site itself (about us, contact, privacy, cookies, accessibility), reviewed
and published like every other page: what they promise readers matters as much."""

import reversion
from django.db import models

from therapies.models.content import LONG_TEXT, PageContent, Reference
from therapies.models.published import PageKind


@reversion.register(exclude=["edit_version"])
class InformationPage(PageContent):
    page_kind = PageKind.INFORMATION

    title = models.CharField(max_length=300, unique=True, help_text="e.g. Accessibility statement")
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Its address: /about/<slug>/, e.g. accessibility"
    )
    body = models.TextField(max_length=LONG_TEXT)
    references = models.ManyToManyField(Reference, blank=True, related_name="information_pages")

    class Meta:
        ordering = ["title"]
        verbose_name = "information page"

    def __str__(self):
        return self.title
