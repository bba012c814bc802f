"""Which saves change what readers see, and so start a new edition of the public site.

Signals catch every single-row save and delete, wherever it comes from (the workflow, the admin,
the seed loader). Bulk operations send no signals: the code that runs them calls
`SiteEdition.objects.advance()` itself, or work inside `one_new_edition()`.
"""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save

from therapies.models import SiteEdition

# Everything a public page shows is read from these.
SHOWN_TO_READERS = [
    "therapies.PublishedPage",
    "therapies.WithdrawnPage",
    "therapies.PublishedChange",
    "therapies.SearchSynonym",  # what a search lists
    "reviews.PageReview",
]


logger = logging.getLogger(__name__)
_state = threading.local()


def _new_edition(sender, **kwargs):
    if not getattr(_state, "batched", False):
        SiteEdition.objects.advance()


@contextmanager
def one_new_edition():
    """Bulk changes: one new edition when they are done, not one per row. Use it inside the
    transaction that makes the changes."""
    batched = getattr(_state, "batched", False)
    _state.batched = True
    try:
        yield
    finally:
        _state.batched = batched
    SiteEdition.objects.advance()


def connect():
    for model in SHOWN_TO_READERS:
        post_save.connect(_new_edition, sender=model, dispatch_uid=f"edition-save-{model}")
        post_delete.connect(_new_edition, sender=model, dispatch_uid=f"edition-delete-{model}")


class EditionClock:
    """The edition this process last read, used for at most PUBLIC_PAGE_EDITION_CHECK_SECONDS.
    Changes wait that long after committing (`wait_for_every_instance`), so a reader never
    gets a page older than the last change that has returned."""

    def __init__(self):
        self.last = ("", float("-inf"))  # one tuple, swapped whole: safe between threads
        self.database_down = False  # so an outage is logged once, not once per request

    def token(self) -> str:
        token, read_at = self.last
        now = time.monotonic()
        if now - read_at >= settings.PUBLIC_PAGE_EDITION_CHECK_SECONDS:
            try:
                token = SiteEdition.objects.current_token()
            except DatabaseError:
                if not token:
                    raise
                # While the database is down nobody can publish, so the edition last read is
                # still the current one: readers keep getting the pages already made.
                if not self.database_down:
                    self.database_down = True
                    logger.warning("Database unavailable; serving edition %s", token)
                return token
            if self.database_down:
                self.database_down = False
                logger.warning("Database available again")
            # Timed from before the read: the token is at least as new as that moment.
            self.last = (token, now)
        return token

    def forget(self) -> None:
        self.last = ("", float("-inf"))
        self.database_down = False


edition_clock = EditionClock()
