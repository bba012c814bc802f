"""Loading the seed content file into working rows, recording its review, and publishing it.

The seed is loaded once, into a database with no content history. After that, running the
loader again (as `make run` does) changes nothing, so it never overwrites, re-creates or
re-publishes what editors have changed, deleted or withdrawn. `update=True` loads it over
what is there: items are matched by their natural key, and nothing is created twice.
"""

from collections import Counter
from pathlib import Path

import reversion
import yaml
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from reversion.models import Version

from reviews import changes
from reviews.models import PageReview, Reviewer, ReviewerSnapshot
from reviews.services import publish_revision
from reviews.versions import content_hash, latest_revision
from therapies import readability
from therapies.models import (
    Availability,
    BrandName,
    Condition,
    DosageForm,
    DrugClass,
    GlossaryTerm,
    Indication,
    InformationPage,
    Reference,
    SearchSynonym,
    SideEffect,
    Therapy,
    TherapySideEffect,
    Topic,
    TopicSection,
    TopicSectionTherapy,
)
from therapies.publishing import build_snapshot

# The seed is content, kept with the content app; loading it is the workflow's work.
SEED_FILE = (
    Path(__file__).resolve().parent.parent / "therapies" / "seed" / "targeted_therapies.yaml"
)

THERAPY_FIELDS = [
    "generic_name",
    "other_names",
    "summary",
    "how_it_works",
    "when_used",
    "how_taken",
    "how_often",
    "where_taken",
    "availability_note",
]


class Unchanged(Exception):
    """Raised to roll back a revision that would repeat the one before it."""


