"""Declarations of interests: a reviewer signs only with one made or confirmed in the last 12
months (a review policy setting, on by default), makes or confirms it themselves, and is told
on the dashboard before they meet a refusal."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews import signing
from reviews.dates import add_months
from reviews.models import AuditEvent, Reviewer, ReviewPolicy, SignOff
from reviews.versions import versions_of
from tests.admin_forms import open_form, post_form
from tests.reviews.test_workflow import decide, edit_summary, submit

MINE = "/admin/my-declaration/"
QUEUE = "/admin/reviews/reviewrequest/queue/"


def today() -> datetime.date:
    return timezone.localdate()


def declare(user, text="None declared.", on=None):
    """Set a profile's declaration behind the workflow, as a test arranges it."""
    Reviewer.objects.filter(user=user).update(declaration=text, declared_on=on)


def a_year_and_a_day_ago() -> datetime.date:
    return add_months(today(), -12) - datetime.timedelta(days=1)


def review_url(request) -> str:
    return f"/admin/reviews/reviewrequest/{request.pk}/review/"


@pytest.fixture
def in_review(imatinib, as_user):
    edit_summary(as_user, imatinib, "Imatinib is a tablet.")
    return submit(as_user, imatinib)


def test_the_rule_is_on_by_default():
    assert ReviewPolicy._meta.get_field("require_current_declaration").default is True


@pytest.mark.parametrize(
    ("text", "on", "expected"),
    [
        ("", None, "You have no declaration of interests on record."),
        ("None declared.", None, "Your declaration of interests has no date"),
        ("", "recent", "You have no declaration of interests on record."),
        ("None declared.", "stale", "more than 12 months ago"),
        ("None declared.", "ahead", "Your declaration of interests has no date, or a date"),
        ("\u200b", "recent", "You have no declaration of interests on record."),
    ],
)
def test_a_reviewer_without_a_current_declaration_cannot_sign(
    in_review, as_user, people, text, on, expected
):
    when = {
        "recent": today(),
        "stale": a_year_and_a_day_ago(),
        "ahead": today() + datetime.timedelta(days=400),
    }.get(on)
    declare(people["clinical"], text, when)
    response = decide(as_user, in_review, "clinical", "clinical_reviewer")
    assert response.status_code == 200
    assert expected in response.text
    assert not SignOff.objects.exists()
    # Requesting changes is a sign-off too: it freezes the declaration just the same.
    decide(as_user, in_review, "clinical", "clinical_reviewer", "changes_requested", "Shorter.")
    assert not SignOff.objects.exists()


def test_the_reason_says_when_and_what_to_do_with_a_link(in_review, as_user, people):
    declare(people["clinical"], on=datetime.date(2025, 3, 3))
    page = as_user("clinical").get(review_url(in_review)).text
    assert (
        "Your declaration of interests was last confirmed on 3 March 2025, more than 12 months "
        "ago. Confirm or update it before you sign: "
        f'<a href="{MINE}">My declaration of interests</a>.'
    ) in page
    assert 'id="your-decision"' not in page  # no decision offered that would be refused


def test_exactly_12_months_is_still_current_and_a_day_more_is_not(in_review, as_user, people):
    declare(people["clinical"], on=a_year_and_a_day_ago())
    assert decide(as_user, in_review, "clinical", "clinical_reviewer").status_code == 200
    declare(people["clinical"], on=add_months(today(), -12))
    assert decide(as_user, in_review, "clinical", "clinical_reviewer").status_code == 302
    assert SignOff.objects.get().signer.declared_on == add_months(today(), -12)


def test_the_boundary_follows_the_calendar_at_month_ends():
    assert signing.declaration_cutoff(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)
    assert signing.declaration_cutoff(datetime.date(2026, 12, 1)) == datetime.date(2025, 12, 1)


def test_with_the_rule_off_an_old_declaration_still_signs(in_review, as_user, people):
    ReviewPolicy.objects.filter(pk=ReviewPolicy.current().pk).update(
        require_current_declaration=False
    )
    declare(people["clinical"], on=a_year_and_a_day_ago())
    assert decide(as_user, in_review, "clinical", "clinical_reviewer").status_code == 302
    assert signing.declaration_due(people["clinical"]) is None


def test_the_final_approval_waits_for_a_current_declaration_too(in_review, as_user, people):
    decide(as_user, in_review, "clinical", "clinical_reviewer")
    decide(as_user, in_review, "lay", "lay_reviewer")
    declare(people["senior"], "Advisory board, 2024.", a_year_and_a_day_ago())
    response = decide(as_user, in_review, "senior", "senior_medical_editor")
    assert "more than 12 months ago" in response.text
    assert not SignOff.objects.filter(role="senior_medical_editor").exists()


