from django.contrib import admin

from reviews.models import PageReview, Reviewer


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
