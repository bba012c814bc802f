"""The published read model: what readers see, frozen when a page is published.

Public views read only these tables (and the review record each page points to), never the
working rows, so an edit saved after publication cannot reach readers by any route.
"""

import datetime
import time
import uuid
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import DatabaseError, connections, models, transaction
from django.urls import reverse
from django.utils import timezone


class PageKind(models.TextChoices):
    TOPIC = "topic", "topic"
    THERAPY = "therapy", "therapy"
    SIDE_EFFECT = "side_effect", "side effect"
    GLOSSARY_TERM = "glossary_term", "glossary term"
    INFORMATION = "information", "information page"


class PublishedPageQuerySet(models.QuerySet):
    def topics(self):
        return self.filter(kind=PageKind.TOPIC)

    def therapies(self):
        return self.filter(kind=PageKind.THERAPY)

    def side_effects(self):
        return self.filter(kind=PageKind.SIDE_EFFECT)

    def glossary_terms(self):
        return self.filter(kind=PageKind.GLOSSARY_TERM)

    def documents_of(self, pages: list[tuple[str, int]]) -> dict[tuple[str, int], dict]:
        """What readers see of each page named (kind, object id), in the form a snapshot
        holds it, read at once. Pages that are not published are left out."""
        named = models.Q(pk__in=[])
        for kind, object_id in pages:
            named |= models.Q(kind=kind, object_id=object_id)
        rows = self.filter(named).values_list("kind", "object_id", "document")
        return {(kind, object_id): {"document": document} for kind, object_id, document in rows}

    def with_review(self):
        return self.select_related("review__approved_by", "approved_by")

    def causing(self, side_effect_slug: str):
        return self.therapies().with_facet(PublishedFacet.Name.SIDE_EFFECT, side_effect_slug)

    def with_facet(self, name: str, value: str):
        # One filter() call, so name and value must match on the same facet row.
        return self.filter(facets__name=name, facets__value=value)


# What the search indexes hold: a page's names and what it is about (the drug list searches
# these), and with them all its words (the site search). Two indexes rather than one weighted
# index, as a query restricted by weight must recompute every candidate's vector. Queries must
# use these very expressions to use the indexes.
NAMES_VECTOR = SearchVector("search_names", config="english") + SearchVector(
    "search_text", config="english"
)
SEARCH_VECTOR = NAMES_VECTOR + SearchVector("search_body", config="english")


