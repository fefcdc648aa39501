#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

    fuzz/make_corpus.py [--seed-tool build/fuzz/fuzz/fuzz_model_seeds]

Each corpus holds a few small valid inputs and a few invalid ones (the
fuzzers mutate from there). .npy files are written by numpy; the valid model
blobs by fuzz_model_seeds (fuzz/make_model_seeds.cpp, built by the fuzz
preset), the invalid ones derived from them here. Deterministic: running it
again gives the same files. Files named regression-* are inputs the fuzzers
once failed on (docs/robustness.md, "Fuzzing"): kept as they are.
"""
import argparse
import gzip
import io
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def clear(target):
    """Remove the generated seeds of a target, keep its regression-* inputs."""
    d = os.path.join(HERE, "corpus", target)
    if os.path.isdir(d):
        for name in os.listdir(d):
            if not name.startswith("regression-"):
                os.remove(os.path.join(d, name))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def npy_bytes(arr, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, arr)
    else:
        np.lib.format.write_array(buf, arr, version=version)
    return buf.getvalue()


def npy_corpus():
    rng = np.random.default_rng(8)
    a = rng.standard_normal((2, 3)).astype(np.float32)
    write("npy", "f4_2x3.npy", npy_bytes(a))
    write("npy", "f8_5.npy", npy_bytes(np.arange(5, dtype=np.float64) / 8))
    write("npy", "f4_scalar.npy", npy_bytes(np.array(1.5, dtype=np.float32)))
    write("npy", "f4_empty_0x3.npy", npy_bytes(np.zeros((0, 3), dtype=np.float32)))
    write("npy", "f4_v2.npy", npy_bytes(a, version=(2, 0)))
    write("npy", "f4_v3.npy", npy_bytes(a, version=(3, 0)))
    write("npy", "f4_nan_inf.npy", npy_bytes(np.array([np.nan, np.inf, -0.0, 1e-45], dtype=np.float32)))
    # invalid
    write("npy", "bad_fortran.npy", npy_bytes(np.asfortranarray(a)))
    write("npy", "bad_big_endian.npy", npy_bytes(a.astype(">f4")))
    write("npy", "bad_int32.npy", npy_bytes(np.arange(4, dtype=np.int32)))
    good = npy_bytes(a)
    write("npy", "bad_truncated.npy", good[:-5])
    write("npy", "bad_trailing.npy", good + b"\0\0\0\0")
    write("npy", "bad_magic.npy", b"\x93NUMPZ" + good[6:])
    write("npy", "bad_header_dict.npy", good.replace(b"'shape'", b"'shapf'"))


def idx_corpus():
    images = struct.pack(">IIII", 0x803, 2, 3, 4) + bytes(range(24))
    labels = struct.pack(">II", 0x801, 5) + bytes([0, 1, 2, 9, 4])
    write("idx", "images_2x3x4.idx", images)
    write("idx", "labels_5.idx", labels)
    # invalid
    write("idx", "bad_gzip.idx", gzip.compress(labels, mtime=0))
    write("idx", "bad_type_float.idx", struct.pack(">III", 0x00000D01, 1, 0))
    write("idx", "bad_truncated.idx", images[:-3])
    write("idx", "bad_trailing.idx", labels + b"\0")
    write("idx", "bad_zero_count.idx", struct.pack(">II", 0x801, 0))
    write("idx", "bad_short.idx", b"\0\0\x08")


def reseal(b):
    """Recompute the two CRCs of a model blob (docs/model-format.md)."""
    b = bytearray(b)
    total = struct.unpack_from("<Q", b, 16)[0]
    if 64 <= total <= len(b):
        struct.pack_into("<I", b, 28, zlib.crc32(bytes(b[64:total])))
    struct.pack_into("<I", b, 24, zlib.crc32(bytes(b[32:64]), zlib.crc32(bytes(b[:24]))))
    return bytes(b)


def model_corpus(seed_tool):
    if not seed_tool or not os.path.exists(seed_tool):
        print("model corpus skipped: no seed tool (build the fuzz preset, pass --seed-tool)", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([seed_tool, tmp], check=True)
        for name in sorted(os.listdir(tmp)):
            with open(os.path.join(tmp, name), "rb") as f:
                write("model", name, f.read())
        with open(os.path.join(tmp, "factornet_plans.sflm"), "rb") as f:
            good = f.read()
    # invalid: each stops at a different check of sfl_model_load
    write("model", "bad_truncated.sflm", good[:100])
    write("model", "bad_magic.sflm", b"SFLX" + good[4:])
    flipped = bytearray(good)
    flipped[-70] ^= 0x40
    write("model", "bad_payload_crc.sflm", bytes(flipped))
    kind = bytearray(good)
    struct.pack_into("<i", kind, 64, 9)  # layer 0: unknown kind, CRCs valid
    write("model", "bad_kind_resealed.sflm", reseal(kind))
    nan_weight = bytearray(good)
    off = struct.unpack_from("<Q", nan_weight, 64 + 72)[0]
    struct.pack_into("<f", nan_weight, off, float("nan"))
    write("model", "bad_nan_weight_resealed.sflm", reseal(nan_weight))


def solver_input(m, K, flags, l1, l2, P, x):
    """The byte layout fuzz/fuzz_solvers.cpp decodes."""
    out = bytes([m - 1, K - 1, flags])
    if flags & 2:
        out += struct.pack("<ff", l1, l2)
    else:
        out += bytes([int(l1 * 32), int(l2 * 32)])
    vals = list(np.asarray(P, dtype=np.float64).ravel()) + list(np.asarray(x, dtype=np.float64).ravel())
    if flags & 1:
        out += struct.pack("<%df" % len(vals), *vals)
    else:
        out += bytes([int(round(v * 8)) & 0xFF for v in vals])
    return out


def solvers_corpus():
    rng = np.random.default_rng(4)
    P = np.round(rng.standard_normal((6, 4)) * 8) / 8
    x = np.round(rng.standard_normal(6) * 8) / 8
    write("solvers", "small_quantized.bin", solver_input(6, 4, 0, 0.25, 0.125, P, x))
    write("solvers", "small_quantized_cd_tol3_iter3.bin", solver_input(6, 4, 16 | 8, 0.5, 0.0, P, x))
    Pr = rng.standard_normal((8, 12)).astype(np.float32)
    xr = rng.standard_normal(8).astype(np.float32)
    write("solvers", "raw_8x12.bin", solver_input(8, 12, 3, 0.1, 0.01, Pr, xr))
    Pb = rng.standard_normal((16, 16)).astype(np.float32)
    write("solvers", "raw_16x16.bin", solver_input(16, 16, 3 | 4, 0.05, 0.001, Pb, rng.standard_normal(16)))
    dup = np.repeat(rng.standard_normal((5, 1)), 2, axis=1)  # two equal atoms, l2 = 0
    write("solvers", "raw_duplicate_atoms.bin", solver_input(5, 2, 3, 0.01, 0.0, dup, rng.standard_normal(5)))
    write("solvers", "raw_denormal.bin", solver_input(2, 2, 3, 1e-40, 1e-42, [[1e-39, 2e-39], [3e-39, -1e-39]], [1e-38, 5e-39]))
    write("solvers", "raw_huge.bin", solver_input(3, 2, 3, 1.0, 0.0, [[1e30, 1], [2e30, -1], [1, 1]], [3e30, 1e30, 1]))
    write("solvers", "bad_nan_l1.bin", solver_input(2, 2, 3, float("nan"), 0.1, [[1, 0], [0, 1]], [1, 1]))
    write("solvers", "bad_inf_p.bin", solver_input(2, 2, 3, 0.1, 0.1, [[float("inf"), 0], [0, 1]], [1, 1]))
    write("solvers", "bad_negative_l2.bin", solver_input(2, 2, 3, 0.1, -0.5, [[1, 0], [0, 1]], [1, 1]))
    write("solvers", "bad_zero_atom.bin", solver_input(3, 2, 0, 0.1, 0.1, [[1, 0], [2, 0], [3, 0]], [1, 1, 1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed-tool", default=os.path.join(ROOT, "build", "fuzz", "fuzz", "fuzz_model_seeds"),
                    help="fuzz_model_seeds program (model blob seeds)")
    args = ap.parse_args()
    for target in ("npy", "idx", "solvers"):
        clear(target)
    npy_corpus()
    idx_corpus()
    solvers_corpus()
    if os.path.exists(args.seed_tool):
        clear("model")
    model_corpus(args.seed_tool)
    for target in ("npy", "idx", "model", "solvers"):
        d = os.path.join(HERE, "corpus", target)
        files = sorted(os.listdir(d)) if os.path.isdir(d) else []
        print("%-8s %2d files, %6d bytes" % (target, len(files), sum(os.path.getsize(os.path.join(d, f)) for f in files)))


if __name__ == "__main__":
    main()
