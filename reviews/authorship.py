"""Who wrote a change that readers would see.

A page's change is everything its snapshot holds that readers of that page were not shown
before: the page's own revisions since its last publication, and every change to a row it shows
(a condition, a drug class, a reference…): since that publication for a row the page showed
then, and all of them for a row the page did not show then. A restore or a recovery brings back
an earlier revision's content, and with it that revision's authors. Everyone who saved any of
it is an author of the change: named on the review page and in the production record, and
unable to sign it off.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from reversion.models import Version

from reviews.models import AuditEvent, Publication, ReviewRequest


@dataclass
class Author:
    user: object
    changed: list[str] = field(default_factory=list)  # "this page", "condition “GIST”"

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


@dataclass(frozen=True)
class Window:
    """The revisions of one row (a page, or a row it shows) that a change carries."""

    content_type_id: int
    object_id: str
    after: int | None  # revision id; None: from its first revision
    upto: int


def _previous_publication(content_type_id: int, object_id, before) -> Publication | None:
    return (
        Publication.objects.filter(
            content_type_id=content_type_id, object_id=object_id, published_at__lt=before
        )
        .order_by("-published_at", "-pk")
        .first()
    )


def _taken_as_of(publication: Publication | None) -> int | None:
    """The latest revision the publication's snapshot could hold."""
    if publication is None:
        return None
    return publication.snapshot.get("as_of_revision") or publication.revision_id


def _windows_of_change(
    *, content_type_id: int, object_id, snapshot: dict, upto: int, previous: Publication | None
) -> list[Window]:
    start = _taken_as_of(previous)
    shown_before = set()
    if previous is not None:
        shown_before = {tuple(row) for row in previous.snapshot.get("shown_rows", [])}
    windows = [Window(content_type_id, str(object_id), start, upto)]
    for label, pk in snapshot.get("shown_rows", []):
        app_label, model = label.split(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        after = start if (label, pk) in shown_before else None
        windows.append(Window(content_type.pk, str(pk), after, upto))
    return windows


def _restored_windows(versions: list[tuple], page_type_id: int) -> list[Window]:
    """For each restore or recovery among `versions`, the revisions whose content it brought
    back: for a page, those since the publication before the revision restored; for a row
    pages share, all of them up to it."""
    keys = {(type_id, row_id) for _, type_id, row_id, _, revision_id in versions}
    events = AuditEvent.objects.filter(
        revision_id__in={revision_id for *_, revision_id in versions},
        restored_from__isnull=False,
    ).select_related("restored_from")
    windows = []
    for event in events:
        key = (event.content_type_id, str(event.object_id))
        if key not in keys:
            continue
        source = event.restored_from
        after = None
        if event.content_type_id == page_type_id:
            after = _taken_as_of(_previous_publication(*key, source.date_created))
        windows.append(Window(*key, after, source.pk))
    return windows


def authors(windows: list[Window], page: tuple[int, str]) -> list[Author]:
    """Everyone who saved a row in its window, with what they changed, in the order they did."""
    found: dict[int, Author] = {}
    seen: set[Window] = set()
    while windows := [w for w in windows if w not in seen]:
        seen.update(windows)
        matches = Q()
        for window in windows:
            matches |= Q(
                content_type_id=window.content_type_id,
                object_id=window.object_id,
                revision_id__lte=window.upto,
                **({"revision_id__gt": window.after} if window.after is not None else {}),
            )
        versions = list(
            Version.objects.filter(matches)
            .exclude(revision__user=None)
            .order_by("revision_id")
            .values_list(
                "revision__user_id", "content_type_id", "object_id", "object_repr", "revision_id"
            )
        )
        users = get_user_model().objects.in_bulk({user_id for user_id, *_ in versions})
        for user_id, type_id, row_id, label, _ in versions:
            author = found.setdefault(user_id, Author(users[user_id]))
            if (type_id, row_id) == page:
                what = "this page"
            else:
                name = ContentType.objects.get_for_id(type_id).model_class()._meta.verbose_name
                what = f"{name} “{label}”"
            if what not in author.changed:
                author.changed.append(what)
        windows = _restored_windows(versions, page[0])
    return list(found.values())


def authors_of_request(request: ReviewRequest) -> list[Author]:
    """The authors of the change sent for review in `request`, and whoever sent it."""
    snapshot = request.snapshot
    found = authors(
        _windows_of_change(
            content_type_id=request.content_type_id,
            object_id=request.object_id,
            snapshot=snapshot,
            upto=snapshot.get("as_of_revision") or request.revision_id,
            previous=_previous_publication(
                request.content_type_id, request.object_id, request.submitted_at
            ),
        ),
        page=(request.content_type_id, str(request.object_id)),
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
    snapshot = publication.snapshot
    return authors(
        _windows_of_change(
            content_type_id=publication.content_type_id,
            object_id=publication.object_id,
            snapshot=snapshot,
            upto=snapshot.get("as_of_revision") or publication.revision_id,
            previous=_previous_publication(
                publication.content_type_id, publication.object_id, publication.published_at
            ),
        ),
        page=(publication.content_type_id, str(publication.object_id)),
    )
