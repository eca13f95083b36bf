"""The Celery app, its task defaults and schedule, and the after-commit enqueue helper."""
