"""The review dates list is a working list: where each page's review stands today, who answers
for it (the responsible editor, else the page's last author, as the reminders name them),
filters by status, page type and person, search by name, and a CSV of what it shows."""

import csv
import datetime
import io
import re
from html import unescape

import pytest
import reversion
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.models import PageReview
from reviews.reminders import send_review_reminders
from therapies.models import Condition, PublishedPage, Therapy

LIST = "/admin/reviews/pagereview/"


def today() -> datetime.date:
    return timezone.localdate()


def due_in(therapy, days: int) -> PageReview:
    """Set the page's next review `days` from today (before today, when negative)."""
    review = PageReview.objects.for_item(therapy).get()
    review.next_review_due = today() + datetime.timedelta(days=days)
    PageReview.objects.filter(pk=review.pk).update(next_review_due=review.next_review_due)
    return review


def saved_by(item, user):
    """A revision of `item` saved by `user`, as an edit in the admin makes."""
    with reversion.create_revision():
        item.save()
        reversion.set_user(user)


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def rows(client, query: str = "") -> list[dict[str, str]]:
    """The list's rows, each as {column: text}, in the order shown."""
    response = client.get(f"{LIST}{query}")
    assert response.status_code == 200, response.text[:2000]
    body = (
        response.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        if "<tbody>" in (response.text)
        else ""
    )
    return [
        {
            name: text(cell)
            for name, cell in re.findall(
                r'<t[dh] class="field-(\w+)[^"]*"[^>]*>(.*?)</t[dh]>', row, re.S
            )
        }
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def pages(client, query: str = "") -> list[str]:
    return [row["page"] for row in rows(client, query)]


def exported(client, query: str = "") -> list[dict[str, str]]:
    separator = "&" if query else "?"
    response = client.get(f"{LIST}{query}{separator}export=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="review-dates-')
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff"), "a byte order mark, so a spreadsheet reads UTF-8"
    return list(csv.DictReader(io.StringIO(content.removeprefix("\ufeff"))))


@pytest.fixture
def due_pages(make_therapy):
    """Published therapies named by when their review is due, in days from today."""
    made = {}
    for days in [-1, 0, 1, 30, 31, 90, 91]:
        name = f"duem{-days}" if days < 0 else f"duep{days}" if days else "due0"
        made[days] = make_therapy(name)
        due_in(made[days], days)
    return made


# Where a review stands, at the edges of each status.
@pytest.mark.parametrize(
    ("status", "listed"),
    [
        ("overdue", ["duem1", "due0"]),
        ("due_30", ["duep1", "duep30"]),
        # Due in the next 90 days takes in those due in the next 30, as the dashboard counts.
        ("due_90", ["duep1", "duep30", "duep31", "duep90"]),
        ("not_yet_due", ["duep91"]),
        ("not_on_site", []),
    ],
)
def test_the_status_filter_puts_each_review_in_its_place_on_the_boundaries(
    due_pages, as_user, status, listed
):
    assert pages(as_user("editor"), f"?review_status={status}") == listed


def test_each_row_flags_its_status_in_words_and_counts_the_days_overdue(due_pages, as_user):
    shown = {
        row["page"]: (row["status_flag"], row["overdue_days"]) for row in rows(as_user("editor"))
    }
    assert shown == {
        "duem1": ("Overdue", "1"),
        "due0": ("Overdue", "0 (due today)"),
        "duep1": ("Due within 30 days", "due in 1 day"),
        "duep30": ("Due within 30 days", "due in 30 days"),
        "duep31": ("Due within 90 days", "due in 31 days"),
        "duep90": ("Due within 90 days", "due in 90 days"),
        "duep91": ("Not yet due", "due in 91 days"),
    }
    page = as_user("editor").get(LIST).text
    assert '<span class="status-tag review-overdue">Overdue</span>' in page
    # The backward-looking date filters are gone.
    assert "Past 7 days" not in page and 'class="toplinks"' not in page  # no date drill-down


def test_the_list_is_sorted_by_next_review_soonest_first(due_pages, as_user):
    assert pages(as_user("editor")) == [
        "duem1",
        "due0",
        "duep1",
        "duep30",
        "duep31",
        "duep90",
        "duep91",
    ]


def test_a_page_readers_cannot_see_is_never_counted_overdue(make_therapy, as_user):
    draft = make_therapy("draftinib", published=False)
    due_in(draft, -10)
    assert rows(as_user("editor")) == [
        {
            "page": "draftinib",
            "status_flag": "Not on the site",
            "overdue_days": "-",  # the admin's mark for nothing to show
            "next_review": f"{today() - datetime.timedelta(days=10):%d %b %Y}",
            "last_reviewed": "05 Jan 2026",
            "page_type": "therapy",
            "responsible": "Not set",
        }
    ]
    assert pages(as_user("editor"), "?review_status=overdue") == []
    assert pages(as_user("editor"), "?review_status=not_on_site") == ["draftinib"]


def test_the_responsible_editor_defaults_to_the_page_s_last_author(make_therapy, as_user, people):
    therapy = make_therapy("authorinib")
    saved_by(therapy, people["editor2"])
    saved_by(therapy, people["editor"])
    with reversion.create_revision():  # a revision made by no one (the seed loader's)
        therapy.save()
    [row] = rows(as_user("senior"))
    assert row["responsible"] == "Editor (last author)"
    # A last author who has left hands it to the one before them.
    people["editor"].is_active = False
    people["editor"].save()
    [row] = rows(as_user("senior"))
    assert row["responsible"] == "Editor2 (last author)"


def test_a_responsible_editor_set_on_the_page_wins_over_the_last_author(
    make_therapy, as_user, people
):
    therapy = make_therapy("choseninib")
    saved_by(therapy, people["editor"])
    review = PageReview.objects.for_item(therapy).get()
    # Set in the review record's form, which the list's responsible editor column leads to.
    client = as_user("senior")
    page = client.get(LIST).text
    assert f'href="/admin/reviews/pagereview/{review.pk}/change/">Editor' in page
    response = client.post(
        f"/admin/reviews/pagereview/{review.pk}/change/",
        {"cycle_months": "", "responsible_editor": people["editor2"].pk},
    )
    assert response.status_code == 302
    [row] = rows(client)
    assert row["responsible"] == "Editor2"
    # One who has left no longer answers for it: the last author does again.
    people["editor2"].is_active = False
    people["editor2"].save()
    [row] = rows(client)
    assert row["responsible"] == "Editor (last author)"


def test_the_choices_are_who_can_send_pages_and_saving_the_cycle_keeps_who_is_responsible(
    make_therapy, as_user, people
):
    therapy = make_therapy("keptinib")
    review = PageReview.objects.for_item(therapy).get()
    # Made responsible elsewhere (the reminders' rule asks only that they are active), though
    # a senior medical editor sends no pages and is not among the form's choices.
    review.responsible_editor = people["senior"]
    review.save()
    url = f"/admin/reviews/pagereview/{review.pk}/change/"
    client = as_user("senior")
    form = client.get(url).text
    choices = form.split('name="responsible_editor"')[1].split("</select>")[0]
    assert f'value="{people["editor2"].pk}">Editor2</option>' in choices
    assert "Dr Clinical" not in choices and "Dr Lay" not in choices
    assert f'value="{people["senior"].pk}" selected>Dr Senior</option>' in choices
    response = client.post(url, {"cycle_months": "24", "responsible_editor": people["senior"].pk})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.cycle_months, review.responsible_editor) == (24, people["senior"])


def test_reminders_go_to_the_person_the_list_names(make_therapy, people):
    therapy = make_therapy("remindinib")
    due_in(therapy, 10)
    # Nobody named: every editor is told.
    send_review_reminders(today=today())
    assert sorted(mail.outbox[-1].to) == ["editor2@example.org", "editor@example.org"]
    # The last author, once there is one.
    saved_by(therapy, people["editor2"])
    due_in(therapy, 0)
    send_review_reminders(today=today())
    assert mail.outbox[-1].to == ["editor2@example.org"]
    # The responsible editor, once one is set.
    PageReview.objects.for_item(therapy).update(responsible_editor=people["senior"])
    due_in(therapy, -1)
    send_review_reminders(today=today())
    assert mail.outbox[-1].to == ["senior@example.org"]


def test_the_list_filters_by_responsible_editor(make_therapy, as_user, people):
    mine, theirs, _ = (make_therapy(name) for name in ["minib", "theirinib", "nobodinib"])
    saved_by(mine, people["editor"])
    PageReview.objects.for_item(theirs).update(responsible_editor=people["editor2"])
    client = as_user("editor")
    assert pages(client, f"?responsible={people['editor'].pk}") == ["minib"]
    assert pages(client, f"?responsible={people['editor2'].pk}") == ["theirinib"]
    assert pages(client, "?responsible=nobody") == ["nobodinib"]
    page = client.get(LIST).text
    assert "By responsible editor" in page
    # A value that is no one's is no filter, and no error.
    for value in ["x", "99999999999999999999999", str(people["lay"].pk)]:
        assert len(pages(client, f"?responsible={value}")) == 3


def test_the_list_searches_by_page_name(make_therapy, as_user):
    for name in ["imatinib", "sunitinib", "pazopanib"]:
        make_therapy(name)
    client = as_user("editor")
    assert pages(client, "?q=tinib") == ["imatinib", "sunitinib"]
    assert pages(client, "?q=IMAT") == ["imatinib"]
    assert pages(client, "?q=nothing+like+it") == []
    assert "Search by the page's name" in unescape(client.get(LIST).text)


def test_the_page_type_filter_offers_only_types_of_page_with_reviews(
    make_therapy, record_review, as_user
):
    make_therapy("typinib")
    # A review record of a row that is not a page (none is made so, but the table allows it).
    record_review(Condition.objects.create(name="Sarcoma", slug="sarcoma"))
    client = as_user("editor")
    page = client.get(LIST).text
    choices = re.findall(r'href="\?page_type=(\w+)"[^>]*>([^<]+)<', page)
    assert choices == [("therapy", "Therapy")]
    assert pages(client, "?page_type=therapy") == ["typinib"]
    # A kind not offered is no filter, and no error.
    assert len(pages(client, "?page_type=topic")) == 2
    assert len(pages(client, "?page_type=condition")) == 2


def test_the_page_links_to_its_own_form(make_therapy, as_user):
    therapy = make_therapy("linkinib")
    page = as_user("editor").get(LIST).text
    assert f'<a href="/admin/therapies/therapy/{therapy.pk}/change/">linkinib</a>' in page
    assert "<h1>Review dates</h1>" in page


def test_the_csv_export_holds_the_rows_shown_with_their_filters_and_search(
    due_pages, make_therapy, as_user, people, settings
):
    settings.SITE_URL = "https://sarcoma.example.org"
    saved_by(due_pages[-1], people["editor"])
    client = as_user("editor")
    page = client.get(f"{LIST}?review_status=overdue").text
    assert '<a href="?export=csv&amp;review_status=overdue" download>Export as CSV</a>' in page
    assert exported(client, "?review_status=overdue") == [
        {
            "Page": "duem1",
            "Page type": "therapy",
            "Address on the site": "https://sarcoma.example.org/therapies/duem1/",
            "Last reviewed": "2026-01-05",
            "Next review due": (today() - datetime.timedelta(days=1)).isoformat(),
            "Days overdue": "1",
            "Status": "Overdue",
            "Responsible editor": "Editor (last author)",
        },
        {
            "Page": "due0",
            "Page type": "therapy",
            "Address on the site": "https://sarcoma.example.org/therapies/due0/",
            "Last reviewed": "2026-01-05",
            "Next review due": today().isoformat(),
            "Days overdue": "0",
            "Status": "Overdue",
            "Responsible editor": "",
        },
    ]
    assert [row["Page"] for row in exported(client, "?q=p9")] == ["duep90", "duep91"]
    assert len(exported(client)) == 7
    assert [row["Days overdue"] for row in exported(client, "?review_status=due_30")] == ["", ""]


def test_the_csv_export_keeps_spreadsheet_formulas_as_text(make_therapy, as_user):
    for n, title in enumerate(["=HYPERLINK(evil)", "+sum", "-minus", "@at", "plain"]):
        therapy = make_therapy(f"title{n}")
        PublishedPage.objects.filter(object_id=therapy.pk).update(title=title)
    names = {row["Page"] for row in exported(as_user("editor"))}
    assert names == {"'=HYPERLINK(evil)", "'+sum", "'-minus", "'@at", "plain"}


def test_the_csv_export_needs_the_list_s_permission(make_therapy, client, people):
    make_therapy("secretinib")
    assert client.get(f"{LIST}?export=csv").status_code == 302  # to the login page
    people["editor"].is_staff = True
    people["editor"].groups.clear()  # staff, with no permission to view review dates
    client.force_login(people["editor"])
    assert client.get(f"{LIST}?export=csv").status_code == 403


def test_the_dashboard_counts_lead_into_the_list_filtered_alike(due_pages, as_user):
    client = as_user("editor")
    page = client.get("/admin/").text
    assert "Reviews overdue (2)" in page
    assert "Reviews due in the next 90 days (4)" in page
    overdue = re.search(r'<a href="([^"]+)">See these 2 in the review dates list</a>', page)
    soon = re.search(r'<a href="([^"]+)">See these 4 in the review dates list</a>', page)
    assert overdue and soon
    assert unescape(overdue.group(1)) == f"{LIST}?review_status=overdue"
    assert unescape(soon.group(1)) == f"{LIST}?review_status=due_90"
    assert pages(client, "?review_status=overdue") == ["duem1", "due0"]
    assert len(pages(client, "?review_status=due_90")) == 4


def add_pages(count: int, start: int, people):
    """`count` published pages, each with a review due a different day and a revision by one of
    the editors; every third with a responsible editor, every fifth with none of either."""
    editors = [people["editor"], people["editor2"], people["senior"]]
    for n in range(start, start + count):
        therapy = Therapy.objects.create(generic_name=f"drug{n:04d}", slug=f"drug{n:04d}")
        review = PageReview.objects.create(
            item=therapy,
            reviewed_on=datetime.date(2025, 1, 1),
            responsible_editor=editors[n % 3] if n % 3 == 0 else None,
        )
        PageReview.objects.filter(pk=review.pk).update(
            next_review_due=today() + datetime.timedelta(days=n % 200 - 100)
        )
        if n % 5:
            saved_by(therapy, editors[n % 2])
        PublishedPage.objects.create(
            kind="therapy",
            object_id=therapy.pk,
            slug=therapy.slug,
            title=therapy.generic_name,
            sort_name=therapy.generic_name,
            document={},
            review=review,
            published_at=timezone.now(),
        )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


URLS = [
    LIST,
    f"{LIST}?review_status=overdue",
    f"{LIST}?review_status=due_90",
    f"{LIST}?page_type=therapy&q=drug",
    f"{LIST}?_facets=1",
    f"{LIST}?export=csv",
    f"{LIST}?review_status=overdue&export=csv",
]


def test_the_list_and_its_export_take_the_same_queries_for_10_pages_as_for_many(people, as_user):
    client = as_user("senior")
    add_pages(10, 0, people)
    for url in URLS:  # what is read once per process (content types…) is read now
        queries(client, url)
    small = {url: queries(client, url) for url in URLS}
    add_pages(90, 10, people)
    large = {url: queries(client, url) for url in URLS}
    assert large == small
    assert len(rows(client)) == 100
