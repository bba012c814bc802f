"""Reviewer profiles as tests make them."""

import datetime

from django.utils import timezone


def current_declaration(**fields) -> dict:
    """A declaration of interests made a month ago: a profile made with it can sign under the
    review policy, which asks for one from the last 12 months (reviews.signing). For
    `Reviewer.objects.create(..., **current_declaration())`."""
    return {
        "declaration": "None declared.",
        "declared_on": timezone.localdate() - datetime.timedelta(days=30),
        **fields,
    }
