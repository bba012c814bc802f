"""What an assessor asks to see: each publication's production record (on screen, as one HTML
file and as a PDF), and the pack of every published page's record."""

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from reviews import evidence, roles
from reviews.models import Publication, ReviewRequest, SignOff
from reviews.preview import framed_in_admin
from reviews.production import render_as_published

logger = logging.getLogger(__name__)


def draw_record_after(signed: SignOff) -> None:
    """A final approval that published the page, or confirmed it in a review, changed its
    record: its PDF is drawn in the background once the approval is saved (at once here, as
    `services.sign_off` has committed), so the pack finds it made."""
    approved = (ReviewRequest.State.PUBLISHED, ReviewRequest.State.CONFIRMED)
    if signed.review_request.state in approved:
        item = signed.review_request.item
        transaction.on_commit(lambda: evidence.draw_record_pdf_soon(item))


def urls(publications):
    """The record's addresses under the publications' admin (`publications`)."""
    wrap = publications.admin_site.admin_view

    def readable(request, pk) -> Publication:
        if not publications.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            Publication.objects.select_related("approved_by", "review_request", "revision"), pk=pk
        )

    def record_view(request, pk):
        publication = readable(request, pk)
        context = evidence.record_context(publication)
        wanted = request.GET.get("format")
        if wanted in ("html", "pdf"):
            html = evidence.record_html(publication, context)
            try:
                body = evidence.record_pdf(html) if wanted == "pdf" else html
            except Exception:
                logger.exception("The record of publication %s could not be drawn as a PDF.", pk)
                messages.error(
                    request,
                    "This record's PDF could not be drawn (the error is logged for the "
                    "administrators). Download it as one HTML file: it holds the same record, "
                    "and your browser's print command makes a PDF of it.",
                )
                return redirect("admin:reviews_publication_record", pk)
            response = HttpResponse(
                body, content_type="application/pdf" if wanted == "pdf" else "text/html"
            )
            filename = f"production-record-{publication.pk}.{wanted}"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        context.update(publications.admin_site.each_context(request), opts=publications.opts)
        return TemplateResponse(request, "admin/reviews/production_record.html", context)

    @framed_in_admin
    def page_view(request, pk):
        page = render_as_published(readable(request, pk), evidence.site_request())
        response = HttpResponse(page)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return [
        path("<int:pk>/record/", wrap(record_view), name="reviews_publication_record"),
        path("<int:pk>/record/page/", wrap(page_view), name="reviews_publication_record_page"),
    ]


def _assessor(request):
    if not roles.sees_evidence(request.user):
        raise PermissionDenied


@require_safe
def evidence_view(request):
    """The summary against the PIF TICK's criteria, and the way to the pack."""
    _assessor(request)
    context = {
        **admin.site.each_context(request),
        "title": "Evidence for assessors",
        **evidence.summary(),
    }
    return TemplateResponse(request, "admin/reviews/evidence.html", context)


@require_safe
def pack_view(request):
    """The pack, streamed as it is made."""
    _assessor(request)
    made = evidence.entries(evidence.current_publications())
    response = StreamingHttpResponse(evidence.pack(made), content_type="application/zip")
    filename = f"evidence-pack-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
