"""Review reminders: each page's responsible editor and reviewers hear when its review is due
in 90 days, in 30 days, today, and when it is overdue: once per page, threshold and due date."""

import datetime
from dataclasses import dataclass
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from reviews import roles
from reviews.models import PageReview, Publication, ReminderRun, ReminderSent
from reviews.models.schedule import DUE_VERY_SOON_DAYS
from reviews.notifications import site_link
from therapies.models import PublishedPage

Threshold = ReminderSent.Threshold


def _threshold_for(review: PageReview, today: datetime.date) -> str | None:
    """The most urgent threshold the review has reached on `today`."""
    days_left = review.days_left(today)
    if review.is_overdue_on(today):
        return Threshold.DUE if days_left == 0 else Threshold.OVERDUE
    if not review.is_due_soon_on(today):
        return None
    return Threshold.DAYS_30 if days_left <= DUE_VERY_SOON_DAYS else Threshold.DAYS_90


@dataclass
class Reminder:
    page: str
    threshold: str
    due_on: datetime.date
    recipients: list[str]


def _recipients_for(review: PageReview, responsible, editors: list[str]) -> list[str]:
    """Who answers for the page's review (its responsible editor, else its last author: see
    PageReviewQuerySet.with_responsible), else every editor; and the reviewers of its last
    change."""
    addresses = set()
    if responsible and responsible.email:
        addresses.add(responsible.email)
    else:
        addresses.update(editors)
    last = (
        Publication.objects.filter(
            content_type_id=review.content_type_id, object_id=review.object_id
        )
        .select_related("review_request")
        .first()
    )
    if last and last.review_request:
        addresses.update(
            email
            for email in last.review_request.sign_offs.values_list("reviewer__email", flat=True)
            if email
        )
    return sorted(addresses)


def send_review_reminders(*, today: datetime.date) -> list[Reminder]:
    """Send what is due. Each page's reminder is recorded as it is sent, so a mail failure
    part-way loses nothing and the next run sends only what is still owed."""
    published = PublishedPage.objects.filter(review=OuterRef("pk"))
    reviews = (
        PageReview.objects.due_soon_or_overdue(today)
        .filter(Exists(published))  # pages readers see: not drafts, deleted or withdrawn ones
        .with_responsible()
        .prefetch_related("item")
        .order_by("next_review_due")
    )
    already = set(
        ReminderSent.objects.filter(page_review__in=reviews).values_list(
            "page_review_id", "threshold", "due_on"
        )
    )
    editors = [
        user.email
        for user in get_user_model().objects.filter(groups__name=roles.EDITORS, is_active=True)
        if user.email
    ]
    reviews = list(reviews)
    responsible = get_user_model().objects.in_bulk({r.responsible_id for r in reviews} - {None})
    sent, failed = [], []
    for review in reviews:
        threshold = _threshold_for(review, today)
        if threshold is None or (review.pk, threshold, review.next_review_due) in already:
            continue
        page = str(review.item)
        recipients = _recipients_for(review, responsible.get(review.responsible_id), editors)
        label = Threshold(threshold).label
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    page_review=review,
                    threshold=threshold,
                    due_on=review.next_review_due,
                    recipients=", ".join(recipients),
                )
                send_mail(
                    f"Review {label}: {page}",
                    f"The review of “{page}” is {label}: next review due "
                    f"{review.next_review_due:%d %B %Y}.\n\n"
                    f"Open the dashboard: {site_link(reverse('admin:index'))}\n",
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
        except (OSError, SMTPException) as error:
            failed.append((page, error))
            continue
        sent.append(Reminder(page, label, review.next_review_due, recipients))
    ReminderRun.objects.create(reminders_sent=len(sent))
    if failed:
        raise ReminderError(sent, failed)
    return sent


class ReminderError(Exception):
    """Some reminders could not be sent; the others were, and are recorded."""

    def __init__(self, sent: list[Reminder], failed: list):
        self.sent = sent
        self.failed = failed
        pages = "; ".join(f"{page} ({error})" for page, error in failed)
        super().__init__(
            f"{len(failed)} reminder(s) could not be sent, and will be tried again: {pages}"
        )
