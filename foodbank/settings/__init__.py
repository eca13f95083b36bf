"""Settings by environment: ``local`` (embedded default), ``test`` and ``production``.

Every value comes from environment variables, read with django-environ in ``base``;
the README has the table.
"""
