"""The delegations' desk: the web application where each delegation, through its
personal link, requests the floor, follows its place and answers the non-objection
procedure (``hlmctl desk``). Built on the shared ``hlmctl.web`` layer; the domain is
``hlmctl.requests`` and ``hlmctl.participants``.

Only ``hlmctl desk`` imports this package: Starlette and Uvicorn load with it.
"""
