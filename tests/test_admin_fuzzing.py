"""Whatever an editor types into the admin's content forms, the admin answers without a server
error. Either it saves, and what is saved is exactly what the form cleaned (text stripped of
surrounding space), or it shows the form again with an error message, with everything typed
still in its field, and with nothing written: no row, no revision, no audit event.

The forms, their fields and their inlines are read from the admin itself: the models from the
registry (those the editors' permission table lists), the fields from the form each page
renders. A model or field added later is fuzzed too; a field of a kind no strategy here
knows fails the test until it has one.
"""

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.forms.models import InlineForeignKeyField
from django.test import Client, RequestFactory
from django.utils.html import escape
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reversion.models import Revision, Version

from reviews import roles
from reviews.admin.base import ReviewedContentAdmin
from reviews.seed_loader import load_seed_content
from tests.admin_forms import form_data, log_in
from therapies.models import SideEffect, Therapy, Topic, TopicSection, tidy_text

# Every content model the editors' permission table names and the admin has a page for.
EDITED = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label == "therapies" and model._meta.model_name in roles.CONTENT_MODELS
    ),
    key=lambda model: model._meta.model_name,
)
FORMS = [
    pytest.param(model, mode, id=f"{model._meta.model_name}-{mode}")
    for model in EDITED
    for mode in ["add", "change"]
]
# Per form; 25 keeps the module near a minute here. ADMIN_FUZZ_EXAMPLES=500 for a long hunt.
EXAMPLES = int(os.environ.get("ADMIN_FUZZ_EXAMPLES", "25"))
EDITOR = ("fuzz-editor", "fuzz-editor-pass-1")

examples = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # Explaining a failure replays it many times over: slow here, and the traceback says enough.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- What people (and robots, and pasted documents) type ---------------------------------------

# Lone surrogates cannot be encoded into a request, so no browser can send them.
CHARACTERS = st.characters(exclude_categories=["Cs"])
WHITESPACE = " \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2003\u2028\u3000"
NASTY_TEXT = [
    "\x00",
    "tablets\x00",
    "' OR 1=1 --",
    "Robert'); DROP TABLE therapies_therapy;--",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><b>bold</b>",
    "{{ request.user }} {% debug %}",
    "%s %(name)s {0} {}",
    "&amp; &lt; &#0; &#xD800;",
    "\u202etxet\u202c",
    "\ufeffBOM",
    "e\u0301\u0301\u0301",
    "😀" * 40,
    "\r\nline\rline\n",
]
NASTY_SLUGS = ["ça-va", "a b", "a/b", "../x", "-", "UPPER-case", "x" * 250, "١٢٣", "slug\x00"]
NASTY_URLS = [
    "example.org",
    "http://",
    "javascript:alert(1)",
    "http://exa mple.com",
    "http://[::1",
    "ftp://example.org/x",
    "http://" + "a" * 600 + ".org",
    "https://example.org/\x00",
    "//example.org",
    "http://例え.テスト/パス",
]
NASTY_NUMBERS = ["abc", "-1", "1.5", "1e3", "0x10", " 7 ", "٣", "\uff11", "NaN", "∞", "9" * 30]
NASTY_IDS = ["abc", "-1", "0", "999999", "1.5", "1 OR 1=1", "\uff11", "1\x00", " ", "9" * 25]
NASTY_DATES = ["2025-02-30", "31/12/2025", "0000-00-00", "9999-99-99", "99999-01-01", "2025-1-1"]
NASTY_CHOICES = ["nope", "AT_HOME", " at_home", "\x00", "1", "None"]


def texts(max_length: int | None, existing: list[str]) -> st.SearchStrategy[str]:
    limit = max_length or 2000
    return st.one_of(
        st.text(CHARACTERS, max_size=60),
        st.from_regex(r"[A-Za-z][A-Za-z ,.()-]{0,40}", fullmatch=True),
        st.sampled_from(NASTY_TEXT),
        st.text(st.sampled_from(WHITESPACE), min_size=1, max_size=8),
        # Longer than the field allows, by a little or a lot.
        st.integers(1, 40).map(lambda extra: "x" * (limit + extra)),
        *([] if not existing else [duplicates(existing)]),
    )


