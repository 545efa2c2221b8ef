"""What hlmctl's web applications share (the read-only board today, the delegations'
desk later): the security headers and the Host check (``security``), the server with
its timeouts (``server``), following the record through the store's watch
(``follow``), the push stream of server-sent events (``events``), and for the
writers: the control interface (``control``), its secrets (``tokens``) and the
limits on requests and bodies (``limits``).

Only the web commands import this package: Starlette and Uvicorn load with it.
"""
