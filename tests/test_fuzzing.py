"""Whatever a reader sends, the public site answers without a server error, and a refused
feedback form gives back what the reader typed."""

import string

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from therapies import search
from therapies.models import Feedback

# Text as people and robots send it: any characters, markup, SQL and tsquery syntax, very long.
nasty = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "' OR 1=1 --",
            "imatinib & | ! ( :* '",
            "<script>alert(1)</script>",
            "%00",
            "../../etc/passwd",
            "\u202e\u0000",
            "x" * 5000,
            "😀" * 50,
        ]
    ),
)
query_names = st.sampled_from(
    ["q", "condition", "drug_class", "form", "nhs", "letter", "page", "x"]
)
examples = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def reader(seed):
    return Client()


def no_nul(text: str) -> str:
    # The test client cannot put a NUL byte into a URL; a real one arrives as %00.
    return text.replace("\x00", "%00")


@examples
@given(params=st.lists(st.tuples(query_names, nasty), max_size=6))
def test_the_therapy_list_answers_any_query(reader, params):
    response = reader.get("/therapies/", [(name, no_nul(value)) for name, value in params])
    assert response.status_code == 200


# What readers type into a search box, and what robots send there instead.
search_words = st.one_of(
    st.text(max_size=200),
    # Control characters (NUL among them), spaces, punctuation and symbols only.
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Z", "P", "S"]), max_size=60),
    st.sampled_from(
        [
            "",
            "x" * 10_000,
            "imatinib " * 1_200,
            "\x00",
            "imat\x00inib",
            "\t\r\n\x0b\x1b[0m imatinib",
            "a & | ! :* ( '",
            "imatinib:*A & !(glivec | 'x') <-> y",
            "'; DROP TABLE therapies_publishedpage; --",
            "%' OR '1'='1",
            "\\",
            "<script>alert(1)</script>",
            "иматиниб イマチニブ إيماتينيب 伊马替尼 imatinib",
            "😀🧬💊" * 40,
            "👩🏽‍⚕️ imatinab",
            "\u202e\u200b\ufeff",
        ]
    ),
)
# The heading every answer has, whatever was typed: a normal page, not an error page.
SEARCH_PAGES = {"/search/": "<h1>Search</h1>", "/therapies/": "<h1>Find a drug</h1>"}


@examples
@given(address=st.sampled_from(sorted(SEARCH_PAGES)), words=search_words)
def test_any_words_searched_for_answer_a_normal_page(reader, address, words):
    # Sent as a browser would, percent-encoded: a NUL arrives as a NUL.
    response = reader.get(address, {"q": words})
    assert response.status_code == 200
    assert SEARCH_PAGES[address] in response.text
    assert 'id="results"' in response.text or not search.parse(words).key
    assert response.text.rstrip().endswith("</html>")
    assert "<script>alert" not in response.text


@examples
@given(
    prefix=st.sampled_from(["/therapies/", "/topics/", "/side-effects/", "/feedback/therapy/"]),
    slug=st.text(alphabet=string.printable, max_size=80),
)
def test_any_address_is_a_page_or_a_clear_not_found(reader, prefix, slug):
    response = reader.get(prefix + no_nul(slug))
    assert response.status_code in {200, 301, 404, 410}


@examples
@given(
    helpful=st.one_of(st.none(), nasty),
    comment=nasty,
)
def test_the_feedback_form_never_fails_and_keeps_what_was_typed(reader, helpful, comment):
    data = {"comment": no_nul(comment)}
    if helpful is not None:
        data["helpful"] = no_nul(helpful)
    before = Feedback.objects.count()
    response = reader.post("/feedback/therapy/imatinib/", data, REMOTE_ADDR="203.0.113.50")
    assert response.status_code in {302, 400, 429}
    if response.status_code == 302:
        assert Feedback.objects.count() == before + 1
    else:
        assert Feedback.objects.count() == before
        typed = data["comment"].strip()
        if typed:
            from django.utils.html import escape

            assert escape(typed)[:50] in response.text


ADMIN_QUERIES = [
    "/admin/therapies/therapy/?q=a%00b",
    "/admin/therapies/therapy/?generic_name=a%00b",
    "/admin/reviews/auditevent/?q=%00",
    "/admin/autocomplete/?term=a%00b&app_label=therapies&model_name=indication"
    "&field_name=condition",
]


@pytest.mark.parametrize("address", ADMIN_QUERIES)
def test_a_null_character_in_an_admin_address_is_a_clear_refusal(seed, address):
    """PostgreSQL cannot hold or search for a null character; the database's refusal used to
    look like an outage (503, "try again"). It is the request's fault: 400, saying what."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    response = client.get(address)
    assert response.status_code in {200, 400}, response.status_code  # SQLite stores anything
    if response.status_code == 400:
        assert "could not be used" in response.text


@pytest.mark.django_db  # the page names the organisation, from the database
def test_a_value_the_database_refuses_is_a_400_not_an_outage(rf):
    from django.db import DataError

    from sarcomainfo.errors import server_error

    try:
        raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    except DataError:
        response = server_error(rf.get("/admin/therapies/therapy/?generic_name=%00"))
    assert response.status_code == 400
    assert b"it was <strong>not saved</strong>" in response.content
    assert not response.has_header("Retry-After")
