from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = "Worker"

    def ready(self) -> None:
        # Register the tasks in every process (web too), so they can be sent by name.
        from . import celery, tasks  # noqa: F401