def test_the_queue_and_dashboard_offer_no_sign_off_that_would_be_refused(
    in_review, as_user, people
):
    assert review_url(in_review) in as_user("clinical").get(QUEUE).text
    declare(people["clinical"], on=a_year_and_a_day_ago())
    assert review_url(in_review) not in as_user("clinical").get(QUEUE).text
    assert signing.awaiting(people["clinical"]) == []
    assert review_url(in_review) not in as_user("clinical").get("/admin/").text
    # Their colleagues are not held up by it.
    assert review_url(in_review) in as_user("lay").get(QUEUE).text


def test_the_rule_reads_the_profile_and_policy_once_however_many_changes(
    in_review, as_user, people
):
    declare(people["clinical"], on=a_year_and_a_day_ago())
    with CaptureQueriesContext(connection) as queries:
        signing.awaiting(people["clinical"])
    policy_reads = [q for q in queries if "reviews_reviewpolicy" in q["sql"]]
    assert len(policy_reads) == 1


def test_anonymous_visitors_are_sent_to_the_admin_login(client, db):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={MINE}"


def test_a_reviewer_confirms_their_declaration_as_a_revision_with_an_audit_event(as_user, people):
    declare(people["lay"], "None declared.", a_year_and_a_day_ago())
    profile = Reviewer.objects.get(user=people["lay"])
    before = versions_of(profile).count()
    page = as_user("lay").get(MINE)
    assert page.status_code == 200
    assert "more than 12 months ago" in page.text
    assert "Until you do, you cannot sign off or approve any change." in page.text
    response = post_form(as_user("lay"), MINE, open_form(as_user("lay"), MINE), action="confirm")
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.declaration, profile.declared_on) == ("None declared.", today())
    versions = list(versions_of(profile))
    assert len(versions) == before + 1
    assert versions[-1].revision.user == people["lay"]
    confirmed = "Confirmed the declaration of interests is still correct."
    assert versions[-1].revision.comment == confirmed
    event = AuditEvent.objects.for_item(profile).get()
    assert (event.action, event.actor, event.comment) == ("save", people["lay"], confirmed)
    page = as_user("lay").get(MINE).text
    assert "your declaration of interests is confirmed" in page
    assert signing.declaration_due(people["lay"]) is None


def test_a_reviewer_saves_a_changed_declaration(as_user, people):
    declare(people["clinical"], "", None)
    new = "Honoraria from a manufacturer of pazopanib, 2026."
    data = open_form(as_user("clinical"), MINE)
    response = post_form(as_user("clinical"), MINE, data, declaration=new, action="save")
    assert response.status_code == 302
    profile = Reviewer.objects.get(user=people["clinical"])
    assert (profile.declaration, profile.declared_on) == (new, today())
    assert versions_of(profile).last().revision.comment == "Updated the declaration of interests."
    assert AuditEvent.objects.for_item(profile).get().actor == people["clinical"]


@pytest.mark.parametrize("empty", ["  ", "\u200b", "\u200b.\u200b"])
def test_an_empty_declaration_is_refused_and_nothing_is_saved(as_user, people, empty):
    declare(people["clinical"], "Shares in a drug company.", a_year_and_a_day_ago())
    data = open_form(as_user("clinical"), MINE)
    for action in ["save", "confirm"]:
        response = post_form(as_user("clinical"), MINE, data, declaration=empty, action=action)
        assert response.status_code == 200
        assert "Write your declaration, or “None declared”" in response.text
    profile = Reviewer.objects.get(user=people["clinical"])
    assert (profile.declaration, profile.declared_on) == (
        "Shares in a drug company.",
        a_year_and_a_day_ago(),
    )
    assert not AuditEvent.objects.for_item(profile).exists()


def test_confirming_after_changing_the_text_keeps_what_was_typed(as_user, people):
    declare(people["clinical"], "Shares in a drug company.", a_year_and_a_day_ago())
    data = open_form(as_user("clinical"), MINE)
    typed = "Shares sold in 2026; none now."
    response = post_form(as_user("clinical"), MINE, data, declaration=typed, action="confirm")
    assert response.status_code == 200
    assert "choose “Save changes” to keep them" in response.text
    assert typed in response.text
    assert Reviewer.objects.get(user=people["clinical"]).declared_on == a_year_and_a_day_ago()


def test_a_declaration_saved_meanwhile_elsewhere_is_a_conflict_not_a_loss(as_user, people):
    data = open_form(as_user("clinical"), MINE)
    profile = Reviewer.objects.get(user=people["clinical"])
    profile.edit_version += 1  # saved in another tab, or by an administrator
    profile.save()
    typed = "Advisory board, 2026."
    response = post_form(as_user("clinical"), MINE, data, declaration=typed, action="save")
    assert response.status_code == 200
    assert typed in response.text
    assert Reviewer.objects.get(user=people["clinical"]).declaration == "None declared."


