import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """The full-text index exists only on PostgreSQL; SQLite searches without it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0006_site_edition"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="publishedpage",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("search_text", config="english"),
                name="published_page_search",
            ),
        ),
    ]
