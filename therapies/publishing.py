"""Freezing working rows into the published read model.

This module is the one writer of what readers see: `publish` (and `publish_in_bulk` for
generated content), `name_approver`, `sources_checked`, `withdraw` and `remove`. Nothing else
writes the published tables.
"""

import copy
import datetime
from dataclasses import asdict, dataclass, field, replace

from django.db import models, transaction
from django.db.models import (
    Count,
    ExpressionWrapper,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from reversion.models import Revision

from therapies.editions import one_new_edition
from therapies.indexing import index_entry
from therapies.models import (
    Condition,
    DosageForm,
    DrugClass,
    GlossaryTerm,
    Indication,
    InformationPage,
    PageKind,
    PublishedChange,
    PublishedCitation,
    PublishedFacet,
    PublishedPage,
    Reference,
    SideEffect,
    Therapy,
    TherapySideEffect,
    Topic,
    TopicSection,
    WithdrawnPage,
)


class PublishingError(Exception):
    """The item cannot be published as it stands."""


@dataclass
class PageSnapshot:
    """Everything readers will see of one page: what reviewers approve, and what is published.

    `shown_rows` names the rows, other than the page's own, whose words it shows (its
    conditions, references…, a topic's sections) as [model label, id]; `as_of_revision` is the
    latest revision in the system when the snapshot was taken. Together they say whose changes
    it carries.
    """

    kind: str
    object_id: int
    slug: str
    title: str
    document: dict
    facets: set[tuple[str, str, str]] = field(default_factory=set)
    shown_rows: list[list] = field(default_factory=list)
    as_of_revision: int | None = None

    def as_json(self) -> dict:
        return {**asdict(self), "facets": sorted([str(n), v, label] for n, v, label in self.facets)}

    @classmethod
    def from_json(cls, data: dict) -> "PageSnapshot":
        # Snapshots taken before search was indexed from the document held its words too.
        data = {key: value for key, value in data.items() if key != "search_text"}
        return cls(**{**data, "facets": {tuple(facet) for facet in data["facets"]}})

    @property
    def reference_ids(self) -> list[int]:
        label = Reference._meta.label_lower
        return [pk for model, pk in self.shown_rows if model == label]

    @property
    def address(self) -> str:
        return PublishedPage(kind=self.kind, slug=self.slug).get_absolute_url()


def shown_rows(*rows: models.Model) -> list[list]:
    """The rows, as a snapshot lists them: [model label, id], each once, in a stable order."""
    return sorted({(row._meta.label_lower, row.pk) for row in rows if row is not None})


def _latest_revision_id() -> int | None:
    return Revision.objects.aggregate(latest=Max("pk"))["latest"]


def _reference_document(reference: Reference) -> dict:
    return {
        "authors": reference.authors,
        "title": reference.title,
        "journal": reference.journal,
        "year": reference.year,
        "volume": reference.volume,
        "issue": reference.issue,
        "pages": reference.pages,
        "doi": reference.doi,
        "url": reference.url,
        "accessed": _accessed(reference),
    }


def _accessed(reference: Reference) -> str:
    """When we last read the source: added, or checked in a review since."""
    read = max(filter(None, [reference.accessed, reference.last_checked_on]), default=None)
    return read.strftime("%B %Y") if read else ""


def sources_checked(reference_ids, *, on) -> int:
    """A review approved today checked these sources `on` that day: every published page that
    cites one says it was accessed then, if it said an earlier month. Only the date moves: the
    source as published stays as its reviewers approved it (an edit of the source since is not
    published by this). Returns how many pages now say so."""
    references = Reference.objects.filter(pk__in=reference_ids)
    stale = references.filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=on))
    # Not an edit of the source, so no version of it (content's own update() refuses).
    models.QuerySet.update(stale, last_checked_on=on)
    checked = dict.fromkeys(references.values_list("authors", "title"), on)
    citing = PublishedCitation.objects.filter(reference__in=reference_ids).values("page")
    changed = [
        page
        for page in PublishedPage.objects.filter(pk__in=citing).select_for_update()
        if _read_since(page.document.get("references", []), checked)
    ]
    if changed:
        with one_new_edition():
            PublishedPage.objects.bulk_update(changed, ["document"])
    return len(changed)


def _read_since(cited: list[dict], checked: dict) -> bool:
    """Move each source in `cited` (a document's references) on to the month it was checked,
    from `checked` ((authors, title) to the day), where that is later than the month it says.
    Whether any moved."""
    moved = False
    for reference in cited:
        on = checked.get((reference["authors"], reference["title"]))
        if on and _month_read(reference["accessed"]) < on.replace(day=1):
            reference["accessed"] = on.strftime("%B %Y")
            moved = True
    return moved


