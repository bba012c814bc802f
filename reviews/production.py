"""The production record of one publication: everything an assessor asks to see about how a
page readers saw was made, checked and approved."""

from reviews.authorship import authors_of_publication
from reviews.compare import flatten
from reviews.models import (
    AuditEvent,
    EditorialRole,
    PageReview,
    Publication,
    ReferenceCheck,
    ReviewRequest,
    SignOff,
)
from reviews.versions import revision_number
from therapies.models import KIND_OF_MODEL, Feedback, PublishedPage, Therapy


def _readable_document(snapshot: dict) -> list[tuple[str, str]]:
    """The published document as (where, text) rows, with therapies named, empty rows left out."""
    document = snapshot.get("document", {})
    if snapshot.get("kind") == "topic":
        ids = {i for section in document.get("sections", []) for i in section["therapies"]}
        names = dict(Therapy.objects.filter(pk__in=ids).values_list("pk", "generic_name"))
        document = {
            **document,
            "sections": [
                {
                    **section,
                    "therapies": [names.get(i, f"therapy {i}") for i in section["therapies"]],
                }
                for section in document.get("sections", [])
            ],
        }
    return [(where, text) for where, text in flatten(document) if text]


def production_record(publication: Publication) -> dict:
    """Everything the record shows. Revisions are named by their number in the page's own
    history (as its history page shows them), each worked out in the query that reads it."""
    content_type = publication.content_type
    item = content_type.model_class()._default_manager.filter(pk=publication.object_id).first()
    previous = (
        Publication.objects.filter(
            content_type=content_type,
            object_id=publication.object_id,
            published_at__lt=publication.published_at,
        )
        .order_by("-published_at")
        .first()
    )
    # The review that led to this publication, then any later reviews that confirmed it.
    requests = [publication.review_request] if publication.review_request else []
    requests += list(
        ReviewRequest.objects.filter(
            content_type=content_type,
            object_id=publication.object_id,
            revision=publication.revision,
            state=ReviewRequest.State.CONFIRMED,
        )
    )
    sign_offs = [s for r in requests for s in r.sign_offs.select_related("reviewer", "signer")]
    # A review that found no change needed approves this version again: the latest such final
    # approval, not the publication's, is the one readers are told of.
    reapproval = (
        SignOff.objects.filter(
            review_request__in=[r for r in requests if r.state == ReviewRequest.State.CONFIRMED],
            role=EditorialRole.SENIOR_MEDICAL_EDITOR,
            decision=SignOff.Decision.APPROVED,
        )
        .select_related("signer")
        .order_by("-signed_at")
        .first()
    )
    shown = (
        PublishedPage.objects.filter(
            kind=KIND_OF_MODEL[content_type.model],
            object_id=publication.object_id,
            revision=publication.revision,
        )
        .select_related("approved_by")
        .first()
    )
    # Each reviewer's declaration as it was when they signed (or approved).
    signers = [s.signer for s in sign_offs if s.signer_id] + [publication.approved_by]
    declarations = list({signer.pk: signer for signer in signers if signer}.values())
    return {
        "publication": publication,
        "item": item,
        "document": _readable_document(publication.snapshot),
        "authors": authors_of_publication(publication),
        "revision": publication.revision,
        "revision_number": Publication.objects.filter(pk=publication.pk)
        .annotate(number=revision_number())
        .values_list("number", flat=True)
        .first(),
        "requests": [
            {
                "request": request,
                "sign_offs": request.sign_offs.select_related("reviewer", "signer"),
                "comments": request.comments.select_related("author", "resolved_by").annotate(
                    resolution_number=revision_number(
                        page="review_request", revision="resolution_revision"
                    )
                ),
                "checks": request.reference_checks.select_related("reference", "checked_by"),
                "cited": request.cited_references.all(),
            }
            for request in requests
        ],
        "references": publication.snapshot.get("document", {}).get("references", []),
        "latest_checks": ReferenceCheck.objects.filter(
            review_request__content_type=content_type,
            review_request__object_id=publication.object_id,
        )
        .select_related("reference", "checked_by")
        .order_by("reference__authors", "-checked_on"),
        "declarations": declarations,
        "reapproval": reapproval,
        "shown_approver": shown.approved_by if shown else None,
        "page_review": PageReview.objects.filter(
            content_type=content_type, object_id=publication.object_id
        )
        .select_related("approved_by")
        .first(),
        "events": AuditEvent.objects.filter(
            content_type=content_type, object_id=publication.object_id
        )
        .select_related("actor")
        .annotate(revision_number=revision_number())
        .order_by("at"),
        "previous": previous,
        "previous_feedback": (
            Feedback.objects.for_page(
                KIND_OF_MODEL[content_type.model], publication.object_id
            ).filter(revision_id=previous.revision_id)
            if previous
            else Feedback.objects.none()
        ),
    }
