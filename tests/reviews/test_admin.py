"""Bad input in the admin gets a form error, and nothing is saved."""

import pytest

from reviews.models import PageReview


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
