from django.urls import path

from therapies import views
from therapies.feeds import LatestChangesFeed
from therapies.page_cache import public_page

app_name = "therapies"

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("topics/<slug:slug>/", public_page(views.TopicDetailView.as_view()), name="topic_detail"),
    path("therapies/", public_page(views.therapy_list), name="therapy_list"),
    path(
        "therapies/<slug:slug>/",
        public_page(views.TherapyDetailView.as_view()),
        name="therapy_detail",
    ),
    path(
        "side-effects/<slug:slug>/",
        public_page(views.SideEffectDetailView.as_view()),
        name="side_effect_detail",
    ),
    path("search/", public_page(views.site_search), name="search"),
    path("glossary/", public_page(views.glossary), name="glossary"),
    path(
        "about/<slug:slug>/",
        public_page(views.InformationPageView.as_view()),
        name="information_page",
    ),
    path("feed/", public_page(LatestChangesFeed()), name="feed"),
    path("feedback/thanks/", views.feedback_thanks, name="feedback_thanks"),
    path("feedback/<slug:kind>/<slug:slug>/", views.feedback, name="feedback"),
]
