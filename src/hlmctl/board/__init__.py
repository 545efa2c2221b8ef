"""``hlmctl board``: live, read-only pages for the hall's screens, the podium and the
webcast, served over HTTP and pushed to the browser the moment the record changes.

``state`` follows the record (through ``RecordStore.watch``) and builds the same JSON
views as ``--format json``; ``pages`` renders the HTML; ``app`` is the Starlette
application (routes, event stream, headers); ``server`` runs it under Uvicorn and
stops cleanly on a signal; ``static/`` holds the one style sheet and the one script.
Only ``hlmctl board`` imports this package: Starlette and Uvicorn load with it.
"""
