from django.core.management.base import BaseCommand

from reviews.seed_loader import SEED_FILE, load_seed_content


class Command(BaseCommand):
    help = (
        "Load the seed content (Targeted therapies for soft tissue sarcoma), record its review "
        "and publish it, into a database with no content yet. Safe to run again: once editors "
        "have content, it changes nothing unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite items already in the database with the seed file's text, and publish.",
        )

    def handle(self, *args, update=False, **options):
        counts = load_seed_content(update=update)
        if not counts:
            self.stdout.write(
                "The database already holds content with a history, so the seed was left "
                "alone (nothing editors changed, deleted or withdrawn is touched). "
                "Use --update to load the seed file over it."
            )
            return
        self.stdout.write(f"Seed content from {SEED_FILE.name}:")
        for what, count in sorted(counts.items()):
            self.stdout.write(f"  {count} {what}")
        self.stdout.write(self.style.SUCCESS("Seed content loaded."))
