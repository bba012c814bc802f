"""The page "My declaration of interests": where a reviewer makes, updates or confirms their
own declaration, without waiting for an administrator.

Every sign-off freezes the signer's declaration (ReviewerSnapshot), and the review policy may ask
for one made or confirmed in the last 12 months (reviews.signing). Keeping it current is the
reviewer's own job, so the page is theirs; each save is a revision of their profile with an
audit event, through the same form and the same path (reviews.changes.record_change) as a save
of the profile in the admin, so the profile's history shows who changed what, and when.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from reviews import changes, roles, signing
from reviews.dates import add_months
from reviews.forms import ContentForm
from reviews.models import Reviewer
from reviews.models.reviewers import has_words

CONFIRM, SAVE = "confirm", "save"
CONFIRMED = "Confirmed the declaration of interests is still correct."
UPDATED = "Updated the declaration of interests."
WRITE_ONE = "Write your declaration, or “None declared” if you have nothing to declare."
CHANGED_BUT_CONFIRMED = (
    "You changed the text, then chose “Confirm it is still correct”, which keeps the text as it "
    "was. Your changes are still in the box: choose “Save changes” to keep them."
)


class DeclarationForm(ContentForm):
    """The profile's form in the admin, with the declaration only: the same conflict check (a
    second tab, or an administrator saving the profile meanwhile, is a conflict, not a loss).
    The change summary is the button chosen, not typed."""

    class Meta:
        model = Reviewer
        fields = ["declaration"]
        labels = {"declaration": "Declaration of interests"}
        help_texts = {
            "declaration": "Payments, consultancy, advisory boards, research funding, shares or "
            "roles connected with the medicines or conditions the site describes, and who paid "
            "them, with the year. Write “None declared” if you have nothing to declare.",
        }
        widgets = {"declaration": forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_summary"].required = False
        self.fields["declaration"].required = True
        self.fields["declaration"].error_messages["required"] = WRITE_ONE


def _standing(profile: Reviewer, today, required: bool) -> dict:
    """Where the reviewer's declaration stands, as the top of the page says it."""
    if not has_words(profile.declaration):
        text = "You have not made a declaration of interests yet."
    elif profile.declared_on is None or profile.declared_on > today:
        text = "Your declaration of interests has no date: confirm it or update it."
    elif profile.declared_on < signing.declaration_cutoff(today):
        text = (
            f"Your declaration of interests was last confirmed on "
            f"{signing.in_full(profile.declared_on)}, more than "
            f"{signing.DECLARATION_MONTHS} months ago: confirm it or update it."
        )
    else:
        renew = add_months(profile.declared_on, signing.DECLARATION_MONTHS)
        return {
            "current": True,
            "text": f"Your declaration of interests was last confirmed on "
            f"{signing.in_full(profile.declared_on)}. Confirm it again, or update it, by "
            f"{signing.in_full(renew)}, or whenever your interests change.",
        }
    if required:
        text += " Until you do, you cannot sign off or approve any change."
    return {"current": False, "text": text}


def my_declaration_view(request):
    """Any logged-in member of staff with a reviewer profile; others are told why there is
    nothing here for them."""
    profile = Reviewer.objects.filter(user_id=request.user.pk).first()
    context = {
        **admin.site.each_context(request),
        "title": "My declaration of interests",
        "profile": profile,
        "no_profile": signing.NO_PROFILE,
    }
    if profile is None:
        return TemplateResponse(request, "admin/reviews/my_declaration.html", context)
    today = timezone.localdate()
    required = signing.declarations_required()
    # Said of the declaration as stored, before a refused form puts what was typed on it.
    standing = _standing(profile, today, required)
    form = DeclarationForm(request.POST or None, instance=profile)
    if request.method == "POST":
        with transaction.atomic():
            if _save(request, form, profile, today):
                return redirect("my_declaration")
    context.update(
        form=form,
        standing=standing,
        required=required,
        can_see_history=request.user.has_perm("reviews.view_reviewer"),
    )
    return TemplateResponse(request, "admin/reviews/my_declaration.html", context)


def _save(request, form, profile: Reviewer, today) -> bool:
    """Confirm or update the declaration, as its own revision; False, with the form's errors
    and everything typed kept, when it cannot be saved."""
    before = profile.declaration  # the form's validation writes what was typed onto the profile
    if not form.is_valid():  # also takes the row lock and checks for a conflict
        return False
    unchanged = form.cleaned_data["declaration"] == before
    if request.POST.get("action") == CONFIRM and not unchanged:
        form.add_error(None, CHANGED_BUT_CONFIRMED)
        return False
    summary = CONFIRMED if unchanged else UPDATED
    with reversion.create_revision():
        # As ReviewedContentAdmin.save_model saves a profile: the counter moves on under the
        # lock the form took, then record_change makes the revision's author, summary and
        # audit event.
        profile = form.save(commit=False)
        profile.declared_on = today
        profile.edit_version = form.locked_edit_version + 1
        profile.save()
        changes.record_change(profile, user=request.user, summary=summary, counted=True)
    # And, as the admin does, in its list of recent actions.
    admin.site.get_model_admin(Reviewer).log_change(request, profile, summary)
    renew = signing.in_full(add_months(today, signing.DECLARATION_MONTHS))
    done = (
        f"Thank you: your declaration of interests is {'confirmed' if unchanged else 'saved'}, "
        f"dated {signing.in_full(today)}. Confirm it again by {renew}, or whenever your "
        "interests change."
    )
    if roles.is_reviewer(request.user):
        done = format_html(
            '{} <a href="{}">Changes awaiting your review</a>',
            done,
            reverse("admin:reviews_reviewrequest_queue"),
        )
    messages.success(request, done)
    return True
