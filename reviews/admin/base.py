"""The admin for everything editors change: pages, the rows pages share (conditions,
references…), parts of pages and reviewer profiles. Each save asks for a change summary, refuses
lost updates, and is a revision with an audit event; history, comparison, restore and recover
work the same for each. Pages are also sent for review from here. The workflow itself lives in
reviews.services."""

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.models import Revision, Version

from reviews import changes, notifications, roles, services, signing
from reviews.compare import compare, compare_snapshots
from reviews.forms import (
    CheckedAutocompleteSelect,
    CheckedModelMultipleChoiceField,
    ConfirmReviewForm,
    ContentForm,
    SubmitForm,
    fits_key,
)
from reviews.history import (
    page_history,
    page_status,
    published_document,
    published_revision_id,
    summary_to_send,
)
from reviews.models import AuditEvent, EditorialRole, WorkflowError
from reviews.preview import Banner, preview_response
from reviews.statuses import OVERDUE, OVERDUE_LABEL, Status, filter_by_status, with_status
from reviews.versions import revision_numbers, versions_of
from therapies import readability, rich_text
from therapies.models import Feedback, PublishedCitation, Therapy, Topic
from therapies.publishing import build_snapshot

SAVE_FIELDS = ["change_summary", "opened_edit_version", "opened_page_id", "opened_revision"]


def reader_changes(page) -> list:
    """What readers would see change if the page's working rows were published now."""
    return compare_snapshots(published_document(page), build_snapshot(page).as_json())


class CheckedIds:
    """For admins and inlines: ids posted that are not numbers, or too big for the database,
    are form errors and are shown as no choice, never a server error."""

    def response_action(self, request, queryset, *args, **kwargs):
        # Django filters the list by the ids posted with an action, and fails on one that is
        # not a number or is too big.
        chosen = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(fits_key(self.model._meta.pk, pk) for pk in chosen):
            self.message_user(
                request, "Choose rows from the list: some of those chosen are not in it.", "error"
            )
            return None
        return super().response_action(request, queryset, *args, **kwargs)

    def lookup_allowed(self, lookup, value, request):
        # A pattern typed into the address is run by the database, and a broken one fails
        # there (a server error on SQLite): lists filter by their own choices, not patterns.
        if lookup.endswith(("__regex", "__iregex")):
            return False
        return super().lookup_allowed(lookup, value, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StatusFilter(admin.SimpleListFilter):
    """Pages by where they stand (reviews.statuses), or overdue for review."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Status.choices, (OVERDUE, OVERDUE_LABEL)]

    def queryset(self, request, queryset):
        return filter_by_status(queryset, self.value()) if self.value() else queryset


def who_signs() -> str:
    """Who a change sent for review goes to, in order, as a message says it: "the clinical
    reviewer and the lay reviewer are asked to sign it off, then the senior medical editor
    gives the final approval"."""
    final = signing.in_words([EditorialRole.SENIOR_MEDICAL_EDITOR])
    required = signing.required_sign_offs()
    if not required:
        return f"{final} is asked for the final approval"
    verb = "is" if len(required) == 1 else "are"
    first = f"{signing.in_words(required)} {verb} asked to sign it off"
    return f"{first}, then {final} gives the final approval"


ROW_GONE = (
    "Someone else deleted or changed a row here after you opened the page, so this form cannot "
    "be saved as it is. Copy any text you need, then reload the page to see it as it is now."
)


def say_where_rows_went(formset) -> None:
    """A row deleted by someone else after the form opened fails on a field no one sees (its
    id), and the admin does not even show a row it no longer has: the error is said above the
    rows, not left for the editor to hunt for."""
    lost = any(
        field.errors for form in formset.forms if form.is_bound for field in form.hidden_fields()
    )
    errors = formset.non_form_errors() if formset.is_bound else []
    if lost and ROW_GONE not in errors:
        errors.append(ROW_GONE)


class RichTextHelp:
    """For admins and inlines: long text fields say what readers will get from them."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and formfield is not None:
            formfield.help_text = f"{formfield.help_text} {rich_text.HELP}".strip()
        return formfield


class LabelledRowsFormSet(BaseInlineFormSet):
    """Django's tabular inline heads each column with its field's name but labels none of a
    row's controls, so a screen reader meets a row of unnamed boxes: each is named after its
    column."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", capfirst(field.label or name))


