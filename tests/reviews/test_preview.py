"""Reviewers approve the page readers will see: a preview rendered by the public templates from
the snapshot they sign, with what changed marked, for the editorial team only."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from reviews import services
from reviews.preview import SAID, mark_changes
from reviews.versions import revision_numbers
from tests.admin_forms import open_form, post_form, save
from tests.reviews.test_workflow import approve_all, submit
from therapies.context_processors import current_site
from therapies.models import (
    Condition,
    GlossaryTerm,
    PublishedPage,
    SideEffect,
    Therapy,
    TherapySideEffect,
    Topic,
)

NEW_TEXT = "A sentence only the preview has."

# Every kind of page, with a text field readers see.
PAGES = [
    (Therapy, "imatinib", "summary"),
    (SideEffect, "tiredness", "what_it_is"),
    (GlossaryTerm, "targeted-therapy", "explanation"),
    (Topic, "targeted-therapies-soft-tissue-sarcoma", "intro"),
]


def admin_url(obj, view):
    return f"/admin/therapies/{obj._meta.model_name}/{obj.pk}/{view}/"


def changed_passages(html: str) -> list[str]:
    """The text of each passage the preview marks as changed."""
    return [
        re.sub(r"<[^>]+>", "", inner).strip()
        for _tag, inner in re.findall(
            r"<(\w+) data-changed=\"\"[^>]*>(.*?)</\1>", html.replace(SAID, "Changed: "), re.S
        )
    ]


@pytest.mark.parametrize(("model", "slug", "field"), PAGES, ids=lambda v: getattr(v, "__name__", v))
def test_every_kind_of_page_previews_as_readers_will_see_it(seed, as_user, model, slug, field):
    page = model.objects.get(slug=slug)
    save(as_user("editor"), admin_url(page, "change"), note="Clearer.", **{field: NEW_TEXT})
    response = as_user("editor").get(admin_url(page, "preview"))
    assert response.status_code == 200
    html = response.text
    number = max(revision_numbers(page).values())
    assert f"Preview of revision {number} of “{page}”: not published" in html
    # The new text, and at most the heading it brings where the field was empty.
    marked = changed_passages(html)
    assert f"Changed: {NEW_TEXT}" in marked and len(marked) <= 2, marked
    # The public page's own frame: its header, and the trust signals readers get.
    assert '<header class="site-header">' in html and "About our information" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_a_review_previews_the_snapshot_it_signs_not_later_edits(seed, as_user):
    imatinib = Therapy.objects.get(slug="imatinib")
    save(as_user("editor"), admin_url(imatinib, "change"), note="Clearer.", summary=NEW_TEXT)
    request = submit(as_user, imatinib)
    url = f"/admin/reviews/reviewrequest/{request.pk}/preview/"
    review = as_user("lay").get(f"/admin/reviews/reviewrequest/{request.pk}/review/").text
    assert f'href="{url}"' in review
    html = as_user("clinical").get(url).text
    assert "Preview of revision 2 of “imatinib”: not published" in html
    assert "What the reviewers sign off: final approval publishes exactly this." in html
    # Saved again, the page's review ends; its preview still shows what was sent.
    save(as_user("editor"), admin_url(imatinib, "change"), note="Again.", summary="Later words.")
    html = as_user("clinical").get(url).text
    assert NEW_TEXT in html and "Later words." not in html
    assert "This review has ended" in html


def test_the_form_s_preview_never_claims_to_be_the_revision_in_review_when_it_is_not(seed, as_user):
    imatinib = Therapy.objects.get(slug="imatinib")
    save(as_user("editor"), admin_url(imatinib, "change"), note="Clearer.", summary=NEW_TEXT)
    request = submit(as_user, imatinib)
    sent = f"/admin/reviews/reviewrequest/{request.pk}/preview/"
    # As sent: the form's preview is the revision the reviewers sign.
    html = as_user("editor").get(admin_url(imatinib, "preview")).text
    assert "Preview of revision 2 of “imatinib”: not published" in html
    # A condition it shows is renamed; the review stays open, and signs what it froze.
    gist = Condition.objects.get(slug="gastrointestinal-stromal-tumour")
    condition = f"/admin/therapies/condition/{gist.pk}/change/"
    save(as_user("editor"), condition, note="Plainer.", name="gut sarcoma")
    request.refresh_from_db()
    assert request.is_open
    html = as_user("editor").get(admin_url(imatinib, "preview")).text
    assert "gut sarcoma" in html and "revision 2 of" not in html
    assert "Preview of “imatinib” as it stands now: not sent for review" in html
    assert "It differs from revision 2, which is in review" in html
    assert f'<a href="{sent}">Preview revision 2 as the reviewers see it</a>' in html
    html = as_user("clinical").get(sent).text
    assert "gut sarcoma" not in html
    assert "Preview of revision 2 of “imatinib”: not published" in html


def test_a_withdrawn_page_previews_as_coming_back_not_as_new(seed, as_user, people):
    imatinib = Therapy.objects.get(slug="imatinib")
    services.withdraw(
        page=PublishedPage.objects.get(kind="therapy", object_id=imatinib.pk),
        user=people["senior"],
        reason="A safety alert is being checked.",
    )
    html = as_user("editor").get(admin_url(imatinib, "preview")).text
    assert "Nothing of this page is published yet" not in html
    assert "This page was withdrawn on " in html
    assert "readers see a notice saying so (“A safety alert is being checked.”)" in html
    assert "Approving this would publish the page again" in html


def test_only_the_editorial_team_sees_a_preview(seed, client, people):
    imatinib = Therapy.objects.get(slug="imatinib")
    url = admin_url(imatinib, "preview")
    assert client.get(url)["Location"].startswith("/admin/login/")
    reader = get_user_model().objects.create_user("reader", password="pw")
    client.force_login(reader)
    assert client.get(url)["Location"].startswith("/admin/login/")
    # Staff who may read therapies in the admin but are not on the editorial team.
    staff = get_user_model().objects.create_user("helpdesk", password="pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_therapy"))
    client.force_login(staff)
    assert client.get(admin_url(imatinib, "change")).status_code == 200
    assert client.get(url).status_code == 403


def test_a_page_never_reviewed_previews_with_no_approver(seed, as_user):
    editor, url = as_user("editor"), "/admin/therapies/topic/add/"
    added = {"title": "Second topic", "slug": "second-topic", "change_summary": "New."}
    response = post_form(editor, url, open_form(editor, url), **added)
    assert response.status_code == 302, response.text[:2000]
    topic = Topic.objects.get(slug="second-topic")
    html = as_user("clinical").get(admin_url(topic, "preview")).text
    assert "Nothing of this page is published yet, so all of it is new." in html
    assert "This information has been approved by" not in html


def test_the_preview_names_the_approver_readers_see_now(seed, as_user):
    imatinib = Therapy.objects.get(slug="imatinib")
    save(as_user("editor"), admin_url(imatinib, "change"), note="One.", summary="First words.")
    approve_all(as_user, submit(as_user, imatinib))
    save(as_user("editor"), admin_url(imatinib, "change"), note="Two.", summary=NEW_TEXT)
    html = as_user("clinical").get(admin_url(imatinib, "preview")).text
    assert "approved by senior medical editor Dr Senior" in html
    assert changed_passages(html) == [f"Changed: {NEW_TEXT}"]


def test_the_phone_width_frames_the_same_preview(seed, as_user):
    imatinib = Therapy.objects.get(slug="imatinib")
    url = admin_url(imatinib, "preview")
    phone = as_user("clinical").get(f"{url}?width=phone").text
    assert f'<iframe class="phone-frame" src="{url}?framed=1"' in phone
    framed = as_user("clinical").get(f"{url}?framed=1")
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    assert 'class="preview-banner"' not in framed.text
    # Everywhere else, nothing may frame the site.
    assert "frame-ancestors 'none'" in as_user("clinical").get("/admin/")["Content-Security-Policy"]


def in_main(html: str) -> str:
    return (
        f'<html><head><script type="application/ld+json">{{"a": 1}}</script></head><body>'
        f"<nav><p>Menu</p></nav><main>{html}</main></body></html>"
    )


def test_only_the_passages_that_differ_are_marked():
    before = "<ul><li>Tiredness<ul><li>common</li></ul></li><li>Rash</li></ul><p>Same.</p>"
    after = "<ul><li>Tiredness<ul><li>very common</li></ul></li></ul><p>Same.</p><p>New.</p>"
    marked, changed, removed = mark_changes(in_main(before), in_main(after))
    assert (changed, removed) == (2, 1)
    assert changed_passages(marked) == ["Changed: very common", "Changed: New."]
    assert "<li>Tiredness<ul>" in marked


def test_a_changed_address_and_text_outside_any_paragraph_are_marked_too():
    before = '<p>See <a href="https://www.nhs.uk/">the leaflet</a>.</p><div>Take 400 mg.</div>'
    after = '<p>See <a href="https://evil.example/">the leaflet</a>.</p><div>Take 800 mg.</div>'
    marked, changed, removed = mark_changes(in_main(before), in_main(after))
    assert (changed, removed) == (2, 0)
    assert changed_passages(marked) == ["Changed: See the leaflet.", "Changed: Take 800 mg."]
    assert '<div><span data-changed=""><span class="visually-hidden">' in marked
    # Only the page's main content: the menu and the JSON-LD are never touched.
    assert marked.count("data-changed") == 2 and '{"a": 1}' in marked


def preview_queries(client, urls) -> list[int]:
    # The organisation's details are read once per edition of the site, not per request.
    current_site(RequestFactory().get("/"))
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts.append(len(queries))
    return counts


def test_previews_and_the_review_page_take_constant_queries_as_a_page_grows(seed, as_user):
    sunitinib = Therapy.objects.get(slug="sunitinib")

    def sent(note):
        save(as_user("editor"), admin_url(sunitinib, "change"), note=note, summary=note)
        request = submit(as_user, sunitinib)
        base = f"/admin/reviews/reviewrequest/{request.pk}"
        return [admin_url(sunitinib, "preview"), f"{base}/preview/", f"{base}/review/"]

    small = preview_queries(as_user("clinical"), sent("First."))
    effects = [SideEffect(name=f"Effect {n}", slug=f"effect-{n}") for n in range(40)]
    TherapySideEffect.objects.bulk_create(
        TherapySideEffect(therapy=sunitinib, side_effect=effect, position=n)
        for n, effect in enumerate(SideEffect.objects.bulk_create(effects))
    )
    large = preview_queries(as_user("clinical"), sent("Second."))
    assert large == small
