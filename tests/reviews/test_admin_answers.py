"""No 500 from any admin form or workflow action: clashes, numbers and lengths get a clear message,
and the workflow's refusals read as English."""

import dataclasses
import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models
from django.test import Client, override_settings

from reviews import roles
from reviews.models import AuditEvent, PageReview, Reviewer, ReviewPolicy, ReviewRequest, SignOff
from tests.admin_forms import open_form, post_form, save
from tests.reviews.test_workflow import CHANGE, SIGNERS, decide, edit_summary, submit
from therapies.models import Feedback, PublishedPage, Reference, Therapy
from therapies.publishing import build_snapshot, publish


def test_a_slug_still_held_by_a_published_page_is_refused_when_sent(imatinib, as_user):
    # imatinib moves to a new address in a draft; sunitinib takes the old one.
    save(as_user("editor"), CHANGE.format(imatinib.pk), slug="imatinib-mesylate")
    sunitinib = Therapy.objects.get(slug="sunitinib")
    save(as_user("editor"), CHANGE.format(sunitinib.pk), slug="imatinib")
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{sunitinib.pk}/submit/", {"summary": "New address."}
    )
    assert response.status_code == 200
    assert "/therapies/imatinib/ is still the address of the published page “imatinib”" in (
        response.text
    )
    assert not ReviewRequest.objects.exists()


def test_a_slug_clash_at_final_approval_is_refused_and_nothing_is_written(imatinib, as_user):
    sunitinib = Therapy.objects.get(slug="sunitinib")
    save(as_user("editor"), CHANGE.format(sunitinib.pk), slug="sunitinib-malate")
    request = submit(as_user, sunitinib)
    for who, role in SIGNERS[:2]:
        decide(as_user, request, who, role)
    # Meanwhile another page is published at that address (as an import or an older review
    # could do): the final approval must not half-publish.
    taken = dataclasses.replace(build_snapshot(imatinib), slug="sunitinib-malate")
    publish(taken, review=PageReview.objects.for_item(imatinib).get())
    before = (PublishedPage.objects.count(), AuditEvent.objects.count(), SignOff.objects.count())
    response = decide(as_user, request, "senior", "senior_medical_editor")
    assert response.status_code == 200
    assert "/therapies/sunitinib-malate/ is still the address of the published page" in (
        response.text
    )
    after = (PublishedPage.objects.count(), AuditEvent.objects.count(), SignOff.objects.count())
    assert after == before
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.IN_REVIEW


@pytest.mark.parametrize("months", ["100000", "9" * 25, "0", "61", "-3"])
def test_a_review_cycle_out_of_range_is_a_form_error(imatinib, as_user, superuser, months):
    review = PageReview.objects.for_item(imatinib).get()
    url = f"/admin/reviews/pagereview/{review.pk}/change/"
    response = post_form(
        as_user("senior"), url, open_form(as_user("senior"), url), cycle_months=months
    )
    assert response.status_code == 200
    assert "review cycle is" in response.text or "Ensure this value" in response.text
    # And inline, in the page's own form.
    client = as_user("boss")
    data = open_form(client, CHANGE.format(imatinib.pk))
    prefix = next(k for k in data if k.endswith("-0-cycle_months")).removesuffix("cycle_months")
    response = post_form(
        client,
        CHANGE.format(imatinib.pk),
        data,
        change_summary="x",
        **{f"{prefix}cycle_months": months},
    )
    assert response.status_code == 200
    review.refresh_from_db()
    assert review.cycle_months is None


@pytest.mark.parametrize("year", ["1799", str(datetime.date.today().year + 2), "99999"])
def test_a_reference_year_out_of_range_is_a_form_error(seed, as_user, year):
    reference = Reference.objects.first()
    url = f"/admin/therapies/reference/{reference.pk}/change/"
    response = post_form(
        as_user("editor"), url, open_form(as_user("editor"), url), year=year, change_summary="x"
    )
    assert response.status_code == 200
    assert "Ensure this value" in response.text


def test_every_text_field_editors_fill_has_a_maximum_length():
    edited = [apps.get_model("therapies", name) for name in roles.CONTENT_MODELS] + [Reviewer]
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in edited
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None
    ]
    assert unbounded == []