def search_key(text: str) -> str:
    """Lower case, with symbols such as ® and punctuation turned into single spaces."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


class PublishedPage(models.Model):
    kind = models.CharField(max_length=20, choices=PageKind)
    object_id = models.PositiveBigIntegerField(help_text="The working row it was published from.")
    slug = models.SlugField(max_length=200)
    # Room for the longest title a page can have: a side effect's name and, in brackets, its
    # medical name (200 characters each).
    title = models.CharField(max_length=500)
    sort_name = models.CharField(max_length=500, db_index=True)
    # What search knows of the page (therapies/indexing.py): its names, what it is about, its
    # words; and how a search result shows it.
    search_names = models.TextField(blank=True)
    search_text = models.TextField(blank=True)
    search_body = models.TextField(blank=True)
    result_title = models.CharField(max_length=700, blank=True)
    result_summary = models.TextField(blank=True)
    document = models.JSONField(help_text="Everything the public page shows, as published.")
    review = models.ForeignKey(
        "reviews.PageReview", null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()
    first_published_at = models.DateTimeField(null=True)
    change_summary = models.TextField(blank=True, help_text="What changed in this publication.")
    revision = models.ForeignKey(
        "reversion.Revision",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The signed-off revision this page shows.",
    )
    approved_by = models.ForeignKey(
        "reviews.ReviewerSnapshot",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who gave the final approval of what this page shows, as they were then.",
    )

    objects = PublishedPageQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name"]
        indexes = [
            GinIndex(SEARCH_VECTOR, name="published_page_search"),
            GinIndex(NAMES_VECTOR, name="published_page_names_search"),
            # Near spellings of names (pg_trgm): "imatinab" finds imatinib.
            GinIndex(fields=["search_names"], opclasses=["gin_trgm_ops"], name="page_names_trgm"),
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="page_text_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_publication_per_item"),
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_public_url"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return page_address(self.kind, self.slug)


@lru_cache(maxsize=20_000)
def page_address(kind: str, slug: str) -> str:
    """A page's public address. Lists of results ask for dozens on every request; the URL
    patterns never change while the process runs."""
    match kind:
        case PageKind.TOPIC:
            return reverse("therapies:topic_detail", args=[slug])
        case PageKind.THERAPY:
            return reverse("therapies:therapy_detail", args=[slug])
        case PageKind.SIDE_EFFECT:
            return reverse("therapies:side_effect_detail", args=[slug])
        case PageKind.INFORMATION:
            return reverse("therapies:information_page", args=[slug])
        case _:
            return reverse("therapies:glossary") + f"#{slug}"


class PublishedCitation(models.Model):
    """A source a published page cites. While any page cites it, the source cannot be deleted:
    readers are never shown a source that no longer exists in the system."""

    page = models.ForeignKey(PublishedPage, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(
        "therapies.Reference", on_delete=models.PROTECT, related_name="published_citations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "reference"], name="one_citation_per_source")
        ]

    def __str__(self):
        return f"{self.page} cites {self.reference_id}"


class PublishedFacet(models.Model):
    """A value a published therapy can be filtered by, with the label readers see."""

    class Name(models.TextChoices):
        CONDITION = "condition", "condition"
        DRUG_CLASS = "drug_class", "drug class"
        DOSAGE_FORM = "dosage_form", "how it is taken"
        NHS_STATUS = "nhs_status", "NHS availability"
        SIDE_EFFECT = "side_effect", "side effect"

    page = models.ForeignKey(PublishedPage, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=20, choices=Name)
    value = models.CharField(max_length=200)
    label = models.CharField(max_length=500)  # a side effect's, as PublishedPage.title

    class Meta:
        indexes = [models.Index(fields=["name", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["page", "name", "value"], name="unique_facet_value")
        ]

    def __str__(self):
        return f"{self.page}: {self.name}={self.value}"


class PublishedChange(models.Model):
    """One publication of a page, as the feed of latest changes tells readers of it: when, what
    changed, and who approved it. Kept while the page is withdrawn, so a page that comes back
    has its whole history again."""

    kind = models.CharField(max_length=20, choices=PageKind)
    object_id = models.PositiveBigIntegerField()
    published_at = models.DateTimeField()
    change_summary = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        "reviews.ReviewerSnapshot", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["-published_at", "-id"], name="latest_changes")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id}, published {self.published_at}"


class WithdrawnPage(models.Model):
    """A page taken off the public site: its address answers 410 Gone with the reason."""

    kind = models.CharField(max_length=20, choices=PageKind)
    object_id = models.PositiveBigIntegerField()
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=500)  # the page's, as PublishedPage.title
    reason = models.TextField()
    withdrawn_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="one_withdrawal_per_url")
        ]

    def __str__(self):
        return f"{self.title} (withdrawn)"


# When the site had no edition yet.
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class SiteEditionManager(models.Manager):
    ROW = 1

    def current(self) -> "SiteEdition":
        """The edition readers are on now. One indexed read: every public request makes it."""
        edition = self.filter(pk=self.ROW).first()
        return edition or SiteEdition(pk=self.ROW, token="first", changed_at=EPOCH)

    def current_token(self) -> str:
        """The current edition's token. It is read first thing on every public request, so
        it is plain SQL, and on a reused connection it stands in for Django's health check
        (a separate SELECT 1): if the connection has died, it is closed and the token read
        again on a new one."""
        connection = connections[self.db]
        if connection.connection is not None and not connection.in_atomic_block:
            connection.health_check_done = True
            try:
                return self.read_token(connection)
            except DatabaseError:
                connection.close()
        return self.read_token(connection)

    def read_token(self, connection) -> str:
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [self.ROW])
            row = cursor.fetchone()
        return row[0] if row else "first"

    def advance(self) -> None:
        """Start a new edition. Call it inside the transaction that changes what readers see,
        so the new edition and the change become visible together."""
        changes = {"token": uuid.uuid4().hex, "changed_at": timezone.now()}
        if not self.filter(pk=self.ROW).update(**changes):
            self.update_or_create(pk=self.ROW, defaults=changes)
        connection = connections[self.db]
        waiting = any(entry[1] is wait_for_every_instance for entry in connection.run_on_commit)
        if settings.PUBLIC_PAGE_EDITION_CHECK_SECONDS and not waiting:
            transaction.on_commit(wait_for_every_instance, using=self.db)


def wait_for_every_instance():
    """Hold the change's own request until every app instance has read the new edition.

    Each instance reads the edition at most PUBLIC_PAGE_EDITION_CHECK_SECONDS before using it
    (therapies/page_cache.py). Waiting that long after the commit means that once a publication
    or withdrawal has returned, the very next request on any instance shows the new state,
    while readers' requests are spared a database query each.
    """
    time.sleep(settings.PUBLIC_PAGE_EDITION_CHECK_SECONDS)


class SiteEdition(models.Model):
    """Which edition of the public site is current: one row, given a new random token whenever
    anything readers see changes (a publication, a withdrawal, a review date, an approver).

    Cached public pages are filed under the token they were made from. A random token rather
    than a counter, so a rolled-back change or a restored backup can never bring back an old
    edition's number with new content behind it.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    objects = SiteEditionManager()

    def __str__(self):
        return f"edition {self.token} of {self.changed_at:%Y-%m-%d %H:%M:%S}"
