"""Bad input in the admin gets a form error, and nothing is saved."""

from django.contrib.contenttypes.models import ContentType

from reviews.models import PageReview
from therapies.models import GlossaryTerm


def test_next_review_before_the_review_date_is_a_form_error(admin_client, db):
    term = GlossaryTerm.objects.create(term="adjuvant", slug="adjuvant", explanation="After.")
    response = admin_client.post(
        "/admin/reviews/pagereview/add/",
        {
            "content_type": ContentType.objects.get_for_model(term).pk,
            "object_id": term.pk,
            "reviewed_on": "2026-01-10",
            "next_review_due": "2025-01-10",
        },
    )
    assert response.status_code == 200
    assert "The next review must come after the date it was reviewed." in response.text
    assert 'value="2026-01-10"' in response.text, "what the editor typed is kept"
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
