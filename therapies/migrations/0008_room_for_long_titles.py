from django.db import migrations, models


class AlterFieldOnPostgreSQL(migrations.AlterField):
    """SQLite does not enforce a text column's length, so there is nothing to change there; and
    remaking the published pages' table on SQLite would try to build the PostgreSQL-only search
    index (0007) in SQLite."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


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
