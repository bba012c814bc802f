"""Review cycles: when each public page was reviewed and when it is next due.

This is metadata, not content: it is not versioned, so restoring an old revision of a page
never rewinds its review dates, and a minor edit never moves them.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Case, Exists, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from reversion.models import Version

from reviews.dates import add_months
from reviews.models.items import ItemQuerySet
from reviews.models.reviewers import ReviewerSnapshot
from therapies.models import PublishedPage

MAX_CYCLE_MONTHS = 60
# A review is due soon from this many days before its date: reminders start, and the dashboard
# lists it.
DUE_SOON_DAYS = 90
# The nearer reminder, and the nearer flag on the review dates list.
DUE_VERY_SOON_DAYS = 30
CYCLE_LIMITS = [
    MinValueValidator(1, "A review cycle is at least 1 month."),
    MaxValueValidator(MAX_CYCLE_MONTHS, "A review cycle is at most 60 months (5 years)."),
]


class ReviewPolicy(models.Model):
    """The charity's default review cycle. There is one row."""

    default_cycle_months = models.PositiveSmallIntegerField(
        validators=CYCLE_LIMITS,
        help_text="Months from a page's review to its next one, unless the page sets its own. "
        "Changing it moves the next review date of every page that follows it.",
    )
    require_current_declaration = models.BooleanField(
        default=True,
        help_text="A reviewer signs only with a declaration of interests made or confirmed in "
        "the last 12 months, as the PIF TICK asks.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "review policy"

    def __str__(self):
        return f"Review every {self.default_cycle_months} months"

    @classmethod
    def current(cls) -> "ReviewPolicy":
        policy, _ = cls.objects.get_or_create(
            pk=1, defaults={"default_cycle_months": settings.REVIEW_CYCLE_MONTHS}
        )
        return policy


class PageReviewQuerySet(ItemQuerySet):
    def overdue(self, today: datetime.date) -> "PageReviewQuerySet":
        """Reviews whose date has come (see PageReview.is_overdue_on)."""
        return self.filter(next_review_due__lte=today)

    def due_soon_or_overdue(self, today: datetime.date) -> "PageReviewQuerySet":
        return self.filter(next_review_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))

    def following_default_cycle(self) -> "PageReviewQuerySet":
        return self.filter(cycle_months__isnull=True)

    def with_review_status(self, today: datetime.date) -> "PageReviewQuerySet":
        """Each review with `review_status` (a PageReview.Status) on `today`, and `on_site`,
        worked out in the database so a list filters by them in its own query. Only a page
        readers can see has a review to do: the dashboard and the reminders count the same
        pages, so a page withdrawn or deleted is "not on the site" whatever its date."""
        Status = PageReview.Status
        return self.annotate(
            on_site=Exists(PublishedPage.objects.filter(review=OuterRef("pk")))
        ).annotate(
            review_status=Case(
                When(on_site=False, then=Value(Status.NOT_ON_SITE)),
                # As is_overdue_on and is_due_soon_on decide it.
                When(next_review_due__lte=today, then=Value(Status.OVERDUE)),
                When(
                    next_review_due__lte=today + datetime.timedelta(days=DUE_VERY_SOON_DAYS),
                    then=Value(Status.DUE_30),
                ),
                When(
                    next_review_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
                    then=Value(Status.DUE_90),
                ),
                default=Value(Status.NOT_YET_DUE),
                output_field=models.CharField(),
            )
        )

    def in_review_status(self, status: str) -> "PageReviewQuerySet":
        """The reviews (annotated by with_review_status) in one Status. "Due within 90 days"
        takes in those due within 30 too, as the dashboard's "due in the next 90 days" and the
        reminders count them."""
        Status = PageReview.Status
        if status == Status.DUE_90:
            return self.filter(review_status__in=[Status.DUE_30, Status.DUE_90])
        return self.filter(review_status=status)

    def with_responsible(self) -> "PageReviewQuerySet":
        """Each review with `responsible_id`: the person who answers for the page's review and
        is reminded of it. That is its responsible editor; when none is set, or theirs is a
        login no longer in use, it is the last person who saved the page (its latest revision
        with a person's name on it: the seed loader's are nobody's). The one rule, for the
        review dates list and the reminders alike; PageReview.responsible_is_last_author says
        which it was."""
        last_author = (
            Version.objects.filter(
                db=DEFAULT_DB_ALIAS,
                content_type=OuterRef("content_type"),
                # A version's object id is text, whatever the model's key is.
                object_id=Cast(OuterRef("object_id"), models.CharField()),
                revision__user__is_active=True,
            )
            .order_by("-revision_id")
            .values("revision__user")[:1]
        )
        return self.annotate(
            responsible_id=Coalesce(
                Case(
                    When(responsible_editor__is_active=True, then=F("responsible_editor")),
                    default=None,
                    output_field=models.IntegerField(),
                ),
                Subquery(last_author),
                output_field=models.IntegerField(),
            )
        )


