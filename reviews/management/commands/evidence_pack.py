import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reviews import evidence


class Command(BaseCommand):
    help = (
        "Write the assessor's pack to a ZIP file: every published page's current production "
        "record as HTML and PDF, an index as CSV, and a summary against the PIF TICK's ten "
        "criteria. Records whose PDF was made before are not made again."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="The ZIP file to write, e.g. evidence-pack.zip.")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show the progress bar."
        )
        parser.add_argument(
            "--pages",
            type=int,
            help="Only the first this many pages: a sample, to try the pack (the index and the "
            "summary say how many pages it holds).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="How many processes make records at once (default: one per core).",
        )

    def handle(self, *args, out, no_progress=False, workers=1, pages=None, **options):
        target = Path(out)
        if target.suffix.lower() != ".zip":
            raise CommandError(f"The pack is a ZIP file: name it with .zip ({out}).")
        if not target.parent.is_dir():
            raise CommandError(f"There is no folder {target.parent} to write {target.name} in.")
        started = time.time()
        publications = evidence.current_publications()[:pages]
        # Written aside and moved into place: a pack that failed halfway never looks finished.
        part = target.with_name(f".{target.name}.part")
        bar = tqdm(
            total=len(publications),
            unit="page",
            desc="Records",
            disable=no_progress,
            file=self.stderr,
        )
        undrawn = []

        def done(entry):
            bar.update()
            if entry.pdf is None:
                undrawn.append(entry.name)

        try:
            with open(part, "wb") as file, bar:
                made = evidence.entries(publications, workers=max(1, workers))
                for piece in evidence.pack(made, done=done):
                    file.write(piece)
            os.replace(part, target)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        if pages is None:
            # Every record's PDF was used or made just now: any other is of an old record.
            evidence.forget_pdfs_unused_since(started)
        self.stdout.write(f"Wrote {target}: the records of {len(publications)} published pages.")
        if undrawn:
            self.stderr.write(
                f"No PDF of {len(undrawn)} record(s), which could not be drawn (the index says "
                f"why; each one's HTML is in the pack): {', '.join(undrawn)}.",
                self.style.WARNING,
            )
