"""The working rows editors change in the admin. Readers never see these directly: publishing
freezes them into the published read model (therapies.models.published)."""

import datetime

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from therapies.models.published import PageKind

# The most an editor's long text may hold: several screens, far more than any page needs, and
# a form error (not a server error) beyond it.
LONG_TEXT = 10_000

# Every content model is versioned. A page's revision holds the rows it owns (`follow`), so
# restoring it brings them back as they were; the shared rows it points to (conditions,
# references…) are versioned on their own. `edit_version` guards against lost updates and is
# not content, so it is left out of the versions.


class VersionedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # A bulk update writes no version: the change could be neither compared nor undone.
        raise TypeError("Save each row instead of a bulk update(), so the change is versioned.")


def tidy_text(text: str) -> str:
    """Line endings as "\n" and no spaces at the end of a line. Browsers post text areas with
    "\r\n" where the seed and imports hold "\n": stored one way, an edit to one field never
    shows another as changed, and what readers see is the same either way."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines)


class TypedText(models.Model):
    """A row whose text people type: saved tidied (see tidy_text), however it arrives, and
    checked tidied, so a name that is unique only by its line endings is a form error."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.tidy()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.tidy()
        super().clean_fields(exclude)

    def tidy(self) -> None:
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
                setattr(self, field.attname, tidy_text(value))


class VersionedModel(TypedText):
    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True


class EditedContent(VersionedModel):
    """Content editors change in a form of its own. The edit counter is read when the form opens
    and checked when it is saved, so two editors never overwrite each other unseen."""

    edit_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class PageContent(EditedContent):
    """A model readers see as a page of its own: reviewed, signed off and published."""

    class Meta:
        abstract = True


class SharedContent(EditedContent):
    """A row several pages show (a condition, a reference…). It has no page of its own: a change
    to it reaches readers with the next approved publication of each page that shows it, and
    whoever made the change is an author of that page's change."""

    class Meta:
        abstract = True


def next_year() -> int:
    return datetime.date.today().year + 1


@reversion.register(exclude=["edit_version"])
class Condition(SharedContent):
    name = models.CharField(max_length=200, unique=True)
    abbreviation = models.CharField(max_length=20, blank=True, help_text="e.g. GIST")
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


@reversion.register(exclude=["edit_version"])
class DrugClass(SharedContent):
    name = models.CharField(max_length=200, unique=True)
    abbreviation = models.CharField(max_length=20, blank=True, help_text="e.g. TKI")
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "drug classes"

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


@reversion.register(exclude=["edit_version"])
class DosageForm(SharedContent):
    """How a drug comes: tablets, capsules, liquid, injection…"""

    name = models.CharField(max_length=100, unique=True, help_text="As readers say it: tablets")
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# When a review last checked the source is not an edit of it: restoring a revision never moves
# it back, and checking a source makes nobody its author.
@reversion.register(exclude=["edit_version", "last_checked_on"])
class Reference(SharedContent):
    """A source, cited in full."""

    authors = models.CharField(max_length=500, help_text="e.g. Gronchi A, Miah AB et al.")
    title = models.CharField(max_length=500)
    journal = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(next_year)],
    )
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    doi = models.CharField(max_length=200, blank=True, verbose_name="DOI")
    url = models.URLField(max_length=500, blank=True, verbose_name="URL")
    accessed = models.DateField(
        null=True, blank=True, help_text="When we read it. Shown as month and year."
    )
    last_checked_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a review that has ended checked that it still supports the page: "
        "readers are told it was accessed then, if that is later.",
    )

    class Meta:
        ordering = ["authors", "year"]
        constraints = [
            models.UniqueConstraint(fields=["authors", "title"], name="unique_reference")
        ]

    def __str__(self):
        return f"{self.authors} {self.title}" + (f" ({self.year})" if self.year else "")

    def clean(self):
        super().clean()
        if self.accessed and self.accessed > timezone.localdate():
            raise ValidationError({"accessed": "The day we read it cannot be a day to come."})


