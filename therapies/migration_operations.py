"""Migration operations for what exists only on PostgreSQL, and for giving the editorial
groups a new model's permissions."""

from django.contrib.auth.management import create_permissions
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


def without_postgresql_indexes(state):
    """A copy of a migration state whose models have no PostgreSQL-only indexes."""
    state = state.clone()
    for (app_label, model_name), model_state in list(state.models.items()):
        indexes = model_state.options.get("indexes", [])
        kept = [i for i in indexes if not type(i).__module__.startswith("django.contrib.postgres")]
        if len(kept) != len(indexes):
            model_state.options["indexes"] = kept
            state.reload_model(app_label, model_name, delay=True)
    return state


class RemakesTablesWithoutPostgreSQLIndexes:
    """For a change SQLite makes by remaking the table (dropping or renaming a foreign key):
    the remade table gets every index but those only PostgreSQL can build."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            from_state = without_postgresql_indexes(from_state)
            to_state = without_postgresql_indexes(to_state)
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            from_state = without_postgresql_indexes(from_state)
            to_state = without_postgresql_indexes(to_state)
        super().database_backwards(app_label, schema_editor, from_state, to_state)


class RemoveField(RemakesTablesWithoutPostgreSQLIndexes, migrations.RemoveField):
    pass


class RenameField(RemakesTablesWithoutPostgreSQLIndexes, migrations.RenameField):
    pass


class RemoveIndexOnPostgreSQL(OnPostgreSQLOnly, migrations.RemoveIndex):
    """Removes an index that only PostgreSQL had."""


class AddField(RemakesTablesWithoutPostgreSQLIndexes, migrations.AddField):
    """A column SQLite adds by remaking the table (one that may not be null)."""


def grant_to_groups(apps, model_name: str, actions_by_group: dict[str, list[str]]) -> None:
    """Give each editorial group the actions (view, add…) on a therapies model that
    `actions_by_group` names, as reviews/roles.py has them (`sync_groups()` applies that
    table later; this freezes it for the model's migration)."""
    therapies = apps.get_app_config("therapies")
    therapies.models_module = True
    create_permissions(therapies, apps=apps, verbosity=0)
    therapies.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=actions_by_group):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="therapies",
                codename__in=[f"{action}_{model_name}" for action in actions_by_group[group.name]],
            )
        )
