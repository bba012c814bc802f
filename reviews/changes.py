"""The one path for every change to content: the admin's saves and deletions, restores and
recoveries, the seed loader and generated content all come through here.

A change is made inside a revision (the caller's `reversion.create_revision()`, or the admin's)
and `record_change` then does the rest, the same for each: the page's edit counter moves on (so
a form opened before the change conflicts), the revision carries its author and summary, an
audit event says who did what, any review of the page in progress ends, and the page's reading
level is measured again. `check_unchanged_since` is the conflict check forms make before saving;
`record_deletion` does the same work for a deleted row. Nothing else writes revisions of content.
"""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, models, transaction
from django.utils import timezone
from reversion.errors import RevertError
from reversion.models import Revision, Version

from reviews.audit import audit
from reviews.models import AuditEvent, ReviewRequest, WorkflowError
from reviews.versions import latest_revision, revert_item, revision_numbers
from therapies import readability

Action = AuditEvent.Action
BATCH = 2000


class Conflict(Exception):
    """Someone else changed the page after the form was opened."""

    def __init__(self, current: models.Model):
        self.current = current
        super().__init__(f"{current} was changed after the form was opened.")


def lock(page: models.Model) -> models.Model:
    """The page's row as it is now, locked until the transaction ends."""
    return type(page)._default_manager.select_for_update().get(pk=page.pk)


def check_unchanged_since(page: models.Model, opened_edit_version) -> models.Model:
    """The locked row, if nobody has saved the page since the form was opened at
    `opened_edit_version`; Conflict otherwise."""
    current = lock(page)
    if opened_edit_version is None or opened_edit_version != current.edit_version:
        raise Conflict(current)
    return current


def move_on(page: models.Model) -> None:
    """Give `page` the next edit counter and save it: forms opened before now conflict."""
    current = type(page)._default_manager.select_for_update().filter(pk=page.pk).first()
    page.edit_version = (current.edit_version if current else 0) + 1
    page.save()


def supersede_open_requests(
    item: models.Model, reason: str = "The page was saved again after it was sent."
) -> list[ReviewRequest]:
    """A new save sends the page back to draft: reviews of the earlier revision are void."""
    ended = list(ReviewRequest.objects.for_item(item).in_review().select_for_update())
    for request in ended:
        request.close(ReviewRequest.State.SUPERSEDED, reason)
    return ended


def record_change(
    page: models.Model,
    *,
    user,
    summary: str,
    action: str = Action.SAVE,
    restored_from: Revision | None = None,
    counted: bool = False,
    measure: bool = True,
) -> list[ReviewRequest]:
    """Called inside the revision of a change to `page` (a page, or a row pages share).
    Returns the reviews of the page that the change ended.

    `counted`: the caller has already moved the edit counter on (the admin does, under the
    lock its conflict check took). `restored_from`: the earlier revision a restore or a recovery
    brought back, whose authors come back with it. `measure`: False when the caller measures
    many pages at once afterwards (`readability.measure_pages`)."""
    if not counted:
        move_on(page)
    reversion.set_user(user)
    reversion.set_comment(summary)
    # The audit trail records what people did; the seed's first revisions have no author.
    if user is not None:
        reversion.add_meta(
            AuditEvent,
            action=action,
            actor=user,
            content_type=ContentType.objects.get_for_model(page),
            object_id=page.pk,
            object_repr=str(page)[:300],
            comment=summary,
            restored_from=restored_from,
        )
    ended = supersede_open_requests(page)
    if measure:
        readability.measure_pages([page])
    return ended


def record_deletion(item: models.Model, *, user) -> None:
    """Before `item` is deleted: its open reviews end with it, the audit trail says so, and it
    leaves the list of pages hard to read. It can be recovered as a draft."""
    supersede_open_requests(item)
    audit(action=Action.DELETE, item=item, actor=user, comment="Deleted in the admin.")
    readability.forget(item)


