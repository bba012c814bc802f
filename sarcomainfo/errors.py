"""What readers and editors see when something fails on our side."""

import sys

from django.db import DatabaseError
from django.shortcuts import render


def server_error(request):
    """500, or 503 while the database cannot be reached: then the page says nothing was saved
    and to try again in a moment, and tells browsers and proxies when (Retry-After)."""
    if isinstance(sys.exc_info()[1], DatabaseError):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "5"
        return response
    return render(request, "500.html", status=500)
