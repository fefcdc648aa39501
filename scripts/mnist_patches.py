#!/usr/bin/python3
"""Cut elastic-net problems out of MNIST: signals X (N x m) and dictionaries P (m x K) as .npy.

    /usr/bin/python3 scripts/mnist_patches.py [--mnist DIR] [--out DIR] [--seed S]
                                              [--count5 N] [--count8 N]

Reads train-images-idx3-ubyte from --mnist (scripts/fetch_mnist.sh puts it in
./data/mnist) and writes to --out (default ./data/mnist-patches):

  patches5_X.npy  count5 x 25 float32  5x5 patches (the CSF layer's problem), row-major pixels in [0, 1]
  patches5_P.npy  25 x 20 float32      20 patches, each scaled to unit L2 norm (atoms are columns)
  patches8_X.npy  count8 x 64 float32  8x8 patches
  patches8_P.npy  64 x 256 float32     256 unit-norm patches

Signals: image and top-left corner drawn uniformly (every image of the 60,000,
every valid position); blank patches are kept, as a CSF layer sees them too.
Dictionary atoms: drawn the same way but only among non-blank patches (L2 norm
>= 1 before scaling, i.e. a few bright pixels) and with no repeats. Everything
is determined by --seed (numpy's PCG64 generator), so reruns give identical files.
"""
import argparse
import os

import numpy as np

from idx_io import IMAGES, read_idx


def read_idx_images(path):
    return read_idx(path, IMAGES)


def cut(images, img, top, left, p):
    """Patches images[img, top:top+p, left:left+p] as rows of length p*p, float32 in [0, 1]."""
    r = top[:, None, None] + np.arange(p)[None, :, None]
    c = left[:, None, None] + np.arange(p)[None, None, :]
    patches = images[img[:, None, None], r, c]
    return (patches.reshape(len(img), p * p).astype(np.float32) / np.float32(255.0))


def random_patches(rng, images, count, p):
    n, h, w = images.shape
    img = rng.integers(0, n, size=count)
    top = rng.integers(0, h - p + 1, size=count)
    left = rng.integers(0, w - p + 1, size=count)
    return cut(images, img, top, left, p)


def dictionary(rng, images, p, K, min_norm=1.0):
    """K distinct non-blank p x p patches, unit norm, as the columns of a (p*p) x K matrix."""
    atoms = []
    seen = set()
    while len(atoms) < K:
        batch = random_patches(rng, images, 4 * K, p)
        for row in batch:
            norm = float(np.linalg.norm(row.astype(np.float64)))
            key = row.tobytes()
            if norm >= min_norm and key not in seen:
                seen.add(key)
                atoms.append((row.astype(np.float64) / norm).astype(np.float32))
                if len(atoms) == K:
                    break
    return np.ascontiguousarray(np.stack(atoms, axis=1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mnist", default="data/mnist", help="directory with train-images-idx3-ubyte")
    ap.add_argument("--out", default="data/mnist-patches", help="output directory")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--count5", type=int, default=100000, help="number of 5x5 signals")
    ap.add_argument("--count8", type=int, default=20000, help="number of 8x8 signals")
    args = ap.parse_args()

    images = read_idx_images(os.path.join(args.mnist, "train-images-idx3-ubyte"))
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.Generator(np.random.PCG64(args.seed))

    for p, K, count in ((5, 20, args.count5), (8, 256, args.count8)):
        P = dictionary(rng, images, p, K)
        X = random_patches(rng, images, count, p)
        np.save(os.path.join(args.out, f"patches{p}_P.npy"), P)
        np.save(os.path.join(args.out, f"patches{p}_X.npy"), X)
        blank = int(np.count_nonzero(X.max(axis=1) == 0))
        print(f"mnist_patches: {p}x{p}: X {X.shape[0]} x {X.shape[1]} ({blank} blank), "
              f"P {P.shape[0]} x {P.shape[1]} -> {args.out}/patches{p}_{{X,P}}.npy")


if __name__ == "__main__":
    main()
