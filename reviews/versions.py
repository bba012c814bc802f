"""Reading a page's revisions: which exist, which is latest, who made them, what they hold."""

import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.db import models
from reversion.models import Revision, Version


def versions_of(item: models.Model):
    """The page's own versions, oldest first, each with its revision and author."""
    return (
        Version.objects.get_for_object(item)
        .select_related("revision__user")
        .order_by("revision_id")
    )


def latest_revision(item: models.Model) -> Revision | None:
    version = versions_of(item).last()
    return version.revision if version else None


def revision_numbers(item: models.Model) -> dict[int, int]:
    """Revision id → its number in this page's history (1, 2, 3…)."""
    return {
        revision_id: number
        for number, revision_id in enumerate(
            versions_of(item).values_list("revision_id", flat=True), start=1
        )
    }


def content_hash(revision: Revision, publication: dict | None = None) -> str:
    """A fingerprint of exactly what the revision holds (and what readers would see of it)."""
    parts = sorted(
        revision.version_set.values_list("content_type_id", "object_id", "serialized_data")
    )
    digest = hashlib.sha256()
    for content_type_id, object_id, data in parts:
        digest.update(f"{content_type_id}:{object_id}:{data}\n".encode())
    if publication is not None:
        digest.update(json.dumps(publication, sort_keys=True).encode())
    return digest.hexdigest()


def authors_between(item: models.Model, *, after_id: int | None, upto_id: int) -> set[int]:
    """Ids of the users who saved the page's revisions after one revision, up to another."""
    versions = versions_of(item).filter(revision_id__lte=upto_id)
    if after_id is not None:
        versions = versions.filter(revision_id__gt=after_id)
    return {user_id for user_id in versions.values_list("revision__user_id", flat=True) if user_id}


def item_for_version(version: Version) -> models.Model | None:
    model = ContentType.objects.get_for_id(version.content_type_id).model_class()
    return model._default_manager.filter(pk=version.object_id).first()
