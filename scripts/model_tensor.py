#!/usr/bin/python3
"""Write one layer's weight (a dictionary P for csf/sf layers) from a model blob as .npy.

usage: /usr/bin/python3 scripts/model_tensor.py MODEL.sflm --kind sf|csf|conv2d|linear OUT.npy
           [--index I]

Reads the blob as docs/model-format.md lays it out (little-endian header of 64 bytes,
128-byte layer records, float32 row-major tensors) and writes the weight of the I-th
layer (default the first, I = 0) of the given kind as float32 .npy:
  csf, sf      P, m x K (atoms are columns), m = kh kw c (csf) or h w c of the input (sf)
  conv2d       m x cout
  linear       in x out
The header CRC is checked, so a truncated or foreign file is refused (exit status 1,
one line on stderr). Used by bench/sf_real_inputs.sh to encode real SF-layer inputs
over the trained dictionary.
"""
import argparse
import struct
import sys
import zlib

import numpy as np

KINDS = {"conv2d": 1, "csf": 2, "linear": 5, "sf": 6}
HEADER_BYTES = 64
RECORD_BYTES = 128


def fail(msg):
    sys.exit(f"model_tensor: {msg}")


def read_weight(blob, kind, index):
    if len(blob) < HEADER_BYTES or blob[:4] != b"SFLM":
        fail("not an sfl model blob (magic 'SFLM' missing)")
    mark, = struct.unpack_from("<I", blob, 4)
    if mark != 0x01020304:
        fail("endianness mark is not 0x01020304 (byte-swapped blob?)")
    total, header_crc, _payload_crc, n_layers = struct.unpack_from("<QIII", blob, 16)
    if total != len(blob):
        fail(f"header says {total} bytes, the file has {len(blob)}")
    if zlib.crc32(blob[0:24] + blob[32:64]) != header_crc:
        fail("header CRC mismatch")
    seen = 0
    for i in range(n_layers):
        rec = HEADER_BYTES + RECORD_BYTES * i
        k, = struct.unpack_from("<i", blob, rec)
        if k != KINDS[kind]:
            continue
        if seen == index:
            in_h, in_w, in_c, out_h, out_w, out_c, kh, kw = struct.unpack_from("<8i", blob, rec + 4)
            off, nbytes = struct.unpack_from("<QQ", blob, rec + 72)
            if kind in ("csf", "conv2d"):
                rows, cols = kh * kw * in_c, out_c
            else:
                rows, cols = in_h * in_w * in_c, out_c
            if nbytes != 4 * rows * cols or off + nbytes > len(blob):
                fail(f"layer {i}: weight of {nbytes} bytes at {off} does not hold {rows} x {cols} floats")
            return np.frombuffer(blob, dtype="<f4", count=rows * cols, offset=off).reshape(rows, cols)
        seen += 1
    fail(f"the model has {seen} {kind} layer(s); --index {index} asked for number {index + 1}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--kind", required=True, choices=sorted(KINDS))
    ap.add_argument("--index", type=int, default=0)
    ap.add_argument("out")
    args = ap.parse_args()
    try:
        with open(args.model, "rb") as f:
            blob = f.read()
    except OSError as e:
        fail(f"{args.model}: {e.strerror}")
    W = read_weight(blob, args.kind, args.index)
    np.save(args.out, np.ascontiguousarray(W, dtype=np.float32))
    print(f"model_tensor: {args.kind} #{args.index}: {W.shape[0]} x {W.shape[1]} -> {args.out}")


if __name__ == "__main__":
    main()
