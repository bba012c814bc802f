"""Review cycles, reviews with and without changes, checked sources, comments, reminders,
the dashboard and the production record."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from reviews.models import (
    PageReview,
    Publication,
    ReminderRun,
    ReminderSent,
    ReviewComment,
    ReviewPolicy,
    ReviewRequest,
)
from reviews.reminders import send_review_reminders
from reviews.versions import versions_of
from tests.reviewers import current_declaration
from tests.reviews.test_workflow import (
    SIGNERS,
    approve_all,
    decide,
    edit_summary,
    reader_sees,
    submit,
)
from therapies.models import Reference, Therapy, Topic

TODAY = datetime.date(2026, 11, 27)


def review_of(item) -> PageReview:
    return PageReview.objects.for_item(item).get()


def review_url(request):
    return f"/admin/reviews/reviewrequest/{request.pk}/review/"


def check_all_sources(as_user, request, who="editor"):
    for reference in request.cited_references.all():
        response = as_user(who).post(
            f"/admin/reviews/reviewrequest/{request.pk}/check-reference/",
            {"reference": reference.pk, "outcome": "checked", "note": "Still current."},
        )
        assert response.status_code == 302


def test_restoring_an_old_revision_leaves_the_review_dates_alone(imatinib, as_user):
    before = review_of(imatinib)
    first = versions_of(imatinib).first().revision_id
    edit_summary(as_user, imatinib, "Changed.")
    as_user("editor").post(f"/admin/therapies/therapy/{imatinib.pk}/restore/{first}/")
    after = review_of(imatinib)
    assert (after.reviewed_on, after.next_review_due) == (
        before.reviewed_on,
        before.next_review_due,
    )


def test_a_minor_change_does_not_move_the_review_dates(imatinib, as_user):
    edit_summary(as_user, imatinib, "A typo fixed.")
    approve_all(as_user, submit(as_user, imatinib))
    review = review_of(imatinib)
    assert review.reviewed_on == datetime.date(2022, 12, 1)
    assert review.next_review_due == datetime.date(2025, 12, 1)


def test_a_review_with_no_change_moves_the_dates_and_makes_no_draft(imatinib, as_user, client):
    revisions = versions_of(imatinib).count()
    published_before = client.get("/therapies/imatinib/").content
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/confirm-review/",
        {"summary": "Checked against the 2024 guidelines: still right."},
    )
    assert response.status_code == 302
    request = ReviewRequest.objects.get(no_change=True)
    for who, role in SIGNERS[:2]:
        assert decide(as_user, request, who, role).status_code == 302
    # Final approval waits until every cited source is checked in this review.
    response = decide(as_user, request, "senior", "senior_medical_editor")
    assert "every source it cites is checked first" in response.text
    assert "Gronchi A, Miah AB et al." in response.text
    check_all_sources(as_user, request)
    assert decide(as_user, request, "senior", "senior_medical_editor").status_code == 302
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.CONFIRMED
    review = review_of(imatinib)
    today = datetime.date.today()
    assert review.reviewed_on == today
    assert review.next_review_due.year == today.year + 3
    assert review.approved_by.name == "Dr Senior"
    assert versions_of(imatinib).count() == revisions  # no draft
    assert "This information is due for review" not in reader_sees(client)
    assert f"Reviewed {today.day} {today:%B %Y}" in reader_sees(client)
    assert published_before != client.get("/therapies/imatinib/").content


def test_a_no_change_review_needs_the_page_to_be_as_published(imatinib, as_user):
    edit_summary(as_user, imatinib, "Unpublished change.")
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/confirm-review/", {"summary": "All fine."}
    )
    assert response.status_code == 200
    assert "This page has changes that are not published" in response.text
    assert not ReviewRequest.objects.exists()


def test_a_review_with_changes_moves_the_dates_when_published(imatinib, as_user):
    edit_summary(as_user, imatinib, "Updated at review.")
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/submit/",
        {"summary": "The three-yearly review.", "is_review": "on"},
    )
    assert response.status_code == 302
    request = ReviewRequest.objects.get()
    assert request.is_review
    for who, role in SIGNERS[:2]:
        decide(as_user, request, who, role)
    assert review_of(imatinib).reviewed_on == datetime.date(2022, 12, 1)
    check_all_sources(as_user, request, who="clinical")
    assert decide(as_user, request, "senior", "senior_medical_editor").status_code == 302
    assert review_of(imatinib).reviewed_on == datetime.date.today()


def test_changing_the_default_cycle_moves_every_page_that_follows_it(imatinib, as_user):
    topic = Topic.objects.get()
    own = review_of(imatinib)
    own.cycle_months = 12
    own.save()
    assert own.next_review_due == datetime.date(2023, 12, 1)
    policy = ReviewPolicy.current()
    url = f"/admin/reviews/reviewpolicy/{policy.pk}/change/"
    assert as_user("editor").post(url, {"default_cycle_months": "24"}).status_code == 403
    response = as_user("senior").post(url, {"default_cycle_months": "24"}, follow=True)
    assert "The default cycle is now 24 months: the next review date of" in response.text
    assert review_of(topic).next_review_due == datetime.date(2024, 12, 1)
    assert review_of(imatinib).next_review_due == datetime.date(2023, 12, 1)  # its own cycle
    response = as_user("senior").post(url, {"default_cycle_months": "0"})
    assert "A review cycle is at least 1 month." in response.text
    assert review_of(topic).next_review_due == datetime.date(2024, 12, 1)


def test_comments_are_answered_only_by_editors_and_each_answer_is_complete(imatinib, as_user):
    edit_summary(as_user, imatinib, "Draft.")
    request = submit(as_user, imatinib)
    as_user("lay").post(
        f"/admin/reviews/reviewrequest/{request.pk}/comment/",
        {"field": "Summary", "text": "What is a TKI? Say it in plain words."},
    )
    comment = ReviewComment.objects.get()
    answer = f"/admin/reviews/reviewrequest/{request.pk}/comment/{comment.pk}/answer/"
    assert as_user("clinical").post(answer, {"accepted": "no", "reason": "x"}).status_code == 403
    response = as_user("editor").post(answer, {"accepted": "no", "reason": ""}, follow=True)
    assert "Say why the comment is not accepted." in response.text
    response = as_user("editor").post(answer, {"accepted": "yes"}, follow=True)
    assert "Choose the revision of this page that made the change." in response.text
    comment.refresh_from_db()
    assert comment.status == ReviewComment.Status.OPEN  # nothing half-saved
    edit_summary(as_user, imatinib, "Imatinib is a TKI, a drug that blocks a signal.")
    latest = versions_of(imatinib).last().revision_id
    response = as_user("editor").post(answer, {"accepted": "yes", "revision": latest})
    comment.refresh_from_db()
    assert comment.status == ReviewComment.Status.ACCEPTED
    assert comment.resolution_revision_id == latest
    history = as_user("editor").get(f"/admin/therapies/therapy/{imatinib.pk}/history/").text
    assert "answered a comment" in history


def test_the_production_record_holds_every_sign_off_and_answer(imatinib, as_user, people):
    from reviews.models import Reviewer

    Reviewer.objects.filter(user=people["clinical"]).update(
        credentials="MBChB FRCR",
        **current_declaration(declaration="Speaker fees from a drug company, 2024."),
    )
    edit_summary(as_user, imatinib, "Clearer.")
    request = submit(as_user, imatinib)
    as_user("clinical").post(
        f"/admin/reviews/reviewrequest/{request.pk}/comment/", {"text": "Say 'tablet'."}
    )
    decide(as_user, request, "clinical", "clinical_reviewer", comment="Accurate.")
    comment = ReviewComment.objects.get()
    as_user("editor").post(
        f"/admin/reviews/reviewrequest/{request.pk}/comment/{comment.pk}/answer/",
        {"accepted": "no", "reason": "The leaflet says tablets; kept."},
    )
    decide(as_user, request, "lay", "lay_reviewer")
    decide(as_user, request, "senior", "senior_medical_editor", comment="Good.")
    publication = Publication.objects.get(review_request=request)
    url = f"/admin/reviews/publication/{publication.pk}/record/"
    assert as_user("lay").get(url).status_code == 200
    # On screen the page as readers saw it is framed; the file holds it with the evidence.
    assert f"{url}page/" in as_user("editor").get(url).text
    record = as_user("editor").get(url + "?format=html").text
    for expected in [
        "Clearer.",  # the content as published
        "Clinical reviewer",
        "Lay reviewer",
        "Senior medical editor",
        "Say &#x27;tablet&#x27;.",
        "The leaflet says tablets; kept.",
        "Accurate.",
        "Speaker fees from a drug company, 2024.",
        "MBChB FRCR",
        "Gronchi A, Miah AB et al.",
        f"Next review due {PageReview.objects.for_item(imatinib).get().next_review_due:%-d %B %Y}",
        request.content_hash,
    ]:
        assert expected in record, expected
    download = as_user("editor").get(url + "?format=html")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.text.startswith("<!DOCTYPE html>")
    assert "Speaker fees" in download.text


def test_the_seed_topic_has_a_production_record(seed, as_user):
    topic = Topic.objects.get()
    publication = Publication.objects.for_item(topic).get()
    url = f"/admin/reviews/publication/{publication.pk}/record/?format=html"
    record = as_user("senior").get(url).text
    assert (
        "reviewed and approved by Fiona Cowie, Consultant Clinical Oncologist on 01 December 2022"
        in record
    )
    assert "<dt>Approved by</dt><dd>Fiona Cowie, Consultant Clinical Oncologist" in record
    # The therapies it presents, as the public topic page shows them.
    assert ">Imatinib (Glivec®)</h" in record


def test_the_dashboard_shows_overdue_reviews_and_incomplete_content(seed, as_user):
    with mock.patch("sarcomainfo.admin_site.timezone.localdate", return_value=TODAY):
        page = as_user("senior").get("/admin/").text
    assert "Reviews overdue (19)" in page
    assert (
        "Targeted therapies for soft tissue sarcoma</a>: 361 days overdue (due 01 December 2025)"
        in page
    )
    for therapy in ["imatinib", "regorafenib", "pazopanib"]:
        assert f"{therapy}</a>: no side effects listed" in page
    assert "sunitinib</a>: no side effects listed" not in page
    assert "reference with no year or no link" in page
    # The reminder job is set up on the server: only an administrator is told it never ran.
    assert "review reminders has never run" not in page


def test_the_dashboard_lists_my_work(imatinib, as_user):
    edit_summary(as_user, imatinib, "Mine.")
    editor_page = as_user("editor").get("/admin/").text
    assert "My drafts with unpublished changes (1)" in editor_page
    request = submit(as_user, imatinib)
    assert "Awaiting my sign-off (1)" in as_user("clinical").get("/admin/").text
    assert "Awaiting my sign-off (0)" in as_user("senior").get("/admin/").text
    decide(as_user, request, "lay", "lay_reviewer", "changes_requested", "Simpler.")
    assert "Changes requested of me (1)" in as_user("editor").get("/admin/").text


def make_pages(count: int, start: int = 0):
    """`count` published therapies with review dates, made in bulk."""
    from django.contrib.contenttypes.models import ContentType

    from therapies.models import PublishedPage

    therapies = Therapy.objects.bulk_create(
        Therapy(generic_name=f"drug{n:04d}", slug=f"drug{n:04d}")
        for n in range(start, start + count)
    )
    content_type = ContentType.objects.get_for_model(Therapy)
    reviews = PageReview.objects.bulk_create(
        PageReview(
            content_type=content_type,
            object_id=t.pk,
            reviewed_on=datetime.date(2023, 1, 1),
            next_review_due=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 400),
        )
        for n, t in enumerate(therapies)
    )
    PublishedPage.objects.bulk_create(
        PublishedPage(
            kind="therapy",
            object_id=t.pk,
            slug=t.slug,
            title=t.generic_name,
            sort_name=t.generic_name,
            document={},
            review=r,
            published_at="2026-01-01T00:00:00Z",
        )
        for t, r in zip(therapies, reviews, strict=True)
    )


def grow(count: int, start: int, people):
    """Published pages, plus drafts, reviews in progress and feedback that grow with them."""
    import reversion

    from reviews import changes, services
    from therapies.models import Feedback

    make_pages(count, start)
    for therapy in Therapy.objects.filter(generic_name__gte=f"drug{start:04d}")[: count // 5]:
        with reversion.create_revision():
            therapy.summary = "A draft."
            therapy.save()
            changes.record_change(therapy, user=people["editor"], summary="Draft")
        Feedback.objects.create(
            kind="therapy", object_id=therapy.pk, page_title="x", helpful=False, comment="Hm."
        )
    for therapy in Therapy.objects.filter(generic_name__gte=f"drug{start:04d}")[: count // 10]:
        request = services.submit_for_review(item=therapy, user=people["editor"], summary="Check")
        services.add_comment(review_request=request, user=people["lay"], text="Why?")


def count_dashboard_queries(client, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    assert "days overdue" in response.content.decode()
    return len(queries)


@pytest.mark.parametrize("who", ["editor", "clinical", "senior"])
def test_the_dashboard_query_count_does_not_grow_with_content(db, people, client, who):
    grow(10, 0, people)
    small = count_dashboard_queries(client, people[who])
    grow(490, 10, people)
    large = count_dashboard_queries(client, people[who])
    assert small == large
    assert Therapy.objects.count() == 500


def test_reminders_go_once_per_threshold_and_again_at_the_next(db, people, make_therapy):
    therapy = make_therapy("testinib")
    review = PageReview.objects.for_item(therapy).get()
    review.reviewed_on = datetime.date(2023, 3, 1)  # due 2026-03-01
    review.save()
    due = review.next_review_due
    days = datetime.timedelta

    def run(day):
        mail.outbox.clear()
        return [r.threshold for r in send_review_reminders(today=day)]

    assert run(due - days(91)) == []
    assert run(due - days(90)) == ["due within 90 days"]
    assert run(due - days(89)) == []  # the same threshold again: nothing
    assert run(due - days(30)) == ["due within 30 days"]
    assert sorted(mail.outbox[0].to) == ["editor2@example.org", "editor@example.org"]
    assert run(due) == ["due today"]
    assert run(due + days(1)) == ["overdue"]
    assert run(due + days(2)) == []
    assert ReminderSent.objects.count() == 4
    assert ReminderRun.objects.count() == 7
    # A review moves the due date: the thresholds apply afresh.
    review.reviewed_on = due
    review.save()
    assert run(review.next_review_due) == ["due today"]


def test_the_reminder_command_prints_a_summary(seed, capsys):
    call_command("send_review_reminders", "--today", "2026-11-27")
    out = capsys.readouterr().out
    assert "2026-11-27: sent 19 review reminder(s):" in out
    assert "Targeted therapies for soft tissue sarcoma: overdue (due 01 December 2025)" in out
    call_command("send_review_reminders", "--today", "2026-11-27")
    assert "no new review reminders to send" in capsys.readouterr().out


def test_reference_checks_are_for_cited_sources_only(imatinib, as_user):
    edit_summary(as_user, imatinib, "Review.")
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/submit/", {"summary": "Review", "is_review": "1"}
    )
    request = ReviewRequest.objects.get()
    other = Reference.objects.create(authors="Someone", title="Not cited")
    response = as_user("editor").post(
        f"/admin/reviews/reviewrequest/{request.pk}/check-reference/",
        {"reference": other.pk, "outcome": "checked"},
        follow=True,
    )
    assert "The page does not cite that source." in response.text
    assert not request.reference_checks.exists()


def test_the_production_record_shows_feedback_on_the_previous_version(imatinib, as_user, client):
    client.post("/feedback/therapy/imatinib/", {"helpful": "no", "comment": "Say what GIST is."})
    edit_summary(as_user, imatinib, "Explains GIST.")
    request = submit(as_user, imatinib)
    approve_all(as_user, request)
    publication = Publication.objects.get(review_request=request)
    record = as_user("editor").get(f"/admin/reviews/publication/{publication.pk}/record/").text
    assert "not helpful: “Say what GIST is.”" in record


def test_a_source_marked_replaced_holds_the_review_until_the_page_changes(imatinib, as_user):
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/confirm-review/", {"summary": "Checked."}
    )
    request = ReviewRequest.objects.get()
    check_all_sources(as_user, request)
    gronchi = request.cited_references.get(authors__startswith="Gronchi")
    as_user("clinical").post(
        f"/admin/reviews/reviewrequest/{request.pk}/check-reference/",
        {"reference": gronchi.pk, "outcome": "replaced", "note": "2025 update"},
    )
    for who, role in SIGNERS[:2]:
        decide(as_user, request, who, role)
    response = decide(as_user, request, "senior", "senior_medical_editor")
    assert "is marked as replaced" in response.text
    assert review_of(imatinib).reviewed_on == datetime.date(2022, 12, 1)


def test_review_actions_on_a_deleted_page_get_a_message_not_an_error(seed, as_user):
    therapy = Therapy.objects.create(generic_name="gone", slug="gone")
    edit_summary(as_user, therapy, "A draft.")
    therapy.references.set(Reference.objects.all())
    request = submit(as_user, therapy)
    assert (
        as_user("editor")
        .post(f"/admin/therapies/therapy/{therapy.pk}/delete/", {"post": "yes"})
        .status_code
        == 302
    )
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.SUPERSEDED  # the review ended with the page
    base = f"/admin/reviews/reviewrequest/{request.pk}"
    comment = as_user("lay").post(f"{base}/comment/", {"text": "Hm."}, follow=True)
    assert comment.status_code == 200 and "it is closed" in comment.text
    check = as_user("editor").post(
        f"{base}/check-reference/",
        {"reference": Reference.objects.first().pk, "outcome": "checked"},
        follow=True,
    )
    assert check.status_code == 200
    assert as_user("lay").get(f"{base}/review/").status_code == 200


def test_a_mail_failure_part_way_loses_no_record(seed, people, monkeypatch):
    from reviews import reminders

    real_send = reminders.send_mail
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise OSError("mail server went away")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(reminders, "send_mail", flaky)
    with pytest.raises(reminders.ReminderError, match="1 reminder"):
        send_review_reminders(today=TODAY)
    assert ReminderSent.objects.count() == 18  # all but the failed one, each recorded
    monkeypatch.setattr(reminders, "send_mail", real_send)
    assert len(send_review_reminders(today=TODAY)) == 1  # only what is still owed
    assert ReminderRun.objects.count() == 2
