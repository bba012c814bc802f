"""Editors write plain text, Markdown or HTML; readers get the allowed part of it as HTML."""

import json
import re
import xml.etree.ElementTree as ET

import reversion

from reviews.models import PageReview
from tests.reviews.test_seed import TOPIC_URL
from therapies import readability
from therapies.glossing import Glossary, Term
from therapies.models import GlossaryTerm, PublishedChange, Topic
from therapies.publishing import build_snapshot, publish
from therapies.rich_text import plain, render


def test_plain_text_keeps_its_paragraphs_and_line_breaks():
    assert render("One.\nTwo.\n\n  Three.  ") == "<p>One.<br>\nTwo.</p>\n<p>Three.</p>"
    assert render("") == "" and render("  \n ") == "" and render(None) == ""


def test_markdown_gives_emphasis_lists_links_and_quotes():
    html = render(
        "**Take it** with *food*.\n\n- once a day\n- at home\n\n1. first\n2. second\n\n"
        "> A quote.\n\nSee [the NHS](https://www.nhs.uk/) or email help@example.org."
    )
    assert "<strong>Take it</strong> with <em>food</em>." in html
    assert "<ul>\n<li>once a day</li>\n<li>at home</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
    assert "<blockquote>\n<p>A quote.</p>\n</blockquote>" in html
    assert '<a href="https://www.nhs.uk/" rel="noopener noreferrer nofollow">the NHS</a>' in html
    assert '<a href="mailto:help@example.org" rel="noopener noreferrer nofollow">' in html


def test_html_keeps_only_the_allowed_tags_attributes_and_schemes():
    html = render(
        '<h3 id="x" class="big">Dose</h3><p onclick="go()">A <abbr title="tyrosine kinase'
        ' inhibitor">TKI</abbr><sup>1</sup> <span>kept words</span></p>'
        '<a href="javascript:alert(1)">bad</a> <a href="tel:0808">call</a>'
    )
    assert "<h3>Dose</h3>" in html
    assert '<p>A <abbr title="tyrosine kinase inhibitor">TKI</abbr><sup>1</sup> kept words</p>' in (
        html
    )
    assert "onclick" not in html and "<span" not in html and "class=" not in html
    assert '<a rel="noopener noreferrer nofollow">bad</a>' in html
    assert '<a href="tel:0808" rel="noopener noreferrer nofollow">call</a>' in html


def test_links_within_the_site_are_kept_but_not_those_that_only_look_so():
    html = render(
        '<a href="/therapies/imatinib/">in</a> <a href="#x">here</a> '
        '<a href="//evil.example/">out</a> <a href="/\\evil.example/">out</a>'
    )
    assert '<a href="/therapies/imatinib/" rel=' in html and '<a href="#x" rel=' in html
    assert "evil.example" not in html


def test_script_style_and_embedded_documents_go_with_their_content():
    html = render("Before<script>alert(1)</script><style>p{}</style><svg><text>svg</text></svg>.")
    assert html == "<p>Before.</p>"


def test_a_page_s_own_heading_levels_and_indented_text_stay_as_written():
    # "# " would make a heading above the page's own; four spaces would make code.
    assert render("# Not a heading") == "<p># Not a heading</p>"
    assert render("    Indented words.") == "<p>Indented words.</p>"
    # No images from elsewhere: an image's address is left as a link to it.
    assert render("![x](https://example.org/x.png)").startswith(
        '<p>!<a href="https://example.org/x.png"'
    )


def test_plain_is_the_text_without_markup():
    assert plain("**Bold** &amp; <em>a</em> [link](https://x.org)\n\n- item") == (
        "Bold & a link\n\nitem"
    )
    assert plain("&lt;script&gt;") == "<script>"
    assert plain("<p>One</p><p>Two</p><ul><li>a</li><li>b</li></ul>") == "One\nTwo\na\nb"
    assert plain("One\nTwo") == "One\nTwo"
    assert plain("") == ""


