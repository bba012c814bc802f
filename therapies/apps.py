from django.apps import AppConfig
from django.db.backends.signals import connection_created


class TherapiesConfig(AppConfig):
    name = "therapies"
    verbose_name = "Patient information"

    def ready(self):
        from therapies import editions, search

        editions.connect()
        connection_created.connect(search.forgive_near_spellings, dispatch_uid="near-spellings")
