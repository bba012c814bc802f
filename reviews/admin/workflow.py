import csv

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from reversion.models import Revision

from reviews import roles, services, signing
from reviews.admin import evidence
from reviews.admin.base import CheckedIds, ReviewedContentAdmin
from reviews.authorship import authors_of_request
from reviews.compare import Comparison, compare, compare_snapshots
from reviews.forms import CommentForm, ReferenceCheckForm, ResolveCommentForm, SignOffForm
from reviews.models import (
    AuditEvent,
    EditorialRole,
    PageReview,
    Publication,
    Reviewer,
    ReviewPolicy,
    ReviewRequest,
    SignOff,
    WorkflowError,
)
from reviews.models.reviewers import has_words
from reviews.notifications import site_link
from reviews.preview import Banner, preview_response
from reviews.spreadsheets import safe_cell
from reviews.versions import latest_revision, revision_number, revision_numbers
from therapies import readability
from therapies.models import (
    KIND_OF_MODEL,
    PAGE_MODELS,
    PageKind,
    PublishedPage,
    Reference,
    WithdrawnPage,
)
from therapies.models.published import page_address
from therapies.publishing import PageSnapshot


@admin.register(Reviewer)
class ReviewerAdmin(ReviewedContentAdmin):
    """Reviewers as readers see them named. Every change is a revision with an audit event, like
    content. Only a superuser sets who a profile is (name, job title, role) and links it to a
    login, and the link never changes once the profile has signed: the name a sign-off shows
    must belong to the person who gave it."""

    is_page = False
    # "Declaration current" in place of the bare date: it says the date where it matters (an
    # old one), sorts by it, and keeps the list within 1280 pixels.
    list_display = ["name", "job_title", "editorial_role", "declaration_current", "user"]
    list_filter = ["editorial_role"]
    list_select_related = ["user"]
    search_fields = ["name", "job_title"]
    fieldsets = [
        (None, {"fields": ["name", "job_title", "credentials", "editorial_role", "user"]}),
        ("Declaration of interests", {"fields": ["declaration", "declared_on"]}),
    ]

    @admin.display(description="Declaration current", ordering="declared_on")
    def declaration_current(self, obj):
        """Whether the reviewer may sign as far as their declaration goes (reviews.signing):
        Yes, "No — last 3 March 2025", or None when they have made none."""
        if not has_words(obj.declaration):
            return "None"
        if signing.declaration_is_current(obj):
            return "Yes"
        if obj.declared_on is None:
            return "No — undated"
        return f"No — last {signing.in_full(obj.declared_on)}"

    def get_readonly_fields(self, request, obj=None):
        # Who a profile is (name, job title, role, login) is set by an administrator; senior
        # medical editors keep credentials and declarations up to date.
        if not request.user.is_superuser:
            return ["name", "job_title", "editorial_role", "user"]
        return ["user"] if obj is not None and obj.has_signed else []

    def has_restore_permission(self, request, obj=None):
        # A restore brings back every field, name and job title included: an administrator's.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "user" in form.changed_data:
            before = form.initial.get("user")
            services.audit(
                action=AuditEvent.Action.SAVE,
                item=obj,
                actor=request.user,
                comment=f"Login linked: {obj.user or 'none'} (was "
                f"{get_user_model().objects.filter(pk=before).first() or 'none'}).",
            )


class PageTypeFilter(admin.SimpleListFilter):
    """Rows by the kind of page they are about, offering only the kinds that have rows: not
    the thirty content types the database knows (conditions, drug classes…), none a page."""

    title = "page type"
    parameter_name = "page_type"

    def lookups(self, request, model_admin):
        present = set(
            model_admin.model.objects.filter(content_type__app_label="therapies")
            .order_by()
            .values_list("content_type__model", flat=True)
            .distinct()
        )
        return [
            (kind, capfirst(PageKind(kind).label))
            for kind, model in PAGE_MODELS.items()
            if model._meta.model_name in present
        ]

    def queryset(self, request, queryset):
        if self.value() not in {kind for kind, _ in self.lookup_choices}:
            return queryset
        return queryset.filter(
            content_type=ContentType.objects.get_for_model(PAGE_MODELS[self.value()])
        )


