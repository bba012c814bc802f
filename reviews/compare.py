"""Comparing two revisions of a page field by field, with text changes marked word by word."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Revision, Version

from reviews.versions import owned_versions
from therapies.models import tidy_text

# Bookkeeping columns a reader of the comparison does not need.
HIDDEN_FIELDS = {"id", "edit_version"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str

    @property
    def marked(self) -> SafeString:
        return word_diff(self.before, self.after)


@dataclass
class RowChange:
    kind: str  # e.g. "brand name"
    status: str  # added, removed or changed
    label: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Comparison:
    fields: list[FieldChange]
    rows: list[RowChange]

    @property
    def is_empty(self) -> bool:
        return not self.fields and not self.rows


def word_diff(before: str, after: str) -> SafeString:
    """HTML of `after` with removed words in <del> and added words in <ins>."""
    old, new = re.findall(r"\S+|\s+", before), re.findall(r"\S+|\s+", after)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


class Describer:
    """Turns stored field values into what an editor reads, looking related rows up once."""

    def __init__(self):
        self.names: dict[tuple[type, object], str] = {}

    def look_up(self, versions: list[Version]) -> None:
        """Read the names of the rows these versions point to at once, a query per model:
        a comparison costs the same however many rows the page has."""
        wanted: dict[type[models.Model], set] = {}
        for version in versions:
            meta = version._model._meta
            by_attname = {f.attname: f for f in [*meta.concrete_fields, *meta.many_to_many]}
            for attname, value in version.field_dict.items():
                model_field = by_attname.get(attname)
                if model_field is None or not model_field.is_relation or value in (None, ""):
                    continue
                pks = value if model_field.many_to_many else [value]
                wanted.setdefault(model_field.related_model, set()).update(pks)
        for model, pks in wanted.items():
            found = model._default_manager.in_bulk(pks)
            for pk in pks:
                self.names[(model, pk)] = self._name(model, pk, found.get(pk))

    @staticmethod
    def _name(model, pk, obj) -> str:
        return str(obj) if obj else f"(deleted {model._meta.verbose_name} {pk})"

    def name_of(self, model: type[models.Model], pk) -> str:
        key = (model, pk)
        if key not in self.names:
            self.names[key] = self._name(model, pk, model._default_manager.filter(pk=pk).first())
        return self.names[key]

    def describe(self, model_field: models.Field, value) -> str:
        if value is None or value == "":
            return ""
        if model_field.many_to_many:
            model = model_field.related_model
            return "; ".join(sorted(self.name_of(model, pk) for pk in value))
        if model_field.is_relation:
            return self.name_of(model_field.related_model, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        # Revisions saved before text was tidied on save may hold "\r\n": not a change.
        return tidy_text(str(value))

    def values(self, version: Version, skip: set[str]) -> dict[str, tuple[str, str]]:
        """attname → (label, text) for every field worth showing."""
        model = version._model
        by_attname = {
            f.attname: f for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        }
        shown = {}
        for attname, value in version.field_dict.items():
            model_field = by_attname.get(attname)
            if model_field is None or model_field.name in HIDDEN_FIELDS | skip:
                continue
            shown[attname] = (str(model_field.verbose_name), self.describe(model_field, value))
        return shown


def _field_changes(before: dict, after: dict) -> list[FieldChange]:
    changes = []
    for attname in [*after, *(name for name in before if name not in after)]:
        label, old = before.get(attname, (after.get(attname, ("", ""))[0], ""))
        new = after.get(attname, (label, ""))[1]
        if old != new:
            changes.append(FieldChange(label=label[:1].upper() + label[1:], before=old, after=new))
    return changes


def _versions_by_key(revision: Revision | None, model, object_id) -> dict[tuple[int, str], Version]:
    """The item's rows in the revision (not other pages the same revision holds)."""
    if revision is None:
        return {}
    return {(v.content_type_id, v.object_id): v for v in owned_versions(revision, model, object_id)}


def _parent_links(model: type[models.Model], parents: set[type[models.Model]]) -> set[str]:
    """The foreign keys from a row to the page that owns it: the same on every row."""
    return {
        f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model in parents
    }


def compare(
    item_model: type[models.Model], object_id, older: Revision | None, newer: Revision
) -> Comparison:
    """What changed in the page between two of its revisions (`older` None: everything)."""
    describer = Describer()
    before = _versions_by_key(older, item_model, object_id)
    after = _versions_by_key(newer, item_model, object_id)
    describer.look_up([*before.values(), *after.values()])
    page_key = (ContentType.objects.get_for_model(item_model).pk, str(object_id))
    fields = []
    if page_key in after or page_key in before:
        fields = _field_changes(
            describer.values(before[page_key], set()) if page_key in before else {},
            describer.values(after[page_key], set()) if page_key in after else {},
        )
    rows = []
    for key in sorted({*before, *after} - {page_key}, key=lambda k: (k[0], int(k[1]))):
        old, new = before.get(key), after.get(key)
        version = new or old
        skip = _parent_links(version._model, {item_model})
        old_values = describer.values(old, skip) if old else {}
        new_values = describer.values(new, skip) if new else {}
        changes = _field_changes(old_values, new_values)
        if old and new and not changes:
            continue
        status = "changed" if old and new else ("added" if new else "removed")
        rows.append(
            RowChange(
                kind=str(version._model._meta.verbose_name),
                status=status,
                label=version.object_repr,
                fields=changes,
            )
        )
    return Comparison(fields=fields, rows=rows)


def flatten(value, path: str = ""):
    """(label, text) for every value in a published document, in reading order."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(
                inner, f"{path}: {key.replace('_', ' ')}" if path else key.replace("_", " ")
            )
    elif isinstance(value, list):
        for number, inner in enumerate(value, start=1):
            yield from flatten(inner, f"{path} {number}")
    else:
        yield path, "" if value is None else tidy_text(str(value))


def compare_snapshots(older: dict | None, newer: dict) -> list[FieldChange]:
    """Every difference readers would see between two published forms of a page."""
    before = dict(flatten((older or {}).get("document", {})))
    after = dict(flatten(newer.get("document", {})))
    return [
        FieldChange(label=label[:1].upper() + label[1:], before=before.get(label, ""), after=text)
        for label, text in [*after.items(), *((k, "") for k in before if k not in after)]
        if before.get(label, "") != text
    ]
