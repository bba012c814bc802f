from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.contenttypes.admin import GenericStackedInline
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from reviews import roles, services
from reviews.admin.base import CheckedIds, ReviewedContentAdmin, RichTextHelp, TabularInline
from reviews.forms import ContentForm, WithdrawForm
from reviews.models import PageReview, WorkflowError
from reviews.section_forms import SectionForm, SectionFormSet, SectionInlineForm
from therapies.models import (
    Availability,
    BrandName,
    Condition,
    DosageForm,
    DrugClass,
    Feedback,
    GlossaryTerm,
    Indication,
    InformationPage,
    Organisation,
    PublishedPage,
    Reference,
    SearchSynonym,
    SideEffect,
    Therapy,
    TherapySideEffect,
    Topic,
    TopicSection,
)
from therapies.publishing import count_of_pages_showing, pages_showing


class PageReviewInline(GenericStackedInline):
    """Review dates are shown beside the content but are not part of its revisions."""

    model = PageReview
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["reviewed_on", "approved_by", "next_review_due", "cycle_months", "responsible_editor"]
    readonly_fields = ["reviewed_on", "approved_by", "next_review_due"]
    verbose_name = "review dates"
    verbose_name_plural = "review dates"


class BrandNameInline(TabularInline):
    model = BrandName
    extra = 0


class IndicationInline(CheckedIds, TabularInline):
    model = Indication
    extra = 0
    autocomplete_fields = ["condition"]


class TherapySideEffectInline(CheckedIds, TabularInline):
    model = TherapySideEffect
    extra = 0
    autocomplete_fields = ["side_effect"]


class AvailabilityInline(TabularInline):
    model = Availability
    extra = 0


# Safety text is read by someone worried about a symptom: it says only what a cited source
# says, and an empty field is better than general advice (the page then shows the standard
# 999 and NHS 111 box alone, and the dashboard lists the field as incomplete).
SAFETY_HELP = (
    "Shown to readers only when filled in. Write only what a cited source says; leave a field "
    "empty rather than guess. Every page also shows when to call 999 or NHS 111."
)


@admin.register(Therapy)
class TherapyAdmin(ReviewedContentAdmin):
    list_display = ["generic_name", "drug_class"]
    list_filter = ["drug_class", "dosage_forms"]
    list_select_related = ["drug_class"]
    search_fields = ["generic_name", "brand_names__name"]
    prepopulated_fields = {"slug": ["generic_name"]}
    filter_horizontal = ["dosage_forms", "references"]
    inlines = [
        BrandNameInline,
        IndicationInline,
        TherapySideEffectInline,
        AvailabilityInline,
        PageReviewInline,
    ]
    fieldsets = [
        (None, {"fields": ["generic_name", "slug", "drug_class", "other_names"]}),
        ("What readers are told", {"fields": ["summary", "how_it_works", "when_used"]}),
        ("How it is taken", {"fields": ["how_taken", "dosage_forms", "how_often", "where_taken"]}),
        (
            "Safety",
            {
                "fields": Therapy.SAFETY_FIELDS,
                "description": SAFETY_HELP,
            },
        ),
        ("On the NHS", {"fields": ["availability_note"]}),
        ("Sources", {"fields": ["references"]}),
    ]


