"""Safety first on drug and side-effect pages: when to contact the team at once, missed doses,
other medicines, pregnancy and contraception, when to get help with a side effect, and where to
get help urgently, each shown only when it is written and reviewed."""

import html
import re

import pytest
from django.test import Client

from reviews.models import ReviewRequest
from tests.accessibility import conftest as accessibility
from tests.accessibility.test_public_pages import axe_problems
from tests.admin_forms import save
from tests.reviews import conftest as reviews
from tests.reviews.test_seed import TOPIC_URL, text_of
from tests.reviews.test_workflow import approve_all, reader_sees
from therapies.models import (
    Organisation,
    PageKind,
    PublishedPage,
    SideEffect,
    Therapy,
    TopicSection,
    TopicSectionTherapy,
)
from therapies.publishing import build_snapshot, publish
from therapies.readability import report

# The editorial team of the workflow's tests, to edit, review and approve.
people, as_user = reviews.people, reviews.as_user
# The seed site served to a real browser, and the Nu Html Checker.
site, validate_html = accessibility.site, accessibility.validate_html

# Test words, not advice: no medical fact is needed to check where text goes.
SAFETY = {
    "contact_team_straight_away": "Words for the urgent box.",
    "missed_dose": "Words about a missed dose.",
    "other_medicines": "Words about other medicines.",
    "pregnancy_and_contraception": "Words about pregnancy.",
}
HEADINGS = [
    "Contact your team straight away if",
    "If you miss a dose",
    "Other medicines",
    "Pregnancy and contraception",
]


@pytest.fixture
def make_side_effect(record_review):
    def make(name, **fields):
        side_effect = SideEffect.objects.create(name=name, slug=name.replace(" ", "-"), **fields)
        publish(build_snapshot(side_effect), review=record_review(side_effect))
        return side_effect

    return make


def description_of(response) -> str:
    return re.search(r'<meta name="description" content="([^"]*)">', response.text).group(1)


def heading(html: str, level: int, words: str) -> int:
    """Where the heading is in the page (not its entry in a list of contents)."""
    return re.search(rf"<h{level}\b[^>]*>{re.escape(words)}</h{level}>", html).start()


def section(html: str, level: int, words: str, text: str) -> bool:
    """Whether the heading is followed at once by `text`, as its paragraph."""
    pattern = rf"<h{level}\b[^>]*>{re.escape(words)}</h{level}>\s*<p>{re.escape(text)}</p>"
    return re.search(pattern, html) is not None


def test_filled_safety_sections_show_each_in_its_place(make_therapy, client):
    make_therapy(
        "safetinib",
        conditions=["GIST"],
        summary="What it is.",
        how_taken="You take it as tablets.",
        side_effects=["tiredness"],
        **SAFETY,
    )
    html = client.get("/therapies/safetinib/").text
    # The urgent box comes first, above what the drug is for, marked as urgent.
    box = re.search(r'<div class="urgent" id="contact-straight-away">(.*?)</div>', html, re.S)
    assert section(
        box.group(1), 2, "Contact your team straight away if:", SAFETY["contact_team_straight_away"]
    )
    assert box.start() < heading(html, 2, "What it is used for")
    # The others in the sections NHS.UK's medicine pages give them.
    assert section(html, 3, "If you miss a dose", "Words about a missed dose.")
    assert heading(html, 3, "How you take it") < heading(html, 3, "If you miss a dose")
    assert heading(html, 3, "If you miss a dose") < heading(html, 2, "Side effects")
    assert section(html, 2, "Pregnancy and contraception", "Words about pregnancy.")
    assert section(html, 2, "Other medicines", "Words about other medicines.")
    assert heading(html, 2, "Side effects") < heading(html, 2, "Pregnancy and contraception")


def test_empty_safety_sections_print_nothing(make_therapy, make_side_effect, client):
    make_therapy("plainib", summary="What it is.")
    html = client.get("/therapies/plainib/").text
    for words in HEADINGS:
        assert words not in html
    assert 'id="contact-straight-away"' not in html
    make_side_effect("tiredness", what_it_is="Feeling tired.")
    html = client.get("/side-effects/tiredness/").text
    assert "When to get help" not in html
    assert "What can help" not in html


def test_a_side_effect_page_says_what_it_is_what_can_help_and_when_to_get_help(
    make_side_effect, client
):
    make_side_effect(
        "tiredness",
        what_it_is="Feeling tired.",
        what_helps="Rest.",
        when_to_get_help="Words about getting help.",
    )
    text = text_of(client.get("/side-effects/tiredness/"))
    assert "What it is Feeling tired. What can help Rest. When to get help Words about" in text


