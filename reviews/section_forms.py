"""A topic's sections and the therapies each presents, edited on the topic's own form.

Django's admin does not put inlines inside inlines, so a section's therapies are one form field:
a select for each therapy in the order readers see them, and two empty ones to add more, all
posted under one name (the order of the selects is the order of the values). Sections are put
in order by the up and down buttons of static/js/topic-sections.js, which number them in a
hidden field; without the script they keep the order they are shown in. Nobody types a position.
"""

import math
from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from reviews.forms import fits_key
from therapies.models import Therapy, TopicSectionTherapy

# The largest number PositiveSmallIntegerField holds on every database Django supports.
LAST_POSITION = 32767


class TherapiesInOrder(forms.SelectMultiple):
    """One select per therapy, in order, and a few empty ones; the script adds buttons to move
    them up and down and to add another select."""

    template_name = "admin/widgets/therapies_in_order.html"
    empty_rows = 2

    class Media:
        js = ["js/topic-sections.js"]
        css = {"all": ["css/topic-sections.css"]}

    def id_for_label(self, id_, index="0"):
        # The field's label names the first select; each select has its own label too.
        return f"{id_}_{index}" if id_ else ""

    def get_context(self, name, value, attrs):
        # Widget's own context: Select's would build every option once more, unused.
        context = forms.Widget.get_context(self, name, value, attrs)
        attrs = dict(context["widget"]["attrs"])
        base_id = attrs.pop("id", "")
        choices = [(str(pk), label) for pk, label in self.choices if str(pk) != ""]
        known = {pk for pk, _ in choices}
        chosen = [pk for pk in context["widget"]["value"] if pk != ""]
        rows = []
        for index, pk in enumerate([*chosen, *[""] * self.empty_rows]):
            options = choices
            if pk and pk not in known:
                # What was posted stays in its place, so the error beside it makes sense.
                options = [(pk, f"Not in the list ({pk}): choose a therapy"), *choices]
            rows.append(
                {"id": f"{base_id}_{index}" if base_id else "", "value": pk, "options": options}
            )
        context["widget"].update({"rows": rows, "select_attrs": attrs})
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/), not only the form renderer's own.
        return mark_safe(render_to_string(template_name, context))


class TherapiesInOrderField(forms.ModelMultipleChoiceField):
    """The therapies a section presents, in order: a list of therapies, not a set."""

    widget = TherapiesInOrder
    default_error_messages = {
        "invalid_choice": "%(value)s is not a therapy in the list: choose one from it, or "
        "(none) to take it out.",
        "invalid_pk_value": "“%(pk)s” is not a therapy in the list: choose one from it, or "
        "(none) to take it out.",
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=Therapy.objects.all(), required=False, **kwargs)

    def clean(self, value):
        if isinstance(value, str):
            value = [value]
        chosen = [pk for pk in (value or []) if pk not in self.empty_values]
        key = self.queryset.model._meta.pk
        for pk in chosen:
            # Checked before any query: an id too big for the database fails SQLite.
            if not fits_key(key, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        found = {str(therapy.pk): therapy for therapy in self._check_values(chosen)}
        therapies = [found[str(pk)] for pk in chosen]
        twice = [therapy for therapy, count in Counter(therapies).items() if count > 1]
        if twice:
            names = ", ".join(str(therapy) for therapy in twice)
            raise ValidationError(
                f"{names} is chosen more than once. A section presents each therapy once: "
                "set all but one of them to (none).",
                code="duplicate",
            )
        self.run_validators(therapies)
        return therapies

    def has_changed(self, initial, data):
        # Order matters here: Django's own field compares sets.
        before = [str(pk) for pk in self.prepare_value(initial or [])]
        after = [str(pk) for pk in data or [] if pk not in self.empty_values]
        return before != after


class PositionField(forms.IntegerField):
    """Where a section stands among its topic's sections, as the page's script last numbered
    them. Never typed: a value that is not one (a page changed by hand) counts as none, and
    the section keeps its place in the form."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=LAST_POSITION, **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            return None


class SectionForm(forms.ModelForm):
    """A section with the therapies it presents, in order."""

    presented = TherapiesInOrderField(
        label="Therapies presented",
        help_text="In the order readers see them. To add one, choose it in a box showing "
        "(none); to take one out, choose (none).",
    )

    def __init__(self, *args, therapy_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if therapy_choices is not None:
            # The list of therapies, read once for every section of the page.
            self.fields["presented"].widget.choices = therapy_choices
        if self.instance.pk:
            self.initial.setdefault(
                "presented", [link.therapy_id for link in self.instance.presented.all()]
            )
        self.opened_position = self.instance.position

    def has_changed(self):
        # The hidden position alone is not a change: a new section the script numbered but
        # nobody filled in is not added, and a section whose place stays the same is unchanged.
        if any(name != "position" for name in self.changed_data):
            return True
        return self.instance.pk is not None and self.instance.position != self.opened_position

    def _save_m2m(self):
        super()._save_m2m()
        if "presented" in self.cleaned_data:
            present_in_order(self.instance, self.cleaned_data["presented"])


class SectionInlineForm(SectionForm):
    position = PositionField()


def present_in_order(section, therapies: list) -> None:
    """Make the section present exactly `therapies`, in that order. Each row is saved on its
    own, so the change is versioned; rows whose place is unchanged are left alone."""
    links = {link.therapy_id: link for link in TopicSectionTherapy.objects.filter(section=section)}
    wanted = {therapy.pk for therapy in therapies}
    for therapy_id, link in links.items():
        if therapy_id not in wanted:
            link.delete()
    for position, therapy in enumerate(therapies):
        link = links.get(therapy.pk)
        if link is None:
            TopicSectionTherapy.objects.create(section=section, therapy=therapy, position=position)
        elif link.position != position:
            link.position = position
            link.save()


class SectionFormSet(BaseInlineFormSet):
    """A topic's sections, numbered 0, 1, 2… in the order the page put them in."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "therapy_choices": self.therapy_choices}

    @cached_property
    def therapy_choices(self) -> list[tuple[int, str]]:
        return [(therapy.pk, str(therapy)) for therapy in Therapy.objects.all()]

    def clean(self):
        super().clean()
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if not self._should_delete_form(form)
            and (index < self.initial_form_count() or form.has_changed())
        ]

        def place(item):
            index, form = item
            position = getattr(form, "cleaned_data", {}).get("position")
            if position is None:
                # Not numbered by the script: a section keeps its place, a new one goes last.
                position = index if index < self.initial_form_count() else math.inf
            return (position, index)

        for position, (_, form) in enumerate(sorted(kept, key=place)):
            form.instance.position = position
