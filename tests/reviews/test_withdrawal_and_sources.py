"""Withdrawal ends the page's reviews; a withdrawn page comes back only through a new review; a
source that a page in review or a published page cites cannot be deleted."""

import pytest
from django.core import mail
from django.test import Client

from reviews.models import AuditEvent, ReviewRequest
from tests.admin_forms import save
from tests.reviews.test_review_cycles import check_all_sources
from tests.reviews.test_workflow import (
    SIGNERS,
    approve_all,
    decide,
    edit_summary,
    reader_sees,
    submit,
)
from therapies.models import PublishedPage, Reference, WithdrawnPage


def withdraw(as_user, slug="imatinib", reason="A safety alert is being checked."):
    page = PublishedPage.objects.get(slug=slug)
    response = as_user("senior").post(
        f"/admin/therapies/publishedpage/{page.pk}/withdraw/", {"reason": reason}
    )
    assert response.status_code == 302


def test_withdrawing_a_page_ends_its_open_review_and_tells_the_reviewers(
    imatinib, as_user, django_capture_on_commit_callbacks
):
    edit_summary(as_user, imatinib, "New words.")
    request = submit(as_user, imatinib)
    assert decide(as_user, request, "clinical", "clinical_reviewer").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(as_user)
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.SUPERSEDED
    assert "withdrawn" in request.closed_reason and "A safety alert" in request.closed_reason
    assert {"lay@example.org", "senior@example.org"} <= {a for m in mail.outbox for a in m.to}
    assert any("withdrawn" in m.body for m in mail.outbox)
    # The remaining reviewers are told why they cannot sign, in plain words.
    response = decide(as_user, request, "lay", "lay_reviewer")
    assert "The page was withdrawn from the public site" in response.text
    assert response.status_code == 200
    assert Client().get("/therapies/imatinib/").status_code == 410


def test_a_withdrawn_page_comes_back_only_through_a_new_review(imatinib, as_user):
    withdraw(as_user)
    request = submit(as_user, imatinib, summary="Checked: it can come back.")
    review = as_user("clinical").get(f"/admin/reviews/reviewrequest/{request.pk}/review/").text
    assert "This page was withdrawn" in review
    approve_all(as_user, request)
    assert Client().get("/therapies/imatinib/").status_code == 200
    event = AuditEvent.objects.for_item(imatinib).filter(action="publish").first()
    assert "withdrawn" in event.comment and "A safety alert is being checked." in event.comment
    assert not WithdrawnPage.objects.filter(slug="imatinib").exists()


@pytest.fixture
def own_source(imatinib, as_user):
    """A source that only imatinib cites, published with it."""
    reference = Reference.objects.create(authors="Smith J", title="Imatinib at ten years")
    save(
        as_user("editor"),
        f"/admin/therapies/therapy/{imatinib.pk}/change/",
        note="Cite Smith",
        references=[str(r.pk) for r in imatinib.references.all()] + [str(reference.pk)],
    )
    approve_all(as_user, submit(as_user, imatinib))
    return reference


def delete(as_user, reference):
    return as_user("editor").post(
        f"/admin/therapies/reference/{reference.pk}/delete/", {"post": "yes"}, follow=True
    )


def test_a_source_a_page_cites_cannot_be_deleted_and_the_message_names_the_pages(imatinib, as_user):
    reference = Reference.objects.get(authors__startswith="Gronchi")
    response = delete(as_user, reference)
    assert Reference.objects.filter(pk=reference.pk).exists()
    assert "cannot be deleted while it is in use" in response.text
    assert "Cited by therapies: crizotinib, imatinib, larotrectinib" in response.text
    assert "Cited by topics: Targeted therapies for soft tissue sarcoma" in response.text
    assert "Published citation" not in response.text  # said once, in plain words


def test_the_source_check_cannot_be_skipped_by_deleting_a_source(own_source, imatinib, as_user):
    # The page stops citing it in a draft, which is sent as the page's scheduled review.
    save(
        as_user("editor"),
        f"/admin/therapies/therapy/{imatinib.pk}/change/",
        note="Smith dropped",
        references=[str(r.pk) for r in imatinib.references.exclude(pk=own_source.pk)],
    )
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/submit/",
        {"summary": "The review.", "is_review": "on"},
    )
    assert response.status_code == 302
    # The published page still cites it: it cannot go.
    response = delete(as_user, own_source)
    assert Reference.objects.filter(pk=own_source.pk).exists()
    assert "Cited by published pages: imatinib" in response.text
    assert "Smith J" in reader_sees(Client())


def test_a_source_cited_by_a_page_in_review_cannot_be_deleted(own_source, imatinib, as_user):
    response = as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/confirm-review/", {"summary": "Still right."}
    )
    assert response.status_code == 302
    in_review = ReviewRequest.objects.get(state="in_review")
    assert own_source in in_review.cited_references.all()
    response = delete(as_user, own_source)
    assert Reference.objects.filter(pk=own_source.pk).exists()
    assert "Cited by changes in review: imatinib" in response.text
    for who, role in SIGNERS[:2]:
        decide(as_user, in_review, who, role)
    response = decide(as_user, in_review, "senior", "senior_medical_editor")
    assert "Not checked yet" in response.text and "Smith J" in response.text
    check_all_sources(as_user, in_review)
    assert decide(as_user, in_review, "senior", "senior_medical_editor").status_code == 302


def test_a_page_back_at_a_new_address_is_no_longer_called_withdrawn(imatinib, as_user):
    withdraw(as_user)
    save(as_user("editor"), f"/admin/therapies/therapy/{imatinib.pk}/change/", slug="imatinib-new")
    approve_all(as_user, submit(as_user, imatinib))
    assert Client().get("/therapies/imatinib-new/").status_code == 200
    assert Client().get("/therapies/imatinib/").status_code == 404
