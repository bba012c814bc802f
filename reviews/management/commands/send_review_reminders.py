import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reviews.reminders import ReminderError, send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail each page's responsible editor and reviewers when its review is due in 90 or 30 "
        "days, due today, or overdue; once per page and threshold. Run it daily (see README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if it were this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today must be a date like 2026-11-27 ({error}).") from error
        try:
            sent = send_review_reminders(today=day)
        except ReminderError as error:
            self.report(day, error.sent)
            raise CommandError(str(error)) from error
        self.report(day, sent)

    def report(self, day, sent):
        if not sent:
            self.stdout.write(f"{day}: no new review reminders to send.")
            return
        self.stdout.write(f"{day}: sent {len(sent)} review reminder(s):")
        for reminder in sent:
            to = ", ".join(reminder.recipients) or "nobody (no editor has an e-mail address)"
            self.stdout.write(
                f"  {reminder.page}: {reminder.threshold} (due {reminder.due_on:%d %B %Y}) to {to}"
            )
