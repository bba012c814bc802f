"""Who may sign off a change, and in which role: the one rule that the review queue, the
dashboard, the review page and the sign-off itself all ask.

The rule reads what it needs about many open changes at once (`Situation`), so a list of
changes awaiting someone costs the same few queries however many there are.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from reversion.models import Version

from reviews.dates import add_months
from reviews.models import (
    EditorialRole,
    ReferenceCheck,
    Reviewer,
    ReviewPolicy,
    ReviewRequest,
    SignOff,
    WorkflowError,
)
from reviews.models.reviewers import has_words
from reviews.roles import ROLE_PERMISSIONS, roles_of
from therapies.models import PublishedPage
from therapies.publishing import PageSnapshot, address_clash

NO_PROFILE = (
    "Every sign-off records who gave it, with their declaration of interests: add your reviewer "
    "profile (your name and job title as readers see them, linked to your login by an "
    "administrator) before signing off."
)


# The PIF TICK asks that everyone who approves information has declared their interests within
# the last year: a sign-off freezes the declaration, so an old one would be frozen as if current.
DECLARATION_MONTHS = 12


def declaration_cutoff(today: datetime.date) -> datetime.date:
    """The oldest date a declaration may carry and still be current on `today`: exactly 12
    months before is current, a day earlier is not."""
    return add_months(today, -DECLARATION_MONTHS)


def declarations_required() -> bool:
    """Whether the review policy asks for a current declaration before signing: read, never
    written (ReviewPolicy.current() makes the row if it is missing; a page that only reads
    should not), so the same one query whether or not the row is there yet."""
    setting = ReviewPolicy.objects.order_by("pk").values_list(
        "require_current_declaration", flat=True
    )
    found = setting.first()
    if found is None:
        return ReviewPolicy._meta.get_field("require_current_declaration").default
    return found


def declaration_is_current(profile: Reviewer, today: datetime.date | None = None) -> bool:
    """Whether `profile` has a declaration of interests made or confirmed in the 12 months up to
    `today` (by default, today): the rule a sign-off is held to (`declaration_reason`)."""
    return declaration_reason(profile, today or timezone.localdate()) is None


def _declaration_link() -> SafeString:
    return format_html('<a href="{}">My declaration of interests</a>', reverse("my_declaration"))


def declaration_reason(profile: Reviewer, today: datetime.date) -> SafeString | None:
    """Why `profile`'s declaration of interests is not good enough to sign with on `today`,
    with the way to put it right; None when it is current. (The policy is the caller's.)
    The reason links to the page where reviewers make their own declaration, so it is HTML."""
    if not has_words(profile.declaration):
        return format_html(
            "You have no declaration of interests on record. Every sign-off shows who gave it "
            "with what they declared, so make one before you sign (write “None declared” if "
            "you have nothing to declare): {}.",
            _declaration_link(),
        )
    # A date still to come is not a declaration made: it would never lapse.
    if profile.declared_on is None or profile.declared_on > today:
        return format_html(
            "Your declaration of interests has no date, or a date still to come, so nobody can "
            "tell whether it is current. Confirm or update it before you sign: {}.",
            _declaration_link(),
        )
    if profile.declared_on < declaration_cutoff(today):
        return format_html(
            "Your declaration of interests was last confirmed on {}, more than {} months ago. "
            "Confirm or update it before you sign: {}.",
            in_full(profile.declared_on),
            DECLARATION_MONTHS,
            _declaration_link(),
        )
    return None


def in_full(day: datetime.date) -> str:
    """A date as a message says it: "3 March 2025"."""
    return f"{day.day} {day:%B %Y}"


def declaration_due(user) -> SafeString | None:
    """Why `user` must make or confirm their declaration of interests before they can sign
    anything, for the dashboard to say it before they meet it on a review; None when they need
    not (no reviewer profile, a current declaration, or the policy does not ask for one)."""
    profile = Reviewer.objects.filter(user_id=user.pk).first() if user.pk else None
    if profile is None or not declarations_required():
        return None
    return declaration_reason(profile, timezone.localdate())


def reviewers_without_current_declaration(today: datetime.date | None = None) -> QuerySet:
    """The reviewers who could sign (a profile linked to an active login) whose declaration of
    interests is missing, undated or more than 12 months old, oldest first: one query. Listed
    whatever the policy says, since an assessor asks for current declarations either way."""
    cutoff = declaration_cutoff(today or timezone.localdate())
    return (
        Reviewer.objects.filter(user__isnull=False, user__is_active=True)
        .filter(
            Q(declaration="")
            | Q(declared_on__isnull=True)
            | Q(declared_on__lt=cutoff)
            | Q(declared_on__gt=today or timezone.localdate())
        )
        .select_related("user")
        # Never declared first, on every database (PostgreSQL puts nulls last otherwise).
        .order_by(F("declared_on").asc(nulls_first=True), "name")
    )


def required_sign_offs() -> list[str]:
    """The roles that must approve a change before the senior medical editor's final approval."""
    return list(settings.REQUIRED_SIGN_OFFS)


def in_words(roles: list[str]) -> str:
    """Roles as a message names them: "the clinical reviewer and the lay reviewer"."""
    names = [f"the {EditorialRole(role).label}" for role in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def waiting_for(request: ReviewRequest) -> str:
    """Whose sign-off an open change waits for, in the words of a message: "the lay reviewer
    and the senior medical editor"."""
    approved = {s.role for s in request.sign_offs.all() if s.decision == SignOff.Decision.APPROVED}
    waiting = [role for role in required_sign_offs() if role not in approved]
    return in_words([*waiting, EditorialRole.SENIOR_MEDICAL_EDITOR])


@dataclass
class Situation:
    """What the rule needs to know beyond the changes themselves, read in a few queries for a
    list of changes fetched with `ReviewRequest.objects.for_sign_off()`."""

    existing: set[tuple[int, int]]  # (content type, id) of the pages that still exist
    latest: dict[tuple[int, int], int]  # each page's latest revision
    holders: dict[tuple[str, str], PublishedPage]  # published pages at the addresses asked for
    profile: Reviewer | None  # the signer's
    # Why the signer's declaration of interests stops them signing anything, if it does.
    declaration: SafeString | None = None

    @classmethod
    def of(cls, requests: list[ReviewRequest], user) -> "Situation":
        pages: dict[int, set[int]] = {}
        for request in requests:
            pages.setdefault(request.content_type_id, set()).add(request.object_id)
        existing, latest = set(), {}
        if pages:
            for type_id, ids in pages.items():
                model = ContentType.objects.get_for_id(type_id).model_class()
                existing |= {
                    (type_id, pk)
                    for pk in model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
                }
            revisions = Q()
            for type_id, ids in pages.items():
                revisions |= Q(content_type_id=type_id, object_id__in=[str(pk) for pk in ids])
            latest = {
                (row["content_type_id"], int(row["object_id"])): row["latest"]
                for row in Version.objects.filter(revisions)
                .values("content_type_id", "object_id")
                .annotate(latest=Max("revision_id"))
            }
        addresses = Q()
        for request in requests:
            if not request.no_change:
                addresses |= Q(kind=request.snapshot["kind"], slug=request.snapshot["slug"])
        holders = {}
        if addresses:
            holders = {
                (page.kind, page.slug): page
                for page in PublishedPage.objects.filter(addresses).only(
                    "kind", "slug", "object_id", "title"
                )
            }
        profile = Reviewer.objects.filter(user=user).first()
        declaration = None
        if profile is not None and declarations_required():
            declaration = declaration_reason(profile, timezone.localdate())
        return cls(existing, latest, holders, profile, declaration)


def _unchecked_references(request: ReviewRequest) -> list:
    """The sources a scheduled review must still check before its final approval."""
    if not request.is_review:
        return []
    checked = {check.reference_id for check in request.reference_checks.all()}
    return [
        reference for reference in request.cited_references.all() if reference.pk not in checked
    ]


def why_not(request: ReviewRequest, user, role: str, situation: Situation) -> str | None:
    """Why `user` cannot sign `request` off in `role` now; None when they can. The role itself
    is checked by the caller (`roles_of`)."""
    if not request.is_open:
        return request.why_closed
    page = (request.content_type_id, request.object_id)
    if page not in situation.existing:
        return "This page has been deleted."
    if situation.latest.get(page) != request.revision_id:
        return (
            "This revision is out of date: the page was saved again after it was sent for "
            "review. Only the latest revision can be signed off."
        )
    if user.pk in {author.pk for author in request.authors.all()}:
        return "You wrote or edited this change, so someone else must sign it off."
    if situation.profile is None:
        return NO_PROFILE
    signed = {sign_off.role: sign_off for sign_off in request.sign_offs.all()}
    if role in signed:
        return f"The {EditorialRole(role).label} has already signed off this change."
    if any(sign_off.reviewer_id == user.pk for sign_off in signed.values()):
        return "You have already signed off this change in another role."
    # Before the final approval's own conditions: the reviewer can put this right now, while
    # the page waits for the others.
    if situation.declaration:
        return situation.declaration
    if role == EditorialRole.SENIOR_MEDICAL_EDITOR:
        return _why_not_final(request, signed, situation)
    return None


def _why_not_final(request: ReviewRequest, signed: dict, situation: Situation) -> str | None:
    approved = {role for role, s in signed.items() if s.decision == SignOff.Decision.APPROVED}
    missing = [EditorialRole(r).label for r in required_sign_offs() if r not in approved]
    if missing:
        return f"Final approval waits for: {', '.join(missing)}."
    replaced = [
        check
        for check in request.reference_checks.all()
        if check.outcome == ReferenceCheck.Outcome.REPLACED
    ]
    if replaced:
        return (
            "A source this page cites is marked as replaced: change the page to cite the new "
            "source and send that revision for review. Replaced: "
            f"{'; '.join(str(check.reference) for check in replaced)}."
        )
    unchecked = _unchecked_references(request)
    if unchecked:
        return (
            "This is the page's review, so every source it cites is checked first. "
            f"Not checked yet: {'; '.join(map(str, unchecked))}."
        )
    if not request.no_change:
        snapshot = PageSnapshot.from_json(request.snapshot)
        return address_clash(snapshot, situation.holders.get((snapshot.kind, snapshot.slug)))
    return None


def check_can_sign(request: ReviewRequest, user, role: str) -> None:
    """Raise why `user` cannot sign `request` off in `role` now, if they cannot."""
    if role not in ROLE_PERMISSIONS or not user.has_perm(ROLE_PERMISSIONS[role]):
        raise PermissionDenied(f"You do not have the {EditorialRole(role).label} role.")
    reason = why_not(request, user, role, Situation.of([request], user))
    if reason:
        raise WorkflowError(reason)


def roles_to_sign(request: ReviewRequest, user) -> tuple[list[str], str]:
    """The roles `user` may sign `request` off in now, or the reason they may not."""
    situation = Situation.of([request], user)
    reasons = {role: why_not(request, user, role, situation) for role in roles_of(user)}
    roles = [role for role, reason in reasons.items() if reason is None]
    return roles, next((reason for reason in reasons.values() if reason), "")


def awaiting(user) -> list[tuple[ReviewRequest, list[str]]]:
    """The changes in review that `user` may sign off now, each with the roles they may sign
    it in: a fixed number of queries, however many changes are open."""
    roles = roles_of(user)
    if not roles:
        return []
    requests = list(ReviewRequest.objects.in_review().for_sign_off())
    situation = Situation.of(requests, user)
    waiting = []
    for request in requests:
        can = [role for role in roles if why_not(request, user, role, situation) is None]
        if can:
            waiting.append((request, can))
    return waiting
