from django import forms


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label="Was this page helpful?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )
    comment = forms.CharField(
        label="Tell us more (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text="Please do not include your name or any personal or medical details. "
        "We cannot reply to comments.",
    )
