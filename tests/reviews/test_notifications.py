"""Workflow e-mails name people as colleagues know them, number revisions as the page's history
does, and link to the site at the address it is served on (SITE_URL)."""

import datetime
import os
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings

from reviews.reminders import send_review_reminders
from reviews.roles import name_of
from reviews.versions import revision_numbers, versions_of
from tests.reviews.test_workflow import decide, edit_summary, submit

SITE = "http://127.0.0.1:8123"


@pytest.fixture
def named(people):
    """The editor has a full name and no reviewer profile; the lay reviewer's profile name
    differs from their login's full name."""
    people["editor"].first_name, people["editor"].last_name = "Erin", "Editor"
    people["editor"].save()
    people["lay"].reviewer.name = "Lee Layreader"
    people["lay"].reviewer.save()
    return people


def test_a_person_is_named_by_reviewer_name_then_full_name_then_username(named):
    assert name_of(named["lay"]) == "Lee Layreader"
    assert name_of(named["editor"]) == "Erin Editor"
    named["editor2"].first_name = ""
    named["editor2"].save()
    assert name_of(named["editor2"]) == "editor2"


@override_settings(SITE_URL=SITE)
def test_review_e_mails_name_the_sender_and_link_to_the_site_served(
    imatinib, named, as_user, django_capture_on_commit_callbacks
):
    edit_summary(as_user, imatinib, "Clearer.")
    number = revision_numbers(imatinib)[versions_of(imatinib).last().revision_id]
    assert versions_of(imatinib).last().revision_id != number  # other pages' revisions came first
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(as_user, imatinib)
    review = f"{SITE}/admin/reviews/reviewrequest/{request.pk}/review/"
    wanted = next(m for m in mail.outbox if m.to == ["lay@example.org"])
    assert f"Erin Editor sent revision {number} of “imatinib” for review." in wanted.body
    assert f"Review it: {review}\n" in wanted.body
    assert "editor sent" not in wanted.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(as_user, request, "lay", "lay_reviewer", "changes_requested", "Simpler, please.")
    [changes] = mail.outbox
    assert (
        f"Lee Layreader (lay reviewer) asked for changes to revision {number} of “imatinib”"
        in changes.body
    )
    assert f"See the review: {review}\n" in changes.body


@override_settings(SITE_URL=SITE + "/")
def test_the_final_approval_e_mail_links_to_the_site_served(
    imatinib, named, as_user, django_capture_on_commit_callbacks
):
    edit_summary(as_user, imatinib, "Clearer.")
    request = submit(as_user, imatinib)
    with django_capture_on_commit_callbacks(execute=True):
        decide(as_user, request, "clinical", "clinical_reviewer")
        decide(as_user, request, "lay", "lay_reviewer")
    [ready, _] = mail.outbox  # to each senior medical editor
    number = len(versions_of(imatinib))
    assert f"Revision {number} of “imatinib” has every sign-off" in ready.body
    assert f"{SITE}/admin/reviews/reviewrequest/{request.pk}/review/\n" in ready.body


@override_settings(SITE_URL=SITE)
def test_review_reminders_link_to_the_site_served(seed, named):
    send_review_reminders(today=datetime.date(2026, 11, 27))  # the seed's pages are overdue
    assert mail.outbox
    assert all(f"Open the dashboard: {SITE}/admin/\n" in m.body for m in mail.outbox)


@pytest.mark.parametrize("target", ["run", "serve"])
def test_make_links_e_mails_to_the_port_it_serves_on(target):
    """`PORT=8123 make run` serves on 8123, so its e-mails link there too; a SITE_URL given
    (the public address, in production) wins."""
    root = Path(__file__).resolve().parents[2]

    def dry_run(**env) -> str:
        # Not the settings of a make this runs under (`make test`), which would change its output.
        outer = {"PORT", "SITE_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
        environ = {k: v for k, v in os.environ.items() if k not in outer}
        result = subprocess.run(
            ["make", "--dry-run", "--always-make", "--no-print-directory", target],
            cwd=root,
            env={**environ, **env},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()[-1]  # the command that serves

    assert "SITE_URL=http://127.0.0.1:8123 " in dry_run(PORT="8123")
    assert "SITE_URL=https://info.example.org " in dry_run(SITE_URL="https://info.example.org")