class ReviewStatusFilter(admin.SimpleListFilter):
    """Reviews by where they stand today (PageReview.Status): what is overdue, what falls due
    next, rather than the admin's date filter, which looks back."""

    title = "review status"
    parameter_name = "review_status"  # the dashboard links here with it

    def lookups(self, request, model_admin):
        return PageReview.Status.choices

    def queryset(self, request, queryset):
        if self.value() not in PageReview.Status.values:
            return queryset
        return queryset.in_review_status(self.value())


class ResponsibleFilter(admin.SimpleListFilter):
    """Reviews by who answers for them (PageReviewQuerySet.with_responsible): "my reviews"."""

    title = "responsible editor"
    parameter_name = "responsible"
    NOBODY = "nobody"

    def lookups(self, request, model_admin):
        reviews = model_admin.get_queryset(request).prefetch_related(None)
        ids = set(reviews.values_list("responsible_id", flat=True))
        people = get_user_model().objects.select_related("reviewer").in_bulk(ids - {None})
        choices = sorted(((str(pk), roles.name_of(p)) for pk, p in people.items()), key=_second)
        return [*choices, (self.NOBODY, "Nobody")] if None in ids else choices

    def queryset(self, request, queryset):
        if self.value() not in {value for value, _ in self.lookup_choices}:
            return queryset
        if self.value() == self.NOBODY:
            return queryset.filter(responsible_id__isnull=True)
        return queryset.filter(responsible_id=int(self.value()))


def _second(pair):
    return pair[1].casefold()


class Echo:
    """A file-like object that hands back what is written: csv.writer's rows, for streaming."""

    def write(self, value):
        return value


EXPORT_VAR = "export"  # ?export=csv on the list: its rows, as filtered and searched, as CSV
CSV_HEADER = [
    "Page",
    "Page type",
    "Address on the site",
    "Last reviewed",
    "Next review due",
    "Days overdue",
    "Status",
    "Responsible editor",
]


