"""The editors' dashboard: what is overdue, due, waiting for me, and incomplete, at a glance.

What waits for the person themselves comes first (their sign-offs, then the comments they must
answer), before the state of the whole site; each sees only the lists their roles can act on.
Every list is one query (or one per kind of page), whatever the amount of content.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum, TextField
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from reversion.models import Revision, Version

from reviews import roles, signing
from reviews.models import (
    EditorialRole,
    PageReview,
    ReminderRun,
    ReviewComment,
    Reviewer,
    ReviewRequest,
)
from therapies import readability, rich_text
from therapies.models import (
    PAGE_MODELS,
    Feedback,
    InformationPage,
    PublishedPage,
    ReadingLevel,
    Reference,
    SideEffect,
    Therapy,
    Topic,
    UnansweredSearch,
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


def _review_dates_list(user, status: str) -> str:
    """The review dates list filtered to one PageReview.Status (its "review status" filter),
    where the reviews counted here are listed with who answers for each, and exported."""
    if not user.has_perm("reviews.view_pagereview"):
        return ""
    return f"{reverse('admin:reviews_pagereview_changelist')}?review_status={status}"


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


def _comments_waiting_for(user) -> list[Entry]:
    """Reviewers' comments that wait for `user`'s answer: on the pages they are the responsible
    editor of and, on pages with no (active) responsible editor, on the changes they sent."""
    responsible = PageReview.objects.filter(
        content_type=OuterRef("review_request__content_type"),
        object_id=OuterRef("review_request__object_id"),
        responsible_editor__is_active=True,
    ).values("responsible_editor")[:1]
    comments = (
        ReviewComment.objects.filter(status=ReviewComment.Status.OPEN)
        .annotate(responsible=Subquery(responsible))
        .filter(
            Q(responsible=user.pk) | Q(responsible__isnull=True, review_request__submitted_by=user)
        )
        .select_related("review_request", "author__reviewer")
        .order_by("created_at", "pk")
    )
    entries = []
    for comment in comments:
        # A comment given with a decision has its role; one given on its own, the profile's.
        profile = getattr(comment.author, "reviewer", None)
        role = comment.role or (profile.editorial_role if profile else "")
        role = f" ({EditorialRole(role).label})" if role else ""
        about = f" about {comment.field}" if comment.field else ""
        text = Truncator(" ".join(comment.text.split())).words(20)
        url = reverse("admin:reviews_reviewrequest_review", args=[comment.review_request_id])
        entries.append(
            Entry(
                comment.review_request.object_repr,
                f"{url}#comment-{comment.pk}",
                f"{roles.name_of(comment.author)}{role} asked{about} on "
                f"{timezone.localtime(comment.created_at):%d %b %Y}: “{text}”",
            )
        )
    return entries


def _missing_safety_information(model) -> list[Entry]:
    """The pages with a section for readers still empty, each once with the sections it lacks:
    one query, however many pages. A therapy's are its safety sections; a side effect's, all it
    tells readers (READER_FIELDS). An empty section is shown to nobody, so until it is written
    from a source, readers get only the standard 999 and NHS 111 box."""
    names = getattr(model, "READER_FIELDS", model.SAFETY_FIELDS)
    what = "safety text" if names == model.SAFETY_FIELDS else "text for readers"
    empty = Q()
    for name in names:
        empty |= Q(**{name: ""})
    entries = []
    for page in model._default_manager.filter(empty):
        missing = [
            f"“{capfirst(model._meta.get_field(name).verbose_name)}”"
            for name in names
            if not getattr(page, name)
        ]
        entries.append(
            Entry(
                str(page),
                change_url(model, page.pk),
                f"{what} not written: {', '.join(missing)}",
            )
        )
    return entries


def _incomplete_content() -> list[Entry]:
    entries = [
        Entry(str(t), change_url(Therapy, t.pk), "no side effects listed")
        for t in Therapy.objects.filter(side_effect_links__isnull=True)
    ]
    entries += [
        Entry(str(t), change_url(Therapy, t.pk), "no condition it treats")
        for t in Therapy.objects.filter(indications__isnull=True)
    ]
    entries += _missing_safety_information(Therapy)
    entries += _missing_safety_information(SideEffect)
    entries += [
        Entry(str(r), change_url(Reference, r.pk), "reference with no year or no link")
        for r in Reference.objects.filter(Q(year__isnull=True) | (Q(doi="") & Q(url="")))
    ]
    for model in PAGE_MODELS.values():
        if model is InformationPage:
            continue  # a page about the site (privacy, cookies…) needs no sources
        entries += [
            Entry(
                str(obj),
                change_url(model, obj.pk),
                f"{model._meta.verbose_name} with no references",
            )
            for obj in model._default_manager.filter(references__isnull=True)
        ]
    entries += _promised_videos()
    return entries


def _promised_videos() -> list[Entry]:
    """Pages that send readers to a video, or to more of our information, and link to none.
    Found in the database first (one query a kind of page), so only the few pages with the
    words of such a promise are looked at closely."""
    entries = []
    for model in PAGE_MODELS.values():
        mentions = Q(pk__in=[])
        for column in model._meta.concrete_fields:
            if isinstance(column, TextField):
                mentions |= Q(**{f"{column.name}__iregex": rich_text.PROMISE_WORDS})
        if model is Topic:
            mentions |= Q(sections__body__iregex=rich_text.PROMISE_WORDS)
        for page in model._default_manager.filter(mentions).distinct():
            if readability.promised_videos(page):
                entries.append(
                    Entry(
                        str(page),
                        change_url(model, page.pk),
                        "sends readers to a video or to more information, and links to none",
                    )
                )
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


def _unanswered_searches(user, today: datetime.date) -> dict:
    """This month's most searched words that found nothing: what readers need that the site
    does not yet say (or says in other words), so that what is written follows the need."""
    top = (
        UnansweredSearch.objects.filter(day__gte=today.replace(day=1), day__lte=today)
        .values("query")
        .annotate(total=Sum("count"))
        .order_by("-total", "query")[:10]
    )
    may_see = user.has_perm("therapies.add_searchsynonym") or user.has_perm(
        "therapies.view_searchsynonym"
    )
    return {
        "top": list(top),
        "synonyms_url": reverse("admin:therapies_searchsynonym_changelist") if may_see else "",
        "can_add_synonym": user.has_perm("therapies.add_searchsynonym"),
    }


def _reminders(user, today: datetime.date) -> dict | None:
    """Whether the reminder job is running, for those who can set it up: it runs on the server
    (README, "Reminders"), which only an administrator reaches, so nobody else is told."""
    if not user.is_superuser:
        return None
    last_run = ReminderRun.objects.first()
    return {
        "last_run": last_run,
        "stale": last_run is None or (today - last_run.ran_at.date()).days > 2,
    }


def dashboard(user, today: datetime.date) -> dict:
    """The lists for `user`; a list their roles cannot act on is None (and not shown)."""
    overdue, soon = _reviews_due(today)
    editor = roles.is_editor(user)
    return {
        "today": today,
        "awaiting_me": _awaiting_sign_off(user) if roles.is_reviewer(user) else None,
        "comments_waiting": _comments_waiting_for(user) if editor else None,
        "changes_requested": _changes_requested_of(user) if editor else None,
        "my_drafts": my_drafts(user) if editor else None,
        "overdue": overdue,
        "due_soon": soon,
        # The same pages as the lists above, as the review dates list counts them.
        "overdue_url": _review_dates_list(user, PageReview.Status.OVERDUE),
        "due_soon_url": _review_dates_list(user, PageReview.Status.DUE_90),
        "incomplete": _incomplete_content(),
        "feedback": _reader_feedback(today),
        "unanswered": _unanswered_searches(user, today),
        "hard_to_read": hard_to_read(),
        "smog_limit": settings.READABILITY_SMOG_LIMIT,
        "reminders": _reminders(user, today),
        "declaration_due": signing.declaration_due(user),
        # Who may keep reviewers' profiles up to date sees whose declaration has lapsed.
        "declarations_due": _declarations_due()
        if user.has_perm("reviews.change_reviewer")
        else None,
        "evidence_url": reverse("reviews_evidence") if roles.sees_evidence(user) else None,
    }


def _declarations_due() -> list[Entry]:
    return [
        Entry(
            reviewer.name,
            change_url(Reviewer, reviewer.pk),
            f"last made {signing.in_full(reviewer.declared_on)}"
            if reviewer.declared_on
            else "none made",
        )
        for reviewer in signing.reviewers_without_current_declaration()
    ]
