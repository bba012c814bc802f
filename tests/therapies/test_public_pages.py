"""The public site reads only what was published, and answers every URL with a proper page."""

import re
from html.parser import HTMLParser

import pytest
from django.db.models import ProtectedError
from django.test import override_settings
from django.urls import include, path

from therapies.models import GlossaryTerm, PublishedPage, SideEffect, Therapy
from therapies.publishing import PublishingError, build_snapshot, publish


def test_home_lists_topics_and_an_a_to_z_with_a_search_box(seed, client):
    html = client.get("/").content.decode()
    assert 'href="/topics/targeted-therapies-soft-tissue-sarcoma/"' in html
    names = re.findall(r'<li><a href="/therapies/[a-z]+/"[^>]*>([A-Za-z]+)</a>', html)
    assert names == [
        "Crizotinib",
        "Imatinib",
        "Larotrectinib",
        "Pazopanib",
        "Regorafenib",
        "Sunitinib",
    ]
    assert re.search(r'<h3 id="letter-p">P</h3>', html)
    assert '<form class="search" method="get" action="/search/"' in html
    assert '<label for="home-q">' in html


def test_glossary_lists_published_terms_with_review_box(seed, client):
    response = client.get("/glossary/")
    html = response.content.decode()
    assert "<dfn>tyrosine kinase inhibitor (TKI)</dfn>" in html
    assert "Treatment given after surgery to lower the risk of the cancer coming back." in html
    assert "Fiona Cowie" in html
    assert "Gronchi A, Miah AB et al." in html


def test_an_edit_saved_after_publication_stays_off_the_public_site(make_therapy, client):
    therapy = make_therapy("imatinib", brands=["Glivec®"], summary="The approved summary.")
    therapy.summary = "An unreviewed edit."
    therapy.save()
    therapy.brand_names.create(name="Unapprovedbrand")
    for url in ["/therapies/imatinib/", "/therapies/", "/therapies/?q=unapprovedbrand", "/"]:
        html = client.get(url).content.decode()
        assert "An unreviewed edit." not in html
        assert "Unapprovedbrand" not in html
    assert "The approved summary." in client.get("/therapies/imatinib/").content.decode()


def test_unpublished_items_are_not_reachable(make_therapy, record_review, client):
    make_therapy("draftinib", published=False)
    record_review(SideEffect.objects.create(name="draft effect", slug="draft-effect"))
    assert client.get("/therapies/draftinib/").status_code == 404
    assert client.get("/side-effects/draft-effect/").status_code == 404
    assert "draftinib" not in client.get("/therapies/").content.decode()
    assert "draftinib" not in client.get("/sitemap.xml").content.decode()


def test_sitemap_lists_published_pages_with_lastmod(seed, client):
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>http://testserver(/[^<]*)</loc>", xml)
    assert "/topics/targeted-therapies-soft-tissue-sarcoma/" in locations
    assert "/therapies/imatinib/" in locations
    assert "/side-effects/tiredness/" in locations
    assert "/glossary/" in locations
    assert xml.count("<lastmod>") == len(locations)


def test_publishing_the_same_content_again_changes_nothing(make_therapy):
    therapy = make_therapy("imatinib")
    first = PublishedPage.objects.get(slug="imatinib")
    again = publish(build_snapshot(therapy), review=first.review)
    assert again.published_at == first.published_at


def test_publishing_without_a_review_record_is_refused(db):
    term = GlossaryTerm.objects.create(term="unreviewed", slug="unreviewed", explanation="x")
    with pytest.raises(PublishingError, match="no review record"):
        publish(build_snapshot(term), review=None)
    assert not PublishedPage.objects.exists()


def test_a_therapy_left_out_of_publication_is_left_out_of_the_topic(seed, client):
    PublishedPage.objects.filter(slug="crizotinib").delete()
    html = client.get("/topics/targeted-therapies-soft-tissue-sarcoma/").content.decode()
    assert "Crizotinib" not in html
    assert "Larotrectinib (Vitrakvi®)" in html


def test_deleting_a_working_therapy_leaves_the_approved_page_until_it_is_withdrawn(
    make_therapy, client
):
    make_therapy("larotrectinib").delete()
    assert client.get("/therapies/larotrectinib/").status_code == 200


def test_a_therapy_a_topic_presents_cannot_be_deleted_from_under_it(seed):
    with pytest.raises(ProtectedError):
        Therapy.objects.get(slug="larotrectinib").delete()


@pytest.mark.parametrize(
    "url",
    [
        "/therapies/no-such-drug/",
        "/topics/no-such-topic/",
        "/side-effects/no-such-effect/",
        "/no/such/page/",
        "/therapies/%3Cscript%3E/",
    ],
)
def test_unknown_urls_get_a_styled_404(db, client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert "/static/css/site.css" in html
    assert "<script>" not in html


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken_view), path("", include("sarcomainfo.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_server_errors_get_a_styled_500(db, client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html
    assert "/static/css/site.css" in html


class Outline(HTMLParser):
    """Collects what an accessibility check cares about: headings, landmarks, labels."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.inputs: list[str] = []
        self.labels: set[str] = set()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.inputs.append(attrs.get("id", ""))
        if tag == "label":
            self.labels.add(attrs.get("for", ""))


PUBLIC_URLS = [
    "/",
    "/topics/targeted-therapies-soft-tissue-sarcoma/",
    "/therapies/",
    "/therapies/?condition=nonsense&page=7",
    "/therapies/imatinib/",
    "/therapies/pazopanib/",
    "/side-effects/tiredness/",
    "/glossary/",
    "/no-such-page/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_are_semantic_and_labelled(seed, client, url):
    outline = Outline()
    outline.feed(client.get(url).content.decode())
    assert outline.headings.count(1) == 1, "one h1"
    assert outline.headings[0] == 1
    steps = zip(outline.headings, outline.headings[1:], strict=False)
    assert all(after <= before + 1 for before, after in steps), "headings skip no level"
    for landmark in ["header", "nav", "main", "footer"]:
        assert landmark in outline.tags
    assert "main" in outline.ids, "the skip link has a target"
    assert all(field_id and field_id in outline.labels for field_id in outline.inputs)


def test_every_page_links_a_print_stylesheet(seed, client):
    html = client.get("/therapies/imatinib/").content.decode()
    assert 'href="/static/css/print.css" media="print"' in html
    assert client.get("/static/css/print.css").status_code == 200


def test_the_longest_names_a_side_effect_can_have_publish_and_take_feedback(
    record_review, make_therapy, client
):
    """Its page title, and its label in a therapy's filters, is its name and medical name:
    403 characters, where PostgreSQL refused more than 300 (the sanitising test found it)."""
    from reviews.models import PageReview
    from therapies.models import Feedback, SideEffect, TherapySideEffect
    from therapies.publishing import build_snapshot, publish

    effect = SideEffect.objects.create(name="a" * 200, medical_name="b" * 200, slug="long")
    publish(build_snapshot(effect), review=record_review(effect))
    therapy = make_therapy("Longinib", published=False)
    TherapySideEffect.objects.create(therapy=therapy, side_effect=effect, position=0)
    publish(build_snapshot(therapy), review=PageReview.objects.for_item(therapy).get())
    assert client.get("/therapies/?side_effect=long").status_code == 200
    response = client.get("/side-effects/long/")
    assert response.status_code == 200
    assert f"{'a' * 200} ({'b' * 200})" in response.text
    response = client.post(f"/feedback/{effect.page_kind}/long/", {"helpful": "yes"})
    assert response.status_code == 302
    assert len(Feedback.objects.get().page_title) == 403
