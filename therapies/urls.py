from django.urls import path

from therapies import views
from therapies.feeds import LatestChangesFeed

app_name = "therapies"

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("therapies/", views.therapy_list, name="therapy_list"),
    path("therapies/<slug:slug>/", views.TherapyDetailView.as_view(), name="therapy_detail"),
    path(
        "side-effects/<slug:slug>/", views.SideEffectDetailView.as_view(), name="side_effect_detail"
    ),
    path("glossary/", views.glossary, name="glossary"),
    path("feed/", LatestChangesFeed(), name="feed"),
    path("feedback/thanks/", views.feedback_thanks, name="feedback_thanks"),
    path("feedback/<slug:kind>/<slug:slug>/", views.feedback, name="feedback"),
]
