"""The public therapy list: filters alone and combined, search, pagination and bad input."""

import re

import pytest
from django.test import override_settings

from therapies.models import NhsStatus


@pytest.fixture
def therapies(make_therapy):
    make_therapy(
        "imatinib",
        brands=["Glivec®"],
        conditions=["GIST", "DFSP"],
        drug_class="TKI",
        forms=["tablets"],
    )
    make_therapy(
        "pazopanib",
        brands=["Votrient®"],
        conditions=["advanced sarcoma"],
        drug_class="TKI",
        forms=["tablets"],
        nhs=NhsStatus.NOT_APPROVED,
    )
    make_therapy(
        "larotrectinib",
        brands=["Vitrakvi®"],
        conditions=["NTRK"],
        drug_class="TRK inhibitor",
        forms=["capsules", "liquid"],
    )
    make_therapy(
        "crizotinib",
        conditions=["IMT"],
        forms=["capsules"],
        nhs=NhsStatus.CERTAIN_CIRCUMSTANCES,
    )


def listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<h3><a href="/therapies/([a-z-]+)/"', response.content.decode())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["crizotinib", "imatinib", "larotrectinib", "pazopanib"]),
        ("condition=gist", ["imatinib"]),
        ("condition=dfsp", ["imatinib"]),
        ("drug_class=tki", ["imatinib", "pazopanib"]),
        ("form=capsules", ["crizotinib", "larotrectinib"]),
        ("form=liquid", ["larotrectinib"]),
        ("nhs=not_approved", ["pazopanib"]),
        ("nhs=certain_circumstances", ["crizotinib"]),
        ("q=Glivec", ["imatinib"]),
        ("q=glivec%C2%AE", ["imatinib"]),
        ("q=IMATINIB", ["imatinib"]),
        ("q=vitrakvi", ["larotrectinib"]),
        ("q=gist", ["imatinib"]),
        ("q=nothing-like-it", []),
    ],
)
def test_each_filter_narrows_the_list(therapies, client, query, expected):
    assert listed(client.get(f"/therapies/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("drug_class=tki&form=tablets", ["imatinib", "pazopanib"]),
        ("drug_class=tki&nhs=not_approved", ["pazopanib"]),
        ("form=capsules&form=liquid", ["larotrectinib"]),
        ("form=capsules&drug_class=trk-inhibitor", ["larotrectinib"]),
        ("form=capsules&condition=imt&q=crizo", ["crizotinib"]),
        ("condition=gist&form=capsules", []),
        ("q=sarcoma&drug_class=tki", ["pazopanib"]),
        ("q=imat&drug_class=tki", ["imatinib"]),
    ],
)
def test_filters_combine(therapies, client, query, expected):
    assert listed(client.get(f"/therapies/?{query}")) == expected


def test_list_shows_count_and_active_filters_with_remove_links(therapies, client):
    response = client.get("/therapies/?drug_class=tki&form=tablets")
    html = response.content.decode()
    assert "2 drugs found" in html
    assert "Drug class: TKI" in html
    assert "How it is taken: tablets" in html
    assert 'href="?form=tablets"' in html
    assert 'href="?drug_class=tki"' in html


def test_filter_choices_come_from_published_therapies_only(therapies, make_therapy, client):
    make_therapy("secretinib", conditions=["secret condition"], published=False)
    html = client.get("/therapies/").content.decode()
    assert "secret condition" not in html
    assert "secretinib" not in html
    assert listed(client.get("/therapies/?condition=secret-condition")) == listed(
        client.get("/therapies/")
    )


@override_settings(THERAPIES_PER_PAGE=3)
def test_pagination_keeps_the_filters(therapies, client):
    first = client.get("/therapies/?form=tablets&q=")
    assert listed(first) == ["imatinib", "pazopanib"]
    everything = client.get("/therapies/")
    assert listed(everything) == ["crizotinib", "imatinib", "larotrectinib"]
    assert "Page 1 of 2" in everything.content.decode()
    second = client.get("/therapies/?page=2")
    assert listed(second) == ["pazopanib"]
    filtered = client.get("/therapies/?drug_class=tki&form=tablets&page=1").content.decode()
    assert "Page 1 of" not in filtered


@override_settings(THERAPIES_PER_PAGE=1)
def test_next_page_link_keeps_the_filters(therapies, client):
    html = client.get("/therapies/?form=capsules").content.decode()
    assert 'href="?form=capsules&amp;page=2"' in html


@pytest.mark.parametrize(
    ("nonsense", "filter_label"),
    [
        ("condition=not-a-condition", "Condition"),
        ("condition=123", "Condition"),
        ("nhs=%3Cscript%3Ealert(1)%3C/script%3E", "NHS availability"),
        ("form=' OR 1=1 --", "How it is taken"),
        ("nhs=yes please", "NHS availability"),
    ],
)
def test_nonsense_filter_is_named_and_ignored(therapies, client, nonsense, filter_label):
    response = client.get(f"/therapies/?{nonsense}&drug_class=tki")
    html = response.content.decode()
    assert f"We did not understand the “{filter_label}” filter" in html
    # The filter that made sense still applies; the nonsense one is left out.
    assert listed(response) == ["imatinib", "pazopanib"]


def test_markup_in_filters_is_never_echoed_unescaped(therapies, client):
    payload = '"><script>alert(1)</script>'
    for name in ["q", "condition", "drug_class", "form", "nhs", "page"]:
        html = client.get("/therapies/", {name: payload}).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("page", "message", "expected"),
    [
        ("abc", "“abc” is not a page number, so we show the first page.", ["crizotinib"]),
        ("0", "There is no page 0, so we show page 4, the last.", ["pazopanib"]),
        ("-3", "There is no page -3, so we show page 4, the last.", ["pazopanib"]),
        ("999999", "There is no page 999999, so we show page 4, the last.", ["pazopanib"]),
        ("9" * 400, "so we show page 4, the last.", ["pazopanib"]),
    ],
)
@override_settings(THERAPIES_PER_PAGE=1)
def test_page_out_of_range_says_so_and_shows_a_real_page(
    therapies, client, page, message, expected
):
    response = client.get("/therapies/", {"page": page})
    assert message in response.content.decode()
    assert listed(response) == expected


def test_empty_list_says_nothing_matches(db, client):
    html = client.get("/therapies/").content.decode()
    assert "0 drugs found" in html
    assert "No drugs match these filters" in html


def test_the_quick_select_writes_what_djangos_select_writes():
    from django import forms

    from therapies.filters import QuickSelect

    choices = [("", "Any"), ("gist", "GIST & <friends>"), ("dfsp", "DFSP “quoted”")]
    attrs = {"id": "id_condition"}
    for value in ["", "gist", "nonsense", None]:
        quick = QuickSelect(choices=choices).render("condition", value, attrs)
        django = forms.Select(choices=choices).render("condition", value, attrs)
        assert quick == "".join(line.strip() for line in django.splitlines())


def test_words_longer_than_search_reads_are_searched_as_far_as_it_reads(therapies, client):
    html = client.get("/therapies/?q=imatinib" + "x" * 5000).content.decode()
    assert "We did not understand" not in html
    assert "We searched for the first 100 characters of what you typed." in html