def test_medical_words_are_explained_inside_markup_but_never_inside_links():
    fatigue = Term("fatigue", "fatigue", "Tiredness.")
    glossary = Glossary([fatigue], {"fatigue": fatigue})
    assert glossary.mark(render("[fatigue](https://x.org) then **fatigue**")) == (
        '<p><a href="https://x.org" rel="noopener noreferrer nofollow">fatigue</a> then '
        '<strong><a class="term" href="#explain-fatigue">fatigue</a></strong></p>'
    )


def test_an_email_address_in_a_topic_note_is_a_link(seed, client):
    topic = Topic.objects.get()
    topic.references_note = "To ask about our sources, write to sources@example.org"
    with reversion.create_revision():
        topic.save()
    publish(build_snapshot(topic), review=PageReview.objects.for_item(topic).first())
    html = client.get(TOPIC_URL).content.decode()
    assert (
        '<a href="mailto:sources@example.org" rel="noopener noreferrer nofollow">'
        "sources@example.org</a>" in html
    )


def test_markdown_in_a_published_glossary_term_is_html_on_pages_and_text_in_json_ld(seed, client):
    term = GlossaryTerm.objects.get(slug="adjuvant-therapy")
    term.explanation = "Treatment **after** surgery, to <script>x()</script>lower the risk."
    with reversion.create_revision():
        term.save()
    publish(build_snapshot(term), review=PageReview.objects.for_item(term).first())
    html = client.get("/glossary/").content.decode()
    assert "<dd><p>Treatment <strong>after</strong> surgery, to lower the risk.</p></dd>" in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    described = {t["name"]: t["description"] for t in data["mainEntity"]["hasDefinedTerm"]}
    assert described["adjuvant therapy"] == "Treatment after surgery, to lower the risk."


def test_feed_summaries_are_sanitised_html(seed, client):
    change = PublishedChange.objects.latest("pk")
    change.change_summary = 'New *dose* <img src=x onerror="alert(1)">'
    change.save()
    feed = ET.fromstring(client.get("/feed/").content)
    summaries = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}summary")]
    assert any(summary.startswith("<p>New <em>dose</em> </p>") for summary in summaries)


def test_readability_counts_readers_words_not_markup(seed):
    topic = Topic.objects.get()
    topic.intro = "**Targeted** therapies are [drugs](https://x.org).\n\n<em>Short.</em>"
    paragraphs = readability.paragraphs_of(topic)
    assert "Targeted therapies are drugs." in paragraphs and "Short." in paragraphs


def test_the_admin_tells_editors_what_long_text_may_hold(seed, admin_client):
    from therapies.models import Therapy

    therapy = Therapy.objects.get(slug="imatinib")
    html = admin_client.get(f"/admin/therapies/therapy/{therapy.pk}/change/").content.decode()
    # Summary … availability note, and the four safety texts.
    assert html.count("Plain text, Markdown or HTML") == 5 + len(Therapy.SAFETY_FIELDS)
    topic = Topic.objects.get()
    html = admin_client.get(f"/admin/therapies/topic/{topic.pk}/change/").content.decode()
    sections = topic.sections.count()
    # Intro, two notes, each section body, the blank section to fill in without JavaScript,
    # and the one the admin's "Add another" copies.
    assert html.count("Plain text, Markdown or HTML") == 3 + sections + 2


def test_only_a_sentence_of_prose_sending_readers_to_a_missing_video_is_left_out():
    from therapies.rich_text import without_unkept_promises as kept

    promise = "We have more. On this page you can also watch a video about it. Ask us."
    assert kept(promise) == "We have more. Ask us."
    # Anything else stays as reviewed: lists, headings, other uses of the word.
    for text in [
        "- a temperature of 38C\n- bleeding (ask about a video appointment)",
        "1. Take it.\n2. Watch the video we sent you.\n3. Never take two.",
        "### Video guides\n\nCall 999 if you have chest pain.",
        "Ask your nurse for a video appointment.",
        "You can watch [a video](https://www.nhs.uk/video) about it.",
    ]:
        assert kept(text) == text, text
    # A link the sanitiser takes out is no link: the promise still goes.
    assert kept("Watch a video. [Here](javascript:alert(1)).") == "[Here](javascript:alert(1))."