def _with_sources_read_since(snapshot: "PageSnapshot") -> "PageSnapshot":
    """`snapshot` with its sources accessed no earlier than their latest check: one signed off
    before a check of a source it shares with another page says the month it was checked."""
    checked = {
        (reference.authors, reference.title): reference.last_checked_on
        for reference in Reference.objects.filter(
            pk__in=snapshot.reference_ids, last_checked_on__isnull=False
        )
    }
    document = copy.deepcopy(snapshot.document)
    if _read_since(document.get("references", []), checked):
        return replace(snapshot, document=document)
    return snapshot


def _month_read(accessed: str) -> datetime.date:
    """The first day of the month a published source says it was accessed ("May 2022")."""
    try:
        return datetime.datetime.strptime(accessed, "%B %Y").date()
    except ValueError:
        return datetime.date.min  # never said, or not a month: any check is later


def _approved_name(approved: dict, side_effect: SideEffect) -> str:
    return approved.get(side_effect.pk, (None, _side_effect_title(side_effect)))[1]


def _side_effect_title(side_effect: SideEffect) -> str:
    return str(side_effect)


def therapies_for_snapshots():
    """Therapies with everything their snapshot needs fetched in a few queries."""
    return Therapy.objects.select_related("drug_class").prefetch_related(
        "brand_names",
        "dosage_forms",
        "references",
        "availability",
        Prefetch("indications", Indication.objects.select_related("condition")),
        Prefetch("side_effect_links", TherapySideEffect.objects.select_related("side_effect")),
    )


def _approved_side_effect_names(side_effect_ids) -> dict[int, tuple[str, str]]:
    """Side effect id → (slug, name) as its own page was approved."""
    return {
        object_id: (slug, title)
        for object_id, slug, title in PublishedPage.objects.side_effects()
        .filter(object_id__in=side_effect_ids)
        .values_list("object_id", "slug", "title")
    }


def _build_therapy(therapy: Therapy) -> PageSnapshot:
    therapy = therapies_for_snapshots().get(pk=therapy.pk)
    ids = [link.side_effect_id for link in therapy.side_effect_links.all()]
    return therapy_snapshot(therapy, _approved_side_effect_names(ids))


def therapy_snapshot(therapy: Therapy, approved: dict[int, tuple[str, str]]) -> PageSnapshot:
    """The snapshot of a therapy fetched by `therapies_for_snapshots()`."""
    brand_names = [brand.name for brand in therapy.brand_names.all()]
    conditions: dict[str, dict] = {}
    for indication in therapy.indications.all():
        condition = indication.condition
        entry = conditions.setdefault(
            condition.slug,
            {"slug": condition.slug, "name": str(condition), "roles": []},
        )
        entry["roles"].append(
            {
                "role": indication.role,
                "label": indication.get_role_display(),
                "detail": indication.detail,
            }
        )
    # A side effect with a page of its own is named as that page was approved, so a draft
    # rename of the side effect cannot reach readers through the therapy page.
    links = therapy.side_effect_links.all()
    side_effects = [
        {
            "slug": approved.get(link.side_effect_id, (link.side_effect.slug,))[0],
            "name": _approved_name(approved, link.side_effect),
            "frequency": link.frequency,
            "frequency_label": link.get_frequency_display() if link.frequency else "",
        }
        for link in links
    ]
    availability = [
        {
            "nation": row.get_nation_display(),
            "status": row.status,
            "status_label": row.get_status_display(),
            "decided_by": row.decided_by,
        }
        for row in therapy.availability.all()
    ]
    drug_class = therapy.drug_class
    document = {
        "generic_name": therapy.generic_name,
        "brand_names": brand_names,
        "other_names": [name.strip() for name in therapy.other_names.split(",") if name.strip()],
        "drug_class": {"slug": drug_class.slug, "name": str(drug_class)} if drug_class else None,
        "summary": therapy.summary,
        "how_it_works": therapy.how_it_works,
        "when_used": therapy.when_used,
        "how_taken": therapy.how_taken,
        "dosage_forms": [form.name for form in therapy.dosage_forms.all()],
        "how_often": therapy.how_often,
        "where_taken": therapy.get_where_taken_display() if therapy.where_taken else "",
        "conditions": list(conditions.values()),
        "side_effects": side_effects,
        "availability": availability,
        "availability_note": therapy.availability_note,
        "contact_team_straight_away": therapy.contact_team_straight_away,
        "missed_dose": therapy.missed_dose,
        "other_medicines": therapy.other_medicines,
        "pregnancy_and_contraception": therapy.pregnancy_and_contraception,
        "references": [_reference_document(ref) for ref in therapy.references.all()],
    }
    facets = {(PublishedFacet.Name.CONDITION, c["slug"], c["name"]) for c in conditions.values()}
    facets |= {
        (PublishedFacet.Name.DOSAGE_FORM, form.slug, form.name)
        for form in therapy.dosage_forms.all()
    }
    facets |= {(PublishedFacet.Name.SIDE_EFFECT, s["slug"], s["name"]) for s in side_effects}
    facets |= {
        (PublishedFacet.Name.NHS_STATUS, row["status"], row["status_label"]) for row in availability
    }
    if drug_class:
        facets.add((PublishedFacet.Name.DRUG_CLASS, drug_class.slug, str(drug_class)))
    shown = [
        drug_class,
        *therapy.dosage_forms.all(),
        *(indication.condition for indication in therapy.indications.all()),
        *therapy.references.all(),
        # A side effect's name comes from its own approved page where it has one.
        *(link.side_effect for link in links if link.side_effect_id not in approved),
    ]
    return PageSnapshot(
        kind=PageKind.THERAPY,
        object_id=therapy.pk,
        slug=therapy.slug,
        title=therapy.generic_name,
        document=document,
        facets=facets,
        shown_rows=shown_rows(*shown),
    )


