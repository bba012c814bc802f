"""Text typed in a browser was stored with "\r\n" line endings and the seed's with "\n": tidy
every stored text the way saving now does (see therapies.models.content.tidy_text), so that an
edit to one field never shows another as changed. What readers see does not change."""

from django.db import IntegrityError, migrations, transaction
from django.db.models import CharField, TextField

# The rows people type text into, by app.
TYPED_TEXT = {
    "reviews": ["Reviewer"],
    "therapies": [
        "Condition",
        "DrugClass",
        "DosageForm",
        "Reference",
        "SideEffect",
        "Therapy",
        "BrandName",
        "Indication",
        "TherapySideEffect",
        "Availability",
        "GlossaryTerm",
        "Topic",
        "TopicSection",
        "TopicSectionTherapy",
    ],
}


def tidy_text(text):
    # A copy of the function as it was when this migration was written.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines)


def tidy_json(value):
    if isinstance(value, str):
        return tidy_text(value)
    if isinstance(value, list):
        return [tidy_json(inner) for inner in value]
    if isinstance(value, dict):
        return {key: tidy_json(inner) for key, inner in value.items()}
    return value


def _update(model, pk, changed):
    try:
        with transaction.atomic():
            model._base_manager.filter(pk=pk).update(**changed)
    except IntegrityError:
        # Another row already holds the tidied name: this one keeps its line endings, which
        # comparisons tidy anyway, rather than the migration failing.
        pass


def tidy_rows(apps, schema_editor):
    models = [apps.get_model(app, name) for app, names in TYPED_TEXT.items() for name in names]
    for model in models:
        fields = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, CharField | TextField)
        ]
        for row in model._base_manager.only("pk", *fields).iterator():
            tidied = {f: tidy_text(getattr(row, f)) for f in fields if getattr(row, f)}
            changed = {f: v for f, v in tidied.items() if v != getattr(row, f)}
            if changed:
                _update(model, row.pk, changed)
    published = apps.get_model("therapies", "PublishedPage")
    for page in published._base_manager.only("pk", "document").iterator():
        document = tidy_json(page.document)
        if document != page.document:
            published._base_manager.filter(pk=page.pk).update(document=document)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_snapshots_and_authors"),
        ("therapies", "0010_latest_changes"),
    ]

    operations = [migrations.RunPython(tidy_rows, migrations.RunPython.noop)]
