#!/usr/bin/env python3
"""What a request to speak costs (issue 23): a benchmark, not a test.

    .venv/bin/python bench/requests_bench.py [--speakers 200 2000 10000] [--repeat 5]

For each size, a record of the bundled 2013 meeting with that many waiting statements
in its plenary list (category "other", as ``speakers import`` takes them), then, in
process: ``requests.submit`` (every field checked by building the speaker), the
Secretariat's ``accept_request`` of a request whose first preference is the first
meeting (the statement is pinned there: up to three projections),
``invite_for_secret`` among 200 links (hashing, and comparing against each), and
``import_rows`` of one request for each of the 196 delegations of the reference data
in each of the three lists; then the same submit through the file store's
``Store.change`` (the lock, the record read and written, the log, the undo entry),
which is what one request from the desk costs. Printed: medians, in milliseconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def median_ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speakers", type=int, nargs="+", default=[200, 2000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    from hlmctl import invites
    from hlmctl import requests as rq
    from hlmctl.clock import Clock
    from hlmctl.delegations import reference
    from hlmctl.meeting import load_meeting
    from hlmctl.record import Invite, Record, SpeakRequest, dump_record, empty_record, parse_record
    from hlmctl.speakers import import_rows
    from hlmctl.store import Store

    folder = Path(tempfile.mkdtemp(prefix="requests-bench-"))
    try:
        shutil.copy(ROOT / "data" / "examples" / "hlm-2013.toml", folder / "meeting.toml")
        meeting = load_meeting(folder / "meeting.toml", cached=False)
        now = datetime(2013, 5, 10, 9, 0, tzinfo=meeting.tz)
        names = [d.name for d in reference().delegations]
        print(f"hlmctl requests bench: {options.repeat} of each, medians")
        for count in options.speakers:
            record = empty_record(meeting.meeting.id)
            rows = [
                (i, {"delegation": f"Org {i}", "category": "other", "list": "plenary"})
                for i in range(count)
            ]
            import_rows(meeting, record, rows, now, force=True)
            base = dump_record(record)
            for name in names[:199]:  # a link for most delegations: the lookup compares all
                invites.issue_invite(meeting, record, name, now, operator="bench")
            invite, secret = invites.issue_invite(
                meeting, record, "Friends of the Bench", now, operator="bench", category="other"
            )
            submit, accept, lookup = [], [], []
            for k in range(options.repeat):
                draft = rq.Draft("plenary", on_behalf_of=f"Group {k}", preferences=["plenary-1"])
                start = time.perf_counter()
                request = rq.submit(meeting, record, invite, draft, now)
                submit.append(time.perf_counter() - start)
                start = time.perf_counter()
                result = rq.accept_request(meeting, record, request.id, now, operator="bench")
                accept.append(time.perf_counter() - start)
                start = time.perf_counter()
                invites.invite_for_secret(record, secret, now)
                lookup.append(time.perf_counter() - start)
            fresh = parse_record(base, "bench")
            many = [
                (n, {"delegation": name, "list": lst})
                for n, (name, lst) in enumerate(
                    (name, lst) for lst in ("plenary", "panel-1", "panel-2") for name in names
                )
            ]
            start = time.perf_counter()
            rq.import_rows(meeting, fresh, many, now)
            imported = time.perf_counter() - start

            (folder / "meeting.state.toml").write_bytes(base)
            store = Store(folder / "meeting.toml", bundled=False, lock_timeout=10)
            _, (stored_invite, _) = store.change(
                meeting,
                lambda r, t: invites.issue_invite(meeting, r, "Kenya", t, operator="bench"),
                clock=Clock(meeting.tz, now),
                operator="bench",
                command="desk invite",
                describe=lambda r: invites.describe_invite(r[0]),
            )
            through_store = []
            for k in range(options.repeat):
                draft = rq.Draft("plenary", on_behalf_of=f"Group {k}")

                def apply(
                    r: Record, t: datetime, d: rq.Draft = draft, i: Invite = stored_invite
                ) -> SpeakRequest:
                    return rq.submit(meeting, r, i, d, t)

                start = time.perf_counter()
                _, made = store.change(
                    meeting,
                    apply,
                    clock=Clock(meeting.tz, now),
                    operator="Kenya (desk)",
                    command="desk request",
                    describe=rq.describe_request,
                )
                through_store.append(time.perf_counter() - start)
                # Withdrawn (not timed): at most rq.MAX_PENDING may wait at once.
                store.change(
                    meeting,
                    lambda r, t, ref=made.id, i=stored_invite: rq.withdraw(meeting, r, i, ref, t),
                    clock=Clock(meeting.tz, now),
                    operator="Kenya (desk)",
                    command="desk withdraw",
                    describe=rq.describe_withdrawn,
                )
            print(
                f"{count:>6} speakers: submit {median_ms(submit)}; accept with a preference "
                f"{median_ms(accept)} ({result.placement}); invite_for_secret "
                f"{statistics.median(lookup) * 1e6:.0f} us (200 links); "
                f"import of {len(many)} requests {imported:.2f} s; "
                f"a desk request through the file store {median_ms(through_store)}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
