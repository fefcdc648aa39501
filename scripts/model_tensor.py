#!/usr/bin/python3
"""Write one layer's weight (a dictionary P for csf/sf layers) from a model blob as .npy.

usage: /usr/bin/python3 scripts/model_tensor.py MODEL.sflm --kind sf|csf|conv2d|linear OUT.npy
           [--index I]
       /usr/bin/python3 scripts/model_tensor.py MODEL.sflm --kind sf|csf --elastic-net
           (prints the layer's "l1 l2" instead)

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


def find_layer(blob, kind, index):
    """Offset of the index-th layer record of that kind (header checked)."""
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
            return rec
        seen += 1
    fail(f"the model has {seen} {kind} layer(s); --index {index} asked for number {index + 1}")


def read_weight(blob, kind, index):
    rec = find_layer(blob, kind, index)
    in_h, in_w, in_c, _out_h, _out_w, out_c, kh, kw = struct.unpack_from("<8i", blob, rec + 4)
    off, nbytes = struct.unpack_from("<QQ", blob, rec + 72)
    rows = kh * kw * in_c if kind in ("csf", "conv2d") else in_h * in_w * in_c
    if nbytes != 4 * rows * out_c or off + nbytes > len(blob):
        fail(f"{kind} #{index}: weight of {nbytes} bytes at {off} does not hold {rows} x {out_c} floats")
    return np.frombuffer(blob, dtype="<f4", count=rows * out_c, offset=off).reshape(rows, out_c)


def read_elastic_net(blob, kind, index):
    """(l1, l2) of a csf or sf layer (record offsets 52 and 56)."""
    if kind not in ("csf", "sf"):
        fail("--elastic-net needs --kind csf or sf")
    return struct.unpack_from("<ff", blob, find_layer(blob, kind, index) + 52)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--kind", required=True, choices=sorted(KINDS))
    ap.add_argument("--index", type=int, default=0)
    ap.add_argument("--elastic-net", action="store_true", help="print the layer's l1 and l2 instead")
    ap.add_argument("out", nargs="?")
    args = ap.parse_intermixed_args()
    if not args.elastic_net and not args.out:
        fail("give OUT.npy (or --elastic-net)")
    try:
        with open(args.model, "rb") as f:
            blob = f.read()
    except OSError as e:
        fail(f"{args.model}: {e.strerror}")
    if args.elastic_net:
        print("%.6g %.6g" % read_elastic_net(blob, args.kind, args.index))
        return
    W = read_weight(blob, args.kind, args.index)
    np.save(args.out, np.ascontiguousarray(W, dtype=np.float32))
    print(f"model_tensor: {args.kind} #{args.index}: {W.shape[0]} x {W.shape[1]} -> {args.out}")


if __name__ == "__main__":
    main()
