"""Nothing is lost: history, comparison, restore, recover, conflicts and the audit trail."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from reversion.models import Version

from reviews.compare import word_diff
from reviews.models import AuditEvent, ReviewRequest, WorkflowError
from reviews.versions import versions_of
from tests.admin_forms import form_data, form_errors, open_form, post_form, save
from tests.reviews.test_workflow import CHANGE, approve_all, edit_summary, reader_sees, submit
from therapies.models import BrandName, Indication, PublishedPage, ReadingLevel, Therapy, Topic

HISTORY = "/admin/therapies/therapy/{}/history/"


def test_word_diff_marks_only_the_words_that_changed():
    marked = word_diff("You take it once a day.", "You take it twice a day <b>.")
    assert marked == (
        "You take it <del>once</del><ins>twice</ins> a <del>day.</del><ins>day &lt;b&gt;.</ins>"
    )


def test_history_lists_each_revision_with_who_when_why_and_state(imatinib, as_user):
    edit_summary(as_user, imatinib, "First change.")
    submit(as_user, imatinib)
    page = as_user("clinical").get(HISTORY.format(imatinib.pk)).text
    assert "Loaded from the seed content." in page
    assert "New summary: First change." in page
    assert "Editor" in page  # the author
    assert "in review" in page
    assert "published" in page  # the seed revision readers see


def test_any_two_revisions_compare_field_by_field_and_row_by_row(imatinib, as_user):
    first = versions_of(imatinib).last().revision_id
    save(
        as_user("editor"),
        CHANGE.format(imatinib.pk),
        note="Add a brand name and reword",
        summary="Imatinib is a TKI tablet.",
        how_often="once or twice a day",
        **{"brand_names-TOTAL_FORMS": "2", "brand_names-1-name": "Imkeldi®"},
    )
    second = versions_of(imatinib).last().revision_id
    response = as_user("lay").get(
        f"/admin/therapies/therapy/{imatinib.pk}/compare/?older={first}&newer={second}"
    )
    assert response.status_code == 200
    html = response.text
    assert '<th scope="row">Summary</th>' in html and "<ins>tablet.</ins>" in html
    assert "once<ins> or twice</ins> a day" in html
    assert "Brand name added: Imkeldi®" in html
    # Nonsense revision numbers get a message, not an error page.
    bad = as_user("lay").get(f"/admin/therapies/therapy/{imatinib.pk}/compare/?older=x&newer=999")
    assert bad.status_code == 302


def test_the_comparison_names_people_as_the_history_does_not_by_username(imatinib, as_user, people):
    people["editor"].first_name, people["editor"].last_name = "Erin", "Editor"
    people["editor"].save()
    first = versions_of(imatinib).last().revision_id
    edit_summary(as_user, imatinib, "Clearer.")
    second = versions_of(imatinib).last().revision_id
    url = f"/admin/therapies/therapy/{imatinib.pk}/compare/?older={first}&newer={second}"
    html = as_user("lay").get(url).text
    assert "Erin Editor" in as_user("lay").get(HISTORY.format(imatinib.pk)).text
    assert ", Erin Editor)." in html and ", editor)" not in html
    assert ", (system)) to revision 2" in html  # the seed's revision


def test_restoring_an_old_revision_makes_a_draft_and_changes_nothing_public(
    imatinib, as_user, client
):
    seed_revision = versions_of(imatinib).last().revision_id
    save(
        as_user("editor"),
        CHANGE.format(imatinib.pk),
        note="Drop the DFSP indication",
        summary="Changed summary.",
        **{"indications-3-DELETE": "on"},
    )
    assert Indication.objects.filter(therapy=imatinib).count() == 3
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/restore/{seed_revision}/"
    )
    assert response.status_code == 302
    imatinib.refresh_from_db()
    assert imatinib.summary.startswith("Imatinib is a TKI.")
    # The deleted child row came back with its parent.
    assert Indication.objects.filter(therapy=imatinib).count() == 4
    versions = list(versions_of(imatinib))
    assert len(versions) == 3
    assert versions[-1].revision.comment.startswith("Restored revision 1")
    assert PublishedPage.objects.get(slug="imatinib").revision_id == seed_revision
    assert AuditEvent.objects.filter(action="restore", object_id=imatinib.pk).exists()
    # It is a draft: it must be signed off like any other change.
    approve_all(as_user, submit(as_user, imatinib))
    assert PublishedPage.objects.get(slug="imatinib").revision_id == versions[-1].revision_id
    assert "Imatinib is a TKI." in reader_sees(client)


def test_a_restore_during_review_voids_the_review(imatinib, as_user):
    seed_revision = versions_of(imatinib).last().revision_id
    edit_summary(as_user, imatinib, "In review.")
    request = submit(as_user, imatinib)
    as_user("editor").post(f"/admin/therapies/therapy/{imatinib.pk}/restore/{seed_revision}/")
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.SUPERSEDED


def delete_url(therapy):
    return f"/admin/therapies/therapy/{therapy.pk}/delete/"


def test_a_published_page_cannot_be_deleted_until_it_is_withdrawn(seed, as_user, client):
    regorafenib = Therapy.objects.get(slug="regorafenib")
    regorafenib.presented_in.all().delete()
    editor = as_user("editor")
    assert (
        "cannot be deleted until a senior medical editor withdraws it"
        in editor.get(CHANGE.format(regorafenib.pk)).text
    )
    assert editor.post(delete_url(regorafenib), {"post": "yes"}).status_code == 403
    response = editor.post(
        "/admin/therapies/therapy/",
        {"action": "delete_selected", "_selected_action": [regorafenib.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Therapy.objects.filter(pk=regorafenib.pk).exists()
    assert reader_sees(client, "/therapies/regorafenib/").count("Regorafenib (Stivarga®)") >= 1


def withdraw(as_user, slug):
    page = PublishedPage.objects.get(slug=slug)
    response = as_user("senior").post(
        f"/admin/therapies/publishedpage/{page.pk}/withdraw/", {"reason": "Out of date."}
    )
    assert response.status_code == 302


def test_a_deleted_therapy_can_be_recovered_with_its_rows(seed, as_user):
    regorafenib = Therapy.objects.get(slug="regorafenib")
    # A therapy a topic presents is protected; take it out of the topic first.
    regorafenib.presented_in.all().delete()
    withdraw(as_user, "regorafenib")
    client = as_user("editor")
    assert client.post(delete_url(regorafenib), {"post": "yes"}).status_code == 302
    assert not Therapy.objects.filter(slug="regorafenib").exists()
    recover_list = client.get("/admin/therapies/therapy/recover/").text
    version = Version.objects.get_deleted(Therapy).get(object_id=str(regorafenib.pk))
    assert f"/admin/therapies/therapy/recover/{version.pk}/" in recover_list
    # Reviewers cannot recover (or restore, or send for review): 403, and nothing changes.
    reviewer = as_user("clinical")
    assert reviewer.post(f"/admin/therapies/therapy/recover/{version.pk}/").status_code == 403
    assert not Therapy.objects.filter(slug="regorafenib").exists()
    response = as_user("editor").post(f"/admin/therapies/therapy/recover/{version.pk}/")
    assert response.status_code == 302
    recovered = Therapy.objects.get(slug="regorafenib")
    assert [b.name for b in BrandName.objects.filter(therapy=recovered)] == ["Stivarga®"]
    assert recovered.indications.count() == 1
    assert AuditEvent.objects.filter(action="delete", object_id=regorafenib.pk).exists()
    assert AuditEvent.objects.filter(action="recover", object_id=regorafenib.pk).exists()


LONG_SUMMARY = " ".join(
    ["Imatinib inhibits constitutively activated transmembrane receptor tyrosine kinases"] * 8
)


def reading_grade(therapy) -> float | None:
    level = ReadingLevel.objects.filter(kind="therapy", object_id=therapy.pk).first()
    return level.smog if level else None


def test_a_restore_measures_the_reading_grade_of_what_it_brings_back(imatinib, as_user):
    seed_grade = reading_grade(imatinib)
    seed_revision = versions_of(imatinib).last().revision_id
    save(as_user("editor"), CHANGE.format(imatinib.pk), note="Longer", summary=LONG_SUMMARY)
    assert reading_grade(imatinib) > seed_grade
    as_user("editor").post(f"/admin/therapies/therapy/{imatinib.pk}/restore/{seed_revision}/")
    assert reading_grade(imatinib) == seed_grade


def test_a_change_to_a_section_on_the_topic_form_measures_the_new_text(seed, as_user):
    topic = Topic.objects.get()
    before = ReadingLevel.objects.get(kind="topic", object_id=topic.pk).smog
    url = f"/admin/therapies/topic/{topic.pk}/change/"
    save(as_user("editor"), url, note="Longer words", **{"sections-0-body": LONG_SUMMARY})
    assert ReadingLevel.objects.get(kind="topic", object_id=topic.pk).smog > before


def test_a_deleted_page_leaves_the_hard_to_read_list_and_a_recovery_returns_it(seed, as_user):
    regorafenib = Therapy.objects.get(slug="regorafenib")
    regorafenib.presented_in.all().delete()
    withdraw(as_user, "regorafenib")
    grade = reading_grade(regorafenib)
    with override_settings(READABILITY_SMOG_LIMIT=1):
        assert "regorafenib</a>: smog" in as_user("editor").get("/admin/").text.lower()
        as_user("editor").post(delete_url(regorafenib), {"post": "yes"})
        assert reading_grade(regorafenib) is None
        assert "regorafenib</a>: smog" not in as_user("editor").get("/admin/").text.lower()
        version = Version.objects.get_deleted(Therapy).get(object_id=str(regorafenib.pk))
        as_user("editor").post(f"/admin/therapies/therapy/recover/{version.pk}/")
        assert reading_grade(regorafenib) == grade


def test_recovering_onto_an_address_now_taken_says_why_and_changes_nothing(seed, as_user):
    regorafenib = Therapy.objects.get(slug="regorafenib")
    regorafenib.presented_in.all().delete()
    withdraw(as_user, "regorafenib")
    as_user("editor").post(delete_url(regorafenib), {"post": "yes"})
    Therapy.objects.create(generic_name="regorafenib", slug="regorafenib")
    version = Version.objects.get_deleted(Therapy).get(object_id=str(regorafenib.pk))
    response = as_user("editor").post(
        f"/admin/therapies/therapy/recover/{version.pk}/", follow=True
    )
    assert response.status_code == 200
    assert "cannot be brought back as it stands" in response.text
    assert Therapy.objects.filter(slug="regorafenib").count() == 1
    assert not AuditEvent.objects.filter(action="recover").exists()


def test_reviewers_cannot_restore_or_send_for_review(seed, as_user):
    imatinib = Therapy.objects.get(slug="imatinib")
    first = versions_of(imatinib).first().revision_id
    edit_summary(as_user, imatinib, "Changed.")
    count = versions_of(imatinib).count()
    reviewer = as_user("lay")
    url = f"/admin/therapies/therapy/{imatinib.pk}/"
    assert reviewer.post(f"{url}restore/{first}/").status_code == 403
    assert reviewer.post(f"{url}submit/", {"summary": "x"}).status_code == 403
    assert versions_of(imatinib).count() == count
    assert not ReviewRequest.objects.exists()


def test_a_conflicting_save_is_refused_and_the_other_change_survives(imatinib, as_user, people):
    url = CHANGE.format(imatinib.pk)
    first, second = as_user("editor"), None
    first_form = open_form(first, url)
    from django.test import Client

    second = Client()
    second.force_login(people["editor2"])
    second_form = open_form(second, url)
    response = post_form(
        first, url, first_form, summary="Editor one's words.", change_summary="One"
    )
    assert response.status_code == 302
    response = post_form(
        second, url, second_form, summary="Editor two's words.", change_summary="Two"
    )
    assert response.status_code == 200
    html = response.text
    assert "Someone else saved this page after you opened it" in html
    assert "<ins>Editor</ins> <del>is</del><ins>one&#x27;s</ins>" in html  # what editor one did
    assert "Editor two&#x27;s words." in html  # what editor two typed is still in the form
    imatinib.refresh_from_db()
    assert imatinib.summary == "Editor one's words."
    # Having seen the other change, editor two can choose to save again.
    retry = post_form(second, url, form_data(html), change_summary="Two, after checking")
    assert retry.status_code == 302, form_errors(retry)
    imatinib.refresh_from_db()
    assert imatinib.summary == "Editor two's words."


def test_the_audit_trail_records_every_action(imatinib, as_user, people):
    edit_summary(as_user, imatinib, "Audit me.")
    request = submit(as_user, imatinib)
    approve_all(as_user, request)
    edit_summary(as_user, imatinib, "Again.")
    request = submit(as_user, imatinib)
    as_user("lay").post(
        f"/admin/reviews/reviewrequest/{request.pk}/review/",
        {"role": "lay_reviewer", "decision": "changes_requested", "comment": "Simpler please."},
    )
    page = PublishedPage.objects.get(slug="imatinib")
    as_user("senior").post(
        f"/admin/therapies/publishedpage/{page.pk}/withdraw/", {"reason": "Checking."}
    )
    first = versions_of(imatinib).first().revision_id
    as_user("editor").post(f"/admin/therapies/therapy/{imatinib.pk}/restore/{first}/")
    actions = list(
        AuditEvent.objects.for_item(imatinib)
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("publish", None),  # the seed
        ("save", "editor"),
        ("submit", "editor"),
        ("approve", "clinical"),
        ("approve", "lay"),
        ("approve", "senior"),
        ("publish", "senior"),
        ("save", "editor"),
        ("submit", "editor"),
        ("request_changes", "lay"),
        ("withdraw", "senior"),
        ("restore", "editor"),
    ]
    saved = AuditEvent.objects.filter(action="save").first()
    assert saved.revision is not None and saved.comment.startswith("New summary")
    history = as_user("editor").get(HISTORY.format(imatinib.pk)).text
    assert "requested changes" in history
    assert "Lay reviewer Dr Lay: changes requested: “Simpler please.”" in history


def test_nobody_can_change_or_delete_the_audit_trail(imatinib, admin_client):
    event = AuditEvent.objects.for_item(imatinib).first()
    base = "/admin/reviews/auditevent/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{event.pk}/change/", {"comment": "x"}).status_code == 403
    assert admin_client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    response = admin_client.post(
        base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    event.comment = "rewritten"
    with pytest.raises(WorkflowError):
        event.save()
    with pytest.raises(WorkflowError):
        event.delete()
    with pytest.raises(WorkflowError):
        AuditEvent.objects.all().delete()
    with pytest.raises(WorkflowError):
        AuditEvent.objects.update(comment="x")
    assert response.status_code in {200, 302}


def test_bulk_updates_of_versioned_content_are_refused(imatinib):
    with pytest.raises(TypeError, match="versioned"):
        Therapy.objects.filter(pk=imatinib.pk).update(summary="unversioned")


def test_a_superuser_without_a_reviewer_profile_is_told_to_add_one(imatinib, as_user, people):
    from django.contrib.auth.models import Group

    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    boss.groups.add(Group.objects.get(name="Senior medical editors"))
    edit_summary(as_user, imatinib, "Check.")
    request = submit(as_user, imatinib)
    as_user("clinical").post(
        f"/admin/reviews/reviewrequest/{request.pk}/review/",
        {"role": "clinical_reviewer", "decision": "approved"},
    )
    as_user("lay").post(
        f"/admin/reviews/reviewrequest/{request.pk}/review/",
        {"role": "lay_reviewer", "decision": "approved"},
    )
    client = as_user("editor")
    client.force_login(boss)
    response = client.post(
        f"/admin/reviews/reviewrequest/{request.pk}/review/",
        {"role": "senior_medical_editor", "decision": "approved"},
    )
    assert "add your reviewer profile" in response.text
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.IN_REVIEW


def test_a_form_without_its_edit_counter_cannot_overwrite_a_newer_save(imatinib, as_user):
    url = CHANGE.format(imatinib.pk)
    stale = open_form(as_user("editor"), url)
    save(as_user("editor2"), url, summary="Editor two's words.")
    stale.pop("opened_edit_version")
    response = post_form(
        as_user("editor"), url, stale, change_summary="x", summary="Editor one's words."
    )
    assert response.status_code == 200
    assert "Someone else saved this page after you opened it" in response.text
    imatinib.refresh_from_db()
    assert imatinib.summary == "Editor two's words."


def test_a_row_deleted_by_someone_else_is_said_on_the_form(seed, as_user, people):
    from django.test import Client

    topic = Topic.objects.get()
    url = f"/admin/therapies/topic/{topic.pk}/change/"
    mine = open_form(as_user("editor"), url)
    other = Client()
    other.force_login(people["editor2"])
    last = topic.sections.count() - 1
    post_form(
        other,
        url,
        open_form(other, url),
        change_summary="Less.",
        **{f"sections-{last}-DELETE": "on"},
    )
    conflict = post_form(as_user("editor"), url, mine, title="Mine", change_summary="Mine.")
    assert "Someone else saved this page after you opened it" in conflict.text
    again = post_form(as_user("editor"), url, form_data(conflict.text), change_summary="Mine.")
    assert "Someone else deleted or changed a row here after you opened the page" in again.text
    assert 'value="Mine"' in again.text  # what the editor typed is still there
