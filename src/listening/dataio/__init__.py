"""Spreadsheets in and out (django-import-export): sessions, people, organisations, voices.

``widgets`` turns a cell into a value with a message that names what is wrong; ``resources``
is the base every app's resource extends (strict headers, duplicates, a row limit, all or
nothing); ``export`` writes a programme's data as CSV, XLSX and JSON; ``opendata`` and
``services`` build and store the open data, ``withdrawals`` withdraws it. An app without
models (``apps.py`` connects the withdrawals); the resources live in their apps
(``people/resources.py``, ...). See docs/data.md and docs/data-formats.md.
"""
