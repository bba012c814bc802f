from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from reviews import services
from reviews.compare import compare, compare_publications
from reviews.forms import SignOffForm
from reviews.history import published_revision_id
from reviews.models import (
    ROLE_PERMISSIONS,
    AuditEvent,
    PageReview,
    Reviewer,
    ReviewRequest,
    SignOff,
    WorkflowError,
)
from reviews.versions import latest_revision, revision_numbers
from therapies.models import PublishedPage


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "editorial_role", "user"]
    list_filter = ["editorial_role"]
    list_select_related = ["user"]
    search_fields = ["name", "job_title"]


@admin.register(PageReview)
class PageReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reviewed_on", "next_review_due", "approved_by"]
    list_select_related = ["approved_by", "content_type"]
    list_filter = ["next_review_due"]
    date_hierarchy = "next_review_due"
    autocomplete_fields = ["approved_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits in the admin, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_repr", "revision_id", "comment"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor"]
    search_fields = ["object_repr", "comment"]
    date_hierarchy = "at"


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["signed_at", "review_request", "role", "reviewer", "decision"]
    list_filter = ["role", "decision"]
    list_select_related = ["review_request", "reviewer"]


def roles_of(user) -> list[str]:
    return [role for role, permission in ROLE_PERMISSIONS.items() if user.has_perm(permission)]


def roles_to_sign(request: ReviewRequest, user) -> tuple[list[str], str]:
    """The roles this user may sign the change in now, or the reason they may not."""
    roles, reason = [], ""
    for role in roles_of(user):
        try:
            services.check_can_sign(request, user, role)
        except (WorkflowError, PermissionDenied) as error:
            reason = reason or str(error)
        else:
            roles.append(role)
    return roles, reason


def comparison_with_published(request: ReviewRequest):
    item = request.item
    if item is None:
        return None
    return compare(type(item), item.pk, published_revision(item), request.revision)


def published_document(item) -> dict | None:
    """What readers see of the page now, in the form a review request freezes."""
    page = PublishedPage.objects.filter(kind=item.page_kind, object_id=item.pk).first()
    return {"document": page.document} if page else None


def published_revision(item):
    from reversion.models import Revision

    revision_id = published_revision_id(item)
    return Revision.objects.filter(pk=revision_id).first() if revision_id else None


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ["object_repr", "state", "submitted_by", "submitted_at", "summary"]
    list_filter = ["state"]
    list_select_related = ["submitted_by"]
    search_fields = ["object_repr", "summary"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("queue/", wrap(self.queue_view), name="reviews_reviewrequest_queue"),
            path("<int:pk>/review/", wrap(self.review_view), name="reviews_reviewrequest_review"),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        if not roles_of(request.user):
            raise PermissionDenied
        waiting = []
        for review_request in ReviewRequest.objects.filter(
            state=ReviewRequest.State.IN_REVIEW
        ).select_related("submitted_by", "revision"):
            roles, _ = roles_to_sign(review_request, request.user)
            if roles:
                waiting.append(
                    {
                        "request": review_request,
                        "roles": roles,
                        "comparison": comparison_with_published(review_request),
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Awaiting my review",
            "waiting": waiting,
        }
        return TemplateResponse(request, "admin/reviews/queue.html", context)

    def review_view(self, request, pk):
        review_request = get_object_or_404(
            ReviewRequest.objects.select_related("submitted_by", "revision__user"), pk=pk
        )
        if not (roles_of(request.user) or request.user.has_perm("reviews.view_reviewrequest")):
            raise PermissionDenied
        roles, reason = roles_to_sign(review_request, request.user)
        form = SignOffForm(request.POST or None, roles=roles_of(request.user))
        if request.method == "POST":
            if request.POST.get("role") not in roles_of(request.user):
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.sign_off(
                        review_request=review_request,
                        reviewer=request.user,
                        role=form.cleaned_data["role"],
                        decision=form.cleaned_data["decision"],
                        comment=form.cleaned_data["comment"],
                    )
                except WorkflowError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, "Your decision is recorded.")
                    return redirect("admin:reviews_reviewrequest_review", pk)
        item = review_request.item
        latest = latest_revision(item) if item else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review: {review_request.object_repr}",
            "review_request": review_request,
            "item": item,
            "number": revision_numbers(item).get(review_request.revision_id) if item else None,
            "is_stale": latest is not None and latest.pk != review_request.revision_id,
            "comparison": comparison_with_published(review_request),
            "reader_changes": compare_publications(
                published_document(item) if item else None, review_request.publication
            ),
            "sign_offs": review_request.sign_offs.select_related("reviewer"),
            "form": form,
            "can_sign": bool(roles),
            "why_not": reason,
        }
        return TemplateResponse(request, "admin/reviews/review.html", context)
