from django.contrib import admin
from django.contrib.contenttypes.admin import GenericStackedInline

from reviews.models import PageReview
from therapies.models import (
    Availability,
    BrandName,
    Condition,
    DosageForm,
    DrugClass,
    GlossaryTerm,
    Indication,
    PublishedPage,
    Reference,
    SideEffect,
    Therapy,
    TherapySideEffect,
    Topic,
    TopicSection,
    TopicSectionTherapy,
)


class PageReviewInline(GenericStackedInline):
    model = PageReview
    extra = 0
    max_num = 1
    autocomplete_fields = ["approved_by"]
    verbose_name = "review dates"
    verbose_name_plural = "review dates"


class BrandNameInline(admin.TabularInline):
    model = BrandName
    extra = 0


class IndicationInline(admin.TabularInline):
    model = Indication
    extra = 0
    autocomplete_fields = ["condition"]


class TherapySideEffectInline(admin.TabularInline):
    model = TherapySideEffect
    extra = 0
    autocomplete_fields = ["side_effect"]


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


@admin.register(Therapy)
class TherapyAdmin(admin.ModelAdmin):
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
        (None, {"fields": ["generic_name", "slug", "drug_class"]}),
        ("What readers are told", {"fields": ["summary", "how_it_works", "when_used"]}),
        ("How it is taken", {"fields": ["how_taken", "dosage_forms", "how_often", "where_taken"]}),
        ("On the NHS", {"fields": ["availability_note"]}),
        ("Sources", {"fields": ["references"]}),
    ]


@admin.register(SideEffect)
class SideEffectAdmin(admin.ModelAdmin):
    list_display = ["name", "medical_name"]
    search_fields = ["name", "medical_name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["references"]
    inlines = [PageReviewInline]


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation"]
    search_fields = ["name", "abbreviation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DrugClass)
class DrugClassAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation"]
    search_fields = ["name", "abbreviation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DosageForm)
class DosageFormAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["authors", "title", "journal", "year"]
    search_fields = ["authors", "title", "journal", "doi"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term"]
    search_fields = ["term", "explanation"]
    prepopulated_fields = {"slug": ["term"]}
    filter_horizontal = ["references"]
    inlines = [PageReviewInline]


class TopicSectionInline(admin.StackedInline):
    model = TopicSection
    extra = 0
    show_change_link = True


class TopicSectionTherapyInline(admin.TabularInline):
    model = TopicSectionTherapy
    extra = 0
    autocomplete_fields = ["therapy"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["references"]
    inlines = [TopicSectionInline, PageReviewInline]


@admin.register(TopicSection)
class TopicSectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "topic", "position"]
    list_select_related = ["topic"]
    inlines = [TopicSectionTherapyInline]


@admin.register(PublishedPage)
class PublishedPageAdmin(admin.ModelAdmin):
    """What readers see now. Read-only: only publishing writes it."""

    list_display = ["title", "kind", "published_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    readonly_fields = [field.name for field in PublishedPage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
