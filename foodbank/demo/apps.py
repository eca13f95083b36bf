from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "foodbank.demo"
    label = "demo"
    verbose_name = "Demo data"
