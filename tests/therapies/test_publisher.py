"""The site names its publisher: the organisation's settings (an administrator's alone) in the
header and footer, its pages about itself reviewed like any other, credit (not authorship) for
text adapted from another organisation, and no promise of a video that is not there."""

import re

import pytest

from reviews.models import AuditEvent, ReviewRequest
from tests.admin_forms import open_form, post_form, save
from tests.reviews.test_seed import TOPIC_URL, text_of
from tests.reviews.test_workflow import approve_all
from therapies import rich_text
from therapies.models import InformationPage, Organisation, PublishedPage, Topic, TopicSection
from therapies.publishing import build_snapshot, publish

SETTINGS = "/admin/therapies/organisation/"
CHANGE_SETTINGS = f"{SETTINGS}{Organisation.ROW}/change/"
VIDEO = "On this page you can also watch a video about how targeted therapy works."


def footer_of(response) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="site-footer">') :]


def header_of(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


@pytest.mark.parametrize("who", ["editor", "clinical", "lay", "senior"])
def test_only_an_administrator_opens_the_organisation_settings(seed, as_user, who):
    client = as_user(who)
    assert client.get(SETTINGS).status_code == 403
    assert client.get(CHANGE_SETTINGS).status_code == 403
    assert client.post(CHANGE_SETTINGS, {"name": "Someone else"}).status_code == 403
    assert "Organisation settings" not in client.get("/admin/").text
    assert Organisation.objects.current().name == "sarcomainfo"


def test_the_settings_start_as_this_charity_with_nothing_claimed(seed):
    organisation = Organisation.objects.current()
    assert (organisation.name, organisation.logo_text) == ("sarcomainfo", "sarcomainfo")
    assert organisation.contact_email == ""
    assert organisation.support_line is None
    assert organisation.holds_pif_tick is False


def test_a_support_line_is_shown_only_with_a_name_and_a_number():
    organisation = Organisation(support_line_name="Sarcoma Support Line")
    assert organisation.support_line is None
    organisation.support_line_phone = "0800 000 0000"
    organisation.support_line_hours = "Monday to Friday, 9am to 5pm"
    assert organisation.support_line == {
        "name": "Sarcoma Support Line",
        "phone": "0800 000 0000",
        "hours": "Monday to Friday, 9am to 5pm",
    }


def test_an_administrator_s_change_reaches_every_cached_page_at_once(
    seed, client, as_user, superuser
):
    assert client.get(TOPIC_URL)["X-Page-Cache"] == "miss"
    assert client.get(TOPIC_URL)["X-Page-Cache"] == "hit"
    boss = as_user("boss")
    assert boss.get(SETTINGS)["Location"] == CHANGE_SETTINGS
    save(
        boss,
        CHANGE_SETTINGS,
        name="Sarcoma Information Trust",
        logo_text="Sarcoma Info",
        contact_email="help@sarcoma.example",
    )
    client.logout()
    response = client.get(TOPIC_URL)
    assert response["X-Page-Cache"] == "miss"
    assert ">Sarcoma Info</a>" in header_of(response)
    assert "<title>Targeted therapies for soft tissue sarcoma | Sarcoma Information Trust" in (
        response.text
    )
    footer = footer_of(response)
    assert '<a href="mailto:help@sarcoma.example">help@sarcoma.example</a>' in footer
    assert "Sarcoma Information Trust gives information about sarcoma treatments" in footer
    assert "<title>Sarcoma Information Trust: latest changes</title>" in client.get("/feed/").text
    event = AuditEvent.objects.get(content_type__model="organisation")
    assert event.actor.username == "boss"
    assert "name from “sarcomainfo” to “Sarcoma Information Trust”" in event.comment
    assert "contact e-mail from “” to “help@sarcoma.example”" in event.comment


def test_every_page_links_only_to_an_address_and_a_number_readers_can_use(seed, as_user, superuser):
    boss = as_user("boss")
    for field, value in [
        ("contact_email", '"><svg/onload=alert(3)>"@example.com'),
        ("support_line_phone", "javascript:alert(5)"),
    ]:
        response = post_form(
            boss, CHANGE_SETTINGS, open_form(boss, CHANGE_SETTINGS), **{field: value}
        )
        assert response.status_code == 200, field
        assert "Write a p" in response.text  # "Write a plain address…", "Write a phone number…"
    assert Organisation.objects.current().contact_email == ""
    save(boss, CHANGE_SETTINGS, support_line_phone="+44 (0)20 7946-0000")
    assert Organisation.objects.current().support_line_phone == "+44 (0)20 7946-0000"


def test_the_logo_and_footer_are_the_organisation_s_before_anyone_changes_them(seed, client):
    response = client.get("/")
    assert '<a class="site-name" href="/">sarcomainfo</a>' in header_of(response)
    footer = footer_of(response)
    assert "mailto:" not in footer  # no address is made up: none until an administrator sets it
    assert "About this site" not in footer  # nothing about the site is published yet


def test_the_pages_about_the_site_are_seeded_as_drafts_nobody_can_read(seed, client):
    slugs = set(InformationPage.objects.values_list("slug", flat=True))
    assert slugs == {"about-us", "contact", "privacy", "cookies", "accessibility"}
    assert not PublishedPage.objects.filter(kind="information").exists()
    for slug in slugs:
        assert client.get(f"/about/{slug}/").status_code == 404


def submit_page(as_user, page: InformationPage) -> ReviewRequest:
    """Send a page about the site for review, as an editor does."""
    response = as_user("editor").post(
        f"/admin/therapies/informationpage/{page.pk}/submit/", {"summary": "First version."}
    )
    assert response.status_code == 302, response.text[:3000]
    return ReviewRequest.objects.for_item(page).latest("pk")


def test_a_page_about_the_site_is_reviewed_then_linked_from_the_footer(seed, as_user, client):
    page = InformationPage.objects.get(slug="accessibility")
    url = f"/admin/therapies/informationpage/{page.pk}/change/"
    save(as_user("editor"), url, body="We test every kind of page with axe.")
    request = submit_page(as_user, page)
    client.logout()
    # Sent for review: still nobody reads it, and the footer does not point to it.
    assert client.get("/about/accessibility/").status_code == 404
    assert "/about/accessibility/" not in footer_of(client.get("/"))
    approve_all(as_user, request)
    client.logout()
    response = client.get("/about/accessibility/")
    assert response.status_code == 200
    assert "<h1>Accessibility statement</h1>" in response.text
    assert "<p>We test every kind of page with axe.</p>" in response.text
    assert '<a href="/about/accessibility/">Accessibility statement</a>' in footer_of(
        client.get("/glossary/")
    )
    assert "/about/accessibility/" in client.get("/sitemap.xml").text


def test_the_topic_credits_the_charity_it_is_adapted_from(seed, client):
    text = text_of(client.get(TOPIC_URL))
    assert (
        "Adapted from “Targeted therapies for soft tissue sarcoma” by Macmillan Cancer Support, "
        "reviewed 1 December 2022." in text
    )
    # Their team is not presented as our authors, nor their address as ours to write to.
    assert "Cancer Information Development team" not in text
    assert "macmillan.org.uk" not in text
    assert "contact us" not in text.lower()


def test_a_credit_without_its_organisation_or_with_a_slip_of_a_date_is_refused(seed, as_user):
    editor = as_user("editor")
    url = f"/admin/therapies/topic/{Topic.objects.get().pk}/change/"
    for credit, said in [
        ({"adapted_from_organisation": ""}, "Name the organisation it is adapted from"),
        ({"adapted_from_reviewed": "2999-01-01"}, "not in the future, nor before 1990"),
    ]:
        response = post_form(editor, url, open_form(editor, url), change_summary="x", **credit)
        assert response.status_code == 200 and said in response.text, credit


def test_readers_of_an_adapted_page_are_sent_to_the_organisation_s_own_address(
    seed, client, as_user, superuser
):
    save(as_user("boss"), CHANGE_SETTINGS, contact_email="help@sarcoma.example")
    client.logout()
    html = client.get(TOPIC_URL).text
    credit = re.search(r'<p class="credit">.*?</p>', html, re.S).group()
    assert "Macmillan Cancer Support" in credit
    assert '<a href="mailto:help@sarcoma.example">help@sarcoma.example</a>' in credit


def unkept_promise_listed(as_user) -> str:
    """The editor's dashboard entry for pages that promise a video or more information and
    link to none ("" when there is none)."""
    dashboard = as_user("editor").get("/admin/").text
    entry = re.search(
        r"<li>.*?sends readers to a video or to more information, and links to none.*?</li>",
        dashboard,
        re.S,
    )
    return entry.group() if entry else ""


def test_a_promised_video_with_no_link_is_listed_for_editors(seed, as_user):
    topic_url = f"/admin/therapies/topic/{Topic.objects.get().pk}/change/"
    assert "Targeted therapies for soft tissue sarcoma" in unkept_promise_listed(as_user)
    form = as_user("editor").get(topic_url).text
    assert (
        "This page sends readers to a video, or to more of our information, but links to none"
        in form
    )
    assert f"“{VIDEO}”" in form
    # Readers are not promised it, nor the "more general information" the section names
    # without a link (test_honest_standing_text): the section has nothing left to print.
    page = as_user("editor").get("/topics/targeted-therapies-soft-tissue-sarcoma/").text
    assert "We have more general information about targeted therapy." not in page
    assert "watch a video" not in page


def test_a_video_mention_with_its_link_is_not_listed(seed, as_user):
    section = TopicSection.objects.get(body__contains="watch a video")
    section.body = section.body.replace(
        "watch a video", "watch [a video](https://www.example.org/targeted-therapy-video)"
    )
    section.save()
    topic_url = f"/admin/therapies/topic/{Topic.objects.get().pk}/change/"
    assert f"“{VIDEO}”" not in as_user("editor").get(topic_url).text
    # Its other sentence promises information it does not link to: linked, nothing is listed.
    section.body = section.body.replace(
        "more general information", "[more general information](https://www.example.org/more)"
    )
    section.save()
    assert "links to none" not in as_user("editor").get("/admin/").text
    assert "links to none" not in as_user("editor").get(topic_url).text
    assert '<a href="https://www.example.org/targeted-therapy-video"' in rich_text.render(
        section.body
    )


def test_pages_about_the_site_are_not_listed_for_having_no_references(seed, as_user):
    dashboard = as_user("editor").get("/admin/").text
    assert "information page with no references" not in dashboard


def test_the_footer_lists_the_published_pages_about_the_site_in_a_to_z_order(
    seed, client, record_review
):
    for slug in ["privacy", "about-us"]:
        page = InformationPage.objects.get(slug=slug)
        publish(build_snapshot(page), review=record_review(page))
    footer = footer_of(client.get("/"))
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', footer) == [
        ("/about/about-us/", "About us"),
        ("/about/privacy/", "Privacy"),
    ]
    # Without the settings row (a database emptied), the defaults, and the same links.
    Organisation.objects.all().delete()
    cookies = InformationPage.objects.get(slug="cookies")
    publish(build_snapshot(cookies), review=record_review(cookies))
    response = client.get("/")
    assert '<a class="site-name" href="/">sarcomainfo</a>' in header_of(response)
    assert '<a href="/about/cookies/">Cookies</a>' in footer_of(response)
