"""Reverse deltas for the undo history of the file store (``file.py``).

An undo entry keeps what turns the record a change wrote (its "new", whose hash the
manifest keeps) back into the record before it ("old"): a few spans copied from "new"
and the bytes that differ. Undo goes newest first and the record it starts from must
hash to the entry's "new", so each delta can be relative to its own "new".
"""

from __future__ import annotations

import struct
import zlib

from hlmctl.files import RECORD_MAX_BYTES

# Finding a delta: the common prefix and suffix of the two records (bisection over
# ``bytes.startswith``/``endswith`` with memoryviews: memcmp, no copy), then, in what is left,
# an anchor — a section header of the record with the line after it (``[[speakers]]`` and the
# speaker's id) that occurs once in "new", grown both ways as far as the records agree — splits
# the middle in two, and each half is done the same way. A change that alters a speaker here,
# another there and appends to the log costs a handful of ``find`` calls over the record, in
# C; nothing loops over its lines in Python.
#
# The entry file: DELTA_MAGIC, then zlib of a header (length of "new", length of "old", number
# of operations), the operations (kind, offset, length: 17 bytes each), and the literal bytes.

DELTA_MAGIC = b"hlmctl-undo-delta-1\n"
_DELTA_HEAD = struct.Struct("<QQI")
_DELTA_OP = struct.Struct("<BQQ")
_COPY, _INSERT = 1, 2
DELTA_MAX_OPS = 10_000
_DELTA_MIN_SPAN = 64  # a middle shorter than this is kept as literal bytes
_DELTA_MAX_DEPTH = 64
_ANCHOR_SPOTS = (4, 2, 6, 1, 3, 5, 7)  # eighths of the middle where an anchor is looked for
_ANCHOR_LENGTHS = (16, 64, 256, 1024, 4096)  # then to the end of that line


class _DeltaTooBig(Exception):
    """More operations than an entry may hold: keep a full copy instead."""


def _common_prefix(a: bytes, bv: memoryview, alo: int, ahi: int, blo: int, bhi: int) -> int:
    """How many bytes ``a[alo:ahi]`` and ``b[blo:bhi]`` share at their start."""
    limit = min(ahi - alo, bhi - blo)
    done, step = 0, 256
    while done < limit:
        size = min(step, limit - done)
        if a.startswith(bv[blo + done : blo + done + size], alo + done, ahi):
            done += size
            step *= 2
            continue
        same, differs = 0, size  # the first ``same`` bytes match, the first ``differs`` do not
        while differs - same > 1:
            mid = (same + differs) // 2
            if a.startswith(bv[blo + done : blo + done + mid], alo + done, ahi):
                same = mid
            else:
                differs = mid
        return done + same
    return done


def _common_suffix(a: bytes, bv: memoryview, alo: int, ahi: int, blo: int, bhi: int) -> int:
    """How many bytes ``a[alo:ahi]`` and ``b[blo:bhi]`` share at their end."""
    limit = min(ahi - alo, bhi - blo)
    done, step = 0, 256
    while done < limit:
        size = min(step, limit - done)
        if a.endswith(bv[bhi - done - size : bhi - done], alo, ahi - done):
            done += size
            step *= 2
            continue
        same, differs = 0, size
        while differs - same > 1:
            mid = (same + differs) // 2
            if a.endswith(bv[bhi - done - mid : bhi - done], alo, ahi - done):
                same = mid
            else:
                differs = mid
        return done + same
    return done