@admin.register(SideEffect)
class SideEffectAdmin(ReviewedContentAdmin):
    list_display = ["name", "medical_name"]
    search_fields = ["name", "medical_name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["references"]
    inlines = [PageReviewInline]
    fieldsets = [
        (None, {"fields": ["name", "medical_name", "slug"]}),
        ("What readers are told", {"fields": ["what_it_is", "what_helps"]}),
        ("Safety", {"fields": SideEffect.SAFETY_FIELDS, "description": SAFETY_HELP}),
        ("Sources", {"fields": ["references"]}),
    ]


def shown_on(row) -> list[tuple[models.Model, str]]:
    """The pages that show a shared row, each with the address of its change form."""
    return [
        (page, reverse(f"admin:therapies_{page._meta.model_name}_change", args=[page.pk]))
        for page in pages_showing(row)
    ]


class SharedContentAdmin(ReviewedContentAdmin):
    """Rows several pages show. Changed here like a page (summary, revision, audit, conflict
    check), never sent for review on their own: each page that shows one carries its change to
    readers with the page's next approved publication, and lists who made it."""

    is_page = False

    def get_queryset(self, request):
        # Rows have no status of their own: the list says how many pages carry a change to one.
        queryset = super().get_queryset(request)
        return queryset.annotate(shown_on_pages=count_of_pages_showing(self.model))

    def get_list_display(self, request):
        return [*super().get_list_display(request), "shown_on_count"]

    @admin.display(description="Shown on", ordering="shown_on_pages")
    def shown_on_count(self, obj):
        count = obj.shown_on_pages
        return "no page" if count == 0 else f"{count} page{'' if count == 1 else 's'}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pages = pages_showing(obj)
        if pages:
            names = ", ".join(str(page) for page in pages)
            messages.info(
                request,
                f"Readers see this change once each page that shows it is sent for review and "
                f"published: {names}.",
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["shown_on"] = shown_on(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        row = self.page_or_404(request, object_id)
        return super().history_view(request, object_id, {"shown_on": shown_on(row)})


@admin.register(Condition)
class ConditionAdmin(SharedContentAdmin):
    list_display = ["name", "abbreviation"]
    search_fields = ["name", "abbreviation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DrugClass)
class DrugClassAdmin(SharedContentAdmin):
    list_display = ["name", "abbreviation"]
    search_fields = ["name", "abbreviation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DosageForm)
class DosageFormAdmin(SharedContentAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Reference)
class ReferenceAdmin(SharedContentAdmin):
    list_display = ["authors", "title", "journal", "year"]
    search_fields = ["authors", "title", "journal", "doi"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ReviewedContentAdmin):
    """Words readers search with that mean the same. Not shown on any page, so not reviewed:
    a change applies to searches once saved, and is kept with its summary like any edit."""

    is_page = False
    list_display = ["words", "note"]
    search_fields = ["words", "note"]
    fields = ["words", "note"]
    # Room to see every phrase of a long list at once.
    formfield_overrides = {
        models.CharField: {"widget": widgets.AdminTextareaWidget(attrs={"rows": 2})}
    }


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ReviewedContentAdmin):
    list_display = ["term"]
    search_fields = ["term", "explanation"]
    prepopulated_fields = {"slug": ["term"]}
    filter_horizontal = ["references"]
    inlines = [PageReviewInline]


@admin.register(InformationPage)
class InformationPageAdmin(ReviewedContentAdmin):
    """About us, contact, privacy, cookies, accessibility: reviewed and published like any page,
    since what they tell readers (how their data is used, what they can rely on) matters."""

    list_display = ["title", "slug"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["references"]
    inlines = [PageReviewInline]


class OrganisationForm(forms.ModelForm):
    """Every page links to the address and the number: each must be one a reader can use."""

    phone = RegexValidator(
        r"^\+?[0-9][0-9 ()-]{4,}$",
        "Write a phone number readers can call: digits, spaces, brackets and dashes, with + "
        "first for an international number.",
    )
    plain_address = RegexValidator(
        r'^[^"<>()\s,;:\\]+@[^@\s]+$',
        "Write a plain address such as help@example.org: quotes, brackets and spaces are not "
        "allowed in it.",
    )

    def clean_support_line_phone(self):
        value = self.cleaned_data["support_line_phone"]
        if value:
            self.phone(value)
        return value

    def clean_contact_email(self):
        value = self.cleaned_data["contact_email"]
        if value:
            self.plain_address(value)
        return value


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """One row: who publishes the site and how readers reach it. Facts about the organisation,
    not patient information, so not reviewed: an administrator's alone, each change audited,
    and shown to readers at once (saving starts a new edition of the site)."""

    form = OrganisationForm

    fieldsets = [
        (None, {"fields": ["name", "logo_text", "contact_email"]}),
        (
            "Support line",
            {
                "fields": ["support_line_name", "support_line_phone", "support_line_hours"],
                "description": "Shown on pages that tell readers where to get help, once both "
                "a name and a phone number are filled in.",
            },
        ),
        ("Quality mark", {"fields": ["holds_pif_tick"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_module_permission(request):
            raise PermissionDenied
        organisation = Organisation.objects.filter(pk=Organisation.ROW).first()
        if organisation is None:
            organisation = services.change_organisation(
                organisation=Organisation.objects.current(), user=request.user, changed={}
            )
        return redirect("admin:therapies_organisation_change", organisation.pk)

    def save_model(self, request, obj, form, change):
        changed = {name: form.initial.get(name) for name in form.changed_data}
        services.change_organisation(organisation=obj, user=request.user, changed=changed)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ShowsTherapiesInOrder:
    """A reader of a section's form (a reviewer) sees its therapies in order as text: the
    ordered choice is a field of the editor's form, which a read-only form does not have."""

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fields
        shown = [name for name in self.fields if name != "position"]
        return ["therapies_presented" if name == "presented" else name for name in shown]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "therapies_presented"]

    @admin.display(description="Therapies presented")
    def therapies_presented(self, section):
        return ", ".join(str(link.therapy) for link in section.presented.all()) or "None"


class TopicSectionInline(ShowsTherapiesInOrder, RichTextHelp, admin.StackedInline):
    """Each section with the therapies it presents, in order: the whole topic is edited, and
    saved as one revision, on its own form. Sections and therapies move with up and down
    buttons; the form's position numbers are hidden and follow that order."""

    model = TopicSection
    form = SectionInlineForm
    formset = SectionFormSet
    fields = ["heading", "body", "presented", "position"]
    # One empty section to fill in, so a section can be added without JavaScript too.
    extra = 1
    show_change_link = True
    classes = ["ordered-sections"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("presented__therapy")


@admin.register(Topic)
class TopicAdmin(ReviewedContentAdmin):
    list_display = ["title"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["references"]
    inlines = [TopicSectionInline, PageReviewInline]


class TopicSectionForm(SectionForm, ContentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "topic" in self.fields:
            self.fields["topic"].help_text = (
                "To move this section, choose another topic: it goes last there. Its text and "
                "therapies can also be changed on its topic's page."
            )

    def opened_page(self):
        # The topic the section was in when the form opened: a move to another topic is
        # checked against the topic it leaves (and changes both).
        return self.instance.topic if self.instance.topic_id else None


@admin.register(TopicSection)
class TopicSectionAdmin(ShowsTherapiesInOrder, ReviewedContentAdmin):
    """A section on a page of its own, reached by its Change link on the topic's form: where a
    section is moved to another topic. Everything else about it is edited on the topic's form,
    so it is left out of the admin's index. Its fields are the topic form's, with the same
    therapies in order; its position is never typed: it keeps its place, and goes last in a
    topic it is moved to."""

    form = TopicSectionForm
    is_page = False
    has_own_history = False
    page_model = Topic
    fields = ["topic", "heading", "body", "presented"]
    list_display = ["__str__", "topic", "position"]
    list_select_related = ["topic"]

    def page_of(self, obj):
        return obj.topic

    def save_model(self, request, obj, form, change):
        if not change or "topic" in form.changed_data:
            last = (
                TopicSection.objects.filter(topic=obj.topic_id)
                .exclude(pk=obj.pk)
                .aggregate(last=Max("position"))["last"]
            )
            obj.position = 0 if last is None else last + 1
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request):
        return False


@admin.register(Feedback)
class FeedbackAdmin(CheckedIds, admin.ModelAdmin):
    """What readers said. Read-only: it is their words. An administrator may delete one that
    must go (it names someone, say); the audit trail records each deletion."""

    list_display = ["received_at", "page_title", "helpful", "comment"]
    list_filter = ["helpful", "kind"]
    search_fields = ["page_title", "comment"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.delete_feedback(feedback=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for feedback in queryset:
            services.delete_feedback(feedback=feedback, user=request.user)


@admin.register(PublishedPage)
class PublishedPageAdmin(admin.ModelAdmin):
    """What readers see now. Read-only: only publishing writes it."""

    list_display = ["title", "kind", "published_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    readonly_fields = [field.name for field in PublishedPage._meta.fields]
    change_form_template = "admin/therapies/publishedpage/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/withdraw/",
                wrap(self.withdraw_view),
                name="therapies_publishedpage_withdraw",
            ),
            *super().get_urls(),
        ]

    def withdraw_view(self, request, pk):
        if not request.user.has_perm(roles.WITHDRAW_PAGE):
            raise PermissionDenied
        page = get_object_or_404(PublishedPage, pk=pk)
        form = WithdrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.withdraw(page=page, user=request.user, reason=form.cleaned_data["reason"])
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"“{page.title}” is withdrawn from the public site.")
                return redirect("admin:therapies_publishedpage_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Withdraw “{page.title}”",
            "page": page,
            "form": form,
        }
        return TemplateResponse(request, "admin/therapies/publishedpage/withdraw.html", context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
