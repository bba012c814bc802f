from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews import roles
from reviews.models import EditorialRole, Reviewer

# For local use only: the passwords are printed and written in the README.
DEMO_ACCOUNTS = [
    # username, password, full name, group, editorial role (None for those who do not review)
    ("editor", "demo-editor-pass", "Erin Editor", roles.EDITORS, None),
    (
        "clinical",
        "demo-clinical-pass",
        "Dr Cara Clinician",
        roles.CLINICAL_REVIEWERS,
        EditorialRole.CLINICAL_REVIEWER,
    ),
    ("lay", "demo-lay-pass", "Lee Layreader", roles.LAY_REVIEWERS, EditorialRole.LAY_REVIEWER),
    (
        "senior",
        "demo-senior-pass",
        "Dr Sam Senior",
        roles.SENIOR_MEDICAL_EDITORS,
        EditorialRole.SENIOR_MEDICAL_EDITOR,
    ),
    ("admin", "demo-admin-pass", "Ada Administrator", None, None),
]

JOB_TITLES = {
    EditorialRole.CLINICAL_REVIEWER: "Consultant Medical Oncologist (demo)",
    EditorialRole.LAY_REVIEWER: "Person living with sarcoma (demo)",
    EditorialRole.SENIOR_MEDICAL_EDITOR: "Consultant Clinical Oncologist (demo)",
}


class Command(BaseCommand):
    help = "Create the demo accounts for local use, and print them. Refused when DEBUG is off."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts are for local development only, and DJANGO_DEBUG is off. "
                "Create real accounts with `manage.py createsuperuser` and the admin."
            )
        roles.sync_groups()  # the four groups and their permissions, even if someone removed them
        User = get_user_model()
        self.stdout.write("Demo accounts (local use only), sign in at /admin/:")
        for username, password, full_name, group_name, editorial_role in DEMO_ACCOUNTS:
            first_name, _, last_name = full_name.rpartition(" ")
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@example.org",
                    "is_staff": True,
                    "is_superuser": group_name is None,
                },
            )
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.set([Group.objects.get(name=group_name)])
            role = group_name or "administrator"
            self.stdout.write(f"  {username:<10} {password:<20} {role}")
            if editorial_role:
                self.give_profile(user, full_name, editorial_role)

    def give_profile(self, user, name: str, role: str) -> None:
        """The demo login's reviewer profile. One it already has stays as it is (an
        administrator may have linked another); otherwise its own demo profile, linked again
        if no one else has it and it has signed nothing in anyone else's name."""
        if Reviewer.objects.filter(user=user).exists():
            return
        job_title = JOB_TITLES[role]
        profile = Reviewer.objects.filter(name=name, job_title=job_title).first()
        if profile is None:
            Reviewer.objects.create(user=user, name=name, job_title=job_title, editorial_role=role)
        elif profile.user_id is None and not profile.has_signed:
            profile.user = user
            profile.save()
        else:
            self.stdout.write(
                f"    ({user.username} has no reviewer profile, and “{name}” cannot be "
                "linked to it: link one in the admin before signing off)"
            )