def _anchor(
    a: bytes, b: bytes, bv: memoryview, alo: int, ahi: int, blo: int, bhi: int
) -> tuple[int, int, int] | None:
    """A span that ``a[alo:ahi]`` and ``b[blo:bhi]`` have in common: (where in a, where in
    b, length); None when no spot tried gives one.

    At a few spots of b, the section header there (with the line after it) is looked for
    in a; one found exactly once is grown both ways as far as a and b agree. A speaker
    moved far away matches only over its own block, while the speakers around it match
    as far as the next change: the longest span is kept, and the search stops at one
    that covers an eighth of the middle."""
    best: tuple[int, int, int] | None = None
    enough = max(_DELTA_MIN_SPAN, (bhi - blo) // 8)
    for eighth in _ANCHOR_SPOTS:
        spot = blo + (bhi - blo) * eighth // 8
        start = b.find(b"\n[", spot, bhi)  # a section header: [[speakers]], [[log]], [lists]
        if start < 0:
            start = b.find(b"\n", spot, bhi)
        if start < 0 or (best is not None and best[1] <= start < best[1] + best[2]):
            continue
        for length in _ANCHOR_LENGTHS:
            end = b.find(b"\n", start + length, bhi)
            if end < 0:
                break
            needle = bv[start : end + 1]
            found = a.find(needle, alo, ahi)
            if found < 0:
                break  # this spot was changed: try another
            if a.find(needle, found + 1, ahi) >= 0:
                continue  # not unique: a longer piece
            size = end + 1 - start
            back = _common_suffix(a, bv, alo, found, blo, start)
            size += back + _common_prefix(a, bv, found + size, ahi, start + size, bhi)
            if best is None or size > best[2]:
                best = (found - back, start - back, size)
            break
        if best is not None and best[2] >= enough:
            break
    return best


def make_delta(new: bytes, old: bytes) -> tuple[list[tuple[int, int, int]], list[bytes]]:
    """The operations that build ``old`` from ``new``: (COPY, offset in new, length) or
    (INSERT, 0, length) taking the next literal bytes; and those literal bytes."""
    ops: list[tuple[int, int, int]] = []
    literal: list[bytes] = []
    bv = memoryview(old)

    def copy(offset: int, length: int) -> None:
        if length <= 0:
            return
        if ops and ops[-1][0] == _COPY and ops[-1][1] + ops[-1][2] == offset:
            ops[-1] = (_COPY, ops[-1][1], ops[-1][2] + length)
        else:
            ops.append((_COPY, offset, length))
            if len(ops) > DELTA_MAX_OPS:
                raise _DeltaTooBig

    def insert(start: int, end: int) -> None:
        if end <= start:
            return
        literal.append(old[start:end])
        if ops and ops[-1][0] == _INSERT:
            ops[-1] = (_INSERT, 0, ops[-1][2] + end - start)
        else:
            ops.append((_INSERT, 0, end - start))
            if len(ops) > DELTA_MAX_OPS:
                raise _DeltaTooBig

    def span(alo: int, ahi: int, blo: int, bhi: int, depth: int) -> None:
        head = _common_prefix(new, bv, alo, ahi, blo, bhi)
        copy(alo, head)
        alo, blo = alo + head, blo + head
        tail = _common_suffix(new, bv, alo, ahi, blo, bhi)
        mid_a, mid_b = ahi - tail, bhi - tail
        if mid_b > blo:
            found = None
            if (
                mid_a - alo >= _DELTA_MIN_SPAN
                and mid_b - blo >= _DELTA_MIN_SPAN
                and depth < _DELTA_MAX_DEPTH
            ):
                found = _anchor(new, old, bv, alo, mid_a, blo, mid_b)
            if found is None:
                insert(blo, mid_b)
            else:
                at_a, at_b, length = found
                span(alo, at_a, blo, at_b, depth + 1)
                copy(at_a, length)
                span(at_a + length, mid_a, at_b + length, mid_b, depth + 1)
        copy(mid_a, tail)

    span(0, len(new), 0, len(old), 0)
    return ops, literal


def pack_delta(new: bytes, old: bytes) -> bytes | None:
    """The entry file that turns ``new`` back into ``old``; None when a full copy is not
    larger (the record was mostly rewritten)."""
    try:
        ops, literal = make_delta(new, old)
    except _DeltaTooBig:
        return None
    if sum(map(len, literal)) * 2 > len(old):
        return None
    body = b"".join(
        [
            _DELTA_HEAD.pack(len(new), len(old), len(ops)),
            *(_DELTA_OP.pack(*op) for op in ops),
            *literal,
        ]
    )
    return DELTA_MAGIC + zlib.compress(body, 6)


def apply_delta(packed: bytes, new: bytes | None) -> bytes | None:
    """The record an entry file rebuilds from ``new`` (None: only check its shape).
    ValueError when it is not a well-formed delta for a record of ``len(new)`` bytes or
    would build more than a record may hold."""
    if not packed.startswith(DELTA_MAGIC):
        raise ValueError("not an undo delta")
    try:
        inflater = zlib.decompressobj()
        body = inflater.decompress(memoryview(packed)[len(DELTA_MAGIC) :], RECORD_MAX_BYTES + 1)
        if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
            raise ValueError("a delta larger than a record, or truncated")
    except zlib.error as exc:
        raise ValueError(f"the delta does not inflate ({exc})") from None
    if len(body) < _DELTA_HEAD.size:
        raise ValueError("the delta is truncated")
    base_size, out_size, count = _DELTA_HEAD.unpack_from(body)
    if out_size > RECORD_MAX_BYTES or count > DELTA_MAX_OPS:
        raise ValueError("the delta would build more than a record may hold")
    if new is not None and base_size != len(new):
        raise ValueError("the delta is for another record")
    literal_at = _DELTA_HEAD.size + count * _DELTA_OP.size
    if literal_at > len(body):
        raise ValueError("the delta is truncated")
    view = memoryview(body)
    pieces: list[memoryview | bytes] = []
    base = memoryview(new) if new is not None else None
    taken, built = literal_at, 0
    for kind, offset, length in _DELTA_OP.iter_unpack(view[_DELTA_HEAD.size : literal_at]):
        if kind == _COPY and offset + length <= base_size:
            if base is not None:
                pieces.append(base[offset : offset + length])
        elif kind == _INSERT and offset == 0 and taken + length <= len(body):
            pieces.append(view[taken : taken + length])
            taken += length
        else:
            raise ValueError("an operation of the delta is out of bounds")
        built += length
        if built > out_size:
            raise ValueError("the delta builds more than it says")
    if built != out_size or taken != len(body):
        raise ValueError("the delta does not add up")
    return b"".join(pieces) if base is not None else None
