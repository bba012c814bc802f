"""The audit trail's writer: who did what to which row, and when. Events are never changed or
deleted (AuditEvent refuses both)."""

from django.contrib.contenttypes.models import ContentType

from reviews.models import AuditEvent, ReviewRequest


def audit(*, action, item, actor=None, revision=None, comment="", object_repr=None) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        object_repr=(object_repr or str(item))[:300],
        revision=revision,
        comment=comment,
    )


def audit_request(request: ReviewRequest, *, action, actor, comment="", revision=None):
    """An event about a review, recorded even if its page has since been deleted."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        content_type_id=request.content_type_id,
        object_id=request.object_id,
        object_repr=request.object_repr,
        revision=revision or request.revision,
        comment=comment,
    )