@reversion.register(exclude=["edit_version"])
class SideEffect(PageContent):
    page_kind = PageKind.SIDE_EFFECT

    name = models.CharField(
        max_length=200, unique=True, help_text="The plain words readers use: tiredness"
    )
    medical_name = models.CharField(
        max_length=200, blank=True, help_text="The medical word, shown in brackets: fatigue"
    )
    # The safety sections (the admin's "Safety" fields).
    SAFETY_FIELDS = ["when_to_get_help"]
    # Everything readers are told of it, the safety sections among it: each listed on the
    # editors' dashboard while empty.
    READER_FIELDS = ["what_it_is", "what_helps", "when_to_get_help"]

    slug = models.SlugField(max_length=200, unique=True)
    what_it_is = models.TextField(blank=True, max_length=LONG_TEXT)
    what_helps = models.TextField(blank=True, max_length=LONG_TEXT, verbose_name="what can help")
    when_to_get_help = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        help_text="Which signs mean calling the hospital team, 111 or 999, as a source says. "
        "Leave empty where no source says: the page then says nothing of its own.",
    )
    references = models.ManyToManyField(Reference, blank=True, related_name="side_effects")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.medical_name})" if self.medical_name else self.name


class WhereTaken(models.TextChoices):
    AT_HOME = "at_home", "at home"
    IN_HOSPITAL = "in_hospital", "in hospital"


@reversion.register(
    follow=["brand_names", "indications", "side_effect_links", "availability"],
    exclude=["edit_version"],
)
class Therapy(PageContent):
    page_kind = PageKind.THERAPY
    # The safety sections (see below): listed on the editors' dashboard while empty.
    SAFETY_FIELDS = [
        "contact_team_straight_away",
        "missed_dose",
        "other_medicines",
        "pregnancy_and_contraception",
    ]

    generic_name = models.CharField(max_length=200, unique=True, help_text="e.g. imatinib")
    other_names = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other names readers may know it by, separated by commas: its brand names "
        "in other countries (Gleevec, in the USA), a former name. Search finds the page by "
        "them, and the page lists them as “Also known as”.",
    )
    slug = models.SlugField(max_length=200, unique=True)
    drug_class = models.ForeignKey(
        DrugClass, null=True, blank=True, on_delete=models.PROTECT, related_name="therapies"
    )
    summary = models.TextField(
        blank=True, max_length=LONG_TEXT, help_text="What it is and what it may treat."
    )
    how_it_works = models.TextField(blank=True, max_length=LONG_TEXT)
    when_used = models.TextField(
        blank=True, max_length=LONG_TEXT, help_text="When and why it is given."
    )
    how_taken = models.TextField(
        blank=True, max_length=LONG_TEXT, help_text="How it is taken, in plain words."
    )
    dosage_forms = models.ManyToManyField(DosageForm, blank=True, related_name="therapies")
    how_often = models.CharField(max_length=100, blank=True, help_text="e.g. once a day")
    where_taken = models.CharField(max_length=20, choices=WhereTaken, blank=True)
    availability_note = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        help_text="What readers should know about getting it on the NHS.",
    )
    # Safety information, as NHS.UK's medicine pages give it. Each is shown only when filled
    # in, and only what a cited source says: an empty field is listed on the dashboard, never
    # filled with general advice.
    contact_team_straight_away = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        verbose_name="contact your team straight away if",
        help_text="The signs that mean contacting the hospital team at once. Shown in a "
        "marked box near the top of the page.",
    )
    missed_dose = models.TextField(
        blank=True, max_length=LONG_TEXT, verbose_name="if you miss a dose"
    )
    other_medicines = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        help_text="Medicines, remedies, foods and drinks that do not mix with it, in plain words.",
    )
    pregnancy_and_contraception = models.TextField(blank=True, max_length=LONG_TEXT)
    references = models.ManyToManyField(Reference, blank=True, related_name="therapies")
    conditions = models.ManyToManyField(
        Condition, through="Indication", related_name="therapies", blank=True
    )
    side_effects = models.ManyToManyField(
        SideEffect, through="TherapySideEffect", related_name="therapies", blank=True
    )

    class Meta:
        ordering = ["generic_name"]
        verbose_name_plural = "therapies"

    def __str__(self):
        return self.generic_name


