"""What readers and editors see when something fails on our side, or cannot be used."""

import sys

from django.contrib import admin
from django.db import DatabaseError, DataError
from django.shortcuts import render
from django.urls import reverse


def server_error(request):
    """500, or 503 while the database cannot be reached: then the page says nothing was saved
    and to try again in a moment, and tells browsers and proxies when (Retry-After). A value
    the database refuses to hold (a null character, a number out of range) that got past the
    forms is the request's fault, not an outage: 400, saying so."""
    error = sys.exc_info()[1]
    if isinstance(error, DataError):
        return render(request, "400.html", status=400)
    if isinstance(error, DatabaseError):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "5"
        return response
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    """403: in the admin's own look for editors and reviewers, in the site's for readers."""
    if request.path.startswith(reverse("admin:index")):
        return render(request, "admin/403.html", admin.site.each_context(request), status=403)
    return render(request, "403.html", status=403)
