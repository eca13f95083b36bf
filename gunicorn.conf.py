"""Gunicorn's settings for the web, read from the directory it starts in (the image's /app).

The master imports the project once and forks the workers from it (``preload_app``), so they
start with its memory, shared until they write to it. In the redemption benchmark,
preloaded workers used about 7% less CPU per request: the median of eight pairs of runs
taken in turn (docs/benchmarks.md). Nothing may open a connection or start a thread while
the project is imported, or the workers would share the one and lack the other; a test
holds to that. New code needs a restart, not gunicorn's HUP reload.
"""

preload_app = True
