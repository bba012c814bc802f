"""Bad input in the admin gets a form error, and nothing is saved."""

import pytest
from django.contrib.contenttypes.models import ContentType

from reviews.models import PageReview
from therapies.models import GlossaryTerm


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reviewed_on": "2026-01-10", "cycle_months": "0"}, "A review cycle is at least 1 month."),
        ({"reviewed_on": "2026-01-10", "cycle_months": "61"}, "at most 60 months"),
        ({"reviewed_on": "2999-01-10", "cycle_months": ""}, "cannot be in the future"),
        ({"reviewed_on": "10/10/20xx", "cycle_months": ""}, "Enter a valid date."),
    ],
)
def test_bad_review_dates_are_form_errors_and_nothing_is_saved(admin_client, db, data, message):
    term = GlossaryTerm.objects.create(term="adjuvant", slug="adjuvant", explanation="After.")
    response = admin_client.post(
        "/admin/reviews/pagereview/add/",
        {
            "content_type": ContentType.objects.get_for_model(term).pk,
            "object_id": term.pk,
            **data,
        },
    )
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{data["reviewed_on"]}"' in response.text, "what the editor typed is kept"
    assert not PageReview.objects.exists()


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
