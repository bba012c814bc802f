from django.contrib.contenttypes.models import ContentType
from django.db import models


class ItemQuerySet(models.QuerySet):
    """Rows that belong to one content item through a content type and an object id."""

    def for_item(self, item: models.Model):
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)
