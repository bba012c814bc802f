"""The admin editors and reviewers work in. Every admin lives here, with the workflow, because
editing content in it is the first step of the workflow: each save is a revision that voids
open reviews, and pages are sent for review from it. `base` holds what every content admin
shares, `content` the admins of the content models, `workflow` those of review requests,
review dates and reviewer profiles."""

from reviews.admin import content, workflow  # noqa: F401  (registering is importing)
