from django.contrib.postgres.operations import TrigramExtension

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from therapies.indexing import index_entry
from therapies.migration_operations import (
    grant_to_groups,
    AddField,
    AddIndexOnPostgreSQL,
    RemoveIndexOnPostgreSQL,
)

# Synonyms are kept by editors, like content (reviews/roles.py); every group can read them.
SYNONYM_PERMISSIONS = {
    "Editors": ["view", "add", "change", "delete"],
    "Clinical reviewers": ["view"],
    "Lay reviewers": ["view"],
    "Senior medical editors": ["view"],
}


def index_published_pages(apps, schema_editor):
    """Every published page indexed from what it shows (therapies/indexing.py)."""
    PublishedPage = apps.get_model("therapies", "PublishedPage")
    # Drugs first: a guide's entry holds the names of the drugs it presents.
    for page in PublishedPage.objects.order_by(models.Case(models.When(kind="topic", then=1), default=0)):
        presents = []
        if page.kind == "topic":
            ids = {i for section in page.document["sections"] for i in section["therapies"]}
            presents = PublishedPage.objects.filter(kind="therapy", object_id__in=ids).values_list(
                "search_names", flat=True
            )
        entry = index_entry(page.kind, page.title, page.document, list(presents))
        PublishedPage.objects.filter(pk=page.pk).update(
            search_names=entry.names,
            search_text=entry.text,
            search_body=entry.body,
            result_title=entry.result_title,
            result_summary=entry.result_summary,
        )


def synonyms_for_every_group(apps, schema_editor):
    grant_to_groups(apps, "searchsynonym", SYNONYM_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_reader_change_note"),
        ("therapies", "0012_safety_information"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("edit_version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "words",
                    models.CharField(
                        help_text="Two or more words or phrases, separated by commas: diarrhoea, diarrhea. US and UK spellings, a reader's word and the medical one (sore hands and feet, hand-foot syndrome), a word's other forms (foot, feet).",
                        max_length=500,
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="Why they mean the same, for other editors: US spelling, lay word…",
                        max_length=200,
                    ),
                ),
            ],
            options={
                "verbose_name": "search synonym",
                "ordering": ["words"],
            },
        ),
        migrations.CreateModel(
            name="UnansweredSearch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("query", models.CharField(max_length=100)),
                ("day", models.DateField()),
                ("count", models.PositiveIntegerField(default=1)),
            ],
            options={
                "verbose_name": "search that found nothing",
                "verbose_name_plural": "searches that found nothing",
            },
        ),
        RemoveIndexOnPostgreSQL(
            model_name="publishedpage",
            name="published_page_search",
        ),
        AddField(
            model_name="publishedpage",
            name="result_summary",
            field=models.TextField(blank=True),
        ),
        AddField(
            model_name="publishedpage",
            name="result_title",
            field=models.CharField(blank=True, max_length=700),
        ),
        AddField(
            model_name="publishedpage",
            name="search_body",
            field=models.TextField(blank=True),
        ),
        AddField(
            model_name="publishedpage",
            name="search_names",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="therapy",
            name="other_names",
            field=models.CharField(
                blank=True,
                help_text="Other names readers may know it by, separated by commas: its brand names in other countries (Gleevec, in the USA), a former name. Search finds the page by them, and the page lists them as “Also known as”.",
                max_length=300,
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="publishedpage",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector("search_names", config="english"),
                        "||",
                        django.contrib.postgres.search.SearchVector("search_text", config="english"),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector("search_body", config="english"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                name="published_page_search",
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="publishedpage",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("search_names", config="english"),
                    "||",
                    django.contrib.postgres.search.SearchVector("search_text", config="english"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                name="published_page_names_search",
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="publishedpage",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_names"], name="page_names_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="publishedpage",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_text"], name="page_text_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="unansweredsearch",
            index=models.Index(fields=["day"], name="therapies_u_day_8c6734_idx"),
        ),
        migrations.AddConstraint(
            model_name="unansweredsearch",
            constraint=models.UniqueConstraint(
                fields=("query", "day"), name="one_count_per_query_a_day"
            ),
        ),
        migrations.RunPython(index_published_pages, migrations.RunPython.noop),
        migrations.RunPython(synonyms_for_every_group, migrations.RunPython.noop),
    ]
