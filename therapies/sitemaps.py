from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from therapies.models import PublishedPage


class PublishedPageSitemap(Sitemap):
    """Every published page that has a URL of its own."""

    def items(self):
        return PublishedPage.objects.exclude(kind="glossary_term").order_by("kind", "slug")

    def lastmod(self, page):
        return page.published_at


class GlossarySitemap(Sitemap):
    def items(self):
        return ["therapies:glossary"] if PublishedPage.objects.glossary_terms().exists() else []

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return PublishedPage.objects.glossary_terms().latest("published_at").published_at
