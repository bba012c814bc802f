from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from therapies import rich_text
from therapies.models import Organisation, PublishedChange, PublishedPage


class LatestChangesFeed(Feed):
    """Each publication of a page readers can still see, newest first."""

    feed_type = Atom1Feed

    def title(self):
        return f"{Organisation.objects.current().name}: latest changes"

    subtitle = "New and updated information about sarcoma treatments, after review and approval."
    link = "/"

    def items(self):
        pages = {
            (page.kind, page.object_id): page
            for page in PublishedPage.objects.only("kind", "object_id", "slug", "title")
        }
        entries = []
        for change in PublishedChange.objects.select_related("approved_by")[:200]:
            page = pages.get((change.kind, change.object_id))
            if page is not None:
                entries.append((change, page))
        return entries[:50]

    def item_title(self, item):
        page = item[1]
        return f"{page.title[:1].upper()}{page.title[1:]} updated"

    def item_description(self, item):
        # Atom readers show the summary as HTML, so it is sanitised like every editor's text.
        change = item[0]
        summary = rich_text.render(change.change_summary)
        approver = change.approved_by  # as they were when they approved it
        if approver is None:
            return summary
        return summary + format_html(
            "<p>Approved by {} {}, {}.</p>",
            approver.get_editorial_role_display(),
            approver.name,
            approver.job_title,
        )

    def item_link(self, item):
        return item[1].get_absolute_url()

    def item_pubdate(self, item):
        return item[0].published_at

    def item_updateddate(self, item):
        return item[0].published_at

    def item_guid(self, item):
        # The same identifiers as before this table had the feed's entries: a feed reader
        # keeps recognising the entries it has already shown.
        return f"sarcomainfo-publication-{item[0].pk}"

    item_guid_is_permalink = False
