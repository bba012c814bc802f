"""Reading a page's revisions: which exist, which is latest, who made them, what they hold."""

import hashlib
import json
from itertools import chain

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Cast
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


def revision_number(*, page: str = "", revision: str = "revision") -> Subquery:
    """For annotating rows that name a page (its `content_type` and `object_id`, on the row or
    on the row it points to through `page`) and one of its revisions: that revision's number in
    the page's history, as `revision_numbers` gives it, read in the rows' own query."""
    prefix = f"{page}__" if page else ""
    up_to = (
        Version.objects.filter(
            db=DEFAULT_DB_ALIAS,
            content_type=OuterRef(f"{prefix}content_type"),
            object_id=Cast(OuterRef(f"{prefix}object_id"), models.CharField()),
            revision_id__lte=OuterRef(revision),
        )
        .order_by()
        .values("content_type")
        .annotate(number=Count("pk"))
        .values("number")
    )
    return Subquery(up_to, output_field=models.IntegerField())


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


def _authors_between(item: models.Model, *, after_id: int | None, upto_id: int) -> set[int]:
    """Ids of the users who saved the page's revisions after one revision, up to another."""
    versions = versions_of(item).filter(revision_id__lte=upto_id)
    if after_id is not None:
        versions = versions.filter(revision_id__gt=after_id)
    return {user_id for user_id in versions.values_list("revision__user_id", flat=True) if user_id}


def _item_for_version(version: Version) -> models.Model | None:
    model = ContentType.objects.get_for_id(version.content_type_id).model_class()
    return model._default_manager.filter(pk=version.object_id).first()


def owned_versions(
    revision: Revision, model: type[models.Model], object_id, leave: frozenset = frozenset()
) -> list[Version]:
    """The item's version in `revision` and those of the rows it owned there (its sections,
    their therapies…), not the other pages the same revision holds: moving a section between
    two topics is one revision of both. A row is owned if it points to an owned row; rows in
    `leave` ([model, id]), and the rows below them, are left out."""
    versions = list(revision.version_set.all())
    owned = {(model, str(object_id))}
    picked: list[Version] = []
    found = True
    while found:
        found = False
        for version in versions:
            key = (version._model, version.object_id)
            if version in picked or key in leave:
                continue
            if key in owned or _owner_link(version, owned):
                owned.add(key)
                picked.append(version)
                found = True
    return picked


def _owner_link(version: Version, owned: set) -> models.Field | None:
    """The foreign key by which the row, as the version holds it, points to an owned row."""
    return next(
        (
            field
            for field in version._model._meta.concrete_fields
            if field.many_to_one
            and (field.related_model, str(version.field_dict.get(field.attname))) in owned
        ),
        None,
    )


def revert_item(revision: Revision, model: type[models.Model], object_id) -> list[models.Model]:
    """Bring one item back as it was in `revision`: itself and the rows it owned there. Rows it
    owns now that it did not then are deleted, as reversion's own `revert(delete=True)` does
    for a whole revision. A row it owned then that another item owns now (a section moved to
    another topic since) stays where it is, so restoring one page never changes another: those
    rows are returned. Fields left out of the revisions (a reviewer's login, edit counters)
    keep their values.

    Uses two of django-reversion's private helpers, as its own revert does: check them when
    upgrading it."""
    versions = owned_versions(revision, model, object_id)
    owned = {(version._model, version.object_id) for version in versions}
    live = {
        version: obj
        for version in versions
        if (obj := version._model._default_manager.filter(pk=version.object_id).first())
    }
    moved = [
        obj
        for version, obj in live.items()
        if (link := _owner_link(version, owned))
        and getattr(obj, link.attname) != version.field_dict.get(link.attname)
    ]
    if moved:
        leave = frozenset((type(obj), str(obj.pk)) for obj in moved)
        versions = owned_versions(revision, model, object_id, leave)
        owned = {(version._model, version.object_id) for version in versions}
        live = {version: obj for version, obj in live.items() if version in versions}
    unversioned = {
        version: {
            field.attname: getattr(obj, field.attname)
            for field in obj._meta.concrete_fields
            if field.attname not in version.field_dict and not field.primary_key
        }
        for version, obj in live.items()
    }
    for obj in dict.fromkeys(chain.from_iterable(map(_follow_relations_recursive, live.values()))):
        if (type(obj), str(obj.pk)) not in owned:
            obj.delete()
    _safe_revert(versions)
    for version, values in unversioned.items():
        if values:
            version._model._base_manager.filter(pk=version.object_id).update(**values)
    return moved