def _with_sources(page, *, title: str, document: dict, shown=()) -> PageSnapshot:
    """The snapshot of a page with the sources it cites: each page kind's own `document`, and
    the references readers are shown under it (listed among the rows the page shows)."""
    references = list(page.references.all())
    return PageSnapshot(
        kind=page.page_kind,
        object_id=page.pk,
        slug=page.slug,
        title=title,
        document={**document, "references": [_reference_document(ref) for ref in references]},
        shown_rows=shown_rows(*references, *shown),
    )


def _build_side_effect(side_effect: SideEffect) -> PageSnapshot:
    return _with_sources(
        side_effect,
        title=_side_effect_title(side_effect),
        document={
            "name": side_effect.name,
            "medical_name": side_effect.medical_name,
            "what_it_is": side_effect.what_it_is,
            "what_helps": side_effect.what_helps,
            "when_to_get_help": side_effect.when_to_get_help,
        },
    )


def _build_glossary_term(term: GlossaryTerm) -> PageSnapshot:
    return _with_sources(
        term,
        title=term.term,
        document={"term": term.term, "explanation": term.explanation, "forms": term.forms},
    )


def _build_topic(topic: Topic) -> PageSnapshot:
    sections = list(TopicSection.objects.filter(topic=topic).prefetch_related("presented"))
    return _with_sources(
        topic,
        title=topic.title,
        document={
            "title": topic.title,
            "intro": topic.intro,
            "sections": [
                {
                    "heading": section.heading,
                    "body": section.body,
                    # By id: the topic shows each therapy as its own page was approved.
                    "therapies": [link.therapy_id for link in section.presented.all()],
                }
                for section in sections
            ],
            "references_note": topic.references_note,
            "production_note": topic.production_note,
            "adapted_from": _adapted_from(topic),
        },
        # Its sections too: one that moves in from another topic brings its writers with it.
        shown=sections,
    )


def _adapted_from(topic: Topic) -> dict | None:
    """The credit to the organisation whose page this one is adapted from, if it is."""
    if not topic.adapted_from_organisation:
        return None
    reviewed = topic.adapted_from_reviewed
    return {
        "organisation": topic.adapted_from_organisation,
        "title": topic.adapted_from_title,
        "reviewed": reviewed.isoformat() if reviewed else "",
    }


def _build_information_page(page: InformationPage) -> PageSnapshot:
    return _with_sources(page, title=page.title, document={"title": page.title, "body": page.body})


BUILDERS = {
    Therapy: _build_therapy,
    SideEffect: _build_side_effect,
    GlossaryTerm: _build_glossary_term,
    Topic: _build_topic,
    InformationPage: _build_information_page,
}


def build_snapshot(item: models.Model) -> PageSnapshot:
    """What readers would see of `item` if its working rows were published now."""
    snapshot = BUILDERS[type(item)](item)
    snapshot.as_of_revision = _latest_revision_id()
    return snapshot


# Which pages show a shared row, by the row's model: the working pages whose snapshot lists it,
# as (page model, the lookup from the page to the row).
SHOWN_ON = {
    Condition: [(Therapy, "indications__condition")],
    DrugClass: [(Therapy, "drug_class")],
    DosageForm: [(Therapy, "dosage_forms")],
    Reference: [
        (Topic, "references"),
        (Therapy, "references"),
        (SideEffect, "references"),
        (GlossaryTerm, "references"),
        (InformationPage, "references"),
    ],
    SideEffect: [(Therapy, "side_effect_links__side_effect")],
}


