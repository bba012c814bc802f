"""The seed page, loaded from its data file, read as a reader reads it."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command

from reviews.seed_loader import load_seed_content

TOPIC_URL = "/topics/targeted-therapies-soft-tissue-sarcoma/"

DRUGS = {
    "imatinib": "Glivec®",
    "sunitinib": "Sutent®",
    "regorafenib": "Stivarga®",
    "pazopanib": "Votrient®",
    "crizotinib": "Xalkori®",
    "larotrectinib": "Vitrakvi®",
}

SUNITINIB_SIDE_EFFECTS = [
    "tiredness (fatigue)",
    "high blood pressure",
    "diarrhoea",
    "sore hands and feet",
    "a skin rash",
    "changes to your hair colour",
    "thyroid changes",
]


INLINE = r"</?(?:a|span|dfn|abbr|cite|time|strong|em|ins|del|code)\b[^>]*>"


def text_of(response) -> str:
    """The page's visible text: scripts dropped, tags removed, white space folded."""
    html = re.sub(r"<script\b.*?</script>", " ", response.content.decode(), flags=re.S)
    html = re.sub(INLINE, "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def topic_page(seed, client):
    response = client.get(TOPIC_URL)
    assert response.status_code == 200
    return response


def test_topic_page_shows_every_drug_with_its_brand_name(topic_page):
    text = text_of(topic_page)
    for generic, brand in DRUGS.items():
        assert f"{generic.capitalize()} ({brand})" in text


def test_topic_page_keeps_the_seed_order(topic_page):
    text = text_of(topic_page)
    landmarks = [
        "Targeted therapy drugs interfere with the way that cancer cells grow",
        "About targeted therapy for soft tissue sarcoma",
        "Imatinib (Glivec®)",
        "Sunitinib (Sutent®)",
        "Regorafenib (Stivarga®)",
        "Other targeted therapy drugs",
        "Pazopanib (Votrient®)",
        "Crizotinib (Xalkori®)",
        "Larotrectinib (Vitrakvi®)",
        # "More information" is not printed: it holds only promises with no link.
        "About our information",
        "References",
        "Reviewers",
        "The language we use",
        "Date reviewed",
    ]
    positions = [text.index(landmark) for landmark in landmarks]
    assert positions == sorted(positions)


def test_topic_page_lists_the_seven_sunitinib_side_effects_in_order(topic_page):
    html = topic_page.content.decode()
    sunitinib = html[html.index('id="therapy-sunitinib"') : html.index('id="therapy-regorafenib"')]
    items = re.findall(r"<li>(?:<a [^>]+>)?([^<]+)", sunitinib)
    assert items == SUNITINIB_SIDE_EFFECTS


def test_topic_page_never_prints_a_lead_in_with_nothing_after_it(topic_page):
    html = topic_page.content.decode()
    for drug in ["imatinib", "regorafenib", "pazopanib", "crizotinib", "larotrectinib"]:
        start = html.index(f'id="therapy-{drug}"')
        block = html[start : html.index("</section>", start)]
        assert "side effects" not in block.lower(), drug
    assert "side effects including:" not in html


def test_topic_page_shows_conditions_and_nhs_note(topic_page):
    text = text_of(topic_page)
    for fact in [
        "gastrointestinal stromal tumours (GIST)",
        "dermatofibrosarcoma protuberans",
        "myofibroblastic tumour",
        "a gene called NTRK",
        "advanced soft tissue sarcoma",
        "Pazopanib has not been approved by the National Institute for Health and Care "
        "Excellence (NICE) or the Scottish Medicines Consortium (SMC) for use on the NHS.",
        "It is not available on the NHS but may be used in certain circumstances.",
        "you usually have imatinib for 3 years. This is called adjuvant therapy.",
    ]:
        assert fact in text


def test_topic_page_shows_references_approver_and_dates(topic_page):
    text = text_of(topic_page)
    assert (
        "Gronchi A, Miah AB et al. Soft tissue and visceral sarcomas: ESMO-EURACAN-GENTURIS "
        "Clinical practice guidelines for diagnosis, treatment and follow-up. Annals of "
        "Oncology, 2021; 32(11): 1348-1365. [accessed May 2022]" in text
    )
    assert (
        "Casali PG, Blay JY et al. Gastrointestinal stromal tumours: ESMO-EURACAN-GENTURIS "
        "Clinical practice guidelines for diagnosis, treatment and follow-up. Annals of "
        "Oncology, 2022; 33(1): 20-33. [accessed May 2022]" in text
    )
    assert "approved by senior medical editor Fiona Cowie, Consultant Clinical Oncologist" in text
    assert "Reviewed 1 December 2022" in text
    assert "Next review due 1 December 2025" in text


def test_seed_topic_says_it_is_due_for_review(topic_page):
    # Next review 1 December 2025 has passed.
    assert "This information is due for review" in text_of(topic_page)


def test_each_drug_has_its_own_page_linked_from_the_topic(topic_page, client):
    html = topic_page.content.decode()
    for generic, brand in DRUGS.items():
        url = f"/therapies/{generic}/"
        assert f'href="{url}"' in html
        page = client.get(url)
        assert page.status_code == 200
        assert f"{generic.capitalize()} ({brand})" in text_of(page)
        assert "Fiona Cowie" in text_of(page)


def test_therapy_page_shows_structured_facts(seed, client):
    text = text_of(client.get("/therapies/pazopanib/"))
    assert "Type of drug tyrosine kinase inhibitor (TKI)" in text
    assert "How you take it tablets, once a day" in text
    assert "England: not approved for use on the NHS (National Institute" in text
    assert "Scotland: not approved for use on the NHS (Scottish Medicines Consortium (SMC))" in text
    text = text_of(client.get("/therapies/imatinib/"))
    assert "Before surgery, to shrink it: to make surgery more effective" in text
    assert "usually for 3 years, if there is a higher risk of it coming back" in text


def test_side_effect_page_lists_the_drugs_that_cause_it(seed, client):
    response = client.get("/side-effects/tiredness/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Tiredness (fatigue)" in text
    assert "Sunitinib (Sutent®)" in text
    assert "Imatinib" not in text


def all_row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_loading_twice_creates_nothing_twice(seed):
    before = all_row_counts()
    call_command("load_seed_content", stdout=open("/dev/null", "w"))
    assert all_row_counts() == before


def test_loading_with_update_twice_keeps_the_same_rows(seed):
    before = all_row_counts()
    load_seed_content(update=True)
    load_seed_content(update=True)
    assert all_row_counts() == before


def test_reloading_leaves_an_editors_change_alone(seed):
    from therapies.models import Therapy

    imatinib = Therapy.objects.get(slug="imatinib")
    imatinib.how_taken = "Edited by an editor."
    imatinib.save()
    load_seed_content()
    assert Therapy.objects.get(slug="imatinib").how_taken == "Edited by an editor."


def test_reloading_never_brings_back_what_editors_deleted(seed):
    import reversion

    from therapies.models import GlossaryTerm, PublishedPage

    with reversion.create_revision():
        GlossaryTerm.objects.get(slug="inhibiting").delete()
    PublishedPage.objects.filter(slug="inhibiting").delete()
    call_command("load_seed_content", stdout=open("/dev/null", "w"))
    assert not GlossaryTerm.objects.filter(slug="inhibiting").exists()
    assert not PublishedPage.objects.filter(slug="inhibiting").exists()