@admin.register(PageReview)
class PageReviewAdmin(CheckedIds, admin.ModelAdmin):
    """The review dates list: every page's next review, soonest first, with who answers for it.
    Review dates move only when a review is approved; editors set the cycle and who is
    reminded. The page's name leads to the page, where it is reviewed; the responsible editor
    to this record, where who is reminded, and the cycle, are set."""

    # Where the review stands beside the page's name, as the pages' own lists show their
    # status: still in view on a phone, where the rest scrolls sideways.
    list_display = [
        "page",
        "status_flag",
        "overdue_days",
        "next_review",
        "last_reviewed",
        "page_type",
        "responsible",
    ]
    list_display_links = ["responsible"]
    list_select_related = ["content_type"]
    list_filter = [ReviewStatusFilter, PageTypeFilter, ResponsibleFilter]
    # The published page's title, annotated by get_queryset: a review names its page only by
    # content type and id.
    search_fields = ["page_title"]
    search_help_text = "Search by the page's name, as readers see it."
    fields = ["reviewed_on", "approved_by", "next_review_due", "cycle_months", "responsible_editor"]
    readonly_fields = ["reviewed_on", "approved_by", "next_review_due"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        chosen = form.base_fields.get("responsible_editor")  # absent where it is read-only
        if chosen is not None:
            # Reminders go to them: only someone who can still edit and send pages, and whoever
            # is responsible now (else saving the cycle alone would quietly unset them).
            users = get_user_model().objects
            can_send = users.with_perm(
                roles.SUBMIT_FOR_REVIEW, backend="django.contrib.auth.backends.ModelBackend"
            ).filter(is_staff=True)
            chosen.queryset = users.filter(
                Q(pk__in=can_send.values("pk")) | Q(pk=getattr(obj, "responsible_editor_id", None))
            ).select_related("reviewer")
            chosen.label_from_instance = roles.name_of
        return form

    def get_queryset(self, request):
        published = PublishedPage.objects.filter(review=OuterRef("pk"))
        return (
            PageReview.objects.with_review_status(timezone.localdate())
            .with_responsible()
            .annotate(
                page_title=Subquery(published.values("title")[:1]),
                page_slug=Subquery(published.values("slug")[:1]),
            )
            # The names of pages not on the site: one query per kind of page, not one per row.
            .prefetch_related("item")
            # Sorted by the page's name too, which the admin's own get_queryset cannot do, as
            # it sorts before the name is annotated.
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return ["next_review_due", "page_title"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        self.name_responsible(changelist.result_list)
        changelist.export_url = changelist.get_query_string({EXPORT_VAR: "csv"})
        return changelist

    @staticmethod
    def name_responsible(reviews) -> None:
        """Each review's `responsible_person` (see PageReviewQuerySet.with_responsible), all
        read in one query."""
        ids = {review.responsible_id for review in reviews} - {None}
        people = get_user_model().objects.select_related("reviewer").in_bulk(ids)
        for review in reviews:
            review.responsible_person = people.get(review.responsible_id)

    def changelist_view(self, request, extra_context=None):
        if request.GET.get(EXPORT_VAR) == "csv":
            return self.export_csv(request)
        return super().changelist_view(request, {"title": "Review dates", **(extra_context or {})})

    def has_add_permission(self, request):
        return False

    # The list's columns, each from the row and its annotations: no query of its own.
    @staticmethod
    def page_kind(review) -> str:
        return KIND_OF_MODEL.get(review.content_type.model, "")

    def page_name(self, review) -> str:
        if review.page_title:
            return review.page_title
        return str(review.item) if review.item is not None else "(deleted page)"

    @admin.display(description="Page", ordering="page_title")
    def page(self, review):
        if review.item is None:
            return self.page_name(review)
        opts = review.content_type.model_class()._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[review.object_id])
        return format_html('<a href="{}">{}</a>', url, self.page_name(review))

    @admin.display(description="Page type", ordering="content_type__model")
    def page_type(self, review):
        kind = self.page_kind(review)
        return PageKind(kind).label if kind else review.content_type.name

    @admin.display(description="Last reviewed", ordering="reviewed_on")
    def last_reviewed(self, review):
        return f"{review.reviewed_on:%d %b %Y}"

    @admin.display(description="Next review due", ordering="next_review_due")
    def next_review(self, review):
        return f"{review.next_review_due:%d %b %Y}"

    @admin.display(description="Days overdue", ordering="next_review_due")
    def overdue_days(self, review):
        if not review.on_site:
            return ""
        today = timezone.localdate()
        days = review.days_overdue(today)
        if days is None:
            left = review.days_left(today)
            return format_html(
                '<span class="status-note">due in {} day{}</span>', left, pluralize(left)
            )
        return "0 (due today)" if days == 0 else days

    @admin.display(description="Review status", ordering="next_review_due")
    def status_flag(self, review):
        status = PageReview.Status(review.review_status)
        return format_html('<span class="status-tag review-{}">{}</span>', status, status.label)

    @admin.display(description="Responsible editor")
    def responsible(self, review):
        # Linked to this record, where the responsible editor is set.
        person = getattr(review, "responsible_person", None)
        if person is None:
            return "Not set"
        if review.responsible_is_last_author:
            return format_html(
                '{} <span class="status-note">(last author)</span>', roles.name_of(person)
            )
        return roles.name_of(person)

    def export_csv(self, request):
        """The rows of the list as it is filtered and searched, as a CSV file for a
        spreadsheet: written as it is read, so a long list never sits in memory."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        request.GET = request.GET.copy()
        del request.GET[EXPORT_VAR]
        try:
            reviews = self.get_changelist_instance(request).queryset
        except IncorrectLookupParameters:
            return redirect("admin:reviews_pagereview_changelist")
        today = timezone.localdate()
        ids = set(reviews.prefetch_related(None).values_list("responsible_id", flat=True))
        ids.discard(None)
        people = get_user_model().objects.select_related("reviewer").in_bulk(ids)

        def row(review) -> list:
            person = people.get(review.responsible_id)
            responsible = roles.name_of(person) if person else ""
            if person and review.responsible_is_last_author:
                responsible += " (last author)"
            kind = self.page_kind(review)
            on_site = review.on_site and review.page_slug
            return [
                self.page_name(review),
                self.page_type(review),
                site_link(page_address(kind, review.page_slug)) if on_site else "",
                review.reviewed_on.isoformat(),
                review.next_review_due.isoformat(),
                review.days_overdue(today) if review.on_site else "",
                PageReview.Status(review.review_status).label,
                responsible,
            ]

        def lines():
            writer = csv.writer(Echo())
            # A byte order mark, so a spreadsheet reads the names' accents and symbols as UTF-8.
            yield "\ufeff" + writer.writerow(CSV_HEADER)
            for review in reviews.iterator(chunk_size=500):
                yield writer.writerow([safe_cell(cell) for cell in row(review)])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="review-dates-{today}.csv"'
        return response


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(admin.ModelAdmin):
    """One row: the default review cycle. Saving it moves every page that follows it."""

    def changelist_view(self, request, extra_context=None):
        policy = ReviewPolicy.current()
        return redirect("admin:reviews_reviewpolicy_change", policy.pk)

    def save_model(self, request, obj, form, change):
        # Each setting says what its change did, and only a change of the cycle moves dates.
        # (Django's own admin log records which fields changed, as for any admin save.)
        said = []
        if "require_current_declaration" in form.changed_data:
            obj.save(update_fields=["require_current_declaration"])
            need = "now need" if obj.require_current_declaration else "no longer need"
            said.append(f"Declarations: reviewers {need} one made in the last 12 months to sign.")
        months = obj.default_cycle_months
        if "default_cycle_months" in form.changed_data:
            moved = services.set_default_review_cycle(months=months, user=request.user)
            said.append(
                f"The default cycle is now {months} months: the next review date of {moved} "
                f"page{'s' if moved != 1 else ''} moved with it."
            )
        elif not said:
            said.append(f"The default cycle is still {months} months: no review date moved.")
        for message in said:
            messages.info(request, message)

    def response_change(self, request, obj):
        # The message above says what happened; Django's "changed successfully" would not.
        return redirect("admin:reviews_reviewpolicy_change", obj.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(CheckedIds, admin.ModelAdmin):
    """Records nobody edits in the admin, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PageRevisionColumn:
    """A list column naming each row's revision by its number in its page's own history (as
    the history page shows it), not reversion's id, which counts every page's revisions."""

    page_lookup = ""  # where the row names its page: on itself, or on the row it points to

    def get_queryset(self, request):
        numbered = revision_number(page=self.page_lookup)
        return super().get_queryset(request).annotate(revision_number=numbered)

    @admin.display(description="revision", ordering="revision_id")
    def page_revision(self, obj):
        return obj.revision_number


@admin.register(AuditEvent)
class AuditEventAdmin(PageRevisionColumn, ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_repr", "page_revision", "comment"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor"]
    search_fields = ["object_repr", "comment"]
    date_hierarchy = "at"


@admin.register(SignOff)
class SignOffAdmin(PageRevisionColumn, ReadOnlyAdmin):
    list_display = ["signed_at", "review_request", "page_revision", "role", "reviewer", "decision"]
    page_lookup = "review_request"
    list_filter = ["role", "decision"]
    list_select_related = ["review_request", "reviewer"]


def _comparisons(review_request: ReviewRequest) -> dict:
    """The change against what readers saw before it: the page as published now while it is
    in review, or, once it is published, the publication it replaced."""
    item = review_request.item
    before_revision, before = None, None
    if review_request.state != ReviewRequest.State.PUBLISHED:
        heading = "Compared with what readers see now"
        page = services.published_page_of(item) if item else None
        if page:
            before_revision, before = page.revision, {"document": page.document}
    else:
        heading = "What this change published, compared with what readers saw before"
        publications = Publication.objects.filter(
            content_type=review_request.content_type_id, object_id=review_request.object_id
        )
        this = publications.filter(review_request=review_request).first()
        earlier = this and publications.filter(published_at__lt=this.published_at).first()
        if earlier:
            before_revision, before = earlier.revision, earlier.snapshot
    return {
        "compared_with": heading,
        "is_published_change": review_request.state == ReviewRequest.State.PUBLISHED,
        "comparison": compare(type(item), item.pk, before_revision, review_request.revision)
        if item
        else None,
        "reader_changes": compare_snapshots(before, review_request.snapshot),
    }


def _decision_buttons(review_request: ReviewRequest, can_sign: list[str]) -> dict:
    final = can_sign == [EditorialRole.SENIOR_MEDICAL_EDITOR]
    if final and review_request.no_change:
        label = "Approve: the page stays as published"
    elif final:
        label = "Approve and publish"
    else:
        label = "Approve"
    return {
        "approve_label": label,
        "publishes": final and not review_request.no_change,
        "signing_as": EditorialRole(can_sign[0]).label if len(can_sign) == 1 else "",
    }


def _outcome(signed: SignOff) -> str:
    """What a decision did and what comes next, as the reviewer is told it."""
    request = ReviewRequest.objects.get(pk=signed.review_request_id)
    match request.state:
        case ReviewRequest.State.CHANGES_REQUESTED:
            return (
                "Changes requested. The editor who sent the change is told what you asked for; "
                "the page comes back for review once they have made the changes."
            )
        case ReviewRequest.State.PUBLISHED:
            page = services.published_page_of(request.item)
            number = revision_numbers(request.item).get(request.revision_id)
            return format_html(
                "Approved and published: readers now see revision {} of “{}” at "
                '<a href="{}">{}</a>.',
                number,
                page.title,
                page.get_absolute_url(),
                page.get_absolute_url(),
            )
        case ReviewRequest.State.CONFIRMED:
            review = PageReview.objects.for_item(request.item).first()
            return (
                "Review confirmed: the page stays as readers see it; its next review is due "
                f"{review.next_review_due:%d %B %Y}."
            )
    return f"Approved. Waiting for {signing.waiting_for(request)}."


def _references_to_check(review_request: ReviewRequest) -> list[dict]:
    checks = {
        c.reference_id: c for c in review_request.reference_checks.select_related("checked_by")
    }
    return [
        {"reference": reference, "check": checks.get(reference.pk)}
        for reference in review_request.cited_references.all()
    ]


def _later_revisions(review_request: ReviewRequest) -> list[tuple[int, str]]:
    """The page's revisions an accepted comment can point to: this one and later ones."""
    item = review_request.item
    if item is None:
        return []
    numbers = revision_numbers(item)
    return [
        (revision_id, f"revision {number}")
        for revision_id, number in numbers.items()
        if revision_id >= review_request.revision_id
    ]


def _form_problem(form, missing: str) -> WorkflowError:
    """Why a review-page form was refused, in one message: `missing` when something required
    was left out, and each other error (a note too long…) with the field it is about."""
    problems = []
    for name, errors in form.errors.as_data().items():
        for error in errors:
            if error.code == "required":
                problems.append(missing)
            else:
                label = form.fields[name].label or name.replace("_", " ").capitalize()
                problems.append(f"{label}: {' '.join(error.messages)}")
    return WorkflowError(" ".join(dict.fromkeys(problems)))


def act(request, pk, action) -> HttpResponse:
    """Run a review-page action from a POST, and return to the review page with its outcome."""
    if request.method != "POST":
        return redirect("admin:reviews_reviewrequest_review", pk)
    try:
        message = action()
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("admin:reviews_reviewrequest_review", pk)


@admin.register(ReviewRequest)
class ReviewRequestAdmin(PageRevisionColumn, ReadOnlyAdmin):
    list_display = [
        "object_repr",
        "page_revision",
        "state",
        "submitted_by",
        "submitted_at",
        "summary",
    ]
    list_filter = ["state"]
    list_select_related = ["submitted_by"]
    search_fields = ["object_repr", "summary"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("queue/", wrap(self.queue_view), name="reviews_reviewrequest_queue"),
            path("<int:pk>/review/", wrap(self.review_view), name="reviews_reviewrequest_review"),
            path(
                "<int:pk>/preview/", wrap(self.preview_view), name="reviews_reviewrequest_preview"
            ),
            path(
                "<int:pk>/check-reference/",
                wrap(self.check_reference_view),
                name="reviews_reviewrequest_check_reference",
            ),
            path(
                "<int:pk>/comment/", wrap(self.comment_view), name="reviews_reviewrequest_comment"
            ),
            path(
                "<int:pk>/comment/<int:comment_pk>/answer/",
                wrap(self.answer_comment_view),
                name="reviews_reviewrequest_answer_comment",
            ),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        if not roles.roles_of(request.user):
            raise PermissionDenied
        waiting = signing.awaiting(request.user)
        # What readers would see change, from each change's frozen snapshot and the published
        # pages read at once: the queue costs the same however long it is.
        keys = {id(r): (r.snapshot["kind"], r.object_id) for r, _ in waiting}
        published = PublishedPage.objects.documents_of(list(keys.values()))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Awaiting my review",
            # A reviewer who cannot sign yet is told why, not shown an empty list alone.
            "declaration_due": signing.declaration_due(request.user),
            "waiting": [
                {
                    "request": review_request,
                    "roles": can,
                    "comparison": Comparison(
                        fields=compare_snapshots(
                            published.get(keys[id(review_request)]), review_request.snapshot
                        ),
                        rows=[],
                    ),
                }
                for review_request, can in waiting
            ],
        }
        return TemplateResponse(request, "admin/reviews/queue.html", context)

    def review_view(self, request, pk):
        review_request = get_object_or_404(
            ReviewRequest.objects.select_related("submitted_by", "revision__user"), pk=pk
        )
        held = roles.roles_of(request.user)
        if not (held or request.user.has_perm("reviews.view_reviewrequest")):
            raise PermissionDenied
        can_sign, reason = signing.roles_to_sign(review_request, request.user)
        # Offered: the roles they can sign in now; accepted: any they hold, so a role that
        # cannot sign is told why rather than refused.
        form = SignOffForm(request.POST or None, roles=held if request.POST else can_sign or held)
        if request.method == "POST":
            if request.POST.get("role") not in held:
                raise PermissionDenied
            if form.is_valid():
                try:
                    signed = services.sign_off(
                        review_request=review_request,
                        reviewer=request.user,
                        role=form.cleaned_data["role"],
                        decision=form.cleaned_data["decision"],
                        comment=form.cleaned_data["comment"],
                    )
                except WorkflowError as error:
                    form.add_error(None, str(error))
                else:
                    evidence.draw_record_after(signed)
                    messages.success(request, _outcome(signed))
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
            **_comparisons(review_request),
            "sign_offs": review_request.sign_offs.select_related("reviewer", "signer"),
            "authors": authors_of_request(review_request),
            "withdrawn": WithdrawnPage.objects.filter(
                kind=review_request.snapshot.get("kind"), object_id=review_request.object_id
            ).first()
            if review_request.is_open
            else None,
            "references": _references_to_check(review_request),
            "comments": review_request.comments.select_related(
                "author", "resolved_by", "resolution_revision"
            ).annotate(
                resolution_number=revision_number(
                    page="review_request", revision="resolution_revision"
                )
            ),
            "can_check": roles.is_editor(request.user) or roles.is_reviewer(request.user),
            "can_comment": roles.is_reviewer(request.user) and review_request.is_open,
            "can_answer": roles.is_editor(request.user),
            "revision_choices": _later_revisions(review_request),
            "check_form": ReferenceCheckForm(),
            "comment_form": CommentForm(),
            "form": form,
            "can_sign": bool(can_sign),
            "why_not": reason,
            "my_sign_off": next(
                (s for s in review_request.sign_offs.all() if s.reviewer_id == request.user.pk),
                None,
            ),
            "waiting_for": signing.waiting_for(review_request),
            **_decision_buttons(review_request, can_sign),
            "reader_note": readability.report_of_text(review_request.reader_note)
            if review_request.reader_note
            else None,
            "smog_limit": settings.READABILITY_SMOG_LIMIT,
        }
        return TemplateResponse(request, "admin/reviews/review.html", context)

    def preview_view(self, request, pk):
        """Exactly what the reviewers sign off: the snapshot frozen when it was sent."""
        review_request = get_object_or_404(ReviewRequest, pk=pk)
        if not roles.is_editorial(request.user):
            raise PermissionDenied
        item = review_request.item
        number = revision_numbers(item).get(review_request.revision_id) if item else None
        name = f"revision {number} of “{review_request.object_repr}”"
        if review_request.state == ReviewRequest.State.PUBLISHED:
            title = f"{name[:1].upper()}{name[1:]}, as it was published"
            note = f"Published on {review_request.closed_at:%d %B %Y}."
        elif review_request.is_open:
            title = f"Preview of {name}: not published"
            note = "What the reviewers sign off: final approval publishes exactly this."
        else:
            title = f"Preview of {name}: not published"
            note = f"This review has ended ({review_request.get_state_display()})."
        banner = Banner(
            title=title,
            note=note,
            back_url=reverse("admin:reviews_reviewrequest_review", args=[pk]),
            back_label="Back to the review",
        )
        snapshot = PageSnapshot.from_json(review_request.snapshot)
        # The page as readers would get it: with the note written for them, never the summary.
        return preview_response(request, snapshot, banner, review_request.reader_note)

    # Each action asks who is acting before it reads the form: someone without the role is
    # refused (403) whatever they sent.
    def check_reference_view(self, request, pk):
        if not (roles.is_editor(request.user) or roles.is_reviewer(request.user)):
            raise PermissionDenied
        review_request = get_object_or_404(ReviewRequest, pk=pk)
        form = ReferenceCheckForm(request.POST or None)

        def check():
            if not form.is_valid():
                raise _form_problem(form, "Choose whether the source was checked or replaced.")
            reference = get_object_or_404(Reference, pk=form.cleaned_data["reference"])
            services.check_reference(
                review_request=review_request,
                reference=reference,
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
            return f"Recorded: {reference}."

        return act(request, pk, check)

    def comment_view(self, request, pk):
        if not roles.is_reviewer(request.user):
            raise PermissionDenied
        review_request = get_object_or_404(ReviewRequest, pk=pk)
        form = CommentForm(request.POST or None)

        def comment():
            if not form.is_valid():
                raise _form_problem(form, "Write the comment first.")
            services.add_comment(
                review_request=review_request,
                user=request.user,
                text=form.cleaned_data["text"],
                field=form.cleaned_data["field"],
            )
            return "Your comment is recorded."

        return act(request, pk, comment)

    def answer_comment_view(self, request, pk, comment_pk):
        if not roles.is_editor(request.user):
            raise PermissionDenied
        review_request = get_object_or_404(ReviewRequest, pk=pk)
        comment = get_object_or_404(review_request.comments, pk=comment_pk)
        form = ResolveCommentForm(request.POST or None, revisions=_later_revisions(review_request))

        def answer():
            if not form.is_valid():
                raise _form_problem(
                    form, "Choose accepted (with the revision) or not accepted (why)."
                )
            revision_id = form.cleaned_data["revision"]
            services.resolve_comment(
                comment=comment,
                user=request.user,
                accepted=form.cleaned_data["accepted"],
                reason=form.cleaned_data["reason"],
                revision=Revision.objects.filter(pk=revision_id).first() if revision_id else None,
            )
            return "Your answer is recorded."

        return act(request, pk, answer)


# Long enough to say what changed; the whole summary shows when the pointer rests on it.
SUMMARY_CHARACTERS = 80


@admin.register(Publication)
class PublicationAdmin(PageRevisionColumn, ReadOnlyAdmin):
    """Every publication of every page, each with its production record. The way into the
    record comes first, and each row is a line or two, so the list fits a 1280 px screen."""

    list_display = [
        "record_link",
        "page",
        "page_revision",
        "published",
        "approver",
        "short_summary",
    ]
    list_display_links = None  # the record is the way in; a publication has no form of its own
    list_filter = [PageTypeFilter]
    list_select_related = ["approved_by"]
    search_fields = ["object_repr", "summary"]

    @admin.display(description="Record")
    def record_link(self, publication):
        url = reverse("admin:reviews_publication_record", args=[publication.pk])
        return format_html('<a href="{}">Open record</a>', url)

    @admin.display(description="Page", ordering="object_repr")
    def page(self, publication):
        return publication.object_repr

    @admin.display(description="Published", ordering="published_at")
    def published(self, publication):
        # The date, and under it when the column is narrow, the time.
        at = timezone.localtime(publication.published_at)
        return format_html('<span class="nowrap">{}</span> {}', f"{at:%d %b %Y}", f"{at:%H:%M}")

    @admin.display(description="Approved by", ordering="approved_by__name")
    def approver(self, publication):
        # The name; the job title, as it was then, when the pointer rests on it.
        approver = publication.approved_by
        if approver is None:
            return ""
        return format_html('<span title="{}">{}</span>', approver, approver.name)

    @admin.display(description="Change summary")
    def short_summary(self, publication):
        text = " ".join(publication.summary.split())
        if len(text) <= SUMMARY_CHARACTERS:
            return text
        # Cut at a word's end, never inside a name; with the ellipsis, at most 80 characters.
        short = text[: SUMMARY_CHARACTERS - 1]
        if text[len(short)] != " ":
            short = short.rsplit(" ", 1)[0]
        short = short.rstrip(",;:.")
        return format_html('<span title="{}">{}…</span>', text, short)

    def get_urls(self):
        return [*evidence.urls(self), *super().get_urls()]
