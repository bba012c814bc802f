"""The editors' dashboard: what is overdue, due, waiting for me, and incomplete, at a glance.

Every list is one query (or one per kind of page), whatever the amount of content.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from reversion.models import Revision, Version

from reviews import signing
from reviews.models import EditorialRole, PageReview, ReminderRun, ReviewRequest
from therapies.models import (
    PAGE_MODELS,
    Feedback,
    PublishedPage,
    ReadingLevel,
    Reference,
    Therapy,
)


@dataclass
class Entry:
    title: str
    url: str
    note: str = ""


def change_url(model, object_id) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[object_id]
    )


def _reviews_due(today: datetime.date) -> tuple[list[Entry], list[Entry]]:
    pages = (
        PublishedPage.objects.filter(
            review__in=PageReview.objects.due_soon_or_overdue(today).values("pk")
        )
        .select_related("review")
        .order_by("review__next_review_due", "sort_name")
        .only("kind", "object_id", "title", "review__next_review_due")
    )
    overdue, soon = [], []
    for page in pages:
        review = page.review
        url = change_url(PAGE_MODELS[page.kind], page.object_id)
        due = f"{review.next_review_due:%d %B %Y}"
        if review.is_overdue_on(today):
            overdue.append(
                Entry(page.title, url, f"{-review.days_left(today)} days overdue (due {due})")
            )
        else:
            soon.append(Entry(page.title, url, f"due {due}, in {review.days_left(today)} days"))
    return overdue, soon


def _awaiting_sign_off(user) -> list[Entry]:
    return [
        Entry(
            request.object_repr,
            reverse("admin:reviews_reviewrequest_review", args=[request.pk]),
            f"as {EditorialRole(roles[0]).label}",
        )
        for request, roles in signing.awaiting(user)
    ]


def my_drafts(user) -> list[Entry]:
    """Pages whose latest revision is mine and is not what readers see."""
    entries = []
    for kind, model in PAGE_MODELS.items():
        latest = (
            Version.objects.get_for_model(model)
            .values("object_id")
            .annotate(revision_id=Max("revision_id"))
        )
        latest = {int(row["object_id"]): row["revision_id"] for row in latest}
        mine = set(
            Revision.objects.filter(pk__in=latest.values(), user=user).values_list("pk", flat=True)
        )
        published = dict(
            PublishedPage.objects.filter(kind=kind).values_list("object_id", "revision_id")
        )
        drafts = [oid for oid, rid in latest.items() if rid in mine and published.get(oid) != rid]
        for obj in model._default_manager.filter(pk__in=drafts):
            entries.append(Entry(str(obj), change_url(model, obj.pk), model._meta.verbose_name))
    return entries


def _changes_requested_of(user) -> list[Entry]:
    later = ReviewRequest.objects.filter(
        content_type=OuterRef("content_type"),
        object_id=OuterRef("object_id"),
        pk__gt=OuterRef("pk"),
    )
    requests = (
        ReviewRequest.objects.filter(state=ReviewRequest.State.CHANGES_REQUESTED, submitted_by=user)
        .exclude(Exists(later))
        .order_by("-closed_at")
    )
    return [
        Entry(
            r.object_repr,
            reverse("admin:reviews_reviewrequest_review", args=[r.pk]),
            f"changes requested {r.closed_at:%d %B %Y}",
        )
        for r in requests
    ]


def _incomplete_content() -> list[Entry]:
    entries = [
        Entry(str(t), change_url(Therapy, t.pk), "no side effects listed")
        for t in Therapy.objects.filter(side_effect_links__isnull=True)
    ]
    entries += [
        Entry(str(t), change_url(Therapy, t.pk), "no condition it treats")
        for t in Therapy.objects.filter(indications__isnull=True)
    ]
    entries += [
        Entry(str(r), change_url(Reference, r.pk), "reference with no year or no link")
        for r in Reference.objects.filter(Q(year__isnull=True) | (Q(doi="") & Q(url="")))
    ]
    for model in PAGE_MODELS.values():
        entries += [
            Entry(
                str(obj),
                change_url(model, obj.pk),
                f"{model._meta.verbose_name} with no references",
            )
            for obj in model._default_manager.filter(references__isnull=True)
        ]
    return entries


def hard_to_read() -> list[Entry]:
    limit = settings.READABILITY_SMOG_LIMIT
    return [
        Entry(
            level.title, change_url(PAGE_MODELS[level.kind], level.object_id), f"SMOG {level.smog}"
        )
        for level in ReadingLevel.objects.filter(smog__gt=limit).order_by("-smog")
    ]


def _reader_feedback(today: datetime.date) -> dict:
    recent = Feedback.objects.filter(received_at__date__gte=today - datetime.timedelta(days=90))
    counts = dict(recent.values_list("helpful").annotate(n=Count("pk")).order_by())
    return {
        "helpful": counts.get(True, 0),
        "not_helpful": counts.get(False, 0),
        "latest": list(recent.exclude(comment="")[:5]),
    }


def dashboard(user, today: datetime.date) -> dict:
    overdue, soon = _reviews_due(today)
    last_run = ReminderRun.objects.first()
    return {
        "today": today,
        "overdue": overdue,
        "due_soon": soon,
        "awaiting_me": _awaiting_sign_off(user),
        "my_drafts": my_drafts(user),
        "changes_requested": _changes_requested_of(user),
        "incomplete": _incomplete_content(),
        "feedback": _reader_feedback(today),
        "hard_to_read": hard_to_read(),
        "smog_limit": settings.READABILITY_SMOG_LIMIT,
        "last_reminder_run": last_run,
        "reminders_stale": last_run is None or (today - last_run.ran_at.date()).days > 2,
    }
