"""What readers are told of a change is written for them; what reviewers are told stays with
the editorial team. And the approver a page names is whoever last gave it final approval."""

import importlib
import json
import re

from django.apps import apps
from django.utils import timezone

from reviews.models import Publication, ReviewRequest
from tests.reviews.test_review_cycles import check_all_sources
from tests.reviews.test_workflow import SIGNERS, approve_all, decide, edit_summary, reader_sees
from therapies.models import PublishedChange, PublishedPage, SiteEdition

SUBMIT = "/admin/therapies/therapy/{}/submit/"
INTERNAL = "Dose wording now as in the SmPC (section 4.2); checked with pharmacy."
NOTE = "We added what to do if you miss a dose."


def send(as_user, therapy, **fields):
    response = as_user("editor").post(SUBMIT.format(therapy.pk), {"summary": INTERNAL, **fields})
    assert response.status_code == 302, response.text[:3000]
    return ReviewRequest.objects.for_item(therapy).latest("pk")


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])


def test_only_the_note_written_for_readers_is_published(imatinib, as_user, client):
    edit_summary(as_user, imatinib, "If you miss a dose, take the next one at the usual time.")
    request = send(as_user, imatinib, reader_note=f"  {NOTE}  ")
    assert request.reader_note == NOTE
    preview = as_user("clinical").get(f"/admin/reviews/reviewrequest/{request.pk}/preview/").text
    assert NOTE in preview
    assert "SmPC" not in preview
    approve_all(as_user, request)
    today = timezone.localdate()
    text = reader_sees(client)
    assert f"Latest change, published {today.day} {today:%B %Y}: {NOTE}" in text
    assert "SmPC" not in text
    feed = client.get("/feed/").text
    assert NOTE in feed
    assert "SmPC" not in feed
    # The summary stays where the editorial team reads it.
    assert Publication.objects.for_item(imatinib).latest("pk").summary == INTERNAL


def test_a_change_sent_with_no_note_tells_readers_nothing_of_it(imatinib, as_user, client):
    edit_summary(as_user, imatinib, "Imatinib is a TKI, a targeted drug.")
    approve_all(as_user, send(as_user, imatinib))
    text = reader_sees(client)
    assert "Imatinib is a TKI, a targeted drug." in text
    assert "Latest change," not in text
    assert "SmPC" not in text
    assert "SmPC" not in client.get("/feed/").text
    assert PublishedPage.objects.get(slug="imatinib").change_summary == ""


def test_the_form_says_who_reads_each_field(imatinib, as_user):
    edit_summary(as_user, imatinib, "Changed.")
    page = as_user("editor").get(SUBMIT.format(imatinib.pk)).text
    summary = page.split('id="id_summary_helptext"')[1].split("</div>")[0]
    note = page.split('id="id_reader_note_helptext"')[1].split("</div>")[0]
    assert "Only the editorial team reads this." in summary
    assert "Readers see this on the page and in the feed" in note
    assert '<label for="id_reader_note">What changed, for readers:</label>' in page
    assert "Reading grade" not in page  # nothing written yet, nothing measured


def test_checking_the_note_shows_its_reading_grade_and_sends_nothing(imatinib, as_user):
    edit_summary(as_user, imatinib, "Changed.")
    long_note = (
        "We have comprehensively reorganised the information concerning pharmacokinetic "
        "interactions between imatinib and concomitantly administered medications so that "
        "everything is considerably clearer for you."
    )
    response = as_user("editor").post(
        SUBMIT.format(imatinib.pk),
        {"summary": INTERNAL, "reader_note": long_note, "check_reader_note": "1"},
    )
    assert response.status_code == 200
    assert not ReviewRequest.objects.exists()
    assert "Plain English: the note for readers" in response.text
    assert re.search(r"Reading grade \(SMOG\) [\d.]+", response.text)
    assert "Sentences over 20 words: We have comprehensively" in response.text
    assert "pharmacokinetic" in response.text.split("Possible medical words")[1]
    assert long_note in response.text  # what was typed is kept, to send as it is or change


def test_reviewers_read_the_note_with_its_reading_grade(imatinib, as_user):
    edit_summary(as_user, imatinib, "Changed.")
    request = send(as_user, imatinib, reader_note=NOTE)
    page = as_user("clinical").get(f"/admin/reviews/reviewrequest/{request.pk}/review/").text
    assert "<h2>What changed, for readers</h2>" in page
    assert NOTE in page
    assert re.search(r"Reading grade \(SMOG\) [\d.]+", page)
    assert "Only the editorial team reads this." in page