def duplicates(existing: list[str]) -> st.SearchStrategy[str]:
    """What another row already has, as typed or with space around it."""
    return st.tuples(st.sampled_from(existing), st.sampled_from(["", " ", "\n"])).map(
        lambda pair: pair[1] + pair[0] + pair[1]
    )


def slugs(max_length: int | None, existing: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.from_regex(r"[a-z0-9][a-z0-9_-]{0,30}", fullmatch=True),
        st.text(CHARACTERS, max_size=30),
        st.sampled_from(NASTY_SLUGS),
        *([] if not existing else [duplicates(existing)]),
    )


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-5, 50).map(str),
        st.integers().map(str),
        st.sampled_from(NASTY_NUMBERS),
    )


def ids(valid: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        *([st.sampled_from(valid)] if valid else []),
        st.sampled_from(NASTY_IDS),
        st.integers().map(str),
    )


# --- Reading the forms from the admin ------------------------------------------------------------


@dataclass
class Field:
    """One input of the page: its POST name, the form field behind it, and how to fuzz it."""

    name: str
    form_field: forms.Field
    kind: str
    model: type
    field_name: str
    row: tuple[str, int] | None = None  # (formset prefix, index) for an inline's row


# Kinds whose value is the typed text itself: shown again as typed, saved stripped.
TYPED = {"text", "slug", "url"}


def kind_of(field: forms.Field) -> str | None:
    if isinstance(field, InlineForeignKeyField):
        return None  # the parent's id, set by the formset itself
    if isinstance(field, forms.ModelMultipleChoiceField):
        return "many"
    if isinstance(field, forms.ModelChoiceField):
        return None if field.widget.is_hidden else "one"  # an inline row's own id
    for form_class, kind in [
        (forms.BooleanField, "bool"),
        (forms.URLField, "url"),
        (forms.SlugField, "slug"),
        (forms.CharField, "text"),
        (forms.IntegerField, "int"),
        (forms.DateField, "date"),
        (forms.ChoiceField, "choice"),
    ]:
        if isinstance(field, form_class):
            return kind
    raise LookupError(f"No strategy for a {type(field).__name__}: add one to this test.")


def fields_of(form, model, row=None, name_of=None) -> list[Field]:
    found = []
    for field_name, form_field in form.fields.items():
        if name_of and field_name == "DELETE":
            continue  # a new row ticked for deletion is simply not added
        kind = kind_of(form_field)
        if kind:
            name = name_of(field_name) if name_of else form.add_prefix(field_name)
            found.append(Field(name, form_field, kind, model, field_name, row))
    return found


def existing_values(field: Field) -> list[str]:
    try:
        model_field = field.model._meta.get_field(field.field_name)
    except FieldDoesNotExist:
        return []
    if not model_field.concrete or model_field.is_relation:
        return []
    values = field.model._default_manager.values_list(field.field_name, flat=True)
    return [str(value) for value in values.order_by("pk")[:5] if value]


def strategy_for(field: Field) -> st.SearchStrategy:
    form_field = field.form_field
    max_length = getattr(form_field, "max_length", None)
    match field.kind:
        case "text":
            return texts(max_length, existing_values(field))
        case "slug":
            return slugs(max_length, existing_values(field))
        case "url":
            return st.one_of(
                st.just("https://example.org/a?b=c#d"),
                st.sampled_from(NASTY_URLS),
                st.text(CHARACTERS, max_size=40),
            )
        case "int":
            return numbers()
        case "date":
            return st.one_of(
                st.dates().map(lambda day: day.isoformat()),
                st.sampled_from(NASTY_DATES),
                st.text(CHARACTERS, max_size=12),
            )
        case "choice":
            valid = [str(key) for key, _ in form_field.choices if key != ""]
            return st.one_of(st.sampled_from(valid), st.sampled_from(NASTY_CHOICES))
        case "one":
            return ids(valid_ids(form_field))
        case "many":
            return st.lists(ids(valid_ids(form_field)), max_size=3)
        case "bool":
            return st.sampled_from(["on", "", "off", "false", "\x00"])
    raise AssertionError(field.kind)


