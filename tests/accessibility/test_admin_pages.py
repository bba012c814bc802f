"""The admin pages this project adds pass the same axe check as the public site."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from reviews import roles, services
from reviews.models import EditorialRole, Reviewer
from reviews.versions import versions_of
from tests.accessibility.test_public_pages import axe_problems
from tests.admin_forms import save
from therapies.models import Therapy

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
    request = services.submit_for_review(item=imatinib, user=editor, summary="Plainer words.")
    return imatinib, request


def test_no_axe_violations_on_the_workflow_admin_pages(site, in_review, browser):
    imatinib, request = in_review
    revisions = list(versions_of(imatinib).values_list("revision_id", flat=True))
    pages = {
        "dashboard": "/admin/",
        "queue": "/admin/reviews/reviewrequest/queue/",
        "review": f"/admin/reviews/reviewrequest/{request.pk}/review/",
        "history": f"/admin/therapies/therapy/{imatinib.pk}/history/",
        "comparison": f"/admin/therapies/therapy/{imatinib.pk}/compare/"
        f"?older={revisions[0]}&newer={revisions[-1]}",
        "change form": f"/admin/therapies/therapy/{imatinib.pk}/change/",
    }
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("clinical")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site + "/admin/")
    problems = {}
    for name, path in pages.items():
        response = page.goto(site + path)
        assert response.status == 200, name
        problems[name] = axe_problems(page)
    found = {name: report for name, report in problems.items() if report}
    assert not found, "\n\n".join(f"== {name}\n{report}" for name, report in found.items())


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
