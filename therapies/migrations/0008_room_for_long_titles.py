from django.db import migrations, models

from therapies.migration_operations import AlterFieldOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0007_search_index"),
    ]

    operations = [
        AlterFieldOnPostgreSQL(
            model_name="feedback",
            name="page_title",
            field=models.CharField(max_length=500),
        ),
        AlterFieldOnPostgreSQL(
            model_name="publishedfacet",
            name="label",
            field=models.CharField(max_length=500),
        ),
        AlterFieldOnPostgreSQL(
            model_name="publishedpage",
            name="sort_name",
            field=models.CharField(db_index=True, max_length=500),
        ),
        AlterFieldOnPostgreSQL(
            model_name="publishedpage",
            name="title",
            field=models.CharField(max_length=500),
        ),
        AlterFieldOnPostgreSQL(
            model_name="withdrawnpage",
            name="title",
            field=models.CharField(max_length=500),
        ),
    ]
