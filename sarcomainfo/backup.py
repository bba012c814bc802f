"""Everything the charity could not recreate, in one file, and back again.

The file holds the content and its published state, every revision, the review records,
requests, sign-offs, comments and audit trail, reader feedback, and the accounts (with their
password hashes): keep it as safe as the database. Django's XML serialiser writes it, with
natural keys for accounts, groups and content types, so it loads into any freshly migrated
database. XML, because Django's JSON keeps times only to the millisecond, and a restored site
must show exactly the times it showed before.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from therapies.editions import one_new_edition

# What is exported, in app order. Left out on purpose: sessions, login attempts (axes), the
# content types and permissions (migrations make them) and the site's edition (made anew).
EXPORTED = [
    "auth.group",
    "auth.user",
    "reversion",
    "therapies",
    "reviews",
]
NOT_EXPORTED = ["therapies.siteedition"]
SUFFIXES = (".xml", ".xml.gz")


class BackupError(Exception):
    pass


def export_content(path: str) -> None:
    if not path.endswith(SUFFIXES):
        raise BackupError(f"Name the file …{SUFFIXES[0]}, or …{SUFFIXES[1]} to compress it.")
    call_command(
        "dumpdata",
        *EXPORTED,
        format="xml",
        exclude=NOT_EXPORTED,
        natural_foreign=True,
        natural_primary=True,
        output=path,
        verbosity=0,
    )


def _has_content() -> bool:
    therapies = apps.get_app_config("therapies")
    return get_user_model().objects.exists() or any(
        model.objects.exists()
        for model in therapies.get_models()
        if model._meta.label_lower not in NOT_EXPORTED
    )


@transaction.atomic
def import_content(path: str) -> None:
    """Load an export into a database that has been migrated and holds no content yet. All or
    nothing: if any row fails, nothing is kept."""
    if _has_content():
        raise BackupError(
            "This database already holds content or accounts; import only into a new, "
            "migrated database (`manage.py migrate`), so nothing here is overwritten."
        )
    with one_new_edition():
        call_command("loaddata", path, verbosity=0)
