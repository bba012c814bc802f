"""What tells a reader the page can be trusted, and what tells machines the same."""

import json
import re

from tests.reviews.test_seed import TOPIC_URL, text_of
from therapies.models import PublishedPage


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
    assert "<h2>About targeted therapy" in html  # headings are left as written


def test_draft_explanations_never_reach_readers(seed, client):
    # GIST's explanation was written for this site and waits for review.
    html = client.get(TOPIC_URL).content.decode()
    assert "#explain-gastrointestinal-stromal-tumour" not in html
    assert "It starts in the wall of the digestive system" not in html
    assert "digestive system" not in client.get("/glossary/").content.decode()


def test_every_page_says_how_it_was_produced_and_what_changed_last(seed, client):
    for url in [TOPIC_URL, "/therapies/imatinib/", "/side-effects/tiredness/"]:
        text = text_of(client.get(url))
        assert "How we produce our information" in text
        assert "Latest change, published" in text
        assert "reviewed and approved by Fiona Cowie" in text


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
