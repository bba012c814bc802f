from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from reviews import changes
from reviews.compare import compare
from reviews.models import (
    NOTE_LENGTH,
    READER_NOTE_LENGTH,
    EditorialRole,
    ReferenceCheck,
    SignOff,
)
from reviews.versions import latest_revision, versions_of
from therapies import readability


class ContentForm(forms.ModelForm):
    """Every content form in the admin: asks for a change summary and refuses lost updates.

    The page's edit counter is read when the form opens and checked, under a row lock, when it
    is saved. If someone else saved in between, the form is shown again with what they changed
    and with everything this editor typed still in it.
    """

    change_summary = forms.CharField(
        max_length=300,
        help_text="What did you change, and why? Reviewers read this.",
        widget=forms.TextInput(attrs={"size": 80}),
    )
    opened_edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Which page the counter is of: a section can move to another topic while the form is open.
    opened_page_id = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )
    # A revision's id: bounded, so a tampered value is a form error, never a query SQLite fails.
    opened_revision = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )

    def opened_page(self):
        """The row whose revisions this form's row belongs to, as the form opened it: the row
        itself, or the page it is part of."""
        return self.instance

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = self.opened_page()
        if self.page is not None and self.page.pk:
            self.fields["opened_edit_version"].initial = self.page.edit_version
            self.fields["opened_page_id"].initial = self.page.pk
            revision = latest_revision(self.page)
            self.fields["opened_revision"].initial = revision.pk if revision else None

    def clean(self):
        cleaned_data = super().clean()
        page = self.page
        if page is None or page.pk is None:
            return cleaned_data
        # A form without the counter (never one a browser sends), or opened on another page (a
        # section moved since), cannot show that it saw the latest save.
        opened = cleaned_data.get("opened_edit_version")
        if cleaned_data.get("opened_page_id") != page.pk:
            opened = None
        try:
            current = changes.check_unchanged_since(page, opened)
        except changes.Conflict as conflict:
            current = conflict.current
            message = _conflict_message(current, cleaned_data.get("opened_revision"))
            # Keep everything typed; take the newer counter, so saving again is a choice.
            data = self.data.copy()
            data[self.add_prefix("opened_edit_version")] = current.edit_version
            data[self.add_prefix("opened_page_id")] = page.pk
            latest = latest_revision(current)
            data[self.add_prefix("opened_revision")] = latest.pk if latest else ""
            self.data = data
            raise ValidationError(message, code="conflict") from None
        self.locked_edit_version = current.edit_version
        return cleaned_data


def _conflict_message(page, opened_revision_id):
    versions = versions_of(page)
    latest = versions.last()
    opened = versions.filter(revision_id=opened_revision_id).first() if opened_revision_id else None
    comparison = (
        compare(type(page), page.pk, opened.revision if opened else None, latest.revision)
        if latest
        else None
    )
    return render_to_string(
        "admin/reviews/includes/conflict.html",
        {"latest": latest.revision if latest else None, "comparison": comparison},
    )


def fits_key(model_field, value) -> bool:
    """Whether `value` could be in `model_field`'s column: a number, in the column's range."""
    try:
        model_field.run_validators(model_field.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the chosen id up to show its name, and fails (a server
    error) when a form is shown again with an id that is not a number or is out of range. Such
    an id is shown as no choice: the form field has already said it is not a valid one."""

    def optgroups(self, name, value, attr=None):
        key = self.field.remote_field.get_related_field()
        return super().optgroups(name, [v for v in value if fits_key(key, v)], attr)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """An id out of the column's range is refused as not valid, where Django would put it into
    a query (which SQLite fails with an OverflowError, a server error). `_check_values` is
    Django's own (private) step for this; check it still exists when upgrading Django."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for pk in value:
            if not fits_key(key, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class SubmitForm(forms.Form):
    summary = forms.CharField(
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Only the editorial team reads this. What changed and why: every reviewer "
        "reads this first.",
    )
    reader_note = forms.CharField(
        label="What changed, for readers",
        required=False,
        max_length=READER_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Readers see this on the page and in the feed, with the date it is published. "
        "Write a sentence or two in plain English, for example “We added what to do if you "
        "miss a dose.” Leave it empty for a change too small to mention, such as a spelling: "
        "readers are then told nothing of it.",
    )
    is_review = forms.BooleanField(
        required=False,
        label="This change is the page's scheduled review",
        help_text="Approving it then moves the review dates, once every source is checked.",
    )

    def reader_note_report(self) -> readability.Report | None:
        """How plain the note for readers is, once one has been typed."""
        note = self.data.get(self.add_prefix("reader_note"), "") if self.is_bound else ""
        # Measured only as long as a note may be: the form refuses a longer one anyway.
        note = note[: self.fields["reader_note"].max_length]
        return readability.report_of_text(note) if note.strip() else None

    def __init__(self, *args, saved_summary: str = "", **kwargs):
        """`saved_summary`: what the editors said when they saved the change, to start from."""
        super().__init__(*args, **kwargs)
        if saved_summary:
            field = self.fields["summary"]
            field.initial = saved_summary
            field.help_text = (
                f"{field.help_text} It starts with the change summaries saved since the page was "
                "last published or sent for review: edit it as you need."
            )


class ConfirmReviewForm(forms.Form):
    summary = forms.CharField(
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="What you checked, and why no change is needed.",
    )


class SignOffForm(forms.Form):
    role = forms.ChoiceField(label="Signing as")
    # Posted by the button pressed: "Approve" or "Request changes".
    decision = forms.ChoiceField(
        choices=SignOff.Decision.choices,
        error_messages={
            "required": "Press Approve or Request changes.",
            "invalid_choice": "Press Approve or Request changes.",
        },
    )
    comment = forms.CharField(
        label="Your remarks",
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="With an approval: optional, kept with your sign-off. To request changes: say "
        "what needs to change; the editor answers it.",
    )

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, EditorialRole(role).label) for role in roles]
        if len(roles) == 1:
            # Nothing to choose: the page says which role the reviewer signs in.
            self.fields["role"].widget = forms.HiddenInput()
            self.fields["role"].initial = roles[0]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Readers who follow an old link see this.",
    )


class ReferenceCheckForm(forms.Form):
    reference = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=ReferenceCheck.Outcome.choices)
    note = forms.CharField(required=False, max_length=300)


class CommentForm(forms.Form):
    field = forms.CharField(
        required=False, max_length=100, help_text="Which part of the page, if one (e.g. Summary)."
    )
    text = forms.CharField(
        label="Comment",
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


class ResolveCommentForm(forms.Form):
    accepted = forms.TypedChoiceField(
        choices=[("yes", "Accepted: changed in revision…"), ("no", "Not accepted, because…")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Answer",
    )
    revision = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    reason = forms.CharField(
        required=False, max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )

    def __init__(self, *args, revisions: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].choices = [("", "choose the revision"), *revisions]