@pytest.mark.parametrize(
    ("fields", "description"),
    [
        ({}, "Bareinib."),
        ({"summary": "What it is."}, "Bareinib: what it is."),
        (
            {"summary": "What it is.", "conditions": ["GIST"], "forms": ["tablets"]},
            "Bareinib: what it is, what it treats and how you take it.",
        ),
        (
            {"side_effects": ["tiredness"], **SAFETY},
            "Bareinib: what to do if you miss a dose, its side effects, pregnancy and "
            "contraception, other medicines and when to contact your team straight away.",
        ),
    ],
)
def test_a_drug_page_s_description_names_only_what_it_has(
    make_therapy, client, fields, description
):
    make_therapy("bareinib", **fields)
    assert description_of(client.get("/therapies/bareinib/")) == description


def test_the_seed_drugs_promise_no_side_effects_they_do_not_list(seed, client):
    response = client.get("/therapies/imatinib/")
    assert "side effects" not in description_of(response)
    assert "its side effects" in description_of(client.get("/therapies/sunitinib/"))


def test_a_side_effect_page_s_description_names_only_what_it_has(
    make_side_effect, make_therapy, client
):
    make_side_effect("feeling sick")
    assert description_of(client.get("/side-effects/feeling-sick/")) == "Feeling sick."
    make_side_effect("tiredness", what_it_is="Feeling tired.", when_to_get_help="Words.")
    make_therapy("safetinib", side_effects=["tiredness"])
    assert description_of(client.get("/side-effects/tiredness/")) == (
        "Tiredness: what it is, when to get help and the drugs that can cause it."
    )


def test_every_drug_and_side_effect_page_says_how_to_get_help_urgently(seed, client):
    pages = PublishedPage.objects.filter(kind__in=[PageKind.THERAPY, PageKind.SIDE_EFFECT])
    assert pages.count() > 10
    for page in pages:
        text = html.unescape(text_of(client.get(page.get_absolute_url())))
        assert "If you need help urgently" in text, page
        assert "Call 999 or go to A&E" in text, page
        assert "Call NHS 111" in text, page
    # No support line is claimed until an administrator sets one up.
    assert 'href="tel:' not in client.get("/therapies/imatinib/").text


def test_the_support_line_shows_once_it_is_set_up(seed, client):
    organisation = Organisation.objects.current()
    organisation.support_line_phone = "0808 000 0000"
    organisation.save()
    # A number with no name says nothing of whose line it is: not shown.
    assert "0808 000 0000" not in client.get("/therapies/imatinib/").text
    organisation.support_line_name = "Sarcoma Support Line"
    organisation.support_line_hours = "Monday to Friday, 9am to 5pm"
    organisation.save()
    for url in ["/therapies/imatinib/", "/side-effects/tiredness/"]:
        html = client.get(url).text
        assert (
            '<strong>Sarcoma Support Line</strong>: call <a href="tel:08080000000">0808 000 0000'
            "</a> (Monday to Friday, 9am to 5pm)." in html
        ), url


def test_the_dashboard_lists_empty_safety_sections(seed, as_user):
    imatinib = Therapy.objects.get(slug="imatinib")
    page = as_user("senior").get("/admin/").text
    assert (
        "imatinib</a>: safety text not written: “Contact your team straight away if”, "
        "“If you miss a dose”, “Other medicines”, “Pregnancy and contraception”" in page
    )
    # A side effect's every section for readers, not only its safety one.
    assert (
        "tiredness (fatigue)</a>: text for readers not written: “What it is”, “What can help”, "
        "“When to get help”<" in page
    )
    for name, text in SAFETY.items():
        setattr(imatinib, name, text)
    imatinib.other_medicines = ""
    imatinib.save()
    page = as_user("senior").get("/admin/").text
    assert "imatinib</a>: safety text not written: “Other medicines”<" in page
    for name in Therapy.SAFETY_FIELDS:
        setattr(imatinib, name, "Written.")
    imatinib.save()
    assert "imatinib</a>: safety text not written" not in as_user("senior").get("/admin/").text


def test_the_dashboard_lists_each_empty_section_of_a_side_effect(seed, as_user):
    tiredness = SideEffect.objects.get(slug="tiredness")
    # Every seeded side effect tells readers nothing yet but which drugs cause it.
    assert not SideEffect.objects.exclude(what_it_is="").exists()
    assert not SideEffect.objects.exclude(what_helps="").exists()
    tiredness.what_it_is = "Written."
    tiredness.save()
    page = as_user("senior").get("/admin/").text
    assert (
        "tiredness (fatigue)</a>: text for readers not written: “What can help”, "
        "“When to get help”<" in page
    )
    tiredness.what_helps = tiredness.when_to_get_help = "Written."
    tiredness.save()
    assert "tiredness (fatigue)</a>: text for" not in as_user("senior").get("/admin/").text


def test_editors_find_the_safety_sections_on_the_forms(seed, as_user):
    imatinib = Therapy.objects.get(slug="imatinib")
    html = as_user("editor").get(f"/admin/therapies/therapy/{imatinib.pk}/change/").text
    safety = html[html.index(">Safety</h2>") :]
    for label in ["Contact your team straight away if:", "If you miss a dose:", "Other medicines:"]:
        assert label in safety
    tiredness = SideEffect.objects.get(slug="tiredness")
    html = as_user("editor").get(f"/admin/therapies/sideeffect/{tiredness.pk}/change/").text
    assert "What can help:" in html
    assert "When to get help:" in html[html.index(">Safety</h2>") :]


