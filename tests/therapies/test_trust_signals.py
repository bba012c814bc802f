"""What tells a reader the page can be trusted, and what tells machines the same."""

import datetime
import json
import re

from django.template.loader import render_to_string

from tests.reviews.test_seed import TOPIC_URL, text_of
from therapies.models import (
    InformationPage,
    Organisation,
    PublishedPage,
    SiteEdition,
    WithdrawnPage,
)
from therapies.publishing import build_snapshot, publish


def json_ld(response) -> dict:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_the_first_use_of_a_medical_word_links_to_its_explanation(seed, client):
    html = client.get(TOPIC_URL).content.decode()
    assert html.count('href="#explain-tyrosine-kinase-inhibitor"') == 1  # first use only
    assert (
        '<a class="term" href="#explain-tyrosine-kinase-inhibitor">tyrosine kinase inhibitors</a>'
        in html
    )
    assert (
        '<div id="explain-tyrosine-kinase-inhibitor"><dt><dfn>tyrosine kinase inhibitor (TKI)'
        in html
    )
    # Headings are left as written (an id to link to from "On this page" is all they gain).
    assert re.search(r"<h2[^>]*>About targeted therapy for soft tissue sarcoma</h2>", html)


def test_draft_explanations_never_reach_readers(seed, client):
    # GIST's explanation was written for this site and waits for review.
    html = client.get(TOPIC_URL).content.decode()
    assert "#explain-gastrointestinal-stromal-tumour" not in html
    assert "It starts in the wall of the digestive system" not in html
    assert "digestive system" not in client.get("/glossary/").content.decode()


def test_every_page_says_how_it_was_produced_and_no_note_it_was_not_given(seed, client):
    for url in [TOPIC_URL, "/therapies/imatinib/", "/side-effects/tiredness/"]:
        text = text_of(client.get(url))
        assert "How we produce our information" in text
        # The seed was published with a note for the editorial team only.
        assert "Latest change, published" not in text
        assert "First published here" not in text


def test_side_effect_lists_say_how_to_report_a_side_effect(seed, client):
    assert "Yellow Card scheme" in text_of(client.get("/therapies/sunitinib/"))
    assert "Yellow Card scheme" in text_of(client.get("/side-effects/diarrhoea/"))
    assert "Yellow Card scheme" not in text_of(client.get("/therapies/imatinib/"))  # no list


