import datetime
import os
from pathlib import Path

import pytest

from reviews.models import EditorialRole, PageReview, Reviewer, ReviewerSnapshot
from therapies.models import (
    Availability,
    BrandName,
    Condition,
    DosageForm,
    DrugClass,
    Indication,
    SideEffect,
    Therapy,
    TherapySideEffect,
)
from therapies.publishing import build_publication, publish
from therapies.seed_loader import load_seed_content


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: no page or rate count from another test."""
    from django.core.cache import cache

    from therapies.editions import edition_clock
    from therapies.filters import published_choices
    from therapies.page_cache import local_pages

    cache.clear()
    local_pages.clear()
    edition_clock.forget()
    published_choices.cache_clear()


@pytest.fixture
def seed(db):
    """The seed page's content, loaded and published as `make run` does."""
    return load_seed_content()


@pytest.fixture
def approver(db):
    """A senior medical editor, as they were when they approved."""
    reviewer = Reviewer.objects.create(
        name="Dr Test Approver",
        job_title="Consultant Oncologist",
        editorial_role=EditorialRole.SENIOR_MEDICAL_EDITOR,
    )
    return ReviewerSnapshot.objects.of(reviewer, reviewer.editorial_role)


@pytest.fixture
def record_review(approver):
    def record(item, reviewed_on=datetime.date(2026, 1, 5), **kwargs):
        return PageReview.objects.create(
            item=item, reviewed_on=reviewed_on, approved_by=approver, **kwargs
        )

    return record


def get_or_make(model, name, **extra):
    slug = name.lower().replace(" ", "-")
    return model.objects.get_or_create(slug=slug, defaults={"name": name, **extra})[0]


@pytest.fixture
def make_therapy(record_review):
    """A therapy with the given facts, reviewed and published unless told otherwise."""

    def make(
        generic_name,
        *,
        brands=(),
        conditions=(),
        drug_class=None,
        forms=(),
        side_effects=(),
        nhs=None,
        published=True,
        **fields,
    ):
        therapy = Therapy.objects.create(
            generic_name=generic_name,
            slug=generic_name.lower(),
            drug_class=get_or_make(DrugClass, drug_class) if drug_class else None,
            **fields,
        )
        for brand in brands:
            BrandName.objects.create(therapy=therapy, name=brand)
        for condition in conditions:
            Indication.objects.create(therapy=therapy, condition=get_or_make(Condition, condition))
        therapy.dosage_forms.set([get_or_make(DosageForm, form) for form in forms])
        for position, effect in enumerate(side_effects):
            TherapySideEffect.objects.create(
                therapy=therapy, side_effect=get_or_make(SideEffect, effect), position=position
            )
        if nhs:
            Availability.objects.create(therapy=therapy, nation="uk", status=nhs)
        review = record_review(therapy)
        if published:
            publish(build_publication(therapy), review=review)
        return therapy

    return make


# Playwright's sync API runs an event loop; the ORM calls made beside it in a test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright. Skips, saying why, where either is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
