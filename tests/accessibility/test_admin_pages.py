"""The admin pages this project adds pass the same axe check as the public site, in the
admin's own look, at 1280 and at 320 pixels wide. Screenshots go to test-artifacts/screenshots/."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from reversion.models import Version

from reviews import roles, services
from reviews.models import EditorialRole, Publication, Reviewer
from reviews.versions import versions_of
from tests.accessibility.conftest import SCREENSHOTS
from tests.accessibility.test_public_pages import axe_problems
from tests.admin_forms import save
from tests.reviewers import current_declaration
from therapies.models import (
    DrugClass,
    InformationPage,
    Organisation,
    PublishedPage,
    Reference,
    Therapy,
    Topic,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def in_review(site):
    """A change to imatinib, sent for review, and a clinical reviewer to read it."""
    roles.sync_groups()
    users = get_user_model().objects
    editor = users.create_user("editor", "e@example.org", "pw", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    clinical = users.create_user("clinical", "c@example.org", "pw", is_staff=True)
    clinical.groups.add(Group.objects.get(name=roles.CLINICAL_REVIEWERS))
    Reviewer.objects.create(
        user=clinical,
        name="Dr C",
        job_title="Oncologist",
        editorial_role=EditorialRole.CLINICAL_REVIEWER,
        **current_declaration(),
    )
    imatinib = Therapy.objects.get(slug="imatinib")
    from django.test import Client

    client = Client()
    client.force_login(editor)
    save(
        client,
        f"/admin/therapies/therapy/{imatinib.pk}/change/",
        note="Plainer",
        summary="Imatinib is a tablet.",
    )
    # As the page's scheduled review, so its review page lists its sources to check.
    request = services.submit_for_review(
        item=imatinib, user=editor, summary="Plainer words.", is_review=True
    )
    return imatinib, request


@pytest.fixture
def admin_pages(in_review):
    """Every admin page this project adds or lays out itself, as (who opens it, its address, the
    status it answers with): each with something on it, so every form and table is shown."""
    imatinib, request = in_review
    users = get_user_model().objects
    editor, clinical = users.get(username="editor"), users.get(username="clinical")
    senior = users.create_user("senior", "s@example.org", "pw", is_staff=True)
    senior.groups.add(Group.objects.get(name=roles.SENIOR_MEDICAL_EDITORS))
    services.add_comment(
        review_request=request, user=clinical, text="Say how long people take it.", field="Summary"
    )
    client = Client()
    client.force_login(editor)
    sunitinib = Therapy.objects.get(slug="sunitinib")
    save(client, f"/admin/therapies/therapy/{sunitinib.pk}/change/", summary="A capsule.")
    added = {"name": "Test class", "slug": "test-class", "change_summary": "Added."}
    assert client.post("/admin/therapies/drugclass/add/", added).status_code == 302
    drug_class = DrugClass.objects.get(slug="test-class")
    delete = client.post(f"/admin/therapies/drugclass/{drug_class.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302
    deleted = Version.objects.get_deleted(DrugClass).get()
    revisions = list(versions_of(imatinib).values_list("revision_id", flat=True))
    therapy = f"/admin/therapies/therapy/{imatinib.pk}"
    return {
        "dashboard": ("editor", "/admin/", 200),
        "history": ("editor", f"{therapy}/history/", 200),
        "compare": (
            "editor",
            f"{therapy}/compare/?older={revisions[0]}&newer={revisions[-1]}",
            200,
        ),
        "send-for-review": ("editor", f"/admin/therapies/therapy/{sunitinib.pk}/submit/", 200),
        "review-as-editor": ("editor", f"/admin/reviews/reviewrequest/{request.pk}/review/", 200),
        "therapy-change-form": ("editor", f"{therapy}/change/", 200),
        "topic-change-form": (
            "editor",
            f"/admin/therapies/topic/{Topic.objects.get().pk}/change/",
            200,
        ),
        "information-page-change-form": (
            "editor",
            f"/admin/therapies/informationpage/{InformationPage.objects.first().pk}/change/",
            200,
        ),
        "organisation-settings": (
            "boss",
            f"/admin/therapies/organisation/{Organisation.ROW}/change/",
            200,
        ),
        "recover-list": ("editor", "/admin/therapies/drugclass/recover/", 200),
        "recover": ("editor", f"/admin/therapies/drugclass/recover/{deleted.pk}/", 200),
        "delete-protected": (
            "editor",
            f"/admin/therapies/reference/{Reference.objects.first().pk}/delete/",
            200,
        ),
        "not-allowed": ("editor", "/admin/reviews/reviewrequest/queue/", 403),
        "queue": ("clinical", "/admin/reviews/reviewrequest/queue/", 200),
        "review-as-reviewer": (
            "clinical",
            f"/admin/reviews/reviewrequest/{request.pk}/review/",
            200,
        ),
        # The page as readers will see it, and the same in a phone-sized frame.
        "preview": ("clinical", f"/admin/reviews/reviewrequest/{request.pk}/preview/", 200),
        "my-declaration": ("clinical", "/admin/my-declaration/", 200),
        "preview-phone": (
            "clinical",
            f"/admin/reviews/reviewrequest/{request.pk}/preview/?width=phone",
            200,
        ),
        "production-record": (
            "clinical",
            f"/admin/reviews/publication/{Publication.objects.first().pk}/record/",
            200,
        ),
        "evidence": ("senior", "/admin/reviews/evidence/", 200),
        "withdraw": (
            "senior",
            f"/admin/therapies/publishedpage/{PublishedPage.objects.first().pk}/withdraw/",
            200,
        ),
    }


# Django's own pages (with our additions): held to axe and the page's width, not to our layout.
DJANGO_LAID_OUT = {
    "dashboard",
    "therapy-change-form",
    "topic-change-form",
    "information-page-change-form",
    "organisation-settings",
    "delete-protected",
}

# Tables that scroll sideways inside their own box: none need to at 1280 pixels.
SCROLLING_TABLES = """() => [...document.querySelectorAll(
        '.table-scroll, .inline-related.tabular .wrapper')]
    .filter(box => box.scrollWidth > box.clientWidth)
    .map(box => `${box.closest('[id]')?.id}: ${box.scrollWidth} px in ${box.clientWidth} px`)"""

# Pages whose comparison, history or sources tables are read row by row on a phone: at 320
# pixels no box scrolls sideways, every cell is on screen, and each names its column.
STACKED = {"history", "compare", "send-for-review", "review-as-editor", "review-as-reviewer"}
CELLS_OFF_SCREEN_OR_UNNAMED = """() => {
    const cells = [...document.querySelectorAll('#content-main table td')]
        .filter(cell => cell.getBoundingClientRect().width);
    if (!cells.some(cell => cell.dataset.label)) return ['no cell names its column'];
    return cells.filter(cell => {
        const box = cell.getBoundingClientRect();
        const label = getComputedStyle(cell, '::before').content;
        return box.left < 0 || box.right > window.innerWidth
            || (cell.dataset.label && label !== JSON.stringify(cell.dataset.label));
    }).map(cell => `${cell.textContent.trim().slice(0, 40)}: ends at ${Math.round(
        cell.getBoundingClientRect().right)} px, named ${
        getComputedStyle(cell, '::before').content}`);
}"""

# What the admin's look means for a form: its buttons are the admin's, and each field is in a
# form row (with its label and help) or in a table's own compact row.
NOT_IN_THE_ADMINS_LOOK = """() => {
    const forms = [...document.querySelectorAll('#content-main form')];
    const buttons = forms.flatMap(f => [...f.querySelectorAll('button:not(.button)')]);
    const fields = forms.flatMap(f => [...f.querySelectorAll(
            'input:not([type=hidden]), select, textarea')])
        .filter(e => !e.closest('.form-row, .source-check, table.history'));
    return [...buttons, ...fields].map(e => e.outerHTML.slice(0, 100));
}"""


def test_every_admin_page_we_add_is_accessible_and_fits_at_1280_and_320_pixels(
    site, admin_pages, browser
):
    """axe finds nothing; the page never scrolls sideways (a wide table scrolls in its own box,
    and at 1280 none needs to; comparisons and history are read row by row at 320 instead);
    forms are in the admin's look. One browser context a width, each person signed in once
    for all of them."""
    sessions = {}
    for username in {who for who, _, _ in admin_pages.values()}:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for width in [1280, 320]:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        signed_in = None
        for name, (who, path, status) in admin_pages.items():
            if who != signed_in:
                context.clear_cookies()
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": sessions[who], "url": site}]
                )
                signed_in = who
            response = page.goto(site + path)
            found = [] if response.status == status else [f"answered {response.status}"]
            page.screenshot(path=SCREENSHOTS / f"admin-{name}-{width}.png", full_page=True)
            if report := axe_problems(page):
                found.append(report)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > page.evaluate("window.innerWidth"):
                found.append(f"the page scrolls sideways: {scroll_width} px wide")
            if width == 1280 or name in STACKED:
                found += [
                    f"a table is wider than its box: {t}" for t in page.evaluate(SCROLLING_TABLES)
                ]
            if width == 320 and name in STACKED:
                found += [
                    f"a cell is off screen or unnamed: {c}"
                    for c in page.evaluate(CELLS_OFF_SCREEN_OR_UNNAMED)
                ]
            if name not in DJANGO_LAID_OUT:
                found += [
                    f"not in the admin's look: {e}" for e in page.evaluate(NOT_IN_THE_ADMINS_LOOK)
                ]
            if found:
                problems[f"{name} at {width}px"] = "\n".join(found)
        context.close()
    assert not problems, "\n\n".join(f"== {name}\n{report}" for name, report in problems.items())


def test_no_content_security_policy_violations_in_the_admin_or_on_the_site(
    site, in_review, browser
):
    """Every page we add, and the public pages, work under the policy: Chromium reports no
    blocked script, style, image or form."""
    imatinib, request = in_review
    revisions = list(versions_of(imatinib).values_list("revision_id", flat=True))
    pages = [
        "/admin/",
        "/admin/therapies/therapy/",
        f"/admin/therapies/therapy/{imatinib.pk}/change/",
        f"/admin/therapies/therapy/{imatinib.pk}/history/",
        f"/admin/therapies/therapy/{imatinib.pk}/compare/?older={revisions[0]}"
        f"&newer={revisions[-1]}",
        "/admin/reviews/reviewrequest/queue/",
        f"/admin/reviews/reviewrequest/{request.pk}/review/",
        f"/admin/reviews/reviewrequest/{request.pk}/preview/",
        f"/admin/reviews/reviewrequest/{request.pk}/preview/?width=phone",
        "/admin/reviews/auditevent/",
        "/",
        "/therapies/?condition=gastrointestinal-stromal-tumour",
        "/therapies/imatinib/",
        "/topics/targeted-therapies-soft-tissue-sarcoma/",
        "/glossary/",
        "/feedback/therapy/imatinib/?helpful=yes",
    ]
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("clinical")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site + "/admin/")
    for path in pages:
        response = page.goto(site + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
    assert blocked == []