def valid_ids(form_field) -> list[str]:
    return [str(pk) for pk in form_field.queryset.values_list("pk", flat=True)[:5]]


def valid_value(field: Field):
    """A value the field takes, for required fields an add form leaves empty."""
    form_field = field.form_field
    max_length = getattr(form_field, "max_length", None) or 100
    match field.kind:
        case "text":
            # Two phrases: a search synonym means nothing with fewer.
            return f"Fuzzed {field.field_name}, fuzzed"[:max_length]
        case "slug":
            return f"fuzzed-{field.field_name}".replace("_", "-")[:max_length]
        case "url":
            return "https://example.org/"
        case "int":
            return "1"
        case "date":
            return "2025-01-15"
        case "choice":
            return next(str(key) for key, _ in form_field.choices if key != "")
        case "one":
            return valid_ids(form_field)[0]
        case "many":
            return []
        case "bool":
            return ""
    raise AssertionError(field.kind)


@dataclass
class Page:
    """An admin form as opened: what a browser would post, and what may be typed into it."""

    url: str
    data: dict[str, list[str]]
    fields: list[Field]  # the main form's and the existing inline rows'
    new_rows: dict[str, tuple[int, list[Field]]]  # prefix: (first free index, a new row's fields)
    parents: dict[str, tuple[type, str]]  # prefix: (inline model, its foreign key to the page)


def open_page(client: Client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = form_data(response.text)
    form = response.context["adminform"].form
    fields = fields_of(form, form._meta.model)
    new_rows, parents = {}, {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        if not inline.has_change_permission and not inline.has_add_permission:
            continue  # shown read-only: nothing to type
        parents[formset.prefix] = (formset.model, formset.fk.name)
        for index, row_form in enumerate(formset.initial_forms):
            fields += fields_of(row_form, formset.model, row=(formset.prefix, index))
        total = formset.total_form_count()
        if inline.has_add_permission and total < formset.max_num:
            prefix = formset.prefix

            def new_name(field_name, prefix=prefix):
                return f"{prefix}-__new__-{field_name}"

            new_rows[prefix] = (
                total,
                fields_of(formset.empty_form, formset.model, row=(prefix, -1), name_of=new_name),
            )
    for field in fields:
        value = data.get(field.name, [""])
        if field.form_field.required and not any(value):
            data[field.name] = [valid_value(field)]
    return Page(url, data, fields, new_rows, parents)


def post_data(page: Page, edits: dict, rows: dict) -> dict:
    """The page's data with `edits` typed over it and `rows` added to its inlines."""
    data = {**page.data}
    for name, value in edits.items():
        data[name] = value if isinstance(value, list) else [value]
    for prefix, new in rows.items():
        first, _ = page.new_rows[prefix]
        for offset, row in enumerate(new):
            for name, value in row.items():
                name = name.replace("__new__", str(first + offset))
                data[name] = value if isinstance(value, list) else [value]
        data[f"{prefix}-TOTAL_FORMS"] = [str(first + len(new))]
    return data


def typed_text(page: Page, edits: dict, rows: dict) -> dict[str, tuple[Field, str, int | None]]:
    """Every text typed: POST name: (field, text, new row number or None)."""
    by_name = {field.name: field for field in page.fields}
    typed = {
        name: (by_name[name], value, None)
        for name, value in edits.items()
        if by_name[name].kind in TYPED
    }
    for prefix, new in rows.items():
        first, row_fields = page.new_rows[prefix]
        for offset, row in enumerate(new):
            for field in row_fields:
                if field.kind in TYPED and field.name in row:
                    name = field.name.replace("__new__", str(first + offset))
                    typed[name] = (field, row[field.name], first + offset)
    return typed


def page_strategy(page: Page):
    edits = st.fixed_dictionaries(
        {}, optional={field.name: strategy_for(field) for field in page.fields}
    )
    rows = st.fixed_dictionaries(
        {
            prefix: st.lists(
                st.fixed_dictionaries({field.name: strategy_for(field) for field in row_fields}),
                max_size=2,
            )
            for prefix, (_, row_fields) in page.new_rows.items()
        }
    )
    return edits, rows


# --- What is stored -----------------------------------------------------------------------------

WATCHED = [
    *apps.get_app_config("therapies").get_models(),
    *apps.get_app_config("reviews").get_models(),
    Revision,
    Version,
    LogEntry,
]


def counts() -> dict[str, int]:
    """How many rows each watched table has, in one query (one per table is slow here)."""
    quote = connection.ops.quote_name
    tables = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in WATCHED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tables}")
        return dict(zip([m._meta.label for m in WATCHED], cursor.fetchone(), strict=True))


def snapshot(obj) -> str:
    if obj is None:
        return ""
    return serializers.serialize("json", [type(obj)._default_manager.get(pk=obj.pk)])


@contextmanager
def rolled_back():
    """Each example starts from the same database: whatever it wrote is undone."""
    with transaction.atomic():
        cache.clear()
        yield
        transaction.set_rollback(True)


# --- The fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed content and an editor, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed_content()
        roles.sync_groups()
        editor = get_user_model().objects.create_user(
            EDITOR[0], "fuzz-editor@example.org", EDITOR[1], is_staff=True
        )
        editor.groups.add(Group.objects.get(name=roles.EDITORS))
        yield editor
        transaction.set_rollback(True)


@pytest.fixture
def editor(seeded, db):
    """An information editor, logged in through the login form. A server error is answered
    as a 500 page, as a browser would see it, instead of raised into the test."""
    client = Client(raise_request_exception=False)
    log_in(client, *EDITOR)
    return client


def form_url(model, mode: str) -> tuple[str, object]:
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}"
    if mode == "add":
        return f"{base}/add/", None
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the seed has no {opts.verbose_name} to change"
    return f"{base}/{obj.pk}/change/", obj


