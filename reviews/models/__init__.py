from reviews.models.reviewers import NOTE_LENGTH, EditorialRole, Reviewer, ReviewerSnapshot
from reviews.models.schedule import PageReview, ReviewPolicy
from reviews.models.workflow import (
    READER_NOTE_LENGTH,
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
    "NOTE_LENGTH",
    "READER_NOTE_LENGTH",
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
    "ReviewerSnapshot",
    "SignOff",
    "WorkflowError",
]
