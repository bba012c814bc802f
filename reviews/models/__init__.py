from reviews.models.reviewers import EditorialRole, Reviewer
from reviews.models.schedule import PageReview, ReviewPolicy
from reviews.models.workflow import (
    ROLE_PERMISSIONS,
    AuditEvent,
    Publication,
    ReferenceCheck,
    ReminderRun,
    ReminderSent,
    ReviewComment,
    ReviewRequest,
    SignOff,
    WorkflowError,
)

__all__ = [
    "ROLE_PERMISSIONS",
    "AuditEvent",
    "EditorialRole",
    "PageReview",
    "Publication",
    "ReferenceCheck",
    "ReminderRun",
    "ReminderSent",
    "ReviewComment",
    "ReviewPolicy",
    "ReviewRequest",
    "Reviewer",
    "SignOff",
    "WorkflowError",
]