def pages_showing(row: models.Model) -> list[models.Model]:
    """The pages whose working rows show `row` (a condition, a reference…), each once."""
    pages = [
        model._default_manager.filter(**{lookup: row}).distinct()
        for model, lookup in SHOWN_ON.get(type(row), [])
    ]
    return list(dict.fromkeys(page for queryset in pages for page in queryset))


def count_of_pages_showing(model: type[models.Model]) -> models.Expression:
    """For a queryset of `model`'s rows: how many pages show each, as pages_showing finds them,
    counted in the database (one subquery a kind of page) so a list of rows costs no more."""
    total = Value(0)
    for page_model, lookup in SHOWN_ON.get(model, []):
        pages = (
            page_model._default_manager.filter(**{lookup: OuterRef("pk")})
            .order_by()
            .values(lookup)
            .annotate(n=Count("pk", distinct=True))
            .values("n")
        )
        total = total + Coalesce(Subquery(pages), 0)
    return ExpressionWrapper(total, output_field=models.IntegerField())


def _address_holder(snapshot: PageSnapshot) -> PublishedPage | None:
    """Another published page at the address this one would take, if there is one."""
    return (
        PublishedPage.objects.filter(kind=snapshot.kind, slug=snapshot.slug)
        .exclude(object_id=snapshot.object_id)
        .first()
    )


