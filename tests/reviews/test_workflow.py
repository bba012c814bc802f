"""The editorial workflow over HTTP, with the public site read as a reader reads it."""

import pytest
from django.core import mail
from django.test import override_settings

from reviews.models import AuditEvent, ReviewRequest, SignOff
from reviews.versions import versions_of
from tests.admin_forms import open_form, post_form, save
from tests.reviews.test_seed import text_of
from therapies.models import PublishedPage, Therapy

CHANGE = "/admin/therapies/therapy/{}/change/"
PUBLIC = "/therapies/imatinib/"
APPROVED_TEXT = "Imatinib is a TKI."


def edit_summary(as_user, therapy, text, who="editor"):
    save(as_user(who), CHANGE.format(therapy.pk), note=f"New summary: {text}", summary=text)


def submit(as_user, therapy, who="editor", summary="Please check the new summary."):
    response = as_user(who).post(
        f"/admin/therapies/therapy/{therapy.pk}/submit/", {"summary": summary}
    )
    assert response.status_code == 302, response.text[:3000]
    return ReviewRequest.objects.for_item(therapy).latest("pk")


def decide(as_user, request, who, role, decision="approved", comment=""):
    return as_user(who).post(
        f"/admin/reviews/reviewrequest/{request.pk}/review/",
        {"role": role, "decision": decision, "comment": comment},
    )


SIGNERS = [
    ("clinical", "clinical_reviewer"),
    ("lay", "lay_reviewer"),
    ("senior", "senior_medical_editor"),
]


def approve_all(as_user, request):
    for who, role in SIGNERS:
        response = decide(as_user, request, who, role)
        assert response.status_code == 302, response.text[:3000]


def reader_sees(client, url=PUBLIC) -> str:
    """The page's text as a reader reads it: tags removed, white space folded."""
    client.logout()
    return text_of(client.get(url))


def test_every_admin_save_is_a_revision_with_its_author_and_summary(imatinib, as_user):
    before = versions_of(imatinib).count()
    edit_summary(as_user, imatinib, "A clearer summary.")
    versions = list(versions_of(imatinib))
    assert len(versions) == before + 1
    latest = versions[-1].revision
    assert latest.user.username == "editor"
    assert latest.comment == "New summary: A clearer summary."
    # The revision holds the therapy's own rows as they were.
    held = {v._model.__name__ for v in latest.version_set.all()}
    assert {"Therapy", "BrandName", "Indication"} <= held


def test_the_admin_asks_for_a_change_summary(imatinib, as_user):
    client = as_user("editor")
    url = CHANGE.format(imatinib.pk)
    response = post_form(client, url, open_form(client, url), summary="Changed.", change_summary="")
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Therapy.objects.get(pk=imatinib.pk).summary == imatinib.summary


def test_a_change_reaches_readers_only_after_every_sign_off(imatinib, as_user, client):
    edit_summary(as_user, imatinib, "Imatinib is a targeted drug called a TKI.")
    request = submit(as_user, imatinib)
    for who, role in SIGNERS:
        assert APPROVED_TEXT in reader_sees(client)
        assert "targeted drug called a TKI" not in reader_sees(client)
        assert decide(as_user, request, who, role).status_code == 302
    assert "Imatinib is a targeted drug called a TKI." in reader_sees(client)
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.PUBLISHED
    page = PublishedPage.objects.get(slug="imatinib")
    assert page.revision_id == request.revision_id


def test_an_edit_saved_after_publication_stays_off_every_public_route(imatinib, as_user, client):
    save(
        as_user("editor"),
        CHANGE.format(imatinib.pk),
        note="Add a brand and change the summary",
        summary="Draft words nobody approved.",
        **{"brand_names-TOTAL_FORMS": "2", "brand_names-1-name": "Draftbrand"},
    )
    assert Therapy.objects.get(pk=imatinib.pk).brand_names.count() == 2
    for url in [
        PUBLIC,
        "/therapies/",
        "/therapies/?q=draftbrand",
        "/therapies/?condition=gastrointestinal-stromal-tumour",
        "/topics/targeted-therapies-soft-tissue-sarcoma/",
        "/sitemap.xml",
        "/",
    ]:
        html = reader_sees(client, url)
        assert "Draft words nobody approved." not in html
        assert "Draftbrand" not in html
    assert "0 drugs found" in reader_sees(client, "/therapies/?q=draftbrand")


def test_a_sign_off_on_one_revision_says_nothing_about_the_next(imatinib, as_user):
    edit_summary(as_user, imatinib, "Revision N.")
    first = submit(as_user, imatinib)
    assert decide(as_user, first, "clinical", "clinical_reviewer").status_code == 302
    assert decide(as_user, first, "lay", "lay_reviewer").status_code == 302
    # A save during review sends the page back to draft and voids those sign-offs.
    edit_summary(as_user, imatinib, "Revision N+1.")
    first.refresh_from_db()
    assert first.state == ReviewRequest.State.SUPERSEDED
    second = submit(as_user, imatinib)
    response = decide(as_user, second, "senior", "senior_medical_editor")
    assert response.status_code == 200
    assert "Final approval waits for: clinical reviewer, lay reviewer." in response.text
    assert "Revision N" not in reader_sees(as_user("editor"))
    # The void sign-offs are still in the history, marked as void.
    history = as_user("editor").get(f"/admin/therapies/therapy/{imatinib.pk}/history/").text
    assert history.count("(void)") == 2