class TabularInline(admin.TabularInline):
    formset = LabelledRowsFormSet


class ReviewedContentAdmin(RichTextHelp, CheckedIds, VersionAdmin):
    form = ContentForm
    change_form_template = "admin/reviews/content_change_form.html"
    change_list_template = "admin/reviews/content_change_list.html"
    delete_confirmation_template = "admin/reviews/delete_confirmation.html"
    # django-reversion's own has breadcrumbs in markup Django's admin no longer styles.
    recover_list_template = "admin/reviews/recover_list.html"

    class Media:
        js = ["js/admin-filter-labels.js"]

    # Whether the rows of this admin are pages of their own, sent for review and published.
    is_page = True
    # Whether they have revisions of their own (pages, shared rows), or are part of a page's.
    has_own_history = True

    def page_of(self, obj):
        """The row whose revision a save of `obj` makes: itself, or the page it belongs to."""
        return obj

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SAVE_FIELDS]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        # The form shows it last of all, just above the buttons that save it.
        return [*fieldsets, ("Your change", {"fields": SAVE_FIELDS, "classes": ["your-change"]})]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return with_status(queryset, timezone.localdate()) if self.is_page else queryset

    def get_list_display(self, request):
        list_display = list(super().get_list_display(request))
        if not self.is_page:
            return list_display
        # Beside the name, as Wagtail lists pages: still in view on a phone.
        return [*list_display[:1], "status", *list_display[1:]]

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        return [StatusFilter, *list_filter] if self.is_page else list_filter

    @admin.display(description="Status", ordering="workflow_status")
    def status(self, obj):
        """Where the page stands, from the annotations of get_queryset: no query of its own."""
        note = ""
        if obj.workflow_status in {Status.IN_REVIEW, Status.CHANGES_REQUESTED}:
            # What readers see meanwhile.
            note = (
                "published"
                if obj.status_published
                else "withdrawn"
                if obj.status_withdrawn
                else "not published"
            )
        return format_html(
            '<span class="status-tag status-{}">{}</span>{}{}',
            obj.workflow_status,
            Status(obj.workflow_status).label,
            format_html(' <span class="status-note">({})</span>', note) if note else "",
            format_html(' <span class="status-tag status-overdue">{}</span>', OVERDUE_LABEL)
            if obj.review_overdue
            else "",
        )

    def view_on_site(self, obj):
        """The page's public address, while readers can see it; nothing otherwise."""
        page = services.published_page_of(obj) if self.is_page and obj.pk else None
        return page.get_absolute_url() if page else None

    def save_model(self, request, obj, form, change):
        if self.has_own_history:
            obj.edit_version = form.locked_edit_version + 1 if change else 1
        super().save_model(request, obj, form, change)
        # The pages this save changes: the row's own, or the page it belonged to when the form
        # opened and the one it belongs to now (a section moved to another topic changes both).
        pages = {
            (type(page), page.pk): page
            for page in [form.page, self.page_of(obj)]
            if page is not None
        }
        ended = []
        for page in pages.values():
            # A part of a page changed: the page moves on to a new revision with it.
            ended += changes.record_change(
                page,
                user=request.user,
                summary=form.cleaned_data["change_summary"],
                counted=page is obj,
                measure=False,  # in save_related, once the inline rows are saved too
            )
        form.changed_pages = list(pages.values())
        # The save ended a review in progress: its reviewers are told, and so is the editor.
        for review in ended:
            transaction.on_commit(lambda review=review: notifications.review_ended(review))
        obj.ended_reviews = ended

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        readability.measure_pages(form.changed_pages)

    # The editor's own summary is the revision's comment, not the admin's generated one.
    def log_addition(self, request, obj, message):
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def log_change(self, request, obj, message):
        return admin.ModelAdmin.log_change(self, request, obj, message)

    def has_delete_permission(self, request, obj=None):
        # A page readers can see is withdrawn first, so deleting never leaves a public orphan.
        if obj is not None and self.is_page and services.published_page_of(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # A row that pages still show (or a source they cite) is kept: Django's own delete page
        # then lists why, as it lists rows that protect it. Published citations protect a
        # source too, and are said once, in the use "cited by published pages".
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        citation = f"{capfirst(PublishedCitation._meta.verbose_name)}:"
        protected = [p for p in protected if not str(p).startswith(citation)]
        protected += [use for obj in objs for use in services.uses_of(obj)]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        if not self.has_own_history:
            # Deleting a part of a page (a section) changes the page: a revision of it.
            with reversion.create_revision():
                super().delete_model(request, obj)
                changes.record_change(
                    self.page_of(obj),
                    user=request.user,
                    summary=f"Deleted the {obj._meta.verbose_name} “{obj}”.",
                )
            return
        changes.record_deletion(obj, user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # Django refuses the whole bulk delete if any page in it is published (see above).
        if not self.has_own_history:
            for obj in queryset:
                self.delete_model(request, obj)
            return
        for obj in queryset:
            changes.record_deletion(obj, user=request.user)
        super().delete_queryset(request, queryset)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        history = [
            path("<path:object_id>/compare/", wrap(self.compare_view), name=f"{prefix}_compare"),
            path(
                "<path:object_id>/restore/<int:revision_id>/",
                wrap(self.restore_view),
                name=f"{prefix}_restore",
            ),
        ]
        review = [
            path("<path:object_id>/submit/", wrap(self.submit_view), name=f"{prefix}_submit"),
            path(
                "<path:object_id>/confirm-review/",
                wrap(self.confirm_review_view),
                name=f"{prefix}_confirm_review",
            ),
            path("<path:object_id>/preview/", wrap(self.preview_view), name=f"{prefix}_preview"),
        ]
        return [
            *(history if self.has_own_history else []),
            *(review if self.is_page else []),
            *super().get_urls(),
        ]

    def page_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such page.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def url(self, name, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        for inline in context.get("inline_admin_formsets", []):
            say_where_rows_went(inline.formset)
        if obj is not None and obj.pk and self.has_own_history:
            context["has_history"] = True
        if obj is not None and obj.pk and self.is_page:
            status = page_status(obj)
            status.shared_rows_changed = status.published == status.latest and bool(
                reader_changes(obj)
            )
            context["page_status"] = status
            context["is_published"] = services.published_page_of(obj) is not None
            feedback = Feedback.objects.for_page(obj.page_kind, obj.pk)
            context["feedback_counts"] = {
                "helpful": feedback.filter(helpful=True).count(),
                "not_helpful": feedback.filter(helpful=False).count(),
            }
            context["feedback_latest"] = feedback.exclude(comment="")[:5]
            context["promised_videos"] = readability.promised_videos(obj)
            if isinstance(obj, Therapy | Topic):
                context["readability"] = readability.report(obj)
                context["smog_limit"] = settings.READABILITY_SMOG_LIMIT
            context["can_submit"] = roles.is_editor(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def saved_message(self, request, obj, *, added=False) -> str:
        """What a save of a page did, and what comes next, with the way on when there is one."""
        status = page_status(obj)
        parts = [f"{'Added' if added else 'Saved'} “{obj}” as revision {status.latest}."]
        if getattr(obj, "ended_reviews", None):
            parts.append(
                "That ended the review it was in: the reviewers are told, and it must be sent "
                "for review again."
            )
        elif status.state == Status.CHANGES_REQUESTED:
            parts.append(
                f"Changes were requested on revision {status.requested}: send it for review "
                "again once they are made."
            )
        if status.state == Status.WITHDRAWN:
            parts.append("It stays withdrawn until a change is sent for review and approved.")
        elif status.published:
            parts.append(
                f"Readers still see revision {status.published} until a change is sent for "
                "review and approved."
            )
        else:
            parts.append("Readers cannot see it until it is sent for review and approved.")
        text = " ".join(parts)
        if roles.is_editor(request.user) and status.has_unsent_changes:
            return format_html(
                '{} <a class="button" href="{}">Send for review</a>',
                text,
                self.url("submit", obj.pk),
            )
        return text

    @staticmethod
    def is_plain_save(request) -> bool:
        """Save, or Save and continue editing: not a popup's, nor a save as another row."""
        return IS_POPUP_VAR not in request.POST and not (
            {"_addanother", "_saveasnew"} & request.POST.keys()
        )

    def with_filters(self, request, url: str) -> str:
        context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return add_preserved_filters(context, url)

    # A page's save is answered with saved_message, not Django's. The message is written once
    # the save's revision exists, which is after these return (see add_view, change_view).
    def response_add(self, request, obj, post_url_continue=None):
        if not (self.is_page and self.is_plain_save(request)):
            return super().response_add(request, obj, post_url_continue)
        if "_continue" in request.POST:
            response = HttpResponseRedirect(self.with_filters(request, self.url("change", obj.pk)))
        else:
            response = self.response_post_save_add(request, obj)
        response.saved = (obj, True)
        return response

    def response_change(self, request, obj):
        if not (self.is_page and self.is_plain_save(request)):
            return super().response_change(request, obj)
        if "_continue" in request.POST:
            response = HttpResponseRedirect(self.with_filters(request, request.path))
        else:
            response = self.response_post_save_change(request, obj)
        response.saved = (obj, False)
        return response

    # django-reversion saves the revision as its add_view and change_view return.
    def add_view(self, request, form_url="", extra_context=None):
        response = super().add_view(request, form_url, extra_context)
        return self.tell_what_was_saved(request, response)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self.tell_what_was_saved(request, response)

    def tell_what_was_saved(self, request, response):
        if saved := getattr(response, "saved", None):
            obj, added = saved
            self.message_user(
                request, self.saved_message(request, obj, added=added), messages.SUCCESS
            )
        return response

    def history_view(self, request, object_id, extra_context=None):
        obj = self.page_or_404(request, object_id)
        if not self.has_own_history:
            page = self.page_of(obj)
            opts = page._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_history", page.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"History of {obj}",
            "rows": page_history(obj),
            "events": AuditEvent.objects.for_item(obj).select_related("actor"),
            "can_restore": self.has_restore_permission(request, obj),
            "status": page_status(obj) if self.is_page else None,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/reviews/history.html", context)

    def compare_view(self, request, object_id):
        obj = self.page_or_404(request, object_id)
        versions = {v.revision_id: (n, v) for n, v in enumerate(versions_of(obj), start=1)}
        try:
            older = int(request.GET.get("older", ""))
            newer = int(request.GET.get("newer", ""))
        except ValueError:
            older = newer = None
        if older not in versions or newer not in versions:
            messages.error(request, "Choose two revisions of this page to compare.")
            return redirect(self.url("history", obj.pk))
        if older > newer:
            older, newer = newer, older
        comparison = compare(
            type(obj), obj.pk, versions[older][1].revision, versions[newer][1].revision
        )
        # Who saved each, by the name colleagues know them by, not their username.
        by = {}
        for revision_id in (older, newer):
            user = versions[revision_id][1].revision.user
            by[revision_id] = roles.name_of(user) if user else "(system)"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Compare revisions of {obj}",
            "older": versions[older],
            "newer": versions[newer],
            "older_by": by[older],
            "newer_by": by[newer],
            "comparison": comparison,
        }
        return TemplateResponse(request, "admin/reviews/compare.html", context)

    def has_restore_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def restore_view(self, request, object_id, revision_id):
        obj = self.page_or_404(request, object_id)
        if request.method != "POST":
            return redirect(self.url("history", obj.pk))
        if not self.has_restore_permission(request, obj):
            raise PermissionDenied
        if not fits_key(Revision._meta.pk, revision_id):
            raise Http404("No such revision.")
        version = get_object_or_404(versions_of(obj), revision_id=revision_id)
        try:
            changes.restore(version=version, user=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "The earlier revision is restored as a new draft. Readers still see the published "
                "revision until this draft is signed off and published.",
            )
        return redirect(self.url("history", obj.pk))

    def submit_view(self, request, object_id):
        obj = self.page_or_404(request, object_id)
        if not roles.is_editor(request.user):
            raise PermissionDenied
        form = SubmitForm(
            request.POST or None,
            saved_summary="" if request.method == "POST" else summary_to_send(obj),
        )
        # "Check" shows how plain the note for readers is, and sends nothing.
        checking = "check_reader_note" in request.POST
        if request.method == "POST" and form.is_valid() and not checking:
            try:
                services.submit_for_review(
                    item=obj,
                    user=request.user,
                    summary=form.cleaned_data["summary"],
                    is_review=form.cleaned_data["is_review"],
                    reader_note=form.cleaned_data["reader_note"],
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                shown = (
                    "readers see the published revision"
                    if services.published_page_of(obj)
                    else "readers cannot see it"
                )
                messages.success(
                    request,
                    f"Sent “{obj}” for review: {who_signs()}, which publishes it. Until then "
                    f"{shown}; saving the page again ends this review.",
                )
                return redirect(self.url("change", obj.pk))
        latest = versions_of(obj).last()
        published = versions_of(obj).filter(revision_id=published_revision_id(obj)).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Send “{obj}” for review",
            "form": form,
            "comparison": compare(
                type(obj), obj.pk, published.revision if published else None, latest.revision
            )
            if latest
            else None,
            "reader_changes": reader_changes(obj),
            "reader_note": form.reader_note_report(),
            "smog_limit": settings.READABILITY_SMOG_LIMIT,
        }
        return TemplateResponse(request, "admin/reviews/submit.html", context)

    def confirm_review_view(self, request, object_id):
        """The page's review found nothing to change: reviewers confirm the published page."""
        obj = self.page_or_404(request, object_id)
        if not roles.is_editor(request.user):
            raise PermissionDenied
        form = ConfirmReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_review_without_change(
                    item=obj, user=request.user, summary=form.cleaned_data["summary"]
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Sent the review of “{obj}”: {who_signs()}, which moves the review dates "
                    "on. Readers keep seeing the page as it is.",
                )
                return redirect(self.url("change", obj.pk))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Record the review of “{obj}”: no change needed",
            "form": form,
            "comparison": None,
            "no_change": True,
        }
        return TemplateResponse(request, "admin/reviews/submit.html", context)

    def preview_view(self, request, object_id):
        """The page as approving it now would publish it: its latest saved revision, with the
        rows it shares as they are now. For the editorial team only, as a review's preview."""
        obj = self.page_or_404(request, object_id)
        if not roles.is_editorial(request.user):
            raise PermissionDenied
        numbers = revision_numbers(obj)
        number = max(numbers.values(), default=1)
        snapshot = build_snapshot(obj)
        published = services.published_page_of(obj)
        note = (
            "What the page would show readers if its latest saved revision were approved and "
            "published now. Edits not yet saved are not in it."
        )
        # In review, the reviewers sign what was frozen when it was sent: once a row the page
        # shows (a condition, a source…) changes, the working rows are not that revision.
        in_review = page_status(obj).open_request
        seen = ["slug", "title", "document", "facets"]
        working = snapshot.as_json()
        if in_review and any(in_review.snapshot.get(key) != working[key] for key in seen):
            sent = numbers.get(in_review.revision_id)
            title = f"Preview of “{obj}” as it stands now: not sent for review"
            note = format_html(
                "It differs from revision {}, which is in review: something the page shows has "
                "changed since it was sent. Approving that review publishes revision {} as it "
                'was sent, without these changes. <a href="{}">Preview revision {} as the '
                "reviewers see it</a>",
                sent,
                sent,
                reverse("admin:reviews_reviewrequest_preview", args=[in_review.pk]),
                sent,
            )
        elif published and published.document == snapshot.document:
            title = f"Revision {number} of “{obj}”, as readers see it now"
        else:
            title = f"Preview of revision {number} of “{obj}”: not published"
        banner = Banner(
            title=title,
            note=note,
            back_url=self.url("change", obj.pk),
            back_label="Back to editing",
        )
        return preview_response(request, snapshot, banner, change_summary="")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Restoring goes through restore_view, which records it and makes a new draft.
        return redirect(self.url("history", unquote(object_id)))

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_own_history:
            return self.recover_with_page(request)
        return super().recoverlist_view(request, extra_context)

    def recover_with_page(self, request):
        """A part of a page has no revisions of its own: it comes back with its page."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        page = self.page_model._meta
        messages.info(
            request,
            f"A deleted {self.opts.verbose_name} comes back with its {page.verbose_name}: in "
            f"the {page.verbose_name}'s History and comparison, restore a revision that still "
            "had it.",
        )
        return redirect(f"admin:{page.app_label}_{page.model_name}_changelist")

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_own_history:
            return self.recover_with_page(request)
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        if request.method == "POST":
            try:
                item = changes.recover(version=version, user=request.user)
            except WorkflowError as error:
                messages.error(request, str(error))
                return redirect(self.url("recoverlist"))
            messages.success(request, f"“{item}” is recovered as a draft.")
            return redirect(self.url("change", item.pk))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Recover {version.object_repr}",
            "version": version,
        }
        return TemplateResponse(request, "admin/reviews/recover.html", context)