def test_someone_without_a_reviewer_profile_is_told_why(as_user):
    page = as_user("editor").get(MINE)
    assert page.status_code == 200
    assert "add your reviewer profile" in page.text
    assert "Confirm it is still correct" not in page.text


def test_the_dashboard_notice_says_what_to_do_and_links_there(people):
    declare(people["clinical"], on=datetime.date(2025, 3, 3))
    reason = signing.declaration_due(people["clinical"])
    html = render_to_string("admin/includes/declaration_due.html", {"reason": reason})
    assert '<li class="warning">' in html
    assert "last confirmed on 3 March 2025" in html
    assert f'<a href="{MINE}">My declaration of interests</a>' in html
    assert signing.declaration_due(people["lay"]) is None
    assert render_to_string("admin/includes/declaration_due.html", {"reason": None}).strip() == ""
    # Only reviewers have a declaration to make.
    assert signing.declaration_due(people["editor"]) is None


def test_senior_editors_can_list_the_reviewers_who_are_due(people, django_assert_num_queries):
    declare(people["clinical"], on=a_year_and_a_day_ago())
    declare(people["lay"], "", None)
    Reviewer.objects.create(name="No login", job_title="Retired", editorial_role="lay_reviewer")
    with django_assert_num_queries(1):
        due = [(r.name, r.user.username) for r in signing.reviewers_without_current_declaration()]
    assert due == [("Dr Lay", "lay"), ("Dr Clinical", "clinical")]


def test_the_reviewer_list_says_whose_declaration_is_current(as_user, people, superuser):
    declare(people["clinical"], on=datetime.date(2025, 3, 3))
    declare(people["lay"], "", None)
    page = as_user("boss").get("/admin/reviews/reviewer/").text
    assert "Declaration current" in page
    assert "No — last 3 March 2025" in page
    assert '<td class="field-declaration_current">None</td>' in page
    assert '<td class="field-declaration_current">Yes</td>' in page


def test_turning_the_rule_off_and_on_says_so_and_moves_no_review_date(seed, as_user):
    policy = ReviewPolicy.current()
    url = f"/admin/reviews/reviewpolicy/{policy.pk}/change/"
    data = open_form(as_user("senior"), url)
    assert data["require_current_declaration"] == ["on"]
    data.pop("require_current_declaration")
    page = as_user("senior").post(url, data, follow=True).text
    assert "Declarations: reviewers no longer need one made in the last 12 months to sign." in page
    assert "no review date moved" not in page and "moved with it" not in page
    assert not ReviewPolicy.current().require_current_declaration
    page = post_form(
        as_user("senior"), url, open_form(as_user("senior"), url), require_current_declaration="on"
    )
    page = as_user("senior").get(page["Location"]).text
    assert "Declarations: reviewers now need one made in the last 12 months to sign." in page
    assert "no review date moved" not in page and "moved with it" not in page
    assert ReviewPolicy.current().require_current_declaration


@override_settings(DEBUG=True)
def test_demo_reviewers_have_current_declarations_and_keep_them(seed):
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))
    demo = Reviewer.objects.filter(user__username__in=["clinical", "lay", "senior"])
    assert demo.count() == 3
    for profile in demo:
        assert signing.declaration_is_current(profile)
        assert profile.declared_on < today()  # made some months ago, not today
        assert "Fictional, for the demo." in profile.declaration
        assert versions_of(profile).exists()
    # Run again (as `make run` does), it keeps a declaration the reviewer made themselves…
    Reviewer.objects.filter(user__username="lay").update(
        declaration="Their own.", declared_on=today()
    )
    # …and renews one left to go out of date.
    Reviewer.objects.filter(user__username="clinical").update(declared_on=a_year_and_a_day_ago())
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))
    assert Reviewer.objects.get(user__username="lay").declaration == "Their own."
    assert signing.declaration_is_current(Reviewer.objects.get(user__username="clinical"))
    assert Reviewer.objects.filter(user__isnull=False).count() == 3
    # The seed's real reviewer is not given an invented declaration.
    assert Reviewer.objects.get(name="Fiona Cowie").declaration == ""


def test_a_declaration_dated_in_the_future_is_refused_and_never_current(as_user, people, superuser):
    profile = Reviewer.objects.get(user=people["clinical"])
    url = f"/admin/reviews/reviewer/{profile.pk}/change/"
    later = today() + datetime.timedelta(days=1)
    response = post_form(
        as_user("senior"),
        url,
        open_form(as_user("senior"), url),
        declared_on=later.isoformat(),
        change_summary="Dated ahead.",
    )
    assert response.status_code == 200
    assert "A declaration is dated the day it was made, not a day to come." in response.text
    declare(people["clinical"], on=later)  # as if stored before the form refused it
    profile.refresh_from_db()
    assert not signing.declaration_is_current(profile)
    assert profile in signing.reviewers_without_current_declaration()
