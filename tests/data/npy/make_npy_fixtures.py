#!/usr/bin/python3
"""Write the .npy fixtures of tests/test_npy.cpp with numpy (run from any directory).

Values follow closed formulas of the flat C-order index k so that the C++ test
recomputes them instead of hard-coding numbers:
  f4_2d, f4_v2, f4_bigendian, f4_fortran, f4_truncated: k / 8 - 1.5   (exact in float32)
  f8_2d:  k * 0.1 + 1/3 in float64 (the reader must round each to float32)
  f4_1d:  k * 0.5 - 1
  i4_2d:  k (int32)
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def eighths(shape, dtype):
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (k / 8.0 - 1.5).reshape(shape).astype(dtype)


def main():
    np.save(path("f4_2d.npy"), eighths((3, 4), "<f4"))
    k = np.arange(10, dtype=np.float64)
    np.save(path("f8_2d.npy"), (k * 0.1 + 1.0 / 3.0).reshape(2, 5).astype("<f8"))
    np.save(path("f4_1d.npy"), (np.arange(7, dtype=np.float64) * 0.5 - 1.0).astype("<f4"))
    np.save(path("f4_empty.npy"), np.zeros((0, 3), dtype="<f4"))
    np.save(path("f4_nonfinite.npy"), np.array([[1.0, np.nan], [np.inf, -np.inf]], dtype="<f4"))

    # Same values, column-major storage (the header says fortran_order: True).
    np.save(path("f4_fortran.npy"), np.asfortranarray(eighths((3, 2), "<f4")))
    np.save(path("f4_bigendian.npy"), eighths((2, 3), ">f4"))
    np.save(path("i4_2d.npy"), np.arange(4, dtype="<i4").reshape(2, 2))

    with open(path("f4_v2.npy"), "wb") as f:
        np.lib.format.write_array(f, eighths((2, 3), "<f4"), version=(2, 0))

    # A complete (4, 4) file with its last 5 bytes cut off.
    np.save(path("f4_truncated.npy"), eighths((4, 4), "<f4"))
    with open(path("f4_truncated.npy"), "rb+") as f:
        f.truncate(os.path.getsize(path("f4_truncated.npy")) - 5)

    # Extra bytes after the data of a (2, 2) array.
    np.save(path("f4_trailing.npy"), eighths((2, 2), "<f4"))
    with open(path("f4_trailing.npy"), "ab") as f:
        f.write(b"\0\0\0\0")

    # Right magic and version, header that is not a dict literal.
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (2 2), }"
    header += b" " * (64 - 10 - len(header) - 1) + b"\n"
    with open(path("bad_header.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\0" * 16)

    with open(path("not_npy.npy"), "wb") as f:
        f.write(b"this is a text file, not a numpy array\n")


if __name__ == "__main__":
    main()
