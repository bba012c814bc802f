"""Text arrives with "\r\n" line endings from a browser and "\n" from the seed: it is stored one
way, so a comparison shows only what someone changed."""

import importlib

from django.apps import apps

from reviews.compare import compare
from reviews.models import Reviewer
from reviews.versions import versions_of
from tests.admin_forms import open_form, post_form
from tests.reviews.test_workflow import CHANGE
from therapies.models import Therapy, tidy_text


def as_a_browser_posts(data: dict) -> dict:
    return {
        name: [value.replace("\n", "\r\n") for value in values] for name, values in data.items()
    }


def test_tidy_text_keeps_paragraphs_and_drops_what_nobody_sees():
    assert tidy_text("One.  \r\n\r\nTwo.\rThree. ") == "One.\n\nTwo.\nThree."


def test_an_edit_to_one_field_in_a_browser_changes_only_that_field(imatinib, as_user):
    assert "\n\n" in imatinib.when_used  # paragraphs, as the seed holds them
    url = CHANGE.format(imatinib.pk)
    client = as_user("editor")
    data = as_a_browser_posts(open_form(client, url))
    response = post_form(
        client, url, data, how_taken="As tablets,\r\nonce a day.", change_summary="Plainer."
    )
    assert response.status_code == 302
    imatinib = Therapy.objects.get(pk=imatinib.pk)
    assert imatinib.how_taken == "As tablets,\nonce a day."
    assert "\r" not in imatinib.when_used
    older, newer = [v.revision for v in versions_of(imatinib)][-2:]
    comparison = compare(Therapy, imatinib.pk, older, newer)
    assert [change.label for change in comparison.fields] == ["How taken"]
    assert comparison.rows == []


def test_revisions_stored_before_tidying_compare_as_the_same_text(imatinib, as_user):
    # As a browser's save left a revision before text was tidied on save.
    version = versions_of(imatinib).last()
    version.serialized_data = version.serialized_data.replace("\\n", "\\r\\n")
    version.save()
    client = as_user("editor")
    url = CHANGE.format(imatinib.pk)
    post_form(client, url, open_form(client, url), change_summary="Checked.", how_often="daily")
    older, newer = [v.revision for v in versions_of(imatinib)][-2:]
    comparison = compare(Therapy, imatinib.pk, older, newer)
    assert [change.label for change in comparison.fields] == ["How often"]


def test_text_stored_before_is_tidied_by_the_migration(imatinib, people):
    Therapy._base_manager.filter(pk=imatinib.pk).update(when_used="One. \r\n\r\nTwo.")
    Reviewer._base_manager.filter(user=people["clinical"]).update(declaration="None.\r\n")
    migration = importlib.import_module("reviews.migrations.0008_tidy_typed_text")
    migration.tidy_rows(apps, None)
    assert Therapy.objects.get(pk=imatinib.pk).when_used == "One.\n\nTwo."
    assert Reviewer.objects.get(user=people["clinical"]).declaration == "None.\n"


def test_a_name_unique_only_by_its_line_endings_is_a_form_error(seed, as_user):
    client, url = as_user("editor"), "/admin/therapies/condition/add/"
    first = {"name": "Tidy\nCondition", "slug": "tidy-a", "change_summary": "Added."}
    assert post_form(client, url, open_form(client, url), **first).status_code == 302
    second = {"name": "Tidy \r\nCondition", "slug": "tidy-b", "change_summary": "Added."}
    response = post_form(client, url, open_form(client, url), **second)
    assert response.status_code == 200
    assert "Condition with this Name already exists." in response.text
    assert 'value="tidy-b"' in response.text  # what the editor typed is kept


def test_the_migration_leaves_a_row_whose_tidied_name_is_taken(imatinib):
    Therapy._base_manager.filter(pk=imatinib.pk).update(generic_name="sunitinib ")
    migration = importlib.import_module("reviews.migrations.0008_tidy_typed_text")
    migration.tidy_rows(apps, None)
    assert Therapy.objects.get(pk=imatinib.pk).generic_name == "sunitinib "
