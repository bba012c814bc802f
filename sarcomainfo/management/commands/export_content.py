from django.core.management.base import BaseCommand, CommandError

from sarcomainfo.backup import BackupError, export_content


class Command(BaseCommand):
    help = (
        "Write all content, revisions, review records, sign-offs, the audit trail, feedback and "
        "accounts to one file (.xml, or .xml.gz to compress it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write, e.g. sarcomainfo-2026-11-27.xml.gz")

    def handle(self, *args, path, **options):
        try:
            export_content(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Exported everything to {path}.")
