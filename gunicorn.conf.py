"""Gunicorn's settings for the web, read from the directory it starts in (the image's /app).

The master imports the project once and forks the workers from it (``preload_app``), so they
share its memory until they write to it. In the redemption benchmark a request then took
about 7% less of the workers' CPU than in workers that import the project themselves
(docs/benchmarks.md). It also means nothing may open a connection while the project is
imported, or every worker would share it; a test holds to that. New code needs a restart,
not gunicorn's HUP reload.
"""

preload_app = True
