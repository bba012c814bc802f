"""The published read model: what readers see, frozen when a page is published.

Public views read only these tables (and the review record each page points to), never the
working rows, so an edit saved after publication cannot reach readers by any route.
"""

from django.db import models
from django.urls import reverse


class PageKind(models.TextChoices):
    TOPIC = "topic", "topic"
    THERAPY = "therapy", "therapy"
    SIDE_EFFECT = "side_effect", "side effect"
    GLOSSARY_TERM = "glossary_term", "glossary term"


class PublishedPageQuerySet(models.QuerySet):
    def topics(self):
        return self.filter(kind=PageKind.TOPIC)

    def therapies(self):
        return self.filter(kind=PageKind.THERAPY)

    def side_effects(self):
        return self.filter(kind=PageKind.SIDE_EFFECT)

    def glossary_terms(self):
        return self.filter(kind=PageKind.GLOSSARY_TERM)

    def with_review(self):
        return self.select_related("review__approved_by", "approved_by")

    def causing(self, side_effect_slug: str):
        return self.therapies().with_facet(PublishedFacet.Name.SIDE_EFFECT, side_effect_slug)

    def with_facet(self, name: str, value: str):
        # One filter() call, so name and value must match on the same facet row.
        return self.filter(facets__name=name, facets__value=value)

    def matching(self, text: str):
        return self.filter(search_text__contains=search_key(text))


def search_key(text: str) -> str:
    """Lower case, with symbols such as ® and punctuation turned into single spaces."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


class PublishedPage(models.Model):
    kind = models.CharField(max_length=20, choices=PageKind)
    object_id = models.PositiveBigIntegerField(help_text="The working row it was published from.")
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=300)
    sort_name = models.CharField(max_length=300, db_index=True)
    search_text = models.TextField(blank=True)
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
        "reviews.Reviewer",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who gave the final approval of what this page shows.",
    )

    objects = PublishedPageQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_publication_per_item"),
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_public_url"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        match self.kind:
            case PageKind.TOPIC:
                return reverse("therapies:topic_detail", args=[self.slug])
            case PageKind.THERAPY:
                return reverse("therapies:therapy_detail", args=[self.slug])
            case PageKind.SIDE_EFFECT:
                return reverse("therapies:side_effect_detail", args=[self.slug])
            case _:
                return reverse("therapies:glossary") + f"#{self.slug}"


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
    label = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["name", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["page", "name", "value"], name="unique_facet_value")
        ]

    def __str__(self):
        return f"{self.page}: {self.name}={self.value}"


class WithdrawnPage(models.Model):
    """A page taken off the public site: its address answers 410 Gone with the reason."""

    kind = models.CharField(max_length=20, choices=PageKind)
    object_id = models.PositiveBigIntegerField()
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=300)
    reason = models.TextField()
    withdrawn_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="one_withdrawal_per_url")
        ]

    def __str__(self):
        return f"{self.title} (withdrawn)"
