"""Migration operations for what exists only on PostgreSQL."""

from django.db import migrations


class OnPostgreSQLOnly:
    """Changes the database on PostgreSQL only; the migration state changes everywhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexOnPostgreSQL(OnPostgreSQLOnly, migrations.AddIndex):
    """An index that only PostgreSQL can build (full-text search); SQLite works without it."""


class AlterFieldOnPostgreSQL(OnPostgreSQLOnly, migrations.AlterField):
    """A change SQLite has no use for, such as a longer text column (it enforces no length).
    Remaking a table on SQLite would also try to build the PostgreSQL-only indexes in it."""
