"""The editorial roles as permission groups. Issue-level detail (who may sign off, publish,
withdraw) grows here; the data migration and the demo accounts both read this table."""

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
]


def perms(app: str, models: list[str], actions: list[str]) -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}") for model in models for action in actions]


READ_CONTENT = perms("therapies", CONTENT_MODELS, ["view"]) + perms(
    "therapies", ["publishedpage"], ["view"]
)
READ_REVIEWS = perms("reviews", ["pagereview", "reviewer"], ["view"])

EDITORS = "Editors"
CLINICAL_REVIEWERS = "Clinical reviewers"
LAY_REVIEWERS = "Lay reviewers"
SENIOR_MEDICAL_EDITORS = "Senior medical editors"

GROUP_PERMISSIONS = {
    EDITORS: perms("therapies", CONTENT_MODELS, ["add", "change", "delete", "view"])
    + perms("therapies", ["publishedpage"], ["view"])
    + READ_REVIEWS,
    CLINICAL_REVIEWERS: READ_CONTENT + READ_REVIEWS,
    LAY_REVIEWERS: READ_CONTENT + READ_REVIEWS,
    SENIOR_MEDICAL_EDITORS: READ_CONTENT
    + READ_REVIEWS
    + perms("reviews", ["pagereview"], ["add", "change"]),
}
