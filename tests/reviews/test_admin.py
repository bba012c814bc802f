"""Bad input in the admin gets a form error, and nothing is saved. The workflow's own admin
pages are laid out as Django's admin lays out its own."""

import re
from html.parser import HTMLParser

import pytest
from reversion.models import Version

from reviews import services
from reviews.models import PageReview, Publication
from reviews.versions import versions_of
from tests.admin_forms import save
from therapies.models import DrugClass, PublishedPage


@pytest.mark.parametrize(
    ("cycle", "message"),
    [
        ("0", "A review cycle is at least 1 month."),
        ("61", "A review cycle is at most 60 months (5 years)."),
        ("twelve", "Enter a whole number."),
    ],
)
def test_a_bad_review_cycle_is_a_form_error_and_nothing_is_saved(
    seed, admin_client, cycle, message
):
    review = PageReview.objects.first()
    url = f"/admin/reviews/pagereview/{review.pk}/change/"
    response = admin_client.post(url, {"cycle_months": cycle})
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{cycle}"' in response.text, "what the editor typed is kept"
    review.refresh_from_db()
    assert review.cycle_months is None


def test_review_dates_cannot_be_typed_in_only_moved_by_a_review(seed, admin_client):
    review = PageReview.objects.first()
    url = f"/admin/reviews/pagereview/{review.pk}/change/"
    response = admin_client.post(
        url, {"reviewed_on": "2026-11-01", "cycle_months": "24", "approved_by": ""}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reviewed_on.isoformat() == "2022-12-01"
    assert review.approved_by.name == "Fiona Cowie"
    assert review.next_review_due.isoformat() == "2024-12-01"  # the new cycle applies
    assert admin_client.get("/admin/reviews/pagereview/add/").status_code == 403


def test_a_therapy_with_a_duplicate_name_is_a_form_error(admin_client, make_therapy):
    make_therapy("imatinib")
    response = admin_client.post(
        "/admin/therapies/therapy/add/",
        {
            "generic_name": "imatinib",
            "slug": "imatinib-2",
            "summary": "A second imatinib.",
            **{
                f"{prefix}-{field}": value
                for prefix in [
                    "brand_names",
                    "indications",
                    "side_effect_links",
                    "availability",
                    "reviews-pagereview-content_type-object_id",
                ]
                for field, value in {
                    "TOTAL_FORMS": "0",
                    "INITIAL_FORMS": "0",
                    "MIN_NUM_FORMS": "0",
                    "MAX_NUM_FORMS": "1000",
                }.items()
            },
        },
    )
    assert response.status_code == 200
    assert "Therapy with this Generic name already exists." in response.text
    assert "A second imatinib." in response.text


class Breadcrumbs(HTMLParser):
    """The admin's breadcrumb trail: each step's text, its link, and whether it is this page."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.steps: list[list] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ol" and "breadcrumbs" in (attrs.get("class") or "").split():
            self.inside = True
        elif self.inside and tag == "li":
            self.steps.append(["", None, attrs.get("aria-current") == "page"])
        elif self.inside and tag == "a":
            self.steps[-1][1] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "ol":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.steps:
            self.steps[-1][0] += data


def trail(response) -> list[tuple[str, str | None]]:
    """The steps of the page's breadcrumbs; only the last may be, and must be, the page itself."""
    assert response.status_code == 200, response.status_code
    parser = Breadcrumbs()
    parser.feed(response.text)
    assert parser.steps, "no breadcrumbs in the admin's markup (an <ol class=breadcrumbs>)"
    assert [current for _, _, current in parser.steps] == [False] * (len(parser.steps) - 1) + [True]
    return [(" ".join(text.split()), link) for text, link, _ in parser.steps]


def test_every_workflow_page_has_the_admins_breadcrumbs(imatinib, people, as_user):
    """Home, the app, the model's list, the object, then the page: as Django's change form and
    history page draw them, each step but the last a link."""
    editor = as_user("editor")
    save(editor, f"/admin/therapies/therapy/{imatinib.pk}/change/", summary="Imatinib is a tablet.")
    request = services.submit_for_review(item=imatinib, user=people["editor"], summary="Plainer.")
    revisions = list(versions_of(imatinib).values_list("revision_id", flat=True))
    added = {"name": "Test class", "slug": "test-class", "change_summary": "Added."}
    assert editor.post("/admin/therapies/drugclass/add/", added).status_code == 302
    drug_class = DrugClass.objects.get(slug="test-class")
    deleted = editor.post(f"/admin/therapies/drugclass/{drug_class.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    version = Version.objects.get_deleted(DrugClass).get()
    publication = Publication.objects.first()
    published = PublishedPage.objects.get(slug="imatinib")

    therapy = [
        ("Home", "/admin/"),
        ("Patient information", "/admin/therapies/"),
        ("Therapies", "/admin/therapies/therapy/"),
        ("imatinib", f"/admin/therapies/therapy/{imatinib.pk}/change/"),
    ]
    history = f"/admin/therapies/therapy/{imatinib.pk}/history/"
    reviews = [("Home", "/admin/"), ("Reviews", "/admin/reviews/")]
    requests = [*reviews, ("Review requests", "/admin/reviews/reviewrequest/")]
    drug_classes = [
        ("Home", "/admin/"),
        ("Patient information", "/admin/therapies/"),
        ("Drug classes", "/admin/therapies/drugclass/"),
    ]
    pages = {
        history: ("editor", [*therapy, ("History", None)]),
        f"/admin/therapies/therapy/{imatinib.pk}/compare/?older={revisions[0]}"
        f"&newer={revisions[-1]}": (
            "editor",
            [*therapy, ("History", history), ("Compare revisions 1 and 2", None)],
        ),
        f"/admin/therapies/therapy/{imatinib.pk}/submit/": (
            "editor",
            [*therapy, ("Send for review", None)],
        ),
        f"/admin/therapies/therapy/{imatinib.pk}/confirm-review/": (
            "editor",
            [*therapy, ("Record a review", None)],
        ),
        f"/admin/reviews/reviewrequest/{request.pk}/review/": (
            "clinical",
            [*requests, ("imatinib", None)],
        ),
        "/admin/reviews/reviewrequest/queue/": (
            "clinical",
            [*requests, ("Awaiting my review", None)],
        ),
        f"/admin/reviews/publication/{publication.pk}/record/": (
            "clinical",
            [
                *reviews,
                ("Publications", "/admin/reviews/publication/"),
                (str(publication), f"/admin/reviews/publication/{publication.pk}/change/"),
                ("Production record", None),
            ],
        ),
        "/admin/therapies/drugclass/recover/": (
            "editor",
            [*drug_classes, ("Recover deleted drug classes", None)],
        ),
        f"/admin/therapies/drugclass/recover/{version.pk}/": (
            "editor",
            [
                *drug_classes,
                ("Recover deleted drug classes", "/admin/therapies/drugclass/recover/"),
                ("Test class", None),
            ],
        ),
        f"/admin/therapies/publishedpage/{published.pk}/withdraw/": (
            "senior",
            [
                ("Home", "/admin/"),
                ("Patient information", "/admin/therapies/"),
                ("Published pages", "/admin/therapies/publishedpage/"),
                ("therapy: imatinib", f"/admin/therapies/publishedpage/{published.pk}/change/"),
                ("Withdraw", None),
            ],
        ),
    }
    found = {url: trail(as_user(who).get(url)) for url, (who, _) in pages.items()}
    assert found == {url: expected for url, (_, expected) in pages.items()}


def test_a_workflow_form_is_laid_out_as_the_admins_change_form(imatinib, as_user):
    """Fieldset, rows with label, help text and errors, then a submit row of admin buttons."""
    url = f"/admin/therapies/therapy/{imatinib.pk}/submit/"
    page = as_user("editor").post(url, {"summary": ""}).text
    assert '<p class="errornote">Please correct the error below.</p>' in page
    fieldset = re.search(r'<fieldset class="module aligned">(.*?)</fieldset>', page, re.S)
    assert fieldset is not None
    # The summary's row, up to the next row.
    summary = fieldset[1].split('<div class="form-row field-summary">')[1].split("form-row")[0]
    assert '<div class="flex-container errors">' in summary
    assert '<label for="id_summary" class="required">Summary:</label>' in summary
    assert '<div class="help" id="id_summary_helptext">' in summary
    assert '<ul class="errorlist" id="id_summary_error"><li>This field is required.' in summary
    assert '<div class="checkbox"><input type="checkbox" name="is_review"' in fieldset[1]
    assert re.search(r'<div class="submit-row"><button type="submit" class="button default">', page)
