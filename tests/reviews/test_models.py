import datetime

import pytest
from django.core.exceptions import ValidationError

from reviews.dates import add_months
from reviews.models import PageReview
from therapies.models import GlossaryTerm


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2022, 12, 1), 36, datetime.date(2025, 12, 1)),
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2023, 11, 15), 2, datetime.date(2024, 1, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.fixture
def term(db):
    return GlossaryTerm.objects.create(term="adjuvant", slug="adjuvant", explanation="After.")


def test_next_review_follows_the_default_cycle(term):
    review = PageReview.objects.create(item=term, reviewed_on=datetime.date(2022, 12, 1))
    assert review.next_review_due == datetime.date(2025, 12, 1)


def test_a_page_can_have_its_own_cycle(term):
    review = PageReview.objects.create(
        item=term, reviewed_on=datetime.date(2022, 12, 1), cycle_months=12
    )
    assert review.next_review_due == datetime.date(2023, 12, 1)


@pytest.mark.parametrize("months", [0, 61])
def test_a_cycle_outside_1_to_60_months_is_refused(term, months):
    review = PageReview(item=term, reviewed_on=datetime.date(2022, 12, 1), cycle_months=months)
    with pytest.raises(ValidationError, match="review cycle is at"):
        review.full_clean()


def test_a_review_is_overdue_from_the_day_it_is_due(seed):
    due = PageReview.objects.overdue(datetime.date(2025, 12, 1))
    assert due.count() == PageReview.objects.count() == 19
    assert all(review.is_overdue_on(datetime.date(2025, 12, 1)) for review in due)
    assert not PageReview.objects.overdue(datetime.date(2025, 11, 30)).exists()


def test_a_review_is_due_soon_in_the_90_days_before_it_is_due(seed):
    review = PageReview.objects.first()
    assert review.next_review_due == datetime.date(2025, 12, 1)
    for today, soon in [
        (datetime.date(2025, 9, 1), False),
        (datetime.date(2025, 9, 2), True),
        (datetime.date(2025, 11, 30), True),
        (datetime.date(2025, 12, 1), False),  # due today: overdue, no longer "soon"
    ]:
        assert review.is_due_soon_on(today) is soon, today
        assert PageReview.objects.due_soon_or_overdue(today).filter(pk=review.pk).exists() is (
            soon or review.is_overdue_on(today)
        )