def test_an_author_cannot_sign_off_their_own_change(imatinib, as_user, people):
    from django.contrib.auth.models import Group

    writer = people["clinical"]
    writer.groups.add(Group.objects.get(name="Editors"))  # an editor who is also a reviewer
    edit_summary(as_user, imatinib, "Written by a clinician.", who="clinical")
    request = submit(as_user, imatinib, who="editor")
    response = decide(as_user, request, "clinical", "clinical_reviewer")
    assert response.status_code == 200
    assert "You wrote or edited this change" in response.text
    assert not SignOff.objects.exists()


def test_the_submitter_cannot_sign_it_off_either(imatinib, as_user, people):
    from django.contrib.auth.models import Group

    people["editor2"].groups.add(Group.objects.get(name="Lay reviewers"))
    edit_summary(as_user, imatinib, "By editor one.")
    request = submit(as_user, imatinib, who="editor2")
    response = decide(as_user, request, "editor2", "lay_reviewer")
    assert "You wrote or edited this change" in response.text
    assert not SignOff.objects.exists()


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("editor", "clinical_reviewer"),
        ("editor", "senior_medical_editor"),
        ("lay", "clinical_reviewer"),
        ("clinical", "senior_medical_editor"),
    ],
)
def test_a_forged_sign_off_without_the_role_is_refused(imatinib, as_user, who, role):
    edit_summary(as_user, imatinib, "Needs review.")
    request = submit(as_user, imatinib)
    response = decide(as_user, request, who, role)
    assert response.status_code == 403
    assert not SignOff.objects.exists()
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.IN_REVIEW


def test_reviewers_cannot_edit_and_editors_cannot_sign(imatinib, as_user):
    for who in ["clinical", "lay", "senior"]:
        client = as_user(who)
        url = CHANGE.format(imatinib.pk)
        assert client.get(url).status_code == 200  # they can read it
        response = client.post(url, {"summary": "Reviewer edit", "change_summary": "x"})
        assert response.status_code == 403
    assert as_user("editor").get("/admin/reviews/reviewrequest/queue/").status_code == 403


def test_a_stale_revision_cannot_be_approved(imatinib, as_user):
    edit_summary(as_user, imatinib, "First try.")
    request = submit(as_user, imatinib)
    review_url = f"/admin/reviews/reviewrequest/{request.pk}/review/"
    assert "Your decision" in as_user("clinical").get(review_url).text
    edit_summary(as_user, imatinib, "Second try.")
    page = as_user("clinical").get(review_url).text
    assert "This revision is out of date" in page
    assert "Your decision" not in page
    response = decide(as_user, request, "clinical", "clinical_reviewer")
    assert response.status_code == 200
    assert not SignOff.objects.exists()


