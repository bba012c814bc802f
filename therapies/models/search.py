"""What search knows besides the pages: the words readers use for the same thing, and what
readers looked for and did not find."""

import reversion
from django.core.exceptions import ValidationError
from django.db import models

from therapies.models.content import EditedContent
from therapies.models.published import search_key


@reversion.register(exclude=["edit_version"])
class SearchSynonym(EditedContent):
    """Words or phrases that mean the same to a reader searching: a search for any of them
    finds the pages with any of them. They change which pages a search lists, never what a
    page says, so they take effect when saved, kept like any edit (summary, revision, audit)."""

    words = models.CharField(
        max_length=500,
        help_text="Two or more words or phrases, separated by commas: diarrhoea, diarrhea. "
        "US and UK spellings, a reader's word and the medical one (sore hands and feet, "
        "hand-foot syndrome), a word's other forms (foot, feet).",
    )
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why they mean the same, for other editors: US spelling, lay word…",
    )

    class Meta:
        ordering = ["words"]
        verbose_name = "search synonym"

    def __str__(self):
        return self.words

    @property
    def phrases(self) -> list[str]:
        """The words as search compares them: lower case, without punctuation, each once."""
        return list(dict.fromkeys(key for key in map(search_key, self.words.split(",")) if key))

    def clean(self):
        super().clean()
        if len(self.phrases) < 2:
            raise ValidationError(
                {"words": "Give at least two different words or phrases, separated by commas."}
            )
        too_long = [phrase for phrase in self.phrases if len(phrase.split()) > 4]
        if too_long:
            raise ValidationError(
                {"words": f"“{too_long[0]}” is more than four words: readers search in fewer."}
            )


class UnansweredSearch(models.Model):
    """A search that found nothing, counted per day: what readers need and the site does not
    yet say. Only the words searched for, normalised, are kept: never who searched."""

    query = models.CharField(max_length=100)
    day = models.DateField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"
        constraints = [
            models.UniqueConstraint(fields=["query", "day"], name="one_count_per_query_a_day")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"“{self.query}” on {self.day}: {self.count}"