class SeedLoader:
    def __init__(self, data: dict, *, update: bool = False):
        self.data = data
        self.update = update
        self.counts: Counter[str] = Counter()
        self.to_publish: list = []

    def upsert(self, model, lookup: dict, fields: dict):
        """Create the row, or update it when asked to; True when its children need writing."""
        obj, created = model.objects.get_or_create(**lookup, defaults=fields)
        label = model._meta.verbose_name_plural
        if created:
            self.counts[f"{label} created"] += 1
        elif self.update:
            for name, value in fields.items():
                setattr(obj, name, value)
            if hasattr(obj, "edit_version"):
                changes.move_on(obj)  # editors with the page open get a conflict, not a loss
            else:
                obj.save()
            self.counts[f"{label} updated"] += 1
        else:
            self.counts[f"{label} left as they were"] += 1
        return obj, created or self.update

    @transaction.atomic
    def load(self) -> Counter:
        if not self.update and Version.objects.filter(content_type__app_label="therapies").exists():
            return Counter()
        data = self.data
        reviewers = {
            r["key"]: self.upsert(
                Reviewer,
                {"name": r["name"], "job_title": r["job_title"]},
                {"editorial_role": r["editorial_role"]},
            )[0]
            for r in data["reviewers"]
        }
        references = {}
        for r in data["references"]:
            fields = {k: v for k, v in r.items() if k not in {"key", "authors", "title"}}
            references[r["key"]] = self.upsert(
                Reference, {"authors": r["authors"], "title": r["title"]}, fields
            )[0]
        cited = [references[key] for key in data["references_cited"]]
        conditions = self.by_slug(Condition, data["conditions"])
        drug_classes = self.by_slug(DrugClass, data["drug_classes"])
        forms = self.by_slug(DosageForm, data["dosage_forms"])
        # Rows the pages share have revisions of their own, so their history starts here.
        for rows in (references, conditions, drug_classes, forms):
            for row in rows.values():
                self.record_revision(row, "Loaded from the seed content.")
        side_effects = {}
        for s in data["side_effects"]:
            side_effect, write = self.upsert(SideEffect, {"slug": s["slug"]}, without(s, "slug"))
            side_effects[s["slug"]] = side_effect
            if write:
                side_effect.references.set(cited)
                self.to_publish.append(side_effect)
        therapies = {}
        for t in data["therapies"]:
            fields = {name: t.get(name, "") for name in THERAPY_FIELDS}
            fields["drug_class"] = drug_classes.get(t.get("drug_class"))
            therapy, write = self.upsert(Therapy, {"slug": t["slug"]}, fields)
            therapies[t["slug"]] = therapy
            if write:
                self.write_therapy_rows(therapy, t, conditions, forms, side_effects, cited)
                self.to_publish.append(therapy)
        for g in data["glossary"]:
            term, write = self.upsert(GlossaryTerm, {"slug": g["slug"]}, without(g, "slug"))
            if write:
                term.references.set(cited)
                self.to_publish.append(term)
        for g in data.get("glossary_drafts", []):
            term, write = self.upsert(GlossaryTerm, {"slug": g["slug"]}, without(g, "slug"))
            if write:
                term.references.set(cited)
                self.record_revision(term, "Drafted for the glossary; needs review.")
                self.counts["glossary drafts awaiting review"] += 1
        for p in data.get("information_pages", []):
            page, write = self.upsert(InformationPage, {"slug": p["slug"]}, without(p, "slug"))
            if write:
                # Not published: nobody has reviewed them yet.
                self.record_revision(page, "Drafted; to be finished and sent for review.")
                self.counts["information page drafts awaiting review"] += 1
        for t in data["topics"]:
            fields = without(t, "slug", "sections")
            topic, write = self.upsert(Topic, {"slug": t["slug"]}, fields)
            if write:
                self.write_sections(topic, t["sections"], therapies)
                topic.references.set(cited)
                self.to_publish.append(topic)
        for synonym in data.get("search_synonyms", []):
            row, write = self.upsert(
                SearchSynonym, {"words": synonym["words"]}, without(synonym, "words")
            )
            if write:
                self.record_revision(row, "Loaded from the seed content.")
        review = data["review"]
        approver = reviewers[review["approved_by"]]
        reviewed_on = review["reviewed_on"]
        for item in self.to_publish:
            self.record_review(item, review, approver)
            self.record_revision(item, "Loaded from the seed content.")
            publish_revision(
                item=item,
                revision=latest_revision(item),
                snapshot=build_snapshot(item),
                comment=f"First published here: the charity's page as reviewed and approved by "
                f"{approver} on {reviewed_on:%d %B %Y}.",
            )
            self.counts["pages published"] += 1
        readability.measure_pages(self.to_publish)
        return self.counts

    def by_slug(self, model, rows: list[dict]) -> dict:
        return {
            row["slug"]: self.upsert(model, {"slug": row["slug"]}, without(row, "slug"))[0]
            for row in rows
        }

    def write_therapy_rows(self, therapy, data, conditions, forms, side_effects, cited):
        """Make the therapy's child rows exactly the seed's, keeping rows that already match."""
        therapy.dosage_forms.set([forms[slug] for slug in data.get("dosage_forms", [])])
        therapy.references.set(cited)
        names = data.get("brand_names", [])
        therapy.brand_names.exclude(name__in=names).delete()
        for name in names:
            BrandName.objects.get_or_create(therapy=therapy, name=name)
        kept = []
        for position, row in enumerate(data.get("indications", [])):
            indication, _ = Indication.objects.update_or_create(
                therapy=therapy,
                condition=conditions[row["condition"]],
                role=row["role"],
                defaults={"detail": row.get("detail", ""), "position": position},
            )
            kept.append(indication.pk)
        therapy.indications.exclude(pk__in=kept).delete()
        kept = []
        for position, slug in enumerate(data.get("side_effects", [])):
            link, _ = TherapySideEffect.objects.update_or_create(
                therapy=therapy, side_effect=side_effects[slug], defaults={"position": position}
            )
            kept.append(link.pk)
        therapy.side_effect_links.exclude(pk__in=kept).delete()
        kept = []
        for row in data.get("availability", []):
            availability, _ = Availability.objects.update_or_create(
                therapy=therapy,
                nation=row["nation"],
                defaults={"status": row["status"], "decided_by": row.get("decided_by", "")},
            )
            kept.append(availability.pk)
        therapy.availability.exclude(pk__in=kept).delete()

    def write_sections(self, topic, sections: list[dict], therapies: dict):
        kept = []
        for position, row in enumerate(sections):
            section, _ = TopicSection.objects.update_or_create(
                topic=topic,
                position=position,
                defaults={"heading": row.get("heading", ""), "body": row.get("body", "")},
            )
            kept.append(section.pk)
            slugs = row.get("therapies", [])
            section.presented.exclude(therapy__slug__in=slugs).delete()
            for order, slug in enumerate(slugs):
                TopicSectionTherapy.objects.update_or_create(
                    section=section, therapy=therapies[slug], defaults={"position": order}
                )
        topic.sections.exclude(pk__in=kept).delete()

    def record_revision(self, item, comment: str) -> None:
        """Record the item as a revision, unless it holds just what its latest revision holds.
        Reading levels are measured once, when every page is loaded."""
        previous = latest_revision(item)
        try:
            with transaction.atomic():
                with reversion.create_revision():
                    reversion.add_to_revision(item)
                    changes.record_change(
                        item, user=None, summary=comment, counted=True, measure=False
                    )
                if previous and content_hash(previous) == content_hash(latest_revision(item)):
                    raise Unchanged
        except Unchanged:
            pass

    def record_review(self, item, review: dict, approver: Reviewer):
        PageReview.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            defaults={
                "reviewed_on": review["reviewed_on"],
                "next_review_due": review["next_review_due"],
                "approved_by": ReviewerSnapshot.objects.of(approver, approver.editorial_role),
            },
        )


def without(row: dict, *keys: str) -> dict:
    return {k: v for k, v in row.items() if k not in keys}


def _read_seed(path: Path = SEED_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_seed_content(*, path: Path = SEED_FILE, update: bool = False) -> Counter:
    return SeedLoader(_read_seed(path), update=update).load()
