"""Who wrote a change that readers would see.

A page's change is everything its snapshot holds that readers were not shown before: the page's
own revisions, and every change to a row it shows (a condition, a drug class, a reference…)
since the snapshot readers last got was taken. Everyone who saved any of those is an author of
the change: named on the review page and in the production record, and unable to sign it off.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from reversion.models import Version

from reviews.models import Publication, ReviewRequest


@dataclass
class Author:
    user: object
    changed: list[str] = field(default_factory=list)  # "this page", "condition “GIST”"

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


def window_start(content_type_id: int, object_id: int, before) -> int | None:
    """The revision the page's previous publication (before `before`) was taken as of."""
    previous = (
        Publication.objects.filter(
            content_type_id=content_type_id, object_id=object_id, published_at__lt=before
        )
        .order_by("-published_at", "-pk")
        .first()
    )
    if previous is None:
        return None
    return previous.publication.get("as_of_revision") or previous.revision_id


def authors(
    *, content_type_id: int, object_id: int, snapshot: dict, upto: int, after: int | None
) -> list[Author]:
    """Everyone who saved the page or a row its snapshot shows, after revision `after` up to
    revision `upto`, with what each of them changed, in the order they first did."""
    page_type = ContentType.objects.get_for_id(content_type_id)
    rows: dict[ContentType, set[str]] = {page_type: {str(object_id)}}
    for label, pk in snapshot.get("shared_rows", []):
        app_label, model = label.split(".")
        rows.setdefault(ContentType.objects.get_by_natural_key(app_label, model), set()).add(
            str(pk)
        )
    matches = Q()
    for content_type, ids in rows.items():
        matches |= Q(content_type=content_type, object_id__in=ids)
    versions = Version.objects.filter(matches, revision_id__lte=upto).exclude(revision__user=None)
    if after is not None:
        versions = versions.filter(revision_id__gt=after)
    found: dict[int, Author] = {}
    users = get_user_model().objects.in_bulk(
        set(versions.values_list("revision__user_id", flat=True))
    )
    for user_id, type_id, row_id, label in versions.order_by("revision_id").values_list(
        "revision__user_id", "content_type_id", "object_id", "object_repr"
    ):
        author = found.setdefault(user_id, Author(users[user_id]))
        if (type_id, row_id) == (content_type_id, str(object_id)):
            what = "this page"
        else:
            name = ContentType.objects.get_for_id(type_id).model_class()._meta.verbose_name
            what = f"{name} “{label}”"
        if what not in author.changed:
            author.changed.append(what)
    return list(found.values())


def authors_of_request(request: ReviewRequest) -> list[Author]:
    """The authors of the change sent for review in `request`, and whoever sent it."""
    snapshot = request.publication
    found = authors(
        content_type_id=request.content_type_id,
        object_id=request.object_id,
        snapshot=snapshot,
        upto=snapshot.get("as_of_revision") or request.revision_id,
        after=window_start(request.content_type_id, request.object_id, request.submitted_at),
    )
    sender = next((a for a in found if a.user.pk == request.submitted_by_id), None)
    if sender is None:
        sender = Author(request.submitted_by)
        found.append(sender)
    sender.changed.append("sent it for review")
    return found


def authors_of_publication(publication: Publication) -> list[Author]:
    """The authors of what `publication` showed readers that they had not been shown before."""
    if publication.review_request is not None:
        return authors_of_request(publication.review_request)
    snapshot = publication.publication
    return authors(
        content_type_id=publication.content_type_id,
        object_id=publication.object_id,
        snapshot=snapshot,
        upto=snapshot.get("as_of_revision") or publication.revision_id,
        after=window_start(
            publication.content_type_id, publication.object_id, publication.published_at
        ),
    )
