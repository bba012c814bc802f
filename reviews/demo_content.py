"""Synthetic content at scale, for benchmarks and load tests: realistic in shape, marked as
generated (every slug starts with "generated-"), and never mixed into the seed content."""

import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from reversion.models import Revision, Version

from reviews import changes
from reviews.models import PageReview, Publication
from therapies import publishing
from therapies.editions import one_new_edition
from therapies.models import (
    Availability,
    BrandName,
    Condition,
    DosageForm,
    DrugClass,
    Frequency,
    Indication,
    NhsStatus,
    PageKind,
    Reference,
    SideEffect,
    Therapy,
    TherapySideEffect,
    TreatmentRole,
)
from therapies.publishing import therapies_for_snapshots, therapy_snapshot

PREFIX = "generated-"
BATCH = 2000
SYLLABLES = ["ra", "zo", "ti", "ne", "ma", "lu", "ve", "do", "ki", "pa", "so", "re"]


def _drug_name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3)) + f"tinib{n}"


def _ensure(model, rows: list[dict]) -> list:
    existing = {obj.slug: obj for obj in model.objects.filter(slug__startswith=PREFIX)}
    model.objects.bulk_create(
        [model(**row) for row in rows if row["slug"] not in existing], batch_size=BATCH
    )
    return list(model.objects.filter(slug__startswith=PREFIX).order_by("pk"))


@transaction.atomic
def generate(*, therapies: int, seed: int = 1) -> dict[str, int]:
    """Add `therapies` generated therapies, reviewed and published, with what they need."""
    rng = random.Random(seed)
    start = Therapy.objects.filter(slug__startswith=PREFIX).count()
    conditions = _ensure(
        Condition,
        [{"slug": f"{PREFIX}condition-{i}", "name": f"generated condition {i}"} for i in range(60)],
    )
    classes = _ensure(
        DrugClass,
        [{"slug": f"{PREFIX}class-{i}", "name": f"generated drug class {i}"} for i in range(12)],
    )
    effects = _ensure(
        SideEffect,
        [{"slug": f"{PREFIX}effect-{i}", "name": f"generated side effect {i}"} for i in range(200)],
    )
    references = list(Reference.objects.filter(title__startswith="Generated study"))
    if not references:
        Reference.objects.bulk_create(
            Reference(
                authors=f"Author{i} A et al.",
                title=f"Generated study {i}",
                journal="Journal of Generated Evidence",
                year=2015 + i % 10,
                doi=f"10.0000/generated.{i}",
            )
            for i in range(300)
        )
        references = list(Reference.objects.filter(title__startswith="Generated study"))
    forms = list(DosageForm.objects.all()) or [
        DosageForm.objects.create(slug=f"{PREFIX}tablets", name="tablets")
    ]

    new = Therapy.objects.bulk_create(
        [
            Therapy(
                generic_name=(name := _drug_name(rng, start + n)),
                slug=f"{PREFIX}{name}",
                drug_class=rng.choice(classes),
                summary=f"{name.capitalize()} is a generated drug used to test the site at scale.",
                how_it_works="It blocks a signal that tells cancer cells to grow.",
                how_taken=f"You take {name} once a day as tablets.",
                how_often="once a day",
            )
            for n in range(therapies)
        ],
        batch_size=BATCH,
    )
    BrandName.objects.bulk_create(
        [BrandName(therapy=t, name=f"{t.generic_name.capitalize()}gen®") for t in new],
        batch_size=BATCH,
    )
    Indication.objects.bulk_create(
        [
            Indication(
                therapy=t, condition=condition, role=rng.choice(TreatmentRole.values), position=i
            )
            for t in new
            for i, condition in enumerate(rng.sample(conditions, rng.randint(1, 3)))
        ],
        batch_size=BATCH,
    )
    TherapySideEffect.objects.bulk_create(
        [
            TherapySideEffect(
                therapy=t, side_effect=effect, frequency=rng.choice(Frequency.values), position=i
            )
            for t in new
            for i, effect in enumerate(rng.sample(effects, rng.randint(3, 8)))
        ],
        batch_size=BATCH,
    )
    Availability.objects.bulk_create(
        [
            Availability(therapy=t, nation="uk", status=rng.choice(NhsStatus.values))
            for t in new
            if rng.random() < 0.5
        ],
        batch_size=BATCH,
    )
    through_forms = Therapy.dosage_forms.through
    through_forms.objects.bulk_create(
        [through_forms(therapy_id=t.pk, dosageform_id=rng.choice(forms).pk) for t in new],
        batch_size=BATCH,
    )
    through_refs = Therapy.references.through
    through_refs.objects.bulk_create(
        [
            through_refs(therapy_id=t.pk, reference_id=reference.pk)
            for t in new
            for reference in rng.sample(references, 2)
        ],
        batch_size=BATCH,
    )
    revisions = changes.record_generated(new)
    _publish_all(new, revisions)
    return {"therapies": len(new), "revisions": len(revisions) * 2}


def _publish_all(therapies: list[Therapy], revisions: dict[int, Revision]) -> None:
    with one_new_edition():
        _publish_batches(therapies, revisions)


def _publish_batches(therapies: list[Therapy], revisions: dict[int, Revision]) -> None:
    """Review dates, publication records and (through publishing) the pages, in bulk."""
    content_type = ContentType.objects.get_for_model(Therapy)
    today = timezone.localdate()
    reviews = PageReview.objects.bulk_create(
        [
            PageReview(
                content_type=content_type,
                object_id=t.pk,
                reviewed_on=today - datetime.timedelta(days=t.pk % 1000),
                next_review_due=today + datetime.timedelta(days=1095 - t.pk % 1000),
            )
            for t in therapies
        ],
        batch_size=BATCH,
    )
    review_of = {review.object_id: review for review in reviews}
    for start in range(0, len(therapies), BATCH):
        ids = [t.pk for t in therapies[start : start + BATCH]]
        snapshots = [therapy_snapshot(t, {}) for t in therapies_for_snapshots().filter(pk__in=ids)]
        # "Generated content." is for the editorial team (the publication's summary): readers
        # are given no note of what changed.
        publishing.publish_in_bulk(snapshots, reviews=review_of, revisions=revisions, summary="")
        Publication.objects.bulk_create(
            [
                Publication(
                    content_type=content_type,
                    object_id=snapshot.object_id,
                    object_repr=snapshot.title,
                    revision=revisions[snapshot.object_id],
                    snapshot=snapshot.as_json(),
                    summary="Generated content.",
                )
                for snapshot in snapshots
            ],
            batch_size=BATCH,
        )


@transaction.atomic
def remove_generated() -> int:
    """Take every generated therapy off the site and out of the database."""
    with one_new_edition():
        return _remove_generated_rows()


def _remove_generated_rows() -> int:
    therapies = Therapy.objects.filter(slug__startswith=PREFIX)
    ids = list(therapies.values_list("pk", flat=True))
    content_type = ContentType.objects.get_for_model(Therapy)
    publishing.remove(PageKind.THERAPY, ids)
    PageReview.objects.filter(content_type=content_type, object_id__in=ids).delete()
    Publication.objects.filter(content_type=content_type, object_id__in=ids).delete()
    revision_ids = Version.objects.filter(
        content_type=content_type, object_id__in=[str(i) for i in ids]
    ).values_list("revision_id", flat=True)
    Revision.objects.filter(pk__in=list(revision_ids)).delete()
    therapies.delete()
    return len(ids)
