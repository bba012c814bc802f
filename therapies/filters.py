from functools import cached_property, lru_cache
from html import escape

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from therapies import search
from therapies.editions import edition_clock
from therapies.models import PublishedFacet, PublishedPage

Facet = PublishedFacet.Name


@lru_cache(maxsize=2)
def published_choices(edition_token: str) -> dict[str, list[tuple[str, str]]]:
    """Each facet's values among published therapies, with their labels. They change only
    with the site's edition, so each process works them out once per edition (a scan of every
    facet row: tens of milliseconds at 10,000 therapies)."""
    choices = {facet: [] for facet in TherapyFilter.facet_of_filter.values()}
    published = (
        PublishedFacet.objects.filter(page__kind="therapy", name__in=choices)
        .values_list("name", "value", "label")
        .distinct()
        .order_by("label")
    )
    for name, value, label in published:
        choices[name].append((value, label))
    return choices


class QuickSelect(forms.Select):
    """A select whose options are written in plain Python, not with a template each: the
    condition list grows with the content, and rendering options was most of an uncached list
    page's time. The markup is the same as Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')


class TherapyFilter(django_filters.FilterSet):
    """The public therapy list's filters. Values it does not understand are ignored, and
    `ignored` says which, so the page can tell the reader."""

    q = django_filters.CharFilter(
        label="Drug name, brand, condition or side effect",
        method="search",
        # Longer words are searched for as far as search reads them (search.MAX_LENGTH).
        widget=forms.TextInput(attrs={"type": "search", "maxlength": search.MAX_LENGTH}),
    )
    condition = django_filters.ChoiceFilter(label="Condition", method="facet", widget=QuickSelect)
    drug_class = django_filters.ChoiceFilter(label="Drug class", method="facet", widget=QuickSelect)
    form = django_filters.ChoiceFilter(label="How it is taken", method="facet", widget=QuickSelect)
    nhs = django_filters.ChoiceFilter(label="NHS availability", method="facet", widget=QuickSelect)
    letter = django_filters.ChoiceFilter(
        label="First letter",
        choices=[(c, c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
        method="starting_with",
        empty_label="Any",
        widget=QuickSelect,
    )

    facet_of_filter = {
        "condition": Facet.CONDITION,
        "drug_class": Facet.DRUG_CLASS,
        "form": Facet.DOSAGE_FORM,
        "nhs": Facet.NHS_STATUS,
    }

    class Meta:
        model = PublishedPage
        fields = ["q", "condition", "drug_class", "form", "nhs", "letter"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset or PublishedPage.objects.therapies(), **kwargs)
        self.found = None  # what the words typed found, once filtered
        choices = published_choices(edition_clock.token())
        for filter_name, facet in self.facet_of_filter.items():
            if len(choices[facet]) < 2 and not (data or {}).get(filter_name):
                # A choice of one narrows nothing: it only stands between readers and results.
                del self.filters[filter_name]
                continue
            self.filters[filter_name].extra["choices"] = choices[facet]
            self.filters[filter_name].extra["empty_label"] = "Any"

    def starting_with(self, queryset, name, value):
        return queryset.filter(sort_name__startswith=value.casefold())

    def search(self, queryset, name, value):
        # The list is of drugs: their names and what they treat or cause, not every mention.
        self.found = search.find(queryset, value, in_body=False)
        return self.found.pages

    def facet(self, queryset, name, value):
        return queryset.with_facet(self.facet_of_filter[name], value)

    @cached_property
    def ignored(self) -> list[dict]:
        """The filters the reader sent that we could not use, with what they sent."""
        form = self.form
        form.is_valid()
        return [
            {"label": form.fields[name].label, "value": self.data.get(name, "")[:60]}
            for name in form.errors
        ]

    @cached_property
    def active(self) -> list[dict]:
        """The filters in use, with the label of the chosen value, for the 'remove' links."""
        form = self.form
        form.is_valid()
        active = []
        for name, value in form.cleaned_data.items():
            if not value:
                continue
            field = form.fields[name]
            shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
            without = self.data.copy()
            for dropped in [name, "page", *form.errors]:
                without.pop(dropped, None)
            active.append(
                {
                    "name": name,
                    "label": field.label,
                    "value": shown,
                    "remove_query": without.urlencode(),
                }
            )
        return active

    @property
    def filters_in_use(self) -> int:
        """How many filters other than the words typed are in use."""
        return sum(active["name"] != "q" for active in self.active)

    @property
    def words_only(self) -> bool:
        """Whether the words typed are the only filter in use."""
        return [active["name"] for active in self.active] == ["q"]
