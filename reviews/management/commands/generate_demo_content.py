import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from reviews.demo_content import generate, remove_generated


class Command(BaseCommand):
    help = (
        "Add generated therapies (with conditions, side effects with frequency bands, "
        "references, two revisions each, review dates), published, for load tests. Every "
        "generated slug starts with 'generated-'; the seed content is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--therapies", type=int, default=100, help="How many to add.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatability.")
        parser.add_argument("--remove", action="store_true", help="Remove all generated content.")

    def handle(self, *args, therapies, seed, remove, **options):
        if remove:
            with transaction.atomic():
                self.stdout.write(f"Removed {remove_generated()} generated therapies.")
            return
        if not 1 <= therapies <= 20_000:
            raise CommandError("--therapies must be between 1 and 20,000.")
        started = time.monotonic()
        counts = generate(therapies=therapies, seed=seed)
        # Fresh statistics, so the query planner knows the tables grew (the search index is
        # only chosen once PostgreSQL knows there are thousands of pages).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {counts['therapies']} therapies ({counts['revisions']} revisions) "
            f"in {time.monotonic() - started:.1f} s."
        )
