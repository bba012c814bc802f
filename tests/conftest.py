import datetime
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connections, transaction

from reviews.models import EditorialRole, PageReview, Reviewer, ReviewerSnapshot
from reviews.seed_loader import load_seed_content
from tests.records import drawings_done
from therapies.models import (
    Availability,
    BrandName,
    Condition,
    DosageForm,
    DrugClass,
    Indication,
    SideEffect,
    SiteEdition,
    Therapy,
    TherapySideEffect,
)
from therapies.publishing import build_snapshot, publish


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: no page or rate count from another test."""
    from django.core.cache import cache

    from therapies import context_processors
    from therapies.editions import edition_clock
    from therapies.filters import published_choices
    from therapies.page_cache import local_pages

    cache.clear()
    local_pages.clear()
    edition_clock.forget()
    context_processors.forget()
    published_choices.cache_clear()


@pytest.fixture(autouse=True)
def no_drawing_left_running():
    """A test that approves a page in committed transactions (a live server's) starts a
    record's PDF drawing: it ends before the test's database is emptied."""
    yield
    drawings_done()


@pytest.fixture(autouse=True, scope="session")
def record_pdfs_removed():
    """The records' PDFs tests draw go to a folder of the test process's own (settings_test):
    removed when the tests end."""
    from django.conf import settings

    yield
    shutil.rmtree(settings.RECORD_PDF_DIR, ignore_errors=True)


# What loading the seed writes, row by row, by the content types it was loaded with: a test that
# empties the database (a live server's) makes Django create them again, under new ids.
SEED_ROWS: dict[tuple, tuple[Counter, dict]] = {}


def seed_rows() -> tuple[Counter, dict]:
    """The seed loader's counts and the rows it writes, taken once per test process and set of
    content types: the loader takes about a second, copying its rows back a few milliseconds.
    The load itself is rolled back."""
    key = tuple(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model"))
    if key not in SEED_ROWS:
        with transaction.atomic():
            before = {model: rows_of(model) for model in every_model()}
            counts = load_seed_content()
            written = {}
            for model in every_model():
                if model is SiteEdition:
                    continue  # publishing moves the site's edition on; `seed` moves it on too
                after = rows_of(model)
                new = [row for pk, row in after.items() if pk not in before[model]]
                if new:
                    written[model] = new
                changed = [pk for pk, row in before[model].items() if after.get(pk) != row]
                assert not changed, f"the seed loader changed or deleted rows: {model}"
            transaction.set_rollback(True)
        SEED_ROWS[key] = counts, dict(in_dependency_order(written))
    return SEED_ROWS[key]


def in_dependency_order(written: dict):
    """The models a row points to before the row's own: some foreign keys are checked at once."""
    placed: set = set()
    waiting = list(written)
    while waiting:
        for model in waiting:
            targets = {
                field.related_model
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is not model
            }
            if not (targets & set(waiting)) - placed:
                placed.add(model)
                waiting.remove(model)
                yield model, written[model]
                break
        else:
            raise AssertionError(f"rows that point to each other: {waiting}")


def every_model():
    return apps.get_models(include_auto_created=True)


def pk_index(model) -> int:
    return [field.attname for field in model._meta.concrete_fields].index(model._meta.pk.attname)


def rows_of(model) -> dict:
    """Every row of `model`'s table by primary key, each as a tuple of its column values."""
    fields = [field.attname for field in model._meta.concrete_fields]
    rows = model._base_manager.order_by().values_list(*fields)
    return {row[pk_index(model)]: row for row in rows}


@pytest.fixture
def seed(db):
    """The seed page's content, loaded and published as `make run` does: the rows the loader
    wrote, written again as they were (no signals: each test starts with a clear cache)."""
    counts, written = seed_rows()
    if any(
        model._base_manager.filter(pk__in=[row[pk_index(model)] for row in rows]).exists()
        for model, rows in written.items()
    ):
        return load_seed_content()  # rows made before the seed hold its ids: load it for real
    with transaction.atomic():
        for model, rows in written.items():
            fields = [field.attname for field in model._meta.concrete_fields]
            objects = (model(**dict(zip(fields, row, strict=True))) for row in rows)
            model._base_manager.bulk_create(objects)
        SiteEdition.objects.advance()
    connection = connections["default"]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(written)):
            cursor.execute(sql)
    return Counter(counts)


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
            publish(build_snapshot(therapy), review=review)
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