# --- The properties -----------------------------------------------------------------------------


def test_every_form_an_editor_may_fill_in_is_fuzzed(seeded, db):
    request = RequestFactory().get("/admin/")
    request.user = seeded
    fillable = {
        model
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
    }
    assert fillable == set(EDITED)


@pytest.mark.parametrize(("model", "mode"), FORMS)
def test_an_admin_form_saves_cleanly_or_keeps_what_was_typed(editor, model, mode):
    url, obj = form_url(model, mode)
    page = open_page(editor, url)
    model_admin = admin.site._registry[model]
    audited = isinstance(model_admin, ReviewedContentAdmin)

    with rolled_back():
        response = editor.post(url, page.data)
        assert response.status_code == 302, "the form as opened (and filled in) saves"

    edits, rows = page_strategy(page)

    @examples
    @given(edits=edits, rows=rows)
    def fuzz(edits, rows):
        with rolled_back():
            before, before_obj = counts(), snapshot(obj)
            existing = set(model._default_manager.values_list("pk", flat=True))
            response = editor.post(url, post_data(page, edits, rows))
            assert response.status_code < 500, "a server error"
            typed = typed_text(page, edits, rows)
            if response.status_code == 302:
                new = model._default_manager.exclude(pk__in=existing)
                saved = model._default_manager.get(pk=obj.pk) if obj else new.get()
                check_saved(page, saved, edits, typed)
                after = counts()
                assert after["reversion.Revision"] == before["reversion.Revision"] + 1
                audits = before["reviews.AuditEvent"] + (1 if audited else 0)
                assert after["reviews.AuditEvent"] == audits
            else:
                assert response.status_code == 200
                check_refused(response, typed)
                assert counts() == before, "a refused form wrote something"
                assert snapshot(obj) == before_obj

    fuzz()


