"""export_content and import_content: everything out to one file and back into a new database,
with the public site byte for byte the same."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from reviews import roles, services
from sarcomainfo.backup import EXPORTED, NOT_EXPORTED
from tests.reviews.test_workflow import approve_all, edit_summary, submit
from therapies.models import PublishedPage, Therapy


def exported_models():
    for label in EXPORTED:
        app_label, _, model_name = label.partition(".")
        config = apps.get_app_config(app_label)
        for model in [config.get_model(model_name)] if model_name else config.get_models():
            if model._meta.label_lower not in NOT_EXPORTED:
                yield model


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in exported_models()}


def public_site() -> dict[str, bytes]:
    """Every public address, as a reader gets it."""
    from therapies.editions import edition_clock
    from therapies.page_cache import local_pages

    local_pages.clear()
    edition_clock.forget()
    reader = Client()
    sitemap = reader.get("/sitemap.xml").text
    addresses = {
        re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>(.*?)</loc>", sitemap)
    }
    addresses |= {
        "/sitemap.xml",
        "/feed/",
        "/therapies/",
        "/therapies/?condition=gastrointestinal-stromal-tumour",
        "/therapies/?q=glivec",
        "/side-effects/thyroid-changes/",  # withdrawn: 410, with the reason
        "/feedback/thanks/",
    }
    return {address: reader.get(address).content for address in sorted(addresses)}


@pytest.fixture(autouse=True)
def forget_content_types():
    """Emptying the database makes the content types again, with new ids; the test's
    transaction then rolls that back. Django caches content types per process: forget them, or
    later tests would look up the rolled-back ids."""
    from django.contrib.contenttypes.models import ContentType

    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def a_site_with_history(seed, as_user, people, client):
    imatinib = Therapy.objects.get(slug="imatinib")
    edit_summary(as_user, imatinib, "Imatinib blocks the signal that makes GIST cells grow.")
    approve_all(as_user, submit(as_user, imatinib))
    edit_summary(as_user, imatinib, "A draft nobody has approved yet.")
    services.withdraw(
        page=PublishedPage.objects.get(slug="thyroid-changes"),
        user=people["senior"],
        reason="We are rewriting this page.",
    )
    client.logout()
    client.post("/feedback/therapy/imatinib/", {"helpful": "yes", "comment": "Clear."})


def test_everything_goes_out_and_comes_back_with_the_same_public_site(
    a_site_with_history, tmp_path
):
    before_pages, before_rows = public_site(), row_counts()
    assert all(
        before_rows[label]
        for label in [
            "reviews.SignOff",
            "reviews.AuditEvent",
            "therapies.Feedback",
            "reversion.Version",
            "therapies.WithdrawnPage",
            "reviews.PageReview",
        ]
    )
    backup = tmp_path / "sarcomainfo.xml.gz"
    call_command("export_content", str(backup), stdout=io.StringIO())

    # A new database: migrated, so it has the editorial groups, and nothing else.
    if connection.vendor == "postgresql":
        # The test's own transaction holds deferred foreign-key checks; TRUNCATE needs them done.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as in a transaction of its own
    roles.sync_groups()
    assert Client().get("/therapies/imatinib/").status_code == 404
    call_command("import_content", str(backup), stdout=io.StringIO())

    assert row_counts() == before_rows
    after_pages = public_site()
    assert after_pages.keys() == before_pages.keys()
    different = [url for url in before_pages if after_pages[url] != before_pages[url]]
    assert different == []
    assert b"Imatinib blocks the signal" in after_pages["/therapies/imatinib/"]
    assert b"A draft nobody has approved" not in after_pages["/therapies/imatinib/"]


def test_import_refuses_a_database_that_already_has_content(seed, tmp_path):
    backup = tmp_path / "backup.xml"
    call_command("export_content", str(backup), stdout=io.StringIO())
    before = row_counts()
    with pytest.raises(CommandError, match="already holds content"):
        call_command("import_content", str(backup))
    assert row_counts() == before


def test_the_export_is_named_as_what_it_is(db, tmp_path):
    with pytest.raises(CommandError, match=r"Name the file …\.xml"):
        call_command("export_content", str(tmp_path / "backup.json"))