def _check_can_change(user, model: type[models.Model]) -> None:
    if not user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
        raise PermissionDenied("Only editors change content.")


@transaction.atomic
def restore(*, version: Version, user) -> Revision:
    """Bring back an earlier revision as a new draft. Nothing public changes."""
    item = version.object
    if item is None:
        raise WorkflowError("This page has been deleted: recover it instead.")
    _check_can_change(user, type(item))
    number = revision_numbers(item).get(version.revision_id)
    summary = f"Restored revision {number} of {version.revision.date_created:%d %B %Y %H:%M}."
    return _revert_as_new_revision(version, user, summary, Action.RESTORE)


@transaction.atomic
def recover(*, version: Version, user) -> models.Model:
    """Bring a deleted page back from its last revision, as a draft."""
    model = version._model
    _check_can_change(user, model)
    if model._default_manager.filter(pk=version.object_id).exists():
        raise WorkflowError("This page is not deleted.")
    _revert_as_new_revision(version, user, "Recovered after deletion.", Action.RECOVER)
    return model._default_manager.get(pk=version.object_id)


def _revert_as_new_revision(version: Version, user, summary: str, action: str) -> Revision:
    model = version._model
    before = model._default_manager.select_for_update().filter(pk=version.object_id).first()
    with reversion.create_revision():
        try:
            with transaction.atomic():
                stayed = revert_item(version.revision, model, version.object_id)
                # Check now, not at commit, so a clash is a message rather than an error page.
                connections[version.db].check_constraints()
        except (IntegrityError, RevertError) as error:
            raise WorkflowError(
                "That revision cannot be brought back as it stands: it clashes with the content "
                "now (for example another page has taken its address, or a row it points to was "
                f"deleted). Nothing was changed. Details: {error}"
            ) from error
        # The counter is not content: it moves on from where it was, not from the revision's.
        item = model._default_manager.get(pk=version.object_id)
        item.edit_version = (before.edit_version if before else 0) + 1
        item.save()
        if stayed:
            summary += " " + "; ".join(
                f"The {obj._meta.verbose_name} “{obj}” belongs to another page now and stays there."
                for obj in stayed
            )
        record_change(
            item,
            user=user,
            summary=summary,
            action=action,
            restored_from=version.revision,
            counted=True,
        )
    return latest_revision(item)


def record_generated(therapies: list) -> dict[int, Revision]:
    """Generated therapies (benchmarks, load tests) come in thousands, so their revisions are
    written in bulk: two each, a first draft and the reviewed one, which is returned. They have
    no author, so no audit event, and no reading level (their words are not meant to be read)."""
    content_type = ContentType.objects.get_for_model(type(therapies[0]))
    now = timezone.now()
    drafts = Revision.objects.bulk_create(
        [Revision(date_created=now, comment="Generated: first draft.") for _ in therapies],
        batch_size=BATCH,
    )
    published = Revision.objects.bulk_create(
        [Revision(date_created=now, comment="Generated: reviewed version.") for _ in therapies],
        batch_size=BATCH,
    )
    # Serialised once per therapy, with its many-to-many rows fetched together.
    serialized = {}
    for start in range(0, len(therapies), BATCH):
        ids = [therapy.pk for therapy in therapies[start : start + BATCH]]
        for therapy in (
            type(therapies[0])
            .objects.filter(pk__in=ids)
            .prefetch_related("dosage_forms", "references")
        ):
            serialized[therapy.pk] = serializers.serialize("json", [therapy])
    Version.objects.bulk_create(
        [
            Version(
                revision=revision,
                object_id=str(therapy.pk),
                content_type=content_type,
                db="default",
                format="json",
                serialized_data=serialized[therapy.pk],
                object_repr=therapy.generic_name,
            )
            for therapy, draft, final in zip(therapies, drafts, published, strict=True)
            for revision in (draft, final)
        ],
        batch_size=BATCH,
    )
    return {therapy.pk: revision for therapy, revision in zip(therapies, published, strict=True)}
