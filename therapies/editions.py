"""Which saves change what readers see, and so start a new edition of the public site.

Signals catch every single-row save and delete, wherever it comes from (the workflow, the admin,
the seed loader). Bulk operations send no signals: the code that runs them calls
`SiteEdition.objects.advance()` itself, or work inside `one_new_edition()`.
"""

import threading
from contextlib import contextmanager

from django.db.models.signals import post_delete, post_save

from therapies.models import SiteEdition

# Everything a public page shows is read from these.
SHOWN_TO_READERS = [
    "therapies.PublishedPage",
    "therapies.WithdrawnPage",
    "reviews.PageReview",
    "reviews.Reviewer",
    "reviews.Publication",
]


_state = threading.local()


def new_edition(sender, **kwargs):
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
        post_save.connect(new_edition, sender=model, dispatch_uid=f"edition-save-{model}")
        post_delete.connect(new_edition, sender=model, dispatch_uid=f"edition-delete-{model}")
