"""The editorial roles: the permission each workflow step needs, who holds it, and the
permission groups that give exactly what each role needs, and no more.

A data migration freezes the group table into the database; `sync_groups()` applies it again
(the demo accounts and the tests use it). Change both together.
"""

from reviews.models.reviewers import EditorialRole

# What each workflow step asks of the person taking it.
SUBMIT_FOR_REVIEW = "reviews.submit_for_review"
WITHDRAW_PAGE = "reviews.withdraw_page"
SET_REVIEW_POLICY = "reviews.change_reviewpolicy"

# The permission each sign-off role needs.
ROLE_PERMISSIONS = {
    EditorialRole.CLINICAL_REVIEWER: "reviews.sign_off_clinical",
    EditorialRole.LAY_REVIEWER: "reviews.sign_off_lay",
    EditorialRole.SENIOR_MEDICAL_EDITOR: "reviews.give_final_approval",
}


def roles_of(user) -> list[str]:
    """The sign-off roles `user` holds."""
    return [role for role, permission in ROLE_PERMISSIONS.items() if user.has_perm(permission)]


def is_editor(user) -> bool:
    return user.has_perm(SUBMIT_FOR_REVIEW)


def is_reviewer(user) -> bool:
    return bool(roles_of(user))


def is_editorial(user) -> bool:
    """On the editorial team: an editor or a reviewer (an administrator is both)."""
    return is_editor(user) or is_reviewer(user)


def sees_evidence(user) -> bool:
    """Senior medical editors and administrators answer for the whole site to an assessor."""
    return user.has_perm(ROLE_PERMISSIONS[EditorialRole.SENIOR_MEDICAL_EDITOR])


def name_of(user) -> str:
    """A person as colleagues know them: their reviewer name, else their full name, else their
    username. Fetch lists with `select_related("…reviewer")` so this asks nothing more."""
    reviewer = getattr(user, "reviewer", None)  # None when they have no reviewer profile
    return (reviewer.name if reviewer else "") or user.get_full_name() or user.get_username()


CONTENT_MODELS = [
    "therapy",
    "brandname",
    "indication",
    "therapysideeffect",
    "availability",
    "sideeffect",
    "condition",
    "drugclass",
    "dosageform",
    "reference",
    "glossaryterm",
    "topic",
    "topicsection",
    "topicsectiontherapy",
    "informationpage",
    "searchsynonym",
]
WORKFLOW_RECORDS = [
    "reviewrequest",
    "signoff",
    "auditevent",
    "pagereview",
    "reviewer",
    "reviewpolicy",
    "publication",
    "referencecheck",
    "reviewcomment",
    "reminderrun",
]


def perms(app: str, models: list[str], actions: list[str]) -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}") for model in models for action in actions]


READ_CONTENT = perms("therapies", [*CONTENT_MODELS, "publishedpage", "feedback"], ["view"])
READ_WORKFLOW = perms("reviews", WORKFLOW_RECORDS, ["view"])

EDITORS = "Editors"
CLINICAL_REVIEWERS = "Clinical reviewers"
LAY_REVIEWERS = "Lay reviewers"
SENIOR_MEDICAL_EDITORS = "Senior medical editors"

GROUP_PERMISSIONS = {
    # Write content and send it for review; never sign off.
    EDITORS: READ_CONTENT
    + READ_WORKFLOW
    + perms("therapies", CONTENT_MODELS, ["add", "change", "delete"])
    + [("reviews", "submit_for_review")],
    # Read and decide; never edit.
    CLINICAL_REVIEWERS: READ_CONTENT + READ_WORKFLOW + [("reviews", "sign_off_clinical")],
    LAY_REVIEWERS: READ_CONTENT + READ_WORKFLOW + [("reviews", "sign_off_lay")],
    # Final approval (which publishes) and withdrawal; keeps the review dates.
    SENIOR_MEDICAL_EDITORS: READ_CONTENT
    + READ_WORKFLOW
    + [
        ("reviews", "give_final_approval"),
        ("reviews", "withdraw_page"),
        ("reviews", "add_pagereview"),
        ("reviews", "change_pagereview"),
        ("reviews", "change_reviewpolicy"),
        ("reviews", "change_reviewer"),
    ],
}


def _apply_group_permissions(group_model, permission_model, table=GROUP_PERMISSIONS) -> None:
    for name, wanted in table.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(
            [
                permission_model.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in wanted
            ]
        )


def sync_groups() -> None:
    from django.contrib.auth.models import Group, Permission

    _apply_group_permissions(Group, Permission)