@reversion.register()
class BrandName(VersionedModel):
    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="brand_names")
    name = models.CharField(max_length=100, help_text="As printed on the pack: Glivec®")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["therapy", "name"], name="unique_brand_per_therapy")
        ]

    def __str__(self):
        return self.name


class TreatmentRole(models.TextChoices):
    TREATMENT = "treatment", "to treat it"
    BEFORE_SURGERY = "before_surgery", "before surgery, to shrink it"
    ADJUVANT = "adjuvant", "after surgery, to lower the risk of it coming back (adjuvant)"
    ADVANCED = "advanced", "when it cannot be removed with surgery or has spread"
    AFTER_OTHER_TREATMENT = "after_other_treatment", "after other treatments"


@reversion.register()
class Indication(VersionedModel):
    """What a therapy treats, and the part it plays in that treatment."""

    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="indications")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="indications")
    role = models.CharField(max_length=32, choices=TreatmentRole, default=TreatmentRole.TREATMENT)
    detail = models.CharField(
        max_length=300, blank=True, help_text="e.g. for 3 years if there is a higher risk"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapy", "condition", "role"], name="unique_indication_role"
            )
        ]

    def __str__(self):
        return f"{self.therapy} for {self.condition}: {self.get_role_display()}"


class Frequency(models.TextChoices):
    """The frequency bands of UK medicine leaflets."""

    VERY_COMMON = "very_common", "very common (more than 1 in 10 people)"
    COMMON = "common", "common (up to 1 in 10 people)"
    UNCOMMON = "uncommon", "uncommon (up to 1 in 100 people)"
    RARE = "rare", "rare (up to 1 in 1,000 people)"
    VERY_RARE = "very_rare", "very rare (up to 1 in 10,000 people)"
    NOT_KNOWN = "not_known", "not known (cannot be estimated from the available data)"


@reversion.register()
class TherapySideEffect(VersionedModel):
    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="side_effect_links")
    side_effect = models.ForeignKey(
        SideEffect, on_delete=models.PROTECT, related_name="therapy_links"
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency, blank=True, help_text="Leave empty where no source says."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "side effect"
        constraints = [
            models.UniqueConstraint(
                fields=["therapy", "side_effect"], name="unique_side_effect_per_therapy"
            )
        ]

    def __str__(self):
        return f"{self.therapy}: {self.side_effect}"


class Nation(models.TextChoices):
    UK = "uk", "all of the UK"
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class NhsStatus(models.TextChoices):
    AVAILABLE = "available", "available on the NHS"
    NOT_APPROVED = "not_approved", "not approved for use on the NHS"
    CERTAIN_CIRCUMSTANCES = (
        "certain_circumstances",
        "not routinely on the NHS, but may be used in certain circumstances",
    )


@reversion.register()
class Availability(VersionedModel):
    """Whether the NHS in one UK nation gives a therapy, and on whose decision."""

    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="availability")
    nation = models.CharField(max_length=20, choices=Nation)
    status = models.CharField(max_length=32, choices=NhsStatus)
    decided_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. National Institute for Health and Care Excellence (NICE)",
    )

    class Meta:
        ordering = ["nation"]
        verbose_name_plural = "NHS availability"
        constraints = [
            models.UniqueConstraint(fields=["therapy", "nation"], name="one_status_per_nation")
        ]

    def __str__(self):
        return f"{self.therapy} in {self.get_nation_display()}: {self.get_status_display()}"