class PageReview(models.Model):
    """When a public page was last reviewed, who approved that review, and when it is next due."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    reviewed_on = models.DateField()
    cycle_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=CYCLE_LIMITS,
        help_text="Leave empty to follow the review policy's default cycle.",
    )
    next_review_due = models.DateField(
        editable=False, help_text="The review date plus the review cycle."
    )
    approved_by = models.ForeignKey(
        ReviewerSnapshot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
        help_text="Who approved the latest review, as they were when they approved it.",
    )
    responsible_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who is reminded when the review falls due.",
    )

    objects = PageReviewQuerySet.as_manager()

    class Status(models.TextChoices):
        """Where a page's review stands, as the review dates list flags and filters it."""

        OVERDUE = "overdue", "Overdue"
        DUE_30 = "due_30", "Due within 30 days"
        DUE_90 = "due_90", "Due within 90 days"
        NOT_YET_DUE = "not_yet_due", "Not yet due"
        NOT_ON_SITE = "not_on_site", "Not on the site"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_review_record_per_page"
            )
        ]

    def __str__(self):
        return f"Review of {self.item}: reviewed {self.reviewed_on}, next {self.next_review_due}"

    def save(self, *args, **kwargs):
        self.next_review_due = self.computed_next_review()
        super().save(*args, **kwargs)

    def clean(self):
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError({"reviewed_on": "A review date cannot be in the future."})
        if self.cycle_months is not None and not 1 <= self.cycle_months <= MAX_CYCLE_MONTHS:
            return  # the field's own validators say so; there is no date to work out
        if self.reviewed_on and self.computed_next_review() <= self.reviewed_on:
            raise ValidationError("The next review must come after the date it was reviewed.")

    def computed_next_review(self, default_cycle_months: int | None = None) -> datetime.date:
        """The review date plus the page's cycle, or else the policy's default cycle (given,
        when the caller is moving many pages to a new default)."""
        default = default_cycle_months or ReviewPolicy.current().default_cycle_months
        return add_months(self.reviewed_on, self.cycle_months or default)

    def days_left(self, today: datetime.date) -> int:
        return (self.next_review_due - today).days

    def is_overdue_on(self, today: datetime.date) -> bool:
        """Overdue from the day it is due: by then the review should have been done."""
        return self.days_left(today) <= 0

    def is_due_soon_on(self, today: datetime.date) -> bool:
        return 0 < self.days_left(today) <= DUE_SOON_DAYS

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def days_overdue(self, today: datetime.date) -> int | None:
        """Days since the review fell due (0 on the day itself); None before then."""
        return -self.days_left(today) if self.is_overdue_on(today) else None

    @property
    def responsible_is_last_author(self) -> bool:
        """Whether the person PageReviewQuerySet.with_responsible named is the page's last
        author, standing in for a responsible editor not set (or no longer with us)."""
        return self.responsible_id is not None and self.responsible_id != self.responsible_editor_id