def test_therapy_pages_describe_the_drug_in_json_ld(seed, client):
    data = json_ld(client.get("/therapies/imatinib/"))
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2022-12-01"
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Fiona Cowie",
        "jobTitle": "Consultant Clinical Oncologist",
    }
    assert data["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
    assert {"datePublished", "dateModified"} <= set(data)
    assert [c["name"] for c in data["citation"]][1].startswith("Soft tissue and visceral")
    drug = data["mainEntity"]
    assert drug["@type"] == "Drug"
    assert drug["nonProprietaryName"] == "imatinib"
    assert drug["proprietaryName"] == ["Glivec"]
    assert drug["alternateName"] == ["Gleevec (USA)"]  # found by it in search too
    assert drug["drugClass"] == {"@type": "DrugClass", "name": "tyrosine kinase inhibitor (TKI)"}
    assert drug["administrationRoute"] == "oral"
    assert drug["dosageForm"] == ["tablets"]
    conditions = [a["name"] for a in data["about"] if a["@type"] == "MedicalCondition"]
    assert "gastrointestinal stromal tumour (GIST)" in conditions


def test_json_ld_cannot_be_broken_out_of(make_therapy, client):
    brand = "</script><script>alert(1)</script>"
    make_therapy("scriptinib", brands=[brand])
    response = client.get("/therapies/scriptinib/")
    assert "<script>alert(1)" not in response.content.decode()
    assert json_ld(response)["mainEntity"]["proprietaryName"] == [brand]


def test_topic_and_side_effect_pages_have_json_ld(seed, client):
    assert json_ld(client.get(TOPIC_URL))["name"] == "Targeted therapies for soft tissue sarcoma"
    assert json_ld(client.get("/side-effects/tiredness/"))["@type"] == "MedicalWebPage"


def test_the_feed_lists_published_changes_only(seed, client):
    import reversion

    from reviews.models import ReviewRequest
    from therapies.models import Therapy

    imatinib = Therapy.objects.get(slug="imatinib")
    with reversion.create_revision():
        imatinib.summary = "An unapproved draft."
        imatinib.save()
    feed = client.get("/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    xml = feed.content.decode()
    assert "<title>Imatinib updated</title>" in xml
    assert xml.count("<entry>") == 19  # one per seed publication, none for the draft
    assert "An unapproved draft." not in xml
    assert not ReviewRequest.objects.exists()
    PublishedPage.objects.filter(slug="imatinib").delete()  # as a withdrawal does
    assert "Imatinib updated" not in client.get("/feed/").content.decode()


def test_the_glossary_is_a_defined_term_set_in_json_ld(seed, client):
    data = json_ld(client.get("/glossary/"))
    terms = {term["name"]: term for term in data["mainEntity"]["hasDefinedTerm"]}
    assert terms["adjuvant therapy"]["description"].startswith("Treatment given after surgery")
    assert data["lastReviewed"] == "2022-12-01"
    assert data["reviewedBy"]["name"] == "Fiona Cowie"


def test_marking_words_never_breaks_character_references():
    from therapies.glossing import Glossary, Term

    amp = Term("amp", "AMP", "A made-up word.")
    glossary = Glossary([amp], {"amp": amp})
    marked = glossary.mark("<p>Salt &amp; pepper, then AMP.</p>")
    assert marked == '<p>Salt &amp; pepper, then <a class="term" href="#explain-amp">AMP</a>.</p>'


def hold_the_quality_mark():
    Organisation(holds_pif_tick=True).save()
    SiteEdition.objects.advance()  # the settings are shown on every page: none stays cached


def test_the_quality_mark_shows_only_while_the_organisation_holds_it(seed, make_therapy, client):
    make_therapy("futurinib")  # reviewed 5 January 2026: its next review is years away
    for url in [TOPIC_URL, "/therapies/futurinib/", "/glossary/"]:
        assert "PIF TICK" not in text_of(client.get(url))
    hold_the_quality_mark()
    assert (
        "Our cancer information meets the PIF TICK quality mark of the Patient Information "
        "Forum. This means it is easy to use, up to date and based on the latest evidence."
        in text_of(client.get("/therapies/futurinib/"))
    )
    # The seed's pages are past their review date: the mark is held, but no page says it is
    # up to date.
    for url in [TOPIC_URL, "/therapies/imatinib/", "/glossary/"]:
        text = text_of(client.get(url))
        assert (
            "meets the PIF TICK quality mark of the Patient Information Forum. This page is past "
            "its review date, so we are checking it against the latest evidence." in text
        )
        assert "up to date" not in text


def test_the_quality_mark_follows_the_organisation_setting_in_the_template(seed):
    review = PublishedPage.objects.get(slug="imatinib").review  # overdue
    context = {"review": review, "references": []}
    assert "PIF TICK" not in render_to_string("includes/about_our_information.html", context)
    held = {**context, "organisation": Organisation(holds_pif_tick=True)}
    overdue = render_to_string("includes/about_our_information.html", held)
    assert "PIF TICK" in overdue
    assert "up to date" not in overdue
    review.next_review_due = review.reviewed_on.replace(year=2099)
    assert "up to date" in render_to_string("includes/about_our_information.html", held)


def review_line(html: str) -> str:
    """The line just under the page's heading (nothing else may come between them)."""
    found = re.search(r'</h1>\s*<p class="review-line[^"]*">(.*?)</p>', html, re.S)
    assert found, "no review line just under the heading"
    return " ".join(re.sub(r"<[^>]+>", "", found[1]).split())


def test_every_kind_of_page_has_its_review_dates_under_its_heading(
    seed, make_therapy, record_review, client
):
    overdue = "Reviewed 1 December 2022 · Review overdue: it was due 1 December 2025"
    for url in [TOPIC_URL, "/therapies/imatinib/", "/side-effects/tiredness/", "/glossary/"]:
        html = client.get(url).content.decode()
        assert review_line(html) == f"{overdue} · Sources and reviewers"
        assert '<p class="review-line overdue">' in html
        assert 'href="#about-information"' in html
    make_therapy("futurinib")
    assert review_line(client.get("/therapies/futurinib/").content.decode()) == (
        "Reviewed 5 January 2026 · Next review due 5 January 2029 · Sources and reviewers"
    )
    about = InformationPage.objects.create(title="Our test", slug="our-test", body="Who we are.")
    publish(build_snapshot(about), review=record_review(about))
    assert review_line(client.get("/about/our-test/").content.decode()) == (
        "Reviewed 5 January 2026 · Next review due 5 January 2029"  # no such section to link
    )


def test_public_pages_and_the_feed_write_dates_without_a_leading_zero(seed, client):
    leading_zero = re.compile(
        r"\b0\d (January|February|March|April|May|June|July|August|"
        r"September|October|November|December) \d{4}"
    )
    for url in [TOPIC_URL, "/therapies/imatinib/", "/side-effects/tiredness/", "/glossary/"]:
        text = text_of(client.get(url))
        assert "Reviewed 1 December 2022" in text
        assert "Next review due 1 December 2025" in text
        assert not leading_zero.search(text)
    assert not leading_zero.search(client.get("/feed/").content.decode())
    page = PublishedPage.objects.get(slug="sunitinib")
    WithdrawnPage.objects.create(
        kind=page.kind,
        object_id=page.object_id,
        slug="gone",
        title="gone",
        reason="Checking.",
        withdrawn_at=datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC),
    )
    assert "off this website on 2 March 2026." in text_of(client.get("/therapies/gone/"))
