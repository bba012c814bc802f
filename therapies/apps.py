from django.apps import AppConfig


class TherapiesConfig(AppConfig):
    name = "therapies"
    verbose_name = "Patient information"

    def ready(self):
        from therapies import editions

        editions.connect()
