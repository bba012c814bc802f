"""The admin for everything editors change: pages, the rows pages share (conditions,
references…), parts of pages and reviewer profiles. Each save asks for a change summary, refuses
lost updates, and is a revision with an audit event; history, comparison, restore and recover
work the same for each. Pages are also sent for review from here. The workflow itself lives in
reviews.services."""

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.models import Revision, Version

from reviews import changes, roles, services
from reviews.compare import compare, compare_snapshots
from reviews.forms import (
    CheckedAutocompleteSelect,
    CheckedModelMultipleChoiceField,
    ConfirmReviewForm,
    ContentForm,
    SubmitForm,
    fits_key,
)
from reviews.history import page_history, page_status, published_document, published_revision_id
from reviews.models import AuditEvent, WorkflowError
from reviews.versions import versions_of
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RichTextHelp:
    """For admins and inlines: long text fields say what readers will get from them."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and formfield is not None:
            formfield.help_text = f"{formfield.help_text} {rich_text.HELP}".strip()
        return formfield


class ReviewedContentAdmin(RichTextHelp, CheckedIds, VersionAdmin):
    form = ContentForm
    change_form_template = "admin/reviews/content_change_form.html"
    delete_confirmation_template = "admin/reviews/delete_confirmation.html"
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
        return [*fieldsets, ("Your change", {"fields": SAVE_FIELDS})]

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
        for page in pages.values():
            # A part of a page changed: the page moves on to a new revision with it.
            changes.record_change(
                page,
                user=request.user,
                summary=form.cleaned_data["change_summary"],
                counted=page is obj,
                measure=False,  # in save_related, once the inline rows are saved too
            )
        form.changed_pages = list(pages.values())

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
            if isinstance(obj, Therapy | Topic):
                context["readability"] = readability.report(obj)
                context["smog_limit"] = settings.READABILITY_SMOG_LIMIT
            context["can_submit"] = roles.is_editor(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

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
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Compare revisions of {obj}",
            "older": versions[older],
            "newer": versions[newer],
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
        form = SubmitForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_for_review(
                    item=obj,
                    user=request.user,
                    summary=form.cleaned_data["summary"],
                    is_review=form.cleaned_data["is_review"],
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"“{obj}” is sent for review.")
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
                messages.success(request, f"The review of “{obj}” is sent to the reviewers.")
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
