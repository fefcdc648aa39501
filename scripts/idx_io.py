"""idx files (the MNIST format, uint8 data) as numpy arrays; shared by the Python scripts."""
import math
import sys

import numpy as np

IMAGES = 0x00000803  # n x rows x cols
LABELS = 0x00000801  # n


def read_idx(path, magic):
    """The uint8 array of an idx file whose magic must be `magic`; exits with a message
    naming the file when it is missing, of another kind or truncated."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        sys.exit(f"{path}: {e.strerror}")
    got = int.from_bytes(raw[0:4], "big")
    if len(raw) < 4 or got != magic:
        sys.exit(f"{path}: magic 0x{got:X}, expected 0x{magic:X}")
    ndim = raw[3]
    if len(raw) < 4 + 4 * ndim:
        sys.exit(f"{path}: truncated header")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != math.prod(dims):
        sys.exit(f"{path}: header says {dims}, file holds {data.size} bytes of data")
    return data.reshape(dims)


def write_idx(path, magic, array):
    with open(path, "wb") as f:
        f.write(magic.to_bytes(4, "big"))
        for d in array.shape:
            f.write(int(d).to_bytes(4, "big"))
        f.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())