@pytest.mark.parametrize(
    ("model", "slug", "field", "public"),
    [
        (Therapy, "imatinib", "missed_dose", "/therapies/imatinib/"),
        (Therapy, "imatinib", "contact_team_straight_away", "/therapies/imatinib/"),
        (SideEffect, "tiredness", "when_to_get_help", "/side-effects/tiredness/"),
    ],
)
def test_safety_text_reaches_readers_only_after_review(
    seed, as_user, client, model, slug, field, public
):
    item = model.objects.get(slug=slug)
    admin = f"/admin/therapies/{model._meta.model_name}/{item.pk}"
    words = "Reviewed words about safety."
    save(as_user("editor"), f"{admin}/change/", note="Safety text", **{field: words})
    assert words not in reader_sees(client, public)
    assert words in as_user("editor").get(f"{admin}/preview/").text
    response = as_user("editor").post(f"{admin}/submit/", {"summary": "Safety text."})
    assert response.status_code == 302
    request = ReviewRequest.objects.for_item(item).latest("pk")
    review_page = as_user("clinical").get(f"/admin/reviews/reviewrequest/{request.pk}/review/")
    assert words in review_page.text  # the comparison reviewers sign
    assert words not in reader_sees(client, public)
    approve_all(as_user, request)
    assert words in reader_sees(client, public)


def test_safety_text_is_sanitised(make_therapy, make_side_effect, client):
    payload = '<script>alert(1)</script><p onclick="alert(2)">Fever</p><img src=x onerror=alert(3)>'
    make_therapy("safetinib", **dict.fromkeys(Therapy.SAFETY_FIELDS, payload))
    make_side_effect("tiredness", when_to_get_help=payload)
    for url, sections in [("/therapies/safetinib/", 4), ("/side-effects/tiredness/", 1)]:
        html = client.get(url).text
        assert html.count("<p>Fever</p>") == sections, url
        assert "alert(" not in html
        assert "onerror" not in html and "onclick" not in html


def test_the_topic_links_to_a_drug_s_urgent_box_without_repeating_it(seed, client, make_therapy):
    therapy = make_therapy("safetinib", summary="What it is.", **SAFETY)
    section = TopicSection.objects.filter(topic__slug=TOPIC_URL.split("/")[2]).first()
    TopicSectionTherapy.objects.create(section=section, therapy=therapy, position=99)
    topic = section.topic
    page = PublishedPage.objects.get(kind=PageKind.TOPIC, object_id=topic.pk)
    publish(build_snapshot(topic), review=page.review)
    html = client.get(TOPIC_URL).text
    link = r'<a href="/therapies/safetinib/#contact-straight-away"[^>]*>([^<]*)</a>'
    assert re.findall(link, html) == ["Safetinib: when to contact your team straight away"]
    assert "Words for the urgent box." not in html
    assert "Words about pregnancy." not in html
    # Imatinib has no urgent box yet: no link to one.
    assert "/therapies/imatinib/#contact-straight-away" not in html


def test_safety_text_is_measured_on_the_drug_s_own_page(make_therapy):
    long_sentence = "Tell them " + " ".join(["now"] * 24) + "."
    therapy = make_therapy("wordinib", summary="Short.", missed_dose=long_sentence)
    assert report(therapy).long_sentences == [long_sentence]


@pytest.mark.browser
def test_the_safety_sections_pass_axe_and_the_nu_checker(site, browser, validate_html):
    sunitinib = Therapy.objects.get(slug="sunitinib")
    tiredness = SideEffect.objects.get(slug="tiredness")
    for name, text in SAFETY.items():
        setattr(sunitinib, name, f"{text}\n\n- A first sign.\n- A second sign.")
    tiredness.when_to_get_help = "Words about getting help."
    for item in [sunitinib, tiredness]:
        item.save()
        review = PublishedPage.objects.get(slug=item.slug).review
        publish(build_snapshot(item), review=review)
    organisation = Organisation.objects.current()
    organisation.support_line_name = "Sarcoma Support Line"
    organisation.support_line_phone = "0808 000 0000"
    organisation.support_line_hours = "Monday to Friday, 9am to 5pm"
    organisation.save()
    pages = {
        "therapy": "/therapies/sunitinib/",
        "side-effect": "/side-effects/tiredness/",
        "topic": TOPIC_URL,
    }
    problems = {}
    for width in [1280, 320]:
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        for name, path in pages.items():
            page.goto(site + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            problems[f"{name} at {width}px"] = axe_problems(page)
            accessibility.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shot = accessibility.SCREENSHOTS / f"safety-{name}-{width}.png"
            page.screenshot(path=shot, full_page=True)
        page.context.close()
    assert not any(problems.values()), problems
    client = Client()
    documents = {name: client.get(path).content for name, path in pages.items()}
    assert "Words for the urgent box." in documents["therapy"].decode()
    assert validate_html(documents) == {name: [] for name in documents}
