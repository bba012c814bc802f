"""Records' PDFs drawn after approvals, each in a thread of its own (reviews.evidence)."""

import threading


def drawings_done():
    """Wait for the records' PDFs being drawn: a test that approves reads them, or leaves
    nothing running when its database is emptied."""
    for thread in threading.enumerate():
        if thread.name.startswith("record-pdf-"):
            thread.join()
