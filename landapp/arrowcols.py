"""Arrow arrays made from numpy buffers instead of pa.array, whose first call imports pandas
(~0.25 s and ~70 MB): the map's first frame (the layers' reads and their themes) is drawn
without it. Each maker takes the values and, where some are null, a bool mask of the valid ones."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def _validity(valid: np.ndarray | None, n: int):
    if valid is None or bool(valid.all()):
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), int(n - np.count_nonzero(valid))


def numbers(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """int64 or float64 values (nulls where not valid)."""
    values = np.ascontiguousarray(values)
    typ = pa.int64() if values.dtype == np.int64 else pa.float64()
    bits, nulls = _validity(valid, len(values))
    return pa.Array.from_buffers(typ, len(values), [bits, pa.py_buffer(values)], null_count=nulls)


def utf8(data: bytes, lengths: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Strings from their UTF-8 bytes one after another and each one's byte length (0 for a null)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    bits, nulls = _validity(valid, len(lengths))
    return pa.Array.from_buffers(pa.large_string(), len(lengths), [bits, pa.py_buffer(offsets), pa.py_buffer(data)],
                                 null_count=nulls).cast(pa.string())


def strings(items: list[str | None]) -> pa.Array:
    """A (short) list of Python strings."""
    enc = [b"" if s is None else s.encode("utf-8") for s in items]
    valid = np.array([s is not None for s in items], dtype=bool)
    return utf8(b"".join(enc), np.array([len(b) for b in enc], dtype=np.int64), valid)


def indices(positions) -> pa.Array:
    """Positions for Table.take."""
    return numbers(np.asarray(positions, dtype=np.int64))


def ints(column, fill: int = -1) -> np.ndarray:
    """An integer Arrow array or chunked array as int64 numpy values, nulls as `fill`
    (to_numpy of an array with nulls, and pa.scalar, import pandas too)."""
    chunks = column.chunks if hasattr(column, "chunks") else [column]
    parts = []
    for c in chunks:
        n, off = len(c), c.offset
        bufs = c.buffers()
        vals = np.frombuffer(bufs[1], dtype=_NP[str(c.type)])[off:off + n]
        vals = vals.astype(np.int64)
        if c.null_count and bufs[0] is not None:
            valid = np.unpackbits(np.frombuffer(bufs[0], dtype=np.uint8), bitorder="little")[off:off + n].astype(bool)
            vals[~valid] = fill
        parts.append(vals)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


_NP = {"int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
       "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64}
