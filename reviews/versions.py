"""Reading a page's revisions: which exist, which is latest, who made them, what they hold."""

import hashlib
import json
from itertools import chain

from django.contrib.contenttypes.models import ContentType
from django.db import models
from reversion.models import Revision, Version, _safe_revert
from reversion.revisions import _follow_relations_recursive


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


def revert_item(revision: Revision, model: type[models.Model], object_id) -> list[models.Model]:
    """Bring one item back as it was in `revision`: the item and the rows it owned there, not
    the other pages the same revision holds (moving a section between two topics is one
    revision of both). Rows the item owns now that it did not then are deleted, as reversion's
    own `Revision.revert(delete=True)` does for a whole revision. Returns the other items that
    lose a row to it (a section that has moved to another topic since comes back), since they
    change too.

    Uses two of django-reversion's private helpers, as its own revert does: check them when
    upgrading it."""
    versions = list(revision.version_set.all())
    owned = {(model, str(object_id))}
    owners: dict[Version, models.Field | None] = {}  # each row picked, and its link to its owner
    found = True
    while found:  # a row is owned if it points to an owned row (a section, then its therapies)
        found = False
        for version in versions:
            if version in owners:
                continue
            link = next(
                (
                    field
                    for field in version._model._meta.concrete_fields
                    if field.many_to_one
                    and (field.related_model, str(version.field_dict.get(field.attname))) in owned
                ),
                None,
            )
            if link is not None or (version._model, version.object_id) in owned:
                owned.add((version._model, version.object_id))
                owners[version] = link
                found = True
    now = {
        version: obj
        for version in owners
        if (obj := version._model._default_manager.filter(pk=version.object_id).first())
    }
    losers = [
        link.related_model._default_manager.get(pk=getattr(obj, link.attname))
        for version, obj in now.items()
        if (link := owners[version]) is not None
        and getattr(obj, link.attname) != version.field_dict.get(link.attname)
    ]
    current = chain.from_iterable(_follow_relations_recursive(obj) for obj in now.values())
    for obj in dict.fromkeys(current):
        if (type(obj), str(obj.pk)) not in owned:
            obj.delete()
    _safe_revert(list(owners))
    return losers
