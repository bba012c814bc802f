from therapies.models.content import (
    Availability,
    BrandName,
    Condition,
    DosageForm,
    DrugClass,
    Frequency,
    GlossaryTerm,
    Indication,
    Nation,
    NhsStatus,
    Reference,
    SideEffect,
    Therapy,
    TherapySideEffect,
    Topic,
    TopicSection,
    TopicSectionTherapy,
    TreatmentRole,
    TypedText,
    WhereTaken,
    tidy_text,
)
from therapies.models.feedback import Feedback
from therapies.models.information import InformationPage
from therapies.models.organisation import Organisation
from therapies.models.published import (
    PageKind,
    PublishedChange,
    PublishedCitation,
    PublishedFacet,
    PublishedPage,
    SiteEdition,
    WithdrawnPage,
)
from therapies.models.reading import ReadingLevel
from therapies.models.search import SearchSynonym, UnansweredSearch

# The models whose rows are public pages, by the kind of page they make.
PAGE_MODELS = {
    PageKind.TOPIC: Topic,
    PageKind.THERAPY: Therapy,
    PageKind.SIDE_EFFECT: SideEffect,
    PageKind.GLOSSARY_TERM: GlossaryTerm,
    PageKind.INFORMATION: InformationPage,
}

# The kind of page each page model makes, by model name (as content types name them).
KIND_OF_MODEL = {model._meta.model_name: kind for kind, model in PAGE_MODELS.items()}

__all__ = [
    "KIND_OF_MODEL",
    "PAGE_MODELS",
    "Availability",
    "BrandName",
    "Condition",
    "DosageForm",
    "DrugClass",
    "Feedback",
    "Frequency",
    "GlossaryTerm",
    "Indication",
    "InformationPage",
    "Nation",
    "NhsStatus",
    "Organisation",
    "PageKind",
    "PublishedChange",
    "PublishedCitation",
    "PublishedFacet",
    "PublishedPage",
    "ReadingLevel",
    "Reference",
    "SearchSynonym",
    "SideEffect",
    "SiteEdition",
    "Therapy",
    "TherapySideEffect",
    "Topic",
    "TopicSection",
    "TopicSectionTherapy",
    "TreatmentRole",
    "TypedText",
    "UnansweredSearch",
    "WhereTaken",
    "WithdrawnPage",
    "tidy_text",
]