@reversion.register(exclude=["edit_version"])
class GlossaryTerm(PageContent):
    page_kind = PageKind.GLOSSARY_TERM

    term = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    explanation = models.TextField(max_length=LONG_TEXT, help_text="In plain English.")
    also_matches = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other forms of the word to explain where they appear, separated by commas: "
        "TKI, TKIs, tyrosine kinase inhibitors.",
    )
    references = models.ManyToManyField(Reference, blank=True, related_name="glossary_terms")

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    @property
    def forms(self) -> list[str]:
        """Every way the word is written on pages: the term and its other forms."""
        return [self.term, *(form.strip() for form in self.also_matches.split(",") if form.strip())]


@reversion.register(follow=["sections"], exclude=["edit_version"])
class Topic(PageContent):
    """A guide page that presents several therapies, such as the seed page."""

    page_kind = PageKind.TOPIC

    title = models.CharField(max_length=300, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    intro = models.TextField(blank=True, max_length=LONG_TEXT)
    references = models.ManyToManyField(Reference, blank=True, related_name="topics")
    references_note = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        help_text="Shown above the references, e.g. how to ask about our sources.",
    )
    production_note = models.TextField(
        blank=True, max_length=LONG_TEXT, help_text="Who wrote and reviewed this information."
    )
    # Text adapted from another organisation's page is credited to it, never presented as our
    # own authorship: readers see "Adapted from <title> by <organisation>, reviewed <date>".
    adapted_from_organisation = models.CharField(
        max_length=200,
        blank=True,
        help_text="If this page is adapted from another organisation's, its name: "
        "Macmillan Cancer Support.",
    )
    adapted_from_title = models.CharField(
        max_length=300, blank=True, help_text="The title of the page it is adapted from."
    )
    adapted_from_reviewed = models.DateField(
        null=True, blank=True, help_text="When that organisation last reviewed its page."
    )

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        # A credit names who the text is adapted from: without the name, readers would be
        # shown nothing of it, and a date out of any page's life is a typing slip.
        super().clean()
        reviewed = self.adapted_from_reviewed
        if (self.adapted_from_title or reviewed) and not self.adapted_from_organisation:
            raise ValidationError(
                {
                    "adapted_from_organisation": "Name the organisation it is adapted from, or "
                    "leave the title and date of the credit empty too."
                }
            )
        if reviewed and not 1990 <= reviewed.year <= datetime.date.today().year:
            raise ValidationError(
                {
                    "adapted_from_reviewed": "Give the date that organisation last reviewed its "
                    "page: not in the future, nor before 1990."
                }
            )


@reversion.register(follow=["presented"])
class TopicSection(VersionedModel):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(
        max_length=300, blank=True, help_text="Leave empty for a section that only presents drugs."
    )
    body = models.TextField(blank=True, max_length=LONG_TEXT)
    therapies = models.ManyToManyField(
        Therapy, through="TopicSectionTherapy", related_name="topic_sections", blank=True
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        # Editors meet sections by this name (the topic's form, comparisons, the audit trail):
        # one without a heading is named by its first words, or by where it stands.
        if self.heading:
            return self.heading
        words = self.body.split()
        if words:
            more = "…" if len(words) > 8 else ""
            return f"Section without a heading: {' '.join(words[:8])}{more}"
        return f"Section without a heading (position {(self.position or 0) + 1})"


@reversion.register()
class TopicSectionTherapy(VersionedModel):
    section = models.ForeignKey(TopicSection, on_delete=models.CASCADE, related_name="presented")
    therapy = models.ForeignKey(Therapy, on_delete=models.PROTECT, related_name="presented_in")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "therapy presented"
        verbose_name_plural = "therapies presented"
        constraints = [
            models.UniqueConstraint(fields=["section", "therapy"], name="unique_therapy_in_section")
        ]

    def __str__(self):
        return f"{self.section}: {self.therapy}"
