from django.core.management.base import BaseCommand, CommandError

from sarcomainfo.backup import BackupError, import_content


class Command(BaseCommand):
    help = "Load a file written by export_content into a new, migrated, empty database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file export_content wrote")

    def handle(self, *args, path, **options):
        try:
            import_content(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Imported everything from {path}.")
