import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

from therapies.migration_operations import AddIndexOnPostgreSQL


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
