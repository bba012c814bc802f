"""What every template may show of the site itself: the organisation that publishes it, and its
published pages about the site (about us, contact, privacy…) for the footer."""

from dataclasses import dataclass

from django.db import DatabaseError
from django.db.models import StringAgg, Subquery, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from therapies.editions import edition_clock
from therapies.models import Organisation, PageKind, PublishedPage

# Separators no title or address holds (ASCII's own for fields and records).
FIELD, RECORD = "\x1f", "\x1e"


@dataclass(frozen=True)
class SiteDetails:
    organisation: Organisation
    information_pages: list[dict]

    @classmethod
    def read(cls) -> "SiteDetails":
        """The organisation with the addresses and titles of the published pages about the
        site, in one query: every public page shows both, and takes few queries."""
        links = (
            PublishedPage.objects.filter(kind=PageKind.INFORMATION)
            .order_by()
            .values("kind")
            .annotate(
                links=StringAgg(Concat("slug", Value(FIELD), "title"), delimiter=Value(RECORD))
            )
            .values("links")
        )
        organisation = (
            Organisation.objects.annotate(information_pages=Subquery(links))
            .filter(pk=Organisation.ROW)
            .first()
        )
        if organisation is None:
            # The row is gone (a database emptied, not migrated again): the defaults.
            organisation = Organisation()
            row = next(iter(links), None)  # not first(): its ordering would split the group
            organisation.information_pages = row["links"] if row else ""
        # In A to Z order, as the pages' own list is (SQLite cannot order within a group).
        pages = sorted(
            (
                link.split(FIELD, 1)
                for link in (organisation.information_pages or "").split(RECORD)
                if link
            ),
            key=lambda page: page[1].casefold(),
        )
        return cls(
            organisation,
            [
                {"title": title, "url": reverse("therapies:information_page", args=[slug])}
                for slug, title in pages
            ],
        )


# The details as last read, with the edition they were read in: one tuple, swapped whole, so
# safe between threads. Changing either starts a new edition, so a match is still current.
_last_read: tuple[str, SiteDetails | None] = ("", None)


def current_site(request) -> SiteDetails:
    global _last_read
    read_in, details = _last_read
    try:
        # A public page's edition is read once, before the page is looked up in the cache.
        token = getattr(request, "site_edition", None) or edition_clock.token()
        if details is None or read_in != token:
            details = SiteDetails.read()
            _last_read = (token, details)
    except DatabaseError:
        # The error pages say so while the database is down, or after it refused a value:
        # with the details last read (nobody can change them meanwhile), or the defaults.
        details = details or SiteDetails(Organisation(), [])
    return details


def organisation(request):
    # Read only when a template shows them (the admin's do not), at most once a request.
    site = SimpleLazyObject(lambda: current_site(request))
    return {
        "organisation": SimpleLazyObject(lambda: site.organisation),
        "information_pages": SimpleLazyObject(lambda: site.information_pages),
    }


def forget() -> None:
    """Read the details afresh next time (tests, which roll the edition back)."""
    global _last_read
    _last_read = ("", None)
