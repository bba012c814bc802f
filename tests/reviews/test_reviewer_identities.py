"""Every approval is traceable to a person: only a superuser links a reviewer profile to a login,
a profile that has signed keeps its login, every change to a profile is a revision with an audit
event, and a sign-off freezes the signer as they were, wherever readers or assessors see it."""

import datetime
import json

from django.contrib.auth import get_user_model
from django.utils import timezone

from reviews.models import AuditEvent, Publication, Reviewer
from reviews.versions import versions_of
from tests.admin_forms import open_form, post_form, save
from tests.reviews.test_workflow import approve_all, edit_summary, reader_sees, submit


def profile_url(profile) -> str:
    return f"/admin/reviews/reviewer/{profile.pk}/change/"


def test_a_senior_medical_editor_cannot_borrow_another_reviewers_profile(people, as_user):
    fiona = Reviewer.objects.create(
        name="Fiona Cowie", job_title="Consultant", editorial_role="senior_medical_editor"
    )
    client = as_user("senior")
    url = profile_url(fiona)
    data = open_form(client, url)
    assert "user" not in data  # the login link is shown, not offered
    post_form(client, url, data, user=str(people["senior"].pk), change_summary="Mine now")
    fiona.refresh_from_db()
    assert fiona.user is None
    assert Reviewer.objects.get(user=people["senior"]).name == "Dr Senior"


def test_a_superuser_links_a_profile_until_it_has_signed(imatinib, people, as_user, superuser):
    spare = get_user_model().objects.create_user("spare", "s@example.org", "pw")
    profile = Reviewer.objects.get(user=people["clinical"])
    # Before it has signed anything, a superuser may link it to another login.
    save(as_user("boss"), profile_url(profile), note="Relinked", user=str(spare.pk))
    profile.refresh_from_db()
    assert profile.user == spare
    save(as_user("boss"), profile_url(profile), note="Back", user=str(people["clinical"].pk))
    edit_summary(as_user, imatinib, "Signed by the clinician.")
    approve_all(as_user, submit(as_user, imatinib))
    # Once it has signed, the link stays: a new profile is needed for another person.
    data = open_form(as_user("boss"), profile_url(profile))
    assert "user" not in data
    post_form(as_user("boss"), profile_url(profile), data, user=str(spare.pk), change_summary="x")
    profile.refresh_from_db()
    assert profile.user == people["clinical"]


def test_every_change_to_a_reviewer_profile_is_a_revision_with_an_audit_event(people, as_user):
    profile = Reviewer.objects.get(user=people["lay"])
    url = profile_url(profile)
    refused = post_form(as_user("senior"), url, open_form(as_user("senior"), url), declaration="x")
    assert "This field is required." in refused.text  # the change summary
    save(as_user("senior"), url, note="Declaration renewed", declaration="Shares in nothing.")
    latest = versions_of(profile).last().revision
    assert (latest.user.username, latest.comment) == ("senior", "Declaration renewed")
    event = AuditEvent.objects.for_item(profile).get()
    assert (event.action, event.actor.username) == ("save", "senior")


def test_a_sign_off_freezes_the_signer_as_they_were(imatinib, people, as_user, client, superuser):
    senior = Reviewer.objects.get(user=people["senior"])
    clinical = Reviewer.objects.get(user=people["clinical"])
    # Within the 12 months the review policy asks for, whenever the test runs.
    declared = timezone.localdate() - datetime.timedelta(days=40)
    for profile, declaration in [(senior, "Advisory board, Novartis."), (clinical, "None.")]:
        save(
            as_user("senior"),
            profile_url(profile),
            note="Declared",
            credentials="MBChB FRCR",
            declaration=declaration,
            declared_on=declared.isoformat(),
        )
    edit_summary(as_user, imatinib, "Reviewed words.")
    approve_all(as_user, submit(as_user, imatinib))
    # Afterwards the profiles change: name, title, credentials and declarations.
    for profile in (senior, clinical):
        save(
            as_user("boss"),
            profile_url(profile),
            note="Changed later",
            name=f"Renamed {profile.pk}",
            job_title="Retired",
            credentials="",
            declaration="Something new.",
            declared_on="2026-11-01",
        )
    page = reader_sees(client, "/therapies/imatinib/")
    assert "approved by senior medical editor Dr Senior, Consultant" in page
    assert "Renamed" not in page and "Retired" not in page
    html = client.get("/therapies/imatinib/").text
    ld = json.loads(html.split('type="application/ld+json">')[1].split("</script>")[0])
    assert ld["reviewedBy"] == {"@type": "Person", "name": "Dr Senior", "jobTitle": "Consultant"}
    feed = client.get("/feed/").text
    assert "Dr Senior" in feed and "Renamed" not in feed
    publication = Publication.objects.for_item(imatinib).first()
    record = as_user("senior").get(f"/admin/reviews/publication/{publication.pk}/record/").text
    made = f"(made {declared.day} {declared:%B %Y})"
    assert f"Advisory board, Novartis. {made}" in record
    assert f"None. {made}" in record
    assert "MBChB FRCR" in record
    assert "Renamed" not in record and "Something new." not in record


def test_only_a_superuser_sets_who_a_profile_is(imatinib, people, as_user, client):
    mine = Reviewer.objects.get(user=people["senior"])
    data = open_form(as_user("senior"), profile_url(mine))
    assert not {"name", "job_title", "editorial_role", "user"} & data.keys()
    post_form(
        as_user("senior"),
        profile_url(mine),
        data,
        name="Prof Fiona Famous",
        job_title="Consultant Oncologist.",
        change_summary="Me, famous",
    )
    edit_summary(as_user, imatinib, "Words.")
    approve_all(as_user, submit(as_user, imatinib))
    assert "approved by senior medical editor Dr Senior, Consultant" in reader_sees(client)
    assert "Famous" not in reader_sees(client)


def test_restoring_a_profile_keeps_its_login_and_is_an_administrators(
    imatinib, people, as_user, superuser
):
    profile = Reviewer.objects.get(user=people["clinical"])
    save(as_user("boss"), profile_url(profile), note="Title", job_title="Consultant Oncologist")
    claimed = versions_of(profile).last().revision_id
    save(as_user("boss"), profile_url(profile), note="Corrected", job_title="Specialty Doctor")
    edit_summary(as_user, imatinib, "Words.")
    approve_all(as_user, submit(as_user, imatinib))  # the profile has signed
    # A senior medical editor cannot bring the old job title back by restoring.
    history = as_user("senior").get(f"/admin/reviews/reviewer/{profile.pk}/history/").text
    assert "Restore as a new draft" not in history
    restore = f"/admin/reviews/reviewer/{profile.pk}/restore/{claimed}/"
    assert as_user("senior").post(restore).status_code == 403
    assert as_user("boss").post(restore).status_code == 302
    profile.refresh_from_db()
    assert (profile.job_title, profile.user) == ("Consultant Oncologist", people["clinical"])
