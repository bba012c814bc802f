import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from reviews import changes, roles, signing
from reviews.dates import add_months
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

# Each demo reviewer's declaration of interests, and how many months before today it was made:
# within the 12 months the review policy asks for, so the demo reviewers can sign. Invented, as
# the people are: said so in the text, since a sign-off freezes it into the production record.
DEMO_DECLARATIONS = {
    EditorialRole.CLINICAL_REVIEWER: (
        "Honoraria for speaking at an educational meeting sponsored by Bayer (2025). No shares "
        "or consultancy. (Fictional, for the demo.)",
        2,
    ),
    EditorialRole.LAY_REVIEWER: ("None declared. (Fictional, for the demo.)", 5),
    EditorialRole.SENIOR_MEDICAL_EDITOR: (
        "Member of an advisory board for a sarcoma trial funded by a charity; no payments from "
        "manufacturers of the medicines described. (Fictional, for the demo.)",
        3,
    ),
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
        job_title = JOB_TITLES[role]
        own = Reviewer.objects.filter(user=user).first()
        if own is not None:
            if (own.name, own.job_title) == (name, job_title):
                self.keep_declaration_current(own, role)
            return
        profile = Reviewer.objects.filter(name=name, job_title=job_title).first()
        if profile is None:
            profile = Reviewer.objects.create(
                user=user, name=name, job_title=job_title, editorial_role=role
            )
            self.keep_declaration_current(profile, role)
        elif profile.user_id is None and not profile.has_signed:
            profile.user = user
            profile.save()
            self.keep_declaration_current(profile, role)
        else:
            self.stdout.write(
                f"    ({user.username} has no reviewer profile, and “{name}” cannot be "
                "linked to it: link one in the admin before signing off)"
            )

    def keep_declaration_current(self, profile: Reviewer, role: str) -> None:
        """Give a demo profile its demo declaration, dated some months ago, unless it has a
        current one (its own, kept): a demo database made before declarations were asked for,
        or left for a year, still signs. Only the demo's own profiles, never one an
        administrator linked; as a revision of the profile, like any change to it."""
        if signing.declaration_is_current(profile):
            return
        text, months_ago = DEMO_DECLARATIONS[role]
        with reversion.create_revision():
            profile.declaration = text
            profile.declared_on = add_months(timezone.localdate(), -months_ago)
            # No author, like the seed's first revisions: no one person made this change.
            changes.record_change(
                profile, user=None, summary="Demo declaration of interests, for local use."
            )
