"""Plain English, measured for editors."""

import pytest
from django.test import override_settings

from therapies.models import GlossaryTerm, Therapy, Topic
from therapies.readability import as_sentence, report


def test_headings_and_list_items_end_with_a_full_stop_before_measuring():
    assert as_sentence("Side effects") == "Side effects."
    assert as_sentence("Is it safe?") == "Is it safe?"


def test_the_seed_topic_is_measured_with_a_maintained_library(seed):
    result = report(Topic.objects.get())
    assert 5 < result.smog < 14
    assert 50 < result.flesch_reading_ease < 90
    assert result.sentences >= 30  # enough for SMOG to be meaningful
    assert all(len(s.split()) > 20 for s in result.long_sentences)
    assert result.average_sentence_length < 20


def test_long_sentences_and_paragraphs_are_listed(make_therapy):
    long_sentence = "This " + " ".join(["word"] * 24) + "."
    therapy = make_therapy(
        "wordinib", summary=f"Short one. {long_sentence} Third. Fourth one here. Fifth."
    )
    result = report(therapy)
    assert result.long_sentences == [long_sentence]
    assert len(result.long_paragraphs) == 1


def test_medical_words_without_a_glossary_entry_are_listed(seed):
    result = report(Topic.objects.get())
    assert result.unexplained_words == []  # every one has an entry, published or in draft
    GlossaryTerm.objects.get(slug="gastrointestinal-stromal-tumour").delete()
    result = report(Topic.objects.get())
    assert {"gastrointestinal", "GIST", "GISTs"} <= set(result.unexplained_words)
    assert "imatinib" not in result.unexplained_words  # drug names are not jargon


def test_editors_see_the_report_on_the_change_form(seed, admin_client):
    imatinib = Therapy.objects.get(slug="imatinib")
    html = admin_client.get(f"/admin/therapies/therapy/{imatinib.pk}/change/").content.decode()
    assert "Plain English: the page as saved" in html
    assert "SMOG grade" in html and "Flesch reading ease" in html
    assert "Sentences over 20 words (1)" in html


@pytest.mark.parametrize(("limit", "listed"), [(14, False), (8, True)])
def test_the_dashboard_lists_pages_above_the_reading_grade_limit(seed, admin_client, limit, listed):
    with override_settings(READABILITY_SMOG_LIMIT=limit):
        html = admin_client.get("/admin/").content.decode()
    assert ("Targeted therapies for soft tissue sarcoma</a>: SMOG" in html) == listed