def _check_sources_exist(snapshot: PageSnapshot) -> None:
    ids = set(snapshot.reference_ids)
    missing = ids - set(Reference.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if missing:
        raise PublishingError(
            "A source this page cites has been deleted since the page was sent for review, so "
            "it cannot be published as it was approved. Send the page for review again."
        )


def _check_can_publish(snapshot: PageSnapshot) -> None:
    """Raise the reason `snapshot` cannot be what readers see, if there is one."""
    check_address_is_free(snapshot)
    _check_sources_exist(snapshot)


def check_address_is_free(snapshot: PageSnapshot) -> None:
    message = address_clash(snapshot, _address_holder(snapshot))
    if message:
        raise PublishingError(message)


def address_clash(snapshot: PageSnapshot, holder: PublishedPage | None) -> str | None:
    """What stops `snapshot` taking its address, given the published page there now."""
    if holder is None or holder.object_id == snapshot.object_id:
        return None
    return (
        f"{snapshot.address} is still the address of the published page “{holder.title}”. "
        "Give this page another address, or publish the other page at a new address (or "
        "withdraw it) first."
    )


@transaction.atomic
def publish(
    snapshot: PageSnapshot, *, review, revision=None, approved_by=None, change_summary=""
) -> PublishedPage:
    """Make `snapshot` what readers see of its page.

    `revision` is the signed-off revision it was built from, `approved_by` the reviewer who gave
    the final approval. Publishing the same thing again changes nothing, not even the date.
    """
    if review is None:
        raise PublishingError(
            f"“{snapshot.title}” has no review record: record its review before publishing."
        )
    _check_can_publish(snapshot)
    snapshot = _with_sources_read_since(snapshot)
    page = PublishedPage.objects.select_for_update().filter(
        kind=snapshot.kind, object_id=snapshot.object_id
    )
    page = page.first() or PublishedPage(kind=snapshot.kind, object_id=snapshot.object_id)
    facets = {(str(name), value, label) for name, value, label in snapshot.facets}
    unchanged = (
        page.pk is not None
        and page.document == snapshot.document
        and page.slug == snapshot.slug
        and page.review_id == review.pk
        and page.revision_id == getattr(revision, "pk", None)
        and (approved_by is None or page.approved_by_id == approved_by.pk)
        and page.change_summary == change_summary
        and set(page.facets.values_list("name", "value", "label")) == facets
        and set(page.citations.values_list("reference_id", flat=True))
        == set(snapshot.reference_ids)
    )
    if unchanged:
        return page
    _fill_page(page, snapshot, review=review, revision=revision, change_summary=change_summary)
    page.approved_by = approved_by or review.approved_by
    page.published_at = timezone.now()
    page.first_published_at = page.first_published_at or page.published_at
    page.save()
    page.facets.all().delete()
    PublishedFacet.objects.bulk_create(_facets_of(page, snapshot))
    page.citations.all().delete()
    PublishedCitation.objects.bulk_create(
        PublishedCitation(page=page, reference_id=pk) for pk in snapshot.reference_ids
    )
    PublishedChange.objects.create(**_change_of(page))
    # The page is back: neither its address nor an old one of its says it was withdrawn.
    WithdrawnPage.objects.filter(kind=page.kind).filter(
        Q(slug=page.slug) | Q(object_id=page.object_id)
    ).delete()
    return page


def name_approver(kind: str, object_id: int, approved_by) -> None:
    """A review confirmed the published page as it is: `approved_by` gave its latest final
    approval, so readers are told that name from now on. The page, its date and its change note
    stay as they were, and the feed (which lists publications) gains nothing."""
    page = PublishedPage.objects.select_for_update().filter(kind=kind, object_id=object_id).first()
    if page is not None and page.approved_by_id != approved_by.pk:
        page.approved_by = approved_by
        page.save(update_fields=["approved_by"])


def preview(snapshot: PageSnapshot, *, review, approved_by, change_summary) -> PublishedPage:
    """The page `publish` would make of `snapshot` now, unsaved: what a preview shows."""
    page = PublishedPage(kind=snapshot.kind, object_id=snapshot.object_id)
    _fill_page(page, snapshot, review=review, revision=None, change_summary=change_summary)
    page.approved_by = approved_by
    page.published_at = timezone.now()
    return page


def _fill_page(page: PublishedPage, snapshot: PageSnapshot, *, review, revision, change_summary):
    page.slug = snapshot.slug
    page.title = snapshot.title
    page.sort_name = snapshot.title.casefold()
    entry = index_entry(snapshot.kind, snapshot.title, snapshot.document, _presents(snapshot))
    page.search_names = entry.names
    page.search_text = entry.text
    page.search_body = entry.body
    page.result_title = entry.result_title
    page.result_summary = entry.result_summary
    page.document = snapshot.document
    page.review = review
    page.revision = revision
    page.change_summary = change_summary


def _presents(snapshot: PageSnapshot) -> list[str]:
    """The names of the published drugs a guide presents: what its search entry is about."""
    if snapshot.kind != PageKind.TOPIC:
        return []
    ids = {
        object_id for section in snapshot.document["sections"] for object_id in section["therapies"]
    }
    return list(
        PublishedPage.objects.therapies()
        .filter(object_id__in=ids)
        .values_list("search_names", flat=True)
    )


def _facets_of(page: PublishedPage, snapshot: PageSnapshot) -> list[PublishedFacet]:
    return [
        PublishedFacet(page=page, name=str(name), value=value, label=label)
        for name, value, label in sorted(snapshot.facets)
    ]


def _change_of(page: PublishedPage) -> dict:
    return {
        "kind": page.kind,
        "object_id": page.object_id,
        "published_at": page.published_at,
        "change_summary": page.change_summary,
        "approved_by": page.approved_by,
    }


def publish_in_bulk(snapshots: list[PageSnapshot], *, reviews: dict, revisions: dict, summary):
    """Publish many new pages at once (generated content): `reviews` and `revisions` by the
    page's object id. No checks: the caller made the pages and knows they are new."""
    now = timezone.now()
    pages = []
    for snapshot in snapshots:
        page = PublishedPage(
            kind=snapshot.kind,
            object_id=snapshot.object_id,
            published_at=now,
            first_published_at=now,
        )
        _fill_page(
            page,
            snapshot,
            review=reviews[snapshot.object_id],
            revision=revisions[snapshot.object_id],
            change_summary=summary,
        )
        pages.append(page)
    pages = PublishedPage.objects.bulk_create(pages)
    PublishedFacet.objects.bulk_create(
        [
            facet
            for page, snapshot in zip(pages, snapshots, strict=True)
            for facet in _facets_of(page, snapshot)
        ],
        batch_size=2000,
    )
    PublishedChange.objects.bulk_create([PublishedChange(**_change_of(p)) for p in pages])
    return pages


@transaction.atomic
def withdraw(page: PublishedPage, *, reason: str) -> WithdrawnPage:
    """Take `page` off the public site: its address answers 410 Gone with `reason`."""
    withdrawn, _ = WithdrawnPage.objects.update_or_create(
        kind=page.kind,
        slug=page.slug,
        defaults={
            "object_id": page.object_id,
            "title": page.title,
            "reason": reason,
            "withdrawn_at": timezone.now(),
        },
    )
    page.delete()
    return withdrawn


def remove(kind: str, object_ids: list[int]) -> None:
    """Take pages off the site with no trace (generated content being removed)."""
    PublishedPage.objects.filter(kind=kind, object_id__in=object_ids).delete()
    PublishedChange.objects.filter(kind=kind, object_id__in=object_ids).delete()
