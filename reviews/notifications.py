"""E-mails that tell the right people when the workflow needs them."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse

from reviews.models import EditorialRole
from reviews.roles import ROLE_PERMISSIONS, name_of
from reviews.versions import revision_numbers


def site_link(path: str) -> str:
    """A link for an e-mail: `path` on the site at the address people reach it by (SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def review_url(request) -> str:
    return site_link(reverse("admin:reviews_reviewrequest_review", args=[request.pk]))


def _revision_of(request) -> str:
    """The change's revision as the page's history and review page number it: "revision 3"."""
    item = request.item
    number = revision_numbers(item).get(request.revision_id) if item else None
    return f"revision {number}" if number else "a revision"


def _holders_of(permission: str):
    # Permissions come from groups, which the model backend knows (the login guard does not).
    users = get_user_model().objects.with_perm(
        permission, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
    )
    return [user.email for user in users.filter(is_active=True) if user.email]


def send(subject: str, body: str, recipients: list[str]) -> None:
    # A page's name is typed by an editor; a line break in it would make the subject an
    # invalid e-mail header, which fails after the change has already committed.
    subject = " ".join(subject.split())
    for address in recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def review_wanted(request, roles: list[str]) -> None:
    recipients = sorted({a for role in roles for a in _holders_of(ROLE_PERMISSIONS[role])})
    send(
        f"Please review: {request.object_repr}",
        f"{name_of(request.submitted_by)} sent {_revision_of(request)} of "
        f"“{request.object_repr}” for review.\n\n"
        f"What changed: {request.summary}\n\nReview it: {review_url(request)}\n",
        recipients,
    )


def changes_requested(request, sign_off) -> None:
    users = request.authors.filter(is_active=True)
    send(
        f"Changes requested: {request.object_repr}",
        f"{sign_off.signed_by} ({sign_off.get_role_display()}) asked for changes to "
        f"{_revision_of(request)} of “{request.object_repr}”:\n\n{sign_off.comment}\n\n"
        f"See the review: {review_url(request)}\n",
        [user.email for user in users if user.email],
    )


def final_approval_wanted(request) -> None:
    send(
        f"Ready for final approval: {request.object_repr}",
        f"{_revision_of(request).capitalize()} of “{request.object_repr}” has every sign-off "
        "it needs and waits for final approval.\n\n"
        f"Review it: {review_url(request)}\n",
        _holders_of(ROLE_PERMISSIONS[EditorialRole.SENIOR_MEDICAL_EDITOR]),
    )


def review_ended(request) -> None:
    """A review in progress ended without a decision (the page was withdrawn, or saved again
    in the admin): every reviewer who could have acted on it is told, so nobody looks for it
    in vain."""
    recipients = sorted(
        {a for permission in ROLE_PERMISSIONS.values() for a in _holders_of(permission)}
    )
    send(
        f"Review ended: {request.object_repr}",
        f"The review of “{request.object_repr}” has ended without a decision.\n\n"
        f"{request.closed_reason}\n\nNothing more is needed from you. See it: "
        f"{review_url(request)}\n",
        recipients,
    )