def test_requesting_changes_needs_a_comment_and_tells_the_author(
    imatinib, as_user, django_capture_on_commit_callbacks
):
    edit_summary(as_user, imatinib, "Too technical.")
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(as_user, imatinib)
    assert "Please review: imatinib" in [m.subject for m in mail.outbox]
    assert {"clinical@example.org", "lay@example.org"} <= {m.to[0] for m in mail.outbox}
    mail.outbox.clear()
    response = decide(as_user, request, "lay", "lay_reviewer", decision="changes_requested")
    assert "Say what needs to change" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(
            as_user, request, "lay", "lay_reviewer", "changes_requested", "Explain what a TKI is."
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.CHANGES_REQUESTED
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert "Explain what a TKI is." in mail.outbox[0].body


def test_final_approval_is_asked_for_once_the_reviewers_agree(
    imatinib, as_user, django_capture_on_commit_callbacks
):
    edit_summary(as_user, imatinib, "Ready.")
    request = submit(as_user, imatinib)
    with django_capture_on_commit_callbacks(execute=True):
        decide(as_user, request, "clinical", "clinical_reviewer")
        assert mail.outbox == []
        decide(as_user, request, "lay", "lay_reviewer")
    assert sorted(m.to[0] for m in mail.outbox) == ["senior2@example.org", "senior@example.org"]
    assert mail.outbox[0].subject == "Ready for final approval: imatinib"


def test_a_line_break_in_a_page_s_name_still_sends_the_e_mails(
    imatinib, as_user, django_capture_on_commit_callbacks
):
    """A name is one line in the admin's form, but a crafted save can break it: the e-mail
    subject must stay a valid header (the sanitising test found this failing after commit)."""
    form = open_form(as_user("editor"), CHANGE.format(imatinib.pk))
    response = post_form(
        as_user("editor"),
        CHANGE.format(imatinib.pk),
        form,
        generic_name="imatinib\r\nBcc: everyone@example.org",
        change_summary="A crafted name.",
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        submit(as_user, imatinib)
    subjects = [m.subject for m in mail.outbox]
    assert "Please review: imatinib Bcc: everyone@example.org" in subjects
    assert all("everyone@example.org" not in m.recipients() for m in mail.outbox)


@override_settings(REQUIRED_SIGN_OFFS=["clinical_reviewer"])
def test_who_must_sign_is_a_setting(imatinib, as_user, client):
    edit_summary(as_user, imatinib, "Only a clinician needs to check this.")
    request = submit(as_user, imatinib)
    decide(as_user, request, "clinical", "clinical_reviewer")
    assert decide(as_user, request, "senior", "senior_medical_editor").status_code == 302
    assert "Only a clinician needs to check this." in reader_sees(client)


def test_the_queue_shows_what_awaits_me_with_the_comparison(imatinib, as_user):
    edit_summary(as_user, imatinib, "Imatinib is a tablet TKI.")
    request = submit(as_user, imatinib)
    queue = as_user("clinical").get("/admin/reviews/reviewrequest/queue/").text
    assert f"/admin/reviews/reviewrequest/{request.pk}/review/" in queue
    assert "<ins>tablet </ins>" in queue
    # The senior medical editor is not asked until the reviewers have signed.
    senior_queue = as_user("senior").get("/admin/reviews/reviewrequest/queue/").text
    assert "Nothing is waiting for your review." in senior_queue
    decide(as_user, request, "clinical", "clinical_reviewer")
    assert (
        "Nothing is waiting" in as_user("clinical").get("/admin/reviews/reviewrequest/queue/").text
    )


def test_two_reviewers_cannot_both_sign_in_one_role(imatinib, as_user, people):
    from django.contrib.auth.models import Group

    people["senior2"].groups.add(Group.objects.get(name="Clinical reviewers"))
    edit_summary(as_user, imatinib, "Check.")
    request = submit(as_user, imatinib)
    decide(as_user, request, "clinical", "clinical_reviewer")
    response = decide(as_user, request, "senior2", "clinical_reviewer")
    assert "already signed off" in response.text
    assert SignOff.objects.count() == 1


def test_a_published_page_can_be_withdrawn_and_answers_410(imatinib, as_user, client, people):
    page = PublishedPage.objects.get(slug="imatinib")
    url = f"/admin/therapies/publishedpage/{page.pk}/withdraw/"
    assert as_user("editor").post(url, {"reason": "x"}).status_code == 403
    response = as_user("senior").post(url, {"reason": "New evidence is being checked."})
    assert response.status_code == 302
    client.logout()
    gone = client.get(PUBLIC)
    assert gone.status_code == 410
    assert "New evidence is being checked." in gone.text
    assert 'href="/topics/targeted-therapies-soft-tissue-sarcoma/"' in gone.text
    assert "Imatinib (Glivec®)" not in reader_sees(
        client, "/topics/targeted-therapies-soft-tissue-sarcoma/"
    )
    assert "/therapies/imatinib/" not in reader_sees(client, "/sitemap.xml")
    assert AuditEvent.objects.filter(action="withdraw", object_id=imatinib.pk).exists()
    # Publishing it again brings it back.
    edit_summary(as_user, imatinib, "Checked again.")
    approve_all(as_user, submit(as_user, imatinib))
    assert client.get(PUBLIC).status_code == 200


def test_shared_rows_changed_after_sending_stay_off_the_public_site(imatinib, as_user, client):
    from therapies.models import Condition

    edit_summary(as_user, imatinib, "Imatinib is a TKI tablet.")
    request = submit(as_user, imatinib)
    gist = Condition.objects.get(slug="gastrointestinal-stromal-tumour")
    save(
        as_user("editor"),
        f"/admin/therapies/condition/{gist.pk}/change/",
        name="gut sarcoma (unapproved name)",
    )
    approve_all(as_user, request)
    for url in [PUBLIC, "/therapies/sunitinib/", "/therapies/?q=gut"]:
        assert "unapproved name" not in reader_sees(client, url)
    assert "Imatinib is a TKI tablet." in reader_sees(client)


def test_reviewers_see_every_change_readers_will_see_including_shared_rows(imatinib, as_user):
    from therapies.models import Condition

    gist = Condition.objects.get(slug="gastrointestinal-stromal-tumour")
    save(as_user("editor"), f"/admin/therapies/condition/{gist.pk}/change/", abbreviation="GiST")
    edit_summary(as_user, imatinib, "Imatinib is a TKI.")
    request = submit(as_user, imatinib)
    page = as_user("clinical").get(f"/admin/reviews/reviewrequest/{request.pk}/review/").text
    assert "Conditions 1: name" in page
    assert "gastrointestinal stromal tumour <del>(GIST)</del><ins>(GiST)</ins>" in page


def test_a_revision_made_behind_the_workflow_is_out_of_date_for_sign_off(imatinib, as_user):
    import reversion

    edit_summary(as_user, imatinib, "Sent.")
    request = submit(as_user, imatinib)
    with reversion.create_revision():
        imatinib.refresh_from_db()
        imatinib.how_often = "twice a day"
        imatinib.save()
    response = decide(as_user, request, "clinical", "clinical_reviewer")
    assert "This revision is out of date" in response.text
    assert not SignOff.objects.exists()