def test_too_long_a_text_is_a_form_error_with_the_limit(imatinib, as_user):
    limit = Therapy._meta.get_field("summary").max_length
    url = CHANGE.format(imatinib.pk)
    response = post_form(
        as_user("editor"),
        url,
        open_form(as_user("editor"), url),
        summary="x" * (limit + 1),
        change_summary="x",
    )
    assert response.status_code == 200
    assert f"Ensure this value has at most {limit} characters" in response.text


def test_too_long_a_comment_or_source_note_gets_a_message_about_its_length(imatinib, as_user):
    edit_summary(as_user, imatinib, "Check.")
    request = submit(as_user, imatinib)
    url = f"/admin/reviews/reviewrequest/{request.pk}/"
    response = as_user("clinical").post(f"{url}comment/", {"text": "x" * 20000}, follow=True)
    assert "at most" in response.text and "characters" in response.text
    reference = request.cited_references.first()
    response = as_user("clinical").post(
        f"{url}check-reference/",
        {"reference": reference.pk, "outcome": "checked", "note": "x" * 400},
        follow=True,
    )
    assert "at most 300 characters" in response.text


def test_a_decision_on_a_closed_change_is_refused_in_plain_english(imatinib, as_user):
    edit_summary(as_user, imatinib, "Check.")
    request = submit(as_user, imatinib)
    decide(as_user, request, "lay", "lay_reviewer", "changes_requested", "Simpler words.")
    response = decide(as_user, request, "clinical", "clinical_reviewer")
    assert (
        "Changes were requested on this revision, so it can no longer be signed off."
        in response.text
    )
    assert "This change is changes requested" not in response.text


def test_the_admins_403_looks_like_the_admin(imatinib, as_user):
    response = as_user("lay").get("/admin/auth/user/")
    assert response.status_code == 403
    assert 'id="site-name"' in response.text  # the admin's header
    assert "does not have permission" in response.text
    # The public site keeps its own look.
    public = Client(enforce_csrf_checks=True).post("/feedback/therapy/imatinib/", {})
    assert public.status_code == 403
    assert 'id="site-name"' not in public.text


def test_deleting_reader_feedback_is_audited(imatinib, as_user, superuser):
    Client().post("/feedback/therapy/imatinib/", {"helpful": "no", "comment": "My name is Jo."})
    feedback = Feedback.objects.get()
    url = f"/admin/therapies/feedback/{feedback.pk}/delete/"
    assert as_user("senior").post(url, {"post": "yes"}).status_code == 403
    assert as_user("boss").post(url, {"post": "yes"}).status_code == 302
    assert not Feedback.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert event.actor.username == "boss"
    assert "imatinib" in event.comment and "My name is Jo." not in event.comment


def test_saving_the_review_policy_unchanged_says_nothing_moved(seed, as_user):
    policy = ReviewPolicy.current()
    url = f"/admin/reviews/reviewpolicy/{policy.pk}/change/"
    response = post_form(as_user("senior"), url, open_form(as_user("senior"), url))
    response = as_user("senior").get(response["Location"])
    assert "no review date moved" in response.text
    assert "changed successfully" not in response.text


@override_settings(DEBUG=True)
def test_demo_accounts_start_again_after_a_demo_login_was_linked_elsewhere(seed):
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))
    senior = get_user_model().objects.get(username="senior")
    fiona = Reviewer.objects.get(name="Fiona Cowie")
    Reviewer.objects.filter(user=senior).update(user=None)
    fiona.user = senior
    fiona.save()
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))
    assert Reviewer.objects.get(user=senior) == fiona
    # A demo login with no profile at all gets its own back.
    Reviewer.objects.filter(user__username="lay").update(user=None)
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))
    assert Reviewer.objects.get(user__username="lay").name == "Lee Layreader"
    assert Group.objects.filter(name="Editors").exists()


HUGE = "9" * 25


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/therapies/therapy/{imatinib}/restore/" + HUGE + "/", {}),
        ("/admin/therapies/topicsection/", {"action": "delete_selected", "_selected_action": HUGE}),
        ("/admin/therapies/condition/", {"action": "delete_selected", "_selected_action": "abc"}),
    ],
)
def test_tampered_ids_are_refused_without_a_server_error(imatinib, people, url, data):
    client = Client(raise_request_exception=False)
    client.force_login(people["editor"])
    response = client.post(url.format(imatinib=imatinib.pk), data, follow=True)
    assert response.status_code in {200, 404}
    if data:
        assert "Choose rows from the list" in response.text