def test_after_a_review_with_no_change_the_page_names_its_approver(imatinib, as_user, client):
    page = PublishedPage.objects.get(slug="imatinib")
    published_at, note, changes = page.published_at, page.change_summary, PublishedChange.objects
    entries = changes.count()
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/confirm-review/",
        {"summary": "Checked against the 2024 guidelines: still right."},
    )
    assert response.status_code == 302
    request = ReviewRequest.objects.get(no_change=True)
    for who, role in SIGNERS[:2]:
        decide(as_user, request, who, role)
    check_all_sources(as_user, request)
    assert decide(as_user, request, "senior", "senior_medical_editor").status_code == 302

    client.logout()
    html = client.get("/therapies/imatinib/").content.decode()
    assert "approved by senior medical editor Dr Senior, Consultant." in reader_sees(client)
    assert "Fiona Cowie" not in reader_sees(client)
    assert json_ld(html)["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Senior",
        "jobTitle": "Consultant",
    }
    # No change was published: no note, no new date, nothing new in the feed.
    page.refresh_from_db()
    assert (page.published_at, page.change_summary) == (published_at, note)
    assert changes.count() == entries
    assert "Checked against the 2024 guidelines" not in html

    # The production record says which approval is which.
    publication = Publication.objects.for_item(imatinib).get()
    record = as_user("senior").get(f"/admin/reviews/publication/{publication.pk}/record/").text
    assert (
        "<dt>Approved by</dt><dd>Fiona Cowie, Consultant Clinical Oncologist "
        "(senior medical editor)</dd>" in record
    )
    assert (
        "no change needed: approved by Dr Senior, Consultant (senior medical editor)</dd>" in record
    )
    assert "<dt>Reviewed again</dt>" in record
    assert "<dt>Readers see</dt><dd>This version</dd>" in record


def test_the_seed_pages_show_no_invented_note(seed, client):
    assert not PublishedPage.objects.exclude(change_summary="").exists()
    assert not PublishedChange.objects.exclude(change_summary="").exists()
    for url in [
        "/topics/targeted-therapies-soft-tissue-sarcoma/",
        "/therapies/imatinib/",
        "/side-effects/tiredness/",
        "/glossary/",
        "/feed/",
    ]:
        response = client.get(url)
        assert "First published here" not in response.text
        assert "Latest change," not in response.text
    # Kept where the editorial team reads it.
    assert Publication.objects.filter(summary__startswith="First published here").count() == 19


def test_the_migration_clears_published_notes_and_names_latest_approvers(imatinib, as_user, people):
    migration = importlib.import_module("reviews.migrations.0010_reader_change_note")
    edit_summary(as_user, imatinib, "Changed.")
    approve_all(as_user, send(as_user, imatinib, reader_note=NOTE))
    # As before this change: the reviewers' summary published, the seed's note beside it.
    PublishedPage.objects.filter(slug="imatinib").update(change_summary=INTERNAL)
    seeded = PublishedPage.objects.get(slug="sunitinib")
    PublishedChange.objects.update(change_summary="First published here: the charity's page")
    # A review with no change needed, approved after the page's publication, by Dr Senior2.
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{seeded.object_id}/confirm-review/", {"summary": "Fine."}
    )
    assert response.status_code == 302
    request = ReviewRequest.objects.get(no_change=True)
    for who, role in SIGNERS[:2]:
        decide(as_user, request, who, role)
    check_all_sources(as_user, request)
    assert decide(as_user, request, "senior2", "senior_medical_editor").status_code == 302
    # ...which, before this change, left the publication's approver on the page.
    PublishedPage.objects.filter(pk=seeded.pk).update(approved_by=seeded.approved_by)
    edition = SiteEdition.objects.current().token

    migration.clear_notes_and_name_latest_approvers(apps, None)

    assert not PublishedPage.objects.exclude(change_summary="").exists()
    assert not PublishedChange.objects.exclude(change_summary="").exists()
    seeded.refresh_from_db()
    assert seeded.approved_by.name == "Dr Senior2"
    imatinib_page = PublishedPage.objects.get(slug="imatinib")
    assert imatinib_page.approved_by.name == "Dr Senior"  # published after no such review
    assert SiteEdition.objects.current().token != edition  # no cached page keeps an old note
    assert ReviewRequest.objects.filter(reader_note=NOTE).exists()  # the request keeps it
