from reviews.models.reviewers import EditorialRole, Reviewer
from reviews.models.schedule import PageReview
from reviews.models.workflow import (
    ROLE_PERMISSIONS,
    AuditEvent,
    ReviewRequest,
    SignOff,
    WorkflowError,
)

__all__ = [
    "ROLE_PERMISSIONS",
    "AuditEvent",
    "EditorialRole",
    "PageReview",
    "ReviewRequest",
    "Reviewer",
    "SignOff",
    "WorkflowError",
]