def check_saved(page: Page, saved, edits: dict, typed: dict) -> None:
    """What is saved is what was typed, stripped as the form cleans it and tidied as the
    model saves typed text (line endings as "\n", no spaces at line ends)."""
    deleted = {
        name.removesuffix("-DELETE")
        for name, value in edits.items()
        # As the checkbox reads it: anything but nothing, "false" or "0" ticks it.
        if name.endswith("-DELETE") and value.lower() not in ("", "false", "0")
    }
    for name, (field, text, new_row) in typed.items():
        if field.kind == "url":
            continue  # cleaning may add a scheme
        expected = tidy_text(text.strip())
        if field.row is None:
            if hasattr(saved, field.field_name) and field.field_name != "change_summary":
                assert getattr(saved, field.field_name) == expected, name
            continue
        prefix, index = field.row
        if new_row is None and f"{prefix}-{index}" in deleted:
            continue
        inline_model, fk = page.parents[prefix]
        rows = inline_model._default_manager.filter(**{fk: saved})
        if new_row is None:
            row_id = page.data[f"{prefix}-{index}-id"][0]
            assert getattr(rows.get(pk=row_id), field.field_name) == expected, name
        elif expected:
            assert rows.filter(**{field.field_name: expected}).exists(), name
    if "change_summary" in {field.field_name for field, _, _ in typed.values()}:
        summary = next(t for f, t, _ in typed.values() if f.field_name == "change_summary")
        assert Revision.objects.latest("pk").comment == summary.strip()


def check_refused(response, typed: dict) -> None:
    """Refused: an error is shown, and every text typed is back in its field, as typed."""
    html = response.text
    assert "Please correct the error" in html
    context = response.context
    form = context["adminform"].form
    bound = {bf.html_name: bf for bf in form}
    errors = bool(form.errors)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        errors |= bool(formset.non_form_errors()) or any(formset.errors)
        for row_form in formset.forms:
            bound.update({bf.html_name: bf for bf in row_form})
    assert errors, "refused without saying why"
    for name, (_, text, _) in typed.items():
        assert bound[name].value() == text, f"{name} is not shown as typed"
        assert escape(text) in html, f"{name} is not in the page as typed"


# What the property test found, each a server error before it was fixed: (model, edits, rows).
FOUND = {
    # Django's autocomplete widget put the posted id into a query to show its name:
    # ValueError: Field 'id' expected a number but got 'abc'.
    "a side effect chosen by an id that is not a number": (
        Therapy,
        {},
        {
            "side_effect_links": [
                {
                    "side_effect_links-__new__-side_effect": "abc",
                    "side_effect_links-__new__-frequency": "very_common",
                    "side_effect_links-__new__-position": "0",
                }
            ]
        },
    ),
    "a therapy presented by an id that is not a number": (
        Topic,
        {},
        {"sections": [{"sections-__new__-presented": ["abc"]}]},
    ),
    "a therapy presented on a section's own page by an id that is not a number": (
        TopicSection,
        {"presented": ["abc"]},
        {},
    ),
    # ModelMultipleChoiceField queried the id: OverflowError: Python int too large to convert
    # to SQLite INTEGER.
    "a reference chosen by an id too big for the database": (
        Topic,
        {"references": ["9999999999999999999999999"]},
        {},
    ),
    # The conflict message looked the opened revision up: the same OverflowError.
    "a form opened at a revision too big for the database": (
        SideEffect,
        {
            "name": "",
            "slug": "0",
            "opened_revision": "999999999999999999999999999999",
            "opened_edit_version": "0",
        },
        {},
    ),
}


@pytest.mark.parametrize("mode", ["add", "change"])
@pytest.mark.parametrize("found", FOUND)
def test_what_the_fuzzing_found_is_a_form_error(editor, found, mode):
    model, edits, rows = FOUND[found]
    url, obj = form_url(model, mode)
    page = open_page(editor, url)
    if mode == "add":
        edits = {name: value for name, value in edits.items() if not name.startswith("opened_")}
    before, before_obj = counts(), snapshot(obj)
    response = editor.post(url, post_data(page, edits, rows))
    assert response.status_code == 200
    check_refused(response, typed_text(page, edits, rows))
    assert counts() == before
    assert snapshot(obj) == before_obj
