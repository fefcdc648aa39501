#!/usr/bin/python3
"""Command-line test of sfl-figures on a model sfl-train just trained.

  test_sfl_figures.py --data DIR --train SFL_TRAIN --figures SFL_FIGURES

A CSF+SF net (one epoch on 20 digits) and a LeNet: the PNG files exist, decode (an
independent PNG reader: chunk CRCs, zlib, filters) to the sizes the layout gives (atoms
of kh x kw or 50 channel maps of 4x4, scale, 1-px gaps), the gap pixels have the gap
colour, each CSF atom spans black to white (scaled to its own min/max); sparsity.svg is
XML with one histogram per SF/CSF layer whose bars add up to 100 %; a bad file exits 1, a
bad command line 2, with one line "sfl-figures: error: ...". Exit status 77 (skipped) without numpy.
"""
import os
import shutil
import struct
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import Failure, expect, file_bytes, run  # noqa: E402 (tests/cli_cases.py)

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy is not available: skipping")
    sys.exit(77)

from test_sfl_train import Run  # noqa: E402 (sfl-train on MNIST in a scratch directory)

CHANNEL_GAP = (70, 110, 170)  # apps/sfl-figures/atoms.cpp


def read_png(path):
    """RGB8 PNG -> (h, w, 3) uint8 array; checks every chunk CRC."""
    b = file_bytes(path)
    expect(b[:8] == b"\x89PNG\r\n\x1a\n", "%s: not a PNG" % path)
    pos, idat, w = 8, b"", None
    while pos < len(b):
        n, kind = struct.unpack_from(">I4s", b, pos)
        data = b[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack_from(">I", b, pos + 8 + n)
        expect(zlib.crc32(kind + data) & 0xFFFFFFFF == crc, "%s: CRC of %r" % (path, kind))
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack_from(">IIBB", data)
            expect((depth, colour) == (8, 2), "%s: depth %d colour type %d, expected RGB8" % (path, depth, colour))
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = 3 * w
    expect(len(raw) == h * (stride + 1), "%s: %d bytes of image data for %dx%d" % (path, len(raw), w, h))
    out = np.zeros((h, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        cur = np.zeros(stride, np.int32)
        for x in range(stride):
            a = cur[x - 3] if x >= 3 else 0
            c = prev[x - 3] if x >= 3 else 0
            bb = prev[x]
            if ftype == 0:
                p = 0
            elif ftype == 1:
                p = a
            elif ftype == 2:
                p = bb
            elif ftype == 3:
                p = (a + bb) // 2
            else:
                pa, pb, pc = abs(bb - c), abs(a - c), abs(a + bb - 2 * c)
                p = a if pa <= pb and pa <= pc else (bb if pb <= pc else c)
            cur[x] = (line[x] + p) & 255
        out[y], prev = cur, cur
    return out.reshape(h, w, 3).astype(np.uint8)


def check_csf_atoms(path, K, k, s):
    im = read_png(path)
    cols = min(K, 10)
    rows = (K + cols - 1) // cols
    cell = k * s
    expect(im.shape == (rows * cell + rows - 1, cols * cell + cols - 1, 3), "%s: size %r" % (path, im.shape))
    for j in range(K):
        y0, x0 = (j // cols) * (cell + 1), (j % cols) * (cell + 1)
        atom = im[y0:y0 + cell, x0:x0 + cell, 0]
        expect(atom.min() == 0 and atom.max() == 255, "%s: atom %d spans %d..%d" % (path, j, atom.min(), atom.max()))
        if j % cols < cols - 1:
            expect((im[y0:y0 + cell, x0 + cell] == CHANNEL_GAP).all(), "%s: gap after atom %d" % (path, j))


def main(argv):
    args = dict(zip(argv[0::2], argv[1::2]))
    if set(args) != {"--data", "--train", "--figures"}:
        print(__doc__)
        return 2
    data, train, figures = args["--data"], args["--train"], args["--figures"]
    tmp = tempfile.mkdtemp(prefix="sfl_figures_")
    try:
        # Evaluated on 100 test digits only: the accuracy does not matter here.
        r = Run([train], data, tmp)
        test = r.small_test_set(100)
        for net in ("csf+sf", "lenet"):
            r.train(net, ["--net", net, "--per-class", "2", "--epochs", "1", "--threads", "1"] + test)
        # csf+sf: CSF atoms, 6 SF atoms, histogram of 50 images.
        model = r.path("csf+sf", "model.sflm")
        fig = r.path("fig")
        rc, so, se = run([figures, "--model", model, "--out", fig, "--count", "50", "--scale", "3",
                          "--sf-atoms", "6", "--sf-scale", "2", "--images",
                          os.path.join(data, "t10k-images-idx3-ubyte")])
        expect(rc == 0, "sfl-figures failed: %s" % se)
        check_csf_atoms(os.path.join(fig, "layer1_csf_atoms.png"), 20, 5, 3)
        sf = read_png(os.path.join(fig, "layer5_sf_atoms.png"))
        aw, ah = 10 * 8 + 9, 5 * 8 + 4  # 50 maps of 4x4 at scale 2 in rows of 10, 1-px gaps
        expect(sf.shape == (2 * ah + 6, 4 * aw + 3 * 6, 3), "SF atoms: size %r" % (sf.shape,))
        expect((sf[:ah, 8] == CHANNEL_GAP).all(), "SF atoms: no channel gap after the first map")
        expect((sf[:, aw:aw + 6] == 255).all(), "SF atoms: no white gap between atoms")
        root = ET.parse(os.path.join(fig, "sparsity.svg")).getroot()
        ns = "{http://www.w3.org/2000/svg}"
        texts = [t.text or "" for t in root.iter(ns + "text")]
        expect(any(t.startswith("layer 1 csf, K = 20: 28800 codes") for t in texts), "no CSF panel: %r" % texts[:3])
        expect(any(t.startswith("layer 5 sf, K = 500: 50 codes") for t in texts), "no SF panel")
        bars = [float(rect.find(ns + "title").text.split()[0]) for rect in root.iter(ns + "rect")
                if rect.find(ns + "title") is not None]
        expect(len(bars) == 21 + 25, "%d bars, expected 21 (CSF, K = 20) + 25 (SF)" % len(bars))
        expect(abs(sum(bars[:21]) - 100) < 0.05 and abs(sum(bars[21:]) - 100) < 0.05, "bars do not add to 100 %")
        expect("layer 5 sf K=500: 50 codes" in so, "stdout: %r" % so)
        # LeNet: first-layer filters, no histogram.
        rc, so, se = run([figures, "--model", r.path("lenet", "model.sflm"), "--count", "10",
                          "--images", os.path.join(data, "t10k-images-idx3-ubyte")])
        expect(rc == 0, "sfl-figures on lenet failed: %s" % se)
        check_csf_atoms(r.path("lenet", "figures", "layer1_conv_filters.png"), 20, 5, 12)
        expect(not os.path.exists(r.path("lenet", "figures", "sparsity.svg")), "lenet: a histogram")
        # Bad input: one line, exit 1 for a bad file, 2 for a bad command line.
        for bad, word, rc_want in ((["--model", r.path("nothing.sflm")], "cannot open", 1),
                                   (["--model", r.path("lenet", "model.sflc")], "sflm", 1),
                                   (["--model", model, "--images", os.path.join(data, "t10k-labels-idx1-ubyte")],
                                    "label", 1),
                                   (["--model", model, "--count", "x"], "--count", 2), ([], "--model", 2)):
            rc, so, se = run([figures, "--out", r.path("bad")] + bad)
            lines = [l for l in se.splitlines() if l.strip()]
            one_line = len(lines) == 1 and lines[0].startswith("sfl-figures: error: ") and word in lines[0]
            expect(rc == rc_want and one_line, "%r: exit %d (expected %d), stderr %r" % (bad, rc, rc_want, se))
    except Failure as e:
        print("FAIL train.cli.figures: %s" % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok train.cli.figures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
