"""schema.org descriptions of published pages, as JSON-LD for search engines and assistants."""

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from therapies import rich_text
from therapies.models import PageKind, PublishedPage

ORAL_FORMS = {"tablets", "capsules", "liquid"}
# json.dumps leaves these alone; inside <script> they could end it early.
UNSAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def citation(reference: dict) -> dict:
    work = {"@type": "ScholarlyArticle", "name": reference["title"], "author": reference["authors"]}
    if reference.get("journal"):
        work["isPartOf"] = {"@type": "Periodical", "name": reference["journal"]}
    if reference.get("year"):
        work["datePublished"] = str(reference["year"])
    if reference.get("doi"):
        work["sameAs"] = f"https://doi.org/{reference['doi']}"
    elif reference.get("url"):
        work["url"] = reference["url"]
    return work


def person(reviewer) -> dict:
    return {"@type": "Person", "name": reviewer.name, "jobTitle": reviewer.job_title}


def drug(page: PublishedPage) -> dict:
    doc = page.document
    forms = doc.get("dosage_forms", [])
    data = {
        "@type": "Drug",
        "name": doc["generic_name"],
        "nonProprietaryName": doc["generic_name"],
        "proprietaryName": [name.rstrip("®™ ") for name in doc.get("brand_names", [])],
        "dosageForm": forms,
    }
    if doc.get("other_names"):
        data["alternateName"] = doc["other_names"]
    if doc.get("drug_class"):
        data["drugClass"] = {"@type": "DrugClass", "name": doc["drug_class"]["name"]}
    if forms and set(forms) <= ORAL_FORMS:
        data["administrationRoute"] = "oral"
    return data


def conditions(page: PublishedPage) -> list[dict]:
    return [
        {"@type": "MedicalCondition", "name": condition["name"]}
        for condition in page.document.get("conditions", [])
    ]


def describe(page: PublishedPage, url: str, references: list[dict], review=None) -> dict:
    review = review or page.review
    approver = page.approved_by or (review.approved_by if review else None)
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "url": url,
        "inLanguage": "en-GB",
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "datePublished": (page.first_published_at or page.published_at).date().isoformat(),
        "dateModified": page.published_at.date().isoformat(),
        "citation": [citation(reference) for reference in references],
    }
    if review:
        data["lastReviewed"] = review.reviewed_on.isoformat()
    if approver:
        data["reviewedBy"] = person(approver)
    if page.kind == PageKind.THERAPY:
        data["about"] = [drug(page), *conditions(page)]
        data["mainEntity"] = drug(page)
    return data


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """The page's breadcrumbs, as (name, full address) from Home to the page itself."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False).translate(UNSAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def glossary(
    terms: list[PublishedPage], url: str, review, references: list[dict], approvers: list
) -> dict:
    """The glossary as one page. `approvers`: who gave its entries their latest final approval
    (each term's own, not its review record's), the most recent first."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": "Medical words explained",
        "url": url,
        "inLanguage": "en-GB",
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "citation": [citation(reference) for reference in references],
        "mainEntity": {
            "@type": "DefinedTermSet",
            "name": "Medical words explained",
            "hasDefinedTerm": [
                {
                    "@type": "DefinedTerm",
                    "name": term.title,
                    "description": rich_text.plain(term.document["explanation"]),
                    "url": f"{url}#{term.slug}",
                }
                for term in terms
            ],
        },
    }
    if terms:
        data["datePublished"] = (
            min(t.first_published_at or t.published_at for t in terms).date().isoformat()
        )
        data["dateModified"] = max(t.published_at for t in terms).date().isoformat()
    if review:
        data["lastReviewed"] = review.reviewed_on.isoformat()
    if approvers:
        people = [person(approver) for approver in approvers]
        data["reviewedBy"] = people[0] if len(people) == 1 else people
    return data
