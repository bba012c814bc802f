"""The editorial workflow's actions. Views and the admin call these; nothing re-implements them.

Each action checks who may take it, runs in one transaction, and leaves an audit event.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from reversion.models import Revision

from reviews import changes, notifications, roles, signing
from reviews.audit import audit, audit_request
from reviews.authorship import authors_of_request
from reviews.models import (
    AuditEvent,
    EditorialRole,
    PageReview,
    Publication,
    ReferenceCheck,
    ReviewComment,
    Reviewer,
    ReviewerSnapshot,
    ReviewPolicy,
    ReviewRequest,
    SignOff,
    WorkflowError,
)
from reviews.versions import (
    content_hash,
    latest_revision,
    revision_numbers,
    versions_of,
)
from therapies import publishing, readability
from therapies.models import (
    PAGE_MODELS,
    Organisation,
    PublishedPage,
    Reference,
    SiteEdition,
    WithdrawnPage,
)
from therapies.publishing import PageSnapshot, PublishingError, build_snapshot, pages_showing

Action = AuditEvent.Action
Decision = SignOff.Decision
State = ReviewRequest.State


def uses_of(row: models.Model) -> list[str]:
    """What keeps a row from being deleted, a line per kind of use: the pages that show it, and
    for a source, the published pages and changes in review that cite it. Empty when none."""
    verb = "Cited by" if isinstance(row, Reference) else "Shown on"
    pages: dict[str, list[str]] = {}
    for page in pages_showing(row):
        pages.setdefault(str(page._meta.verbose_name_plural), []).append(str(page))
    uses = [f"{verb} {kind}: {', '.join(names)}" for kind, names in pages.items()]
    if isinstance(row, Reference):
        published = PublishedPage.objects.filter(citations__reference=row)
        in_review = ReviewRequest.objects.filter(state=State.IN_REVIEW, cited_references=row)
        if published:
            uses.append(f"Cited by published pages: {', '.join(p.title for p in published)}")
        if in_review:
            uses.append(
                f"Cited by changes in review: {', '.join(r.object_repr for r in in_review)}"
            )
    return uses


@transaction.atomic
def delete_feedback(*, feedback, user) -> None:
    """Readers' words are kept, but one that must go (it names someone, say) can be deleted by
    a superuser: the audit trail keeps that it was, and when and by whom, not what it said."""
    if not user.is_superuser:
        raise PermissionDenied("Only an administrator deletes reader feedback.")
    answer = "helpful" if feedback.helpful else "not helpful"
    audit(
        action=Action.DELETE,
        item=feedback,
        actor=user,
        object_repr=f"Reader feedback on {feedback.page_title}",
        comment=f"Deleted reader feedback on “{feedback.page_title}” ({answer}, received "
        f"{feedback.received_at:%d %B %Y}); what it said is not kept.",
    )
    feedback.delete()


@transaction.atomic
def change_organisation(*, organisation: Organisation, user, changed: dict) -> Organisation:
    """Save the organisation's settings, which every page shows: an administrator's alone. The
    audit trail keeps each field changed, with what it was and what it is now. `changed` maps
    each field changed to its value before."""
    if not user.is_superuser:
        raise PermissionDenied("Only an administrator changes the organisation's settings.")
    organisation.full_clean()
    organisation.save()  # and a new edition: readers see the change at once
    described = [
        f"{Organisation._meta.get_field(name).verbose_name} from “{before or ''}” to "
        f"“{getattr(organisation, name)}”"
        for name, before in changed.items()
    ]
    audit(
        action=Action.SAVE,
        item=organisation,
        actor=user,
        comment=f"Organisation settings changed: {'; '.join(described)}."
        if described
        else "Organisation settings saved with no change.",
    )
    return organisation


def published_page_of(item: models.Model) -> PublishedPage | None:
    return PublishedPage.objects.filter(kind=item.page_kind, object_id=item.pk).first()


@transaction.atomic
def submit_for_review(
    *, item: models.Model, user, summary: str, is_review: bool = False, reader_note: str = ""
) -> ReviewRequest:
    """Send the page's latest revision for review. `is_review`: this change is its scheduled
    review, so approving it moves the review dates once every reference is checked.
    `summary` is for the editorial team only; `reader_note`, if any, is what readers are told
    of the change once it is published."""
    revision = _check_can_submit(item, user, summary)
    # Freeze what readers will see, shared rows (conditions, references…) included: that is
    # what the reviewers approve, and what the final approval publishes. The shared rows are
    # locked while it is taken, so a change to one is either in it or after it, never between.
    _lock_rows(build_snapshot(item).shown_rows)
    snapshot = build_snapshot(item)
    try:
        publishing.check_address_is_free(snapshot)
    except PublishingError as error:
        raise WorkflowError(str(error)) from error
    published = published_page_of(item)
    if (
        published
        and published.revision_id == revision.pk
        and (published.slug, published.document) == (snapshot.slug, snapshot.document)
    ):
        raise WorkflowError(
            "Readers already see exactly this revision: change something first, or record a "
            "review with no change needed."
        )
    return open_request(
        item,
        user,
        summary,
        revision,
        snapshot.as_json(),
        is_review=is_review,
        reader_note=reader_note.strip(),
    )


def _lock_rows(rows: list[list]) -> None:
    """Lock shared rows ([model label, id]) until the transaction ends."""
    by_model: dict[str, list[int]] = {}
    for label, pk in rows:
        by_model.setdefault(label, []).append(pk)
    for label, ids in by_model.items():
        model = apps.get_model(label)
        list(model._default_manager.select_for_update().filter(pk__in=ids).values_list("pk"))


@transaction.atomic
def submit_review_without_change(*, item: models.Model, user, summary: str) -> ReviewRequest:
    """Ask reviewers to confirm that the published page is still right, as its review."""
    revision = _check_can_submit(item, user, summary)
    published = published_page_of(item)
    if published is None:
        raise WorkflowError("This page is not published, so there is nothing to confirm.")
    if published.revision_id != revision.pk:
        raise WorkflowError(
            "This page has changes that are not published: send them for review as the "
            "review, or restore the published revision first."
        )
    snapshot = _snapshot_of_page(published)
    return open_request(item, user, summary, revision, snapshot, is_review=True, no_change=True)


def _snapshot_of_page(page: PublishedPage) -> dict:
    return PageSnapshot(
        kind=page.kind,
        object_id=page.object_id,
        slug=page.slug,
        title=page.title,
        document=page.document,
        facets=set(page.facets.values_list("name", "value", "label")),
    ).as_json()


def _check_can_submit(item: models.Model, user, summary: str) -> Revision:
    if not roles.is_editor(user):
        raise PermissionDenied("Only editors send changes for review.")
    if not summary.strip():
        raise WorkflowError("Say what changed and why, so reviewers know what to check.")
    type(item)._default_manager.select_for_update().filter(pk=item.pk).first()
    revision = latest_revision(item)
    if revision is None:
        raise WorkflowError("Save the page before sending it for review.")
    if ReviewRequest.objects.for_item(item).filter(state=State.IN_REVIEW).exists():
        raise WorkflowError("This page is already in review.")
    return revision


def open_request(item, user, summary, revision, snapshot: dict, **kind) -> ReviewRequest:
    request = ReviewRequest.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        object_repr=str(item)[:300],
        revision=revision,
        snapshot=snapshot,
        content_hash=content_hash(revision, snapshot),
        summary=summary.strip(),
        submitted_by=user,
        **kind,
    )
    request.cited_references.set(item.references.all())
    request.authors.set([author.user for author in authors_of_request(request)])
    audit(action=Action.SUBMIT, item=item, actor=user, revision=revision, comment=summary)
    transaction.on_commit(
        lambda: notifications.review_wanted(request, signing.required_sign_offs())
    )
    return request


@transaction.atomic
def sign_off(*, review_request: ReviewRequest, reviewer, role: str, decision: str, comment: str):
    # The lock makes two reviewers acting at the same moment take turns: the second sees the first.
    request = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
    signing.check_can_sign(request, reviewer, role)
    comment = comment.strip()
    if decision == Decision.CHANGES_REQUESTED and not comment:
        raise WorkflowError("Say what needs to change, so the editor can act on it.")
    if decision not in Decision.values:
        raise WorkflowError("Choose to approve or to request changes.")
    is_final = role == EditorialRole.SENIOR_MEDICAL_EDITOR
    signer = ReviewerSnapshot.objects.of(Reviewer.objects.get(user=reviewer), role)
    signed = SignOff.objects.create(
        review_request=request,
        revision=request.revision,
        content_hash=request.content_hash,
        reviewer=reviewer,
        signer=signer,
        role=role,
        decision=decision,
        comment=comment,
    )
    if decision == Decision.CHANGES_REQUESTED:
        # What must change waits for the editor's answer; a remark given with an approval is
        # part of the sign-off, and asks nothing.
        ReviewComment.objects.create(
            review_request=request, author=reviewer, role=role, text=comment
        )
    item = request.item
    action = Action.APPROVE if decision == Decision.APPROVED else Action.REQUEST_CHANGES
    audit(
        action=action,
        item=item,
        actor=reviewer,
        revision=request.revision,
        comment=f"As {EditorialRole(role).label}: {comment}" if comment else "",
    )
    if decision == Decision.CHANGES_REQUESTED:
        request.close(State.CHANGES_REQUESTED)
        transaction.on_commit(lambda: notifications.changes_requested(request, signed))
    elif is_final and request.no_change:
        record_review(item=item, approver=signer, request=request)
        # The page is as it was, with no change to tell readers of; only who last approved it
        # is new.
        publishing.name_approver(item.page_kind, item.pk, signer)
        request.close(State.CONFIRMED)
        _tell_readers_of_sources_checked(request)
    elif is_final:
        publish_revision(
            item=item,
            revision=request.revision,
            snapshot=PageSnapshot.from_json(request.snapshot),
            user=reviewer,
            approved_by=signer,
            review_request=request,
        )
        if request.is_review:
            record_review(item=item, approver=signer, request=request)
        request.close(State.PUBLISHED)
        _tell_readers_of_sources_checked(request)
    elif set(signing.required_sign_offs()) <= set(
        request.sign_offs.filter(decision=Decision.APPROVED).values_list("role", flat=True)
    ):
        transaction.on_commit(lambda: notifications.final_approval_wanted(request))
    return signed


def _tell_readers_of_sources_checked(request: ReviewRequest) -> None:
    """At a review's final approval, readers are told a source was accessed when it checked
    the source."""
    checked = request.reference_checks.filter(outcome=ReferenceCheck.Outcome.CHECKED)
    for on in set(checked.values_list("checked_on", flat=True)):
        publishing.sources_checked(
            checked.filter(checked_on=on).values_list("reference", flat=True), on=on
        )


def record_review(*, item, approver: ReviewerSnapshot, request: ReviewRequest) -> PageReview:
    """The page has been reviewed today: its dates move on from today."""
    review = PageReview.objects.for_item(item).first() or PageReview(item=item)
    review.reviewed_on = timezone.localdate()
    review.approved_by = approver
    review.save()
    audit(
        action=Action.REVIEW,
        item=item,
        actor=approver.reviewer.user,
        revision=request.revision,
        comment=f"Reviewed ({request.kind_label}); next review {review.next_review_due:%d %B %Y}.",
    )
    return review


@transaction.atomic
def publish_revision(
    *,
    item,
    revision: Revision,
    snapshot: PageSnapshot,
    user=None,
    approved_by: ReviewerSnapshot | None = None,
    comment="",
    review_request: ReviewRequest | None = None,
    reader_note: str = "",
) -> PublishedPage:
    """Publish `snapshot`, built from `revision`, as approved by `approved_by`.

    The summary (the review request's, or `comment`) stays with the editorial team; readers are
    told only the note written for them (the review request's, or `reader_note`), if any."""
    review = PageReview.objects.for_item(item).first()
    if review is None:
        # A page's first publication is its first review.
        review = PageReview.objects.create(
            item=item, reviewed_on=timezone.localdate(), approved_by=approved_by
        )
    before = published_page_of(item)
    withdrawn = WithdrawnPage.objects.filter(
        kind=snapshot.kind, object_id=snapshot.object_id
    ).first()
    summary = review_request.summary if review_request else comment
    try:
        page = publishing.publish(
            snapshot,
            review=review,
            revision=revision,
            approved_by=approved_by,
            change_summary=review_request.reader_note if review_request else reader_note,
        )
    except PublishingError as error:
        raise WorkflowError(str(error)) from error
    if before and before.published_at == page.published_at:
        return page  # already published exactly so: nothing happened to record
    Publication.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        object_repr=str(item)[:300],
        revision=revision,
        review_request=review_request,
        snapshot=snapshot.as_json(),
        summary=summary,
        approved_by=page.approved_by,
        published_by=user,
        readability=readability.report_of_document(snapshot.kind, snapshot.document).figures(),
    )
    number = revision_numbers(item).get(revision.pk)
    published = f"Revision {number} is now on the public site"
    if withdrawn is not None:
        published = (
            f"Revision {number} is on the public site again, after a new review and final "
            f"approval; it had been withdrawn on {withdrawn.withdrawn_at:%d %B %Y} "
            f"(“{withdrawn.reason}”)"
        )
    audit(
        action=Action.PUBLISH,
        item=item,
        actor=user,
        revision=revision,
        comment=comment or f"{published}.",
    )
    return page


@transaction.atomic
def withdraw(*, page: PublishedPage, user, reason: str) -> WithdrawnPage:
    if not user.has_perm(roles.WITHDRAW_PAGE):
        raise PermissionDenied("Only senior medical editors withdraw pages.")
    if not reason.strip():
        raise WorkflowError("Say why the page is withdrawn: readers are told.")
    page = PublishedPage.objects.select_for_update().filter(pk=page.pk).first()
    if page is None:
        raise WorkflowError("This page is not published.")
    item = PAGE_MODELS[page.kind]._default_manager.filter(pk=page.object_id).first()
    # Coming back takes a new review and final approval: a review in progress ends here.
    ended = []
    if item is not None:
        ended = changes.supersede_open_requests(
            item, f"The page was withdrawn from the public site: {reason.strip()}"
        )
    for request in ended:
        transaction.on_commit(lambda request=request: notifications.review_ended(request))
    withdrawn = publishing.withdraw(page, reason=reason.strip())
    AuditEvent.objects.create(
        action=Action.WITHDRAW,
        actor=user,
        content_type=ContentType.objects.get_for_model(PAGE_MODELS[page.kind]),
        object_id=page.object_id,
        object_repr=page.title,
        revision=page.revision,
        comment=reason.strip() + (" The review in progress ended with it." if ended else ""),
    )
    return withdrawn


@transaction.atomic
def check_reference(*, review_request: ReviewRequest, reference, user, outcome: str, note=""):
    """Record that a cited source was checked (or replaced) in this review."""
    if not (roles.is_editor(user) or roles.is_reviewer(user)):
        raise PermissionDenied("Only editors and reviewers check sources.")
    request = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
    if not request.is_open:
        raise WorkflowError(f"This review is {request.get_state_display()}.")
    if request.item is None:
        raise WorkflowError("The page has been deleted.")
    if not request.cited_references.filter(pk=reference.pk).exists():
        raise WorkflowError("The page does not cite that source.")
    if outcome not in ReferenceCheck.Outcome.values:
        raise WorkflowError("Say whether the source was checked or replaced.")
    check, _ = ReferenceCheck.objects.update_or_create(
        review_request=request,
        reference=reference,
        defaults={
            "outcome": outcome,
            "note": note.strip(),
            "checked_by": user,
            "checked_on": timezone.localdate(),
        },
    )
    audit_request(
        request,
        action=Action.CHECK_REFERENCE,
        actor=user,
        comment=f"{reference}: {check.get_outcome_display()}",
    )
    return check


@transaction.atomic
def add_comment(*, review_request: ReviewRequest, user, text: str, field: str = ""):
    if not roles.is_reviewer(user):
        raise PermissionDenied("Only reviewers comment on a change under review.")
    if not text.strip():
        raise WorkflowError("Write the comment first.")
    if not review_request.is_open:
        raise WorkflowError(f"This change is {review_request.get_state_display()}: it is closed.")
    comment = ReviewComment.objects.create(
        review_request=review_request, author=user, field=field.strip(), text=text.strip()
    )
    audit_request(review_request, action=Action.COMMENT, actor=user, comment=text.strip())
    return comment


@transaction.atomic
def resolve_comment(
    *, comment: ReviewComment, user, accepted: bool, reason: str = "", revision=None
) -> ReviewComment:
    """An editor answers a reviewer's comment: accepted (in which revision) or not (why)."""
    if not roles.is_editor(user):
        raise PermissionDenied("Only editors answer reviewers' comments.")
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != ReviewComment.Status.OPEN:
        raise WorkflowError("This comment has already been answered.")
    item = comment.review_request.item
    if accepted:
        if item is None:
            raise WorkflowError("The page has been deleted, so no revision can carry the change.")
        if revision is None or not versions_of(item).filter(revision=revision).exists():
            raise WorkflowError("Choose the revision of this page that made the change.")
        if revision.pk < comment.review_request.revision_id:
            raise WorkflowError("The change must come in a revision after the one commented on.")
        comment.status = ReviewComment.Status.ACCEPTED
        comment.resolution_revision = revision
    else:
        if not reason.strip():
            raise WorkflowError("Say why the comment is not accepted.")
        comment.status = ReviewComment.Status.NOT_ACCEPTED
        comment.reason = reason.strip()
    comment.resolved_by = user
    comment.resolved_at = timezone.now()
    comment.save()
    audit_request(
        comment.review_request,
        action=Action.RESOLVE_COMMENT,
        actor=user,
        revision=comment.resolution_revision,
        comment=f"{comment.get_status_display()}: {comment.text[:100]}"
        + (f" (because: {comment.reason})" if comment.reason else ""),
    )
    return comment


@transaction.atomic
def set_default_review_cycle(*, months: int, user) -> int:
    """Change the default cycle and move the next review of every page that follows it."""
    if not user.has_perm(roles.SET_REVIEW_POLICY):
        raise PermissionDenied("Only senior medical editors set the review cycle.")
    policy = ReviewPolicy.current()
    policy.default_cycle_months = months
    policy.full_clean()
    policy.save()
    following = list(PageReview.objects.following_default_cycle().select_for_update())
    for review in following:
        review.next_review_due = review.computed_next_review(default_cycle_months=months)
    PageReview.objects.bulk_update(following, ["next_review_due"], batch_size=500)
    SiteEdition.objects.advance()  # bulk_update sends no signals; readers see the new dates
    return len(following)
