#!/usr/bin/python3
"""Command-line tests of sfl-train on MNIST.

  test_sfl_train.py --case NAME --data DIR -- COMMAND...   run one case; DIR holds the four MNIST
                                                          idx files, COMMAND is the program (with
                                                          its emulator prefix when cross-compiled)
  test_sfl_train.py --list                                print the case names
  test_sfl_train.py --check-list NAME...                  fail unless NAME... are exactly the cases

Good runs check the JSON result against itself (mean/std of the trials, accuracies that
are whole counts of the evaluation set), the parameter counts of the paper's networks
(docs/design.md section 3), model.sflc read by an independent reader of the checkpoint
format (cpp/include/sfl/checkpoint.hpp, CRC with zlib), and model.sflm by one of the
model blob format (include/sfl/sfl_model.h: layers, CRCs, plans, model.sflc's weights).
Resumed runs must reproduce an uninterrupted run bit for bit (one thread). --json - puts
the result on stdout alone, --model FILE puts the model (and its weights, .sflc) there.
Bad input must exit 1 (a bad file) or 2 (a bad command line) with one line
"sfl-train: error: ..." naming the problem and write no result, model or checkpoint. Cases
keep small subsets and few epochs; the slow SF networks are evaluated on a few
hundred test images. Exit status 77 (skipped) without numpy.
"""
import json
import math
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import Failure, Scratch, cases_main, expect, file_bytes, registry  # noqa: E402 (tests/cli_cases.py)

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy is not available: skipping")
    sys.exit(77)

ERROR, USAGE, HALTED = 1, 2, 3  # exit statuses; 3: stopped by --halt-after-epochs (apps/common/cli_main.hpp)
MNIST = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")

# Tensors of model.sflc per network (docs/design.md section 3): name -> shape.
LENET_CONV = {"conv1.W": (25, 20), "conv1.b": (20,)}
CSF_CONV = {"csf1.P": (25, 20)}
MIDDLE = {"conv2.W": (500, 50), "conv2.b": (50,)}
FC5 = {"fc5.W": (800, 500), "fc5.b": (500,)}
SF5 = {"sf5.P": (800, 500)}
FC6 = {"fc6.W": (500, 10), "fc6.b": (10,)}
MODEL_TENSORS = {
    "lenet": {**LENET_CONV, **MIDDLE, **FC5, **FC6},
    "csf": {**CSF_CONV, **MIDDLE, **FC5, **FC6},
    "sf": {**LENET_CONV, **MIDDLE, **SF5, **FC6},
    "csf+sf": {**CSF_CONV, **MIDDLE, **SF5, **FC6},
}
# LeNet: 520 + 25050 + 400500 + 5010; CSF drops conv1's 20 biases; SF replaces
# fc5 (800x500 + 500 biases) by P (800x500).
PARAMS = {"lenet": 431080, "csf": 431060, "sf": 430580, "csf+sf": 430560}
BIASES = {"lenet": 580, "csf": 560, "sf": 80, "csf+sf": 60}


# ---- an independent reader of the checkpoint format (cpp/include/sfl/checkpoint.hpp) ----

def read_sflc(path):
    """(meta dict, {name: float32 array}) of a checkpoint file; Failure if malformed."""
    with open(path, "rb") as f:
        b = f.read()
    expect(len(b) >= 8 + 4 + 4 + 4 + 4 and b[:8] == b"SFLCKPT\0", "%s: bad magic or too short" % path)
    stored = struct.unpack_from("<I", b, len(b) - 4)[0]
    expect(zlib.crc32(b[:-4]) & 0xFFFFFFFF == stored, "%s: CRC mismatch" % path)
    end = len(b) - 4
    pos = 8

    def take(fmt):
        nonlocal pos
        size = struct.calcsize(fmt)
        expect(pos + size <= end, "%s: truncated at byte %d" % (path, pos))
        v = struct.unpack_from(fmt, b, pos)
        pos += size
        return v

    def string():
        nonlocal pos
        (n,) = take("<I")
        expect(n <= 1 << 20 and pos + n <= end, "%s: bad string length %d at byte %d" % (path, n, pos))
        s = b[pos:pos + n]
        pos += n
        return s.decode("utf-8", "replace")

    (version,) = take("<I")
    expect(version == 1, "%s: version %d" % (path, version))
    meta = {}
    (m,) = take("<I")
    for _ in range(m):
        k = string()
        expect(k not in meta, "%s: duplicate meta key %r" % (path, k))
        meta[k] = string()
    tensors = {}
    (t,) = take("<I")
    for _ in range(t):
        name = string()
        expect(name not in tensors, "%s: duplicate tensor %r" % (path, name))
        (ndim,) = take("<I")
        expect(ndim <= 8, "%s: tensor %r has %d dims" % (path, name, ndim))
        dims = take("<%dq" % ndim) if ndim else ()
        expect(all(d >= 0 for d in dims), "%s: tensor %r has negative dims" % (path, name))
        count = int(np.prod(dims, dtype=np.int64)) if ndim else 1
        expect(pos + 4 * count <= end, "%s: tensor %r truncated" % (path, name))
        tensors[name] = np.frombuffer(b, dtype="<f4", count=count, offset=pos).reshape(dims).copy()
        pos += 4 * count
    expect(pos == end, "%s: %d bytes between the last tensor and the CRC" % (path, end - pos))
    return meta, tensors


# ---- an independent reader of the model blob (include/sfl/sfl_model.h, docs/model-format.md) ----

KIND_NAMES = {1: "conv2d", 2: "csf", 3: "maxpool2d", 4: "relu", 5: "linear", 6: "sf", 7: "l2norm"}
# The layers of each network: (kind, parameter prefix in model.sflc or None).
LENET_HEAD = [("conv2d", "conv1")]
CSF_HEAD = [("csf", "csf1")]
BODY = [("maxpool2d", None), ("conv2d", "conv2"), ("maxpool2d", None)]
FC_TAIL = [("linear", "fc5"), ("relu", None), ("linear", "fc6")]
SF_TAIL = [("l2norm", None), ("sf", "sf5"), ("linear", "fc6")]  # the default --sf-input-norm 15
BLOB_LAYERS = {
    "lenet": LENET_HEAD + BODY + FC_TAIL,
    "csf": CSF_HEAD + BODY + FC_TAIL,
    "sf": LENET_HEAD + BODY + SF_TAIL,
    "csf+sf": CSF_HEAD + BODY + SF_TAIL,
}


def read_sflm(path):
    """(header dict, [layer record dicts]) of a model blob; Failure if malformed or its CRCs differ."""
    with open(path, "rb") as f:
        b = f.read()
    expect(len(b) >= 64 and b[:4] == b"SFLM", "%s: bad magic or shorter than the header" % path)
    endian, major, minor, header_bytes, total, crc, payload_crc, n, flags = (
        struct.unpack_from("<IHHIQII", b, 4) + struct.unpack_from("<I", b, 32) + struct.unpack_from("<I", b, 60))
    expect(endian == 0x01020304 and major == 1 and header_bytes == 64, "%s: header %r" % (path, b[:16]))
    expect(total == len(b), "%s: states %d bytes, has %d" % (path, total, len(b)))
    expect(zlib.crc32(b[32:64], zlib.crc32(b[:24])) & 0xFFFFFFFF == crc, "%s: header CRC mismatch" % path)
    expect(zlib.crc32(b[64:]) & 0xFFFFFFFF == payload_crc, "%s: payload CRC mismatch" % path)
    hdr = {"layers": n, "in": struct.unpack_from("<3i", b, 36), "out": struct.unpack_from("<3i", b, 48),
           "plans": bool(flags & 1)}
    records = []
    for i in range(n):
        r = 64 + 128 * i
        expect(r + 128 <= len(b), "%s: record %d truncated" % (path, i))
        rec = {"kind": KIND_NAMES.get(struct.unpack_from("<i", b, r)[0], "?"),
               "in": struct.unpack_from("<3i", b, r + 4), "out": struct.unpack_from("<3i", b, r + 16),
               "norm": struct.unpack_from("<2f", b, r + 120)}
        for name, at in (("weight", 72), ("bias", 88), ("plan", 104)):
            off, size = struct.unpack_from("<QQ", b, r + at)
            expect(off % 64 == 0 and off + size <= len(b), "%s: layer %d %s at %d+%d" % (path, i, name, off, size))
            rec[name] = b[off:off + size] if size else None
        records.append(rec)
    return hdr, records


def check_model_blob(path, net, tensors):
    """model.sflm: the network's layers and shapes, its plans, and the weights of model.sflc, bit for bit."""
    expect(os.path.exists(path), "no model blob %s" % path)
    hdr, records = read_sflm(path)
    want = BLOB_LAYERS[net]
    expect(hdr["layers"] == len(want), "%s: %d layers, the %s network has %d" % (path, hdr["layers"], net, len(want)))
    expect(hdr["in"] == (28, 28, 1) and hdr["out"] == (1, 1, 10), "%s: in %r out %r" % (path, hdr["in"], hdr["out"]))
    expect(hdr["plans"], "%s: stored without plans" % path)
    for i, (rec, (kind, prefix)) in enumerate(zip(records, want)):
        expect(rec["kind"] == kind, "%s: layer %d is %s, expected %s" % (path, i, rec["kind"], kind))
        if i:
            expect(rec["in"] == records[i - 1]["out"], "%s: layer %d does not chain" % (path, i))
        expect((rec["plan"] is not None) == (kind in ("csf", "sf")), "%s: layer %d plan" % (path, i))
        want_norm = (15.0, 1e-6) if kind == "l2norm" else (0.0, 0.0)
        expect(all(abs(a - w) <= 1e-6 * w for a, w in zip(rec["norm"], want_norm)),
               "%s: layer %d scale, eps %r, expected %r" % (path, i, rec["norm"], want_norm))
        if prefix is None:
            expect(rec["weight"] is None and rec["bias"] is None, "%s: layer %d has parameters" % (path, i))
            continue
        w = tensors[prefix + (".P" if kind in ("csf", "sf") else ".W")]
        expect(rec["weight"] == w.astype("<f4").tobytes(), "%s: layer %d weight differs from %s" % (path, i, prefix))
        if kind in ("conv2d", "linear"):
            expect(rec["bias"] == tensors[prefix + ".b"].astype("<f4").tobytes(), "%s: layer %d bias" % (path, i))


# ---- idx files (small subsets of MNIST written by the tests) ----

def read_idx(path):
    with open(path, "rb") as f:
        b = f.read()
    ndim = b[3]
    dims = struct.unpack_from(">%dI" % ndim, b, 4)
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, a):
    a = np.ascontiguousarray(a, dtype=np.uint8)
    with open(path, "wb") as f:
        f.write(bytes([0, 0, 8, a.ndim]) + struct.pack(">%dI" % a.ndim, *a.shape) + a.tobytes())


class Run(Scratch):
    """A scratch directory and a way to run the program on MNIST (the idx files in data) in it."""

    def __init__(self, cmd, data, tmp):
        super().__init__(cmd, tmp)
        self.data = data
        self._mnist = {}

    def mnist(self, name):
        if name not in self._mnist:
            self._mnist[name] = read_idx(os.path.join(self.data, name))
        return self._mnist[name]

    def small_test_set(self, n):
        """The first n test images and labels as idx files: flags for them."""
        images, labels = self.path("test%d-images" % n), self.path("test%d-labels" % n)
        if not os.path.exists(images):
            write_idx(images, self.mnist(MNIST[2])[:n])
            write_idx(labels, self.mnist(MNIST[3])[:n])
        return ["--test-images", images, "--test-labels", labels]

    def small_train_files(self, n):
        """The first n training images and labels as idx files: (images, labels)."""
        images, labels = self.path("train%d-images" % n), self.path("train%d-labels" % n)
        write_idx(images, self.mnist(MNIST[0])[:n])
        write_idx(labels, self.mnist(MNIST[1])[:n])
        return images, labels

    def run(self, args, data=True):
        return super().run((["--data", self.data] if data else []) + args)

    def train(self, out, args, expect_rc=0):
        """Run with --out self.dir/out --quiet; check the exit status; return (stdout, stderr)."""
        rc, so, se = self.run(["--out", self.path(out), "--quiet"] + args)
        expect(rc == expect_rc, "%s: exit status %d, expected %d (stderr: %r)" % (" ".join(args), rc, expect_rc, se))
        return so, se

    def expect_error(self, args, *words, out="bad", resumed=False, rc_want=ERROR):
        """Exit rc_want, one non-blank stderr line 'sfl-train: error: ...' containing words,
        and no result, model or (unless resumed: the caller checks it) checkpoint in
        --out, nor the --json file."""
        out_dir = self.path(out)
        json_file = self.path(out + ".json")
        rc, so, se = self.run(["--out", out_dir, "--json", json_file, "--quiet"] + args)
        lines = [l for l in se.splitlines() if l.strip()]
        expect(rc == rc_want, "exit status %d, expected %d (stderr: %r)" % (rc, rc_want, se))
        expect(len(lines) == 1, "expected one stderr line, got %r" % se)
        expect(lines[0].startswith("sfl-train: error: "), "bad error prefix: %r" % lines[0])
        for w in words:
            expect(w.lower() in lines[0].lower(), "error %r does not mention %r" % (lines[0], w))
        expect(so == "", "unexpected stdout: %r" % so)
        expect(not os.path.exists(json_file), "JSON written despite the error")
        for f in ("result.json", "model.sflc", "model.sflm") + (() if resumed else ("checkpoint.sflc",)):
            expect(not os.path.exists(os.path.join(out_dir, f)), "%s written despite the error" % f)
        return lines[0]

    def expect_usage_errors(self, cases):
        """expect_error(args, *words, rc_want=USAGE) for each (args, words) of cases, each with
        its own --out bad_<i>, which a command-line error leaves uncreated; a failure names
        the args."""
        for i, (args, words) in enumerate(cases):
            out = "bad_%d" % i
            try:
                self.expect_error(args, *words, out=out, rc_want=USAGE)
            except Failure as e:
                raise Failure("%s: %s" % (" ".join(args), e))
            expect(not os.path.exists(self.path(out)), "%s: --out directory created" % " ".join(args))


def load_json(path):
    expect(os.path.exists(path), "no JSON file %s" % path)
    with open(path) as f:
        return json.load(f)


def check_result(j, net, trials, epochs, per_class, eval_set="test", eval_samples=10000):
    """The JSON result agrees with the flags and with itself."""
    other = "validation" if eval_set == "test" else "test"
    for k in ("program", "net", "per_class", "train_samples", "trials", "eval", "eval_samples",
              eval_set + "_accuracy", eval_set + "_accuracy_std", "epoch_seconds", "params", "biases",
              "hyper", "per_trial"):
        expect(k in j, "JSON lacks %r: %r" % (k, sorted(j)))
    expect(other + "_accuracy" not in j, "JSON has %s_accuracy for eval %s" % (other, eval_set))
    expect(j["program"] == "sfl-train" and j["net"] == net, "program/net %r %r" % (j["program"], j["net"]))
    expect(j["eval"] == eval_set and j["eval_samples"] == eval_samples,
           "eval %r on %r" % (j["eval"], j["eval_samples"]))
    expect(j["per_class"] == per_class and j["train_samples"] == 10 * per_class,
           "per_class %r train_samples %r" % (j["per_class"], j["train_samples"]))
    expect(j["params"] == PARAMS[net] and j["biases"] == BIASES[net],
           "params %r biases %r, expected %d %d" % (j["params"], j["biases"], PARAMS[net], BIASES[net]))
    expect(j["hyper"]["epochs"] == epochs, "hyper.epochs %r" % j["hyper"]["epochs"])
    t = j["per_trial"]
    expect(j["trials"] == trials and len(t) == trials, "trials %r, per_trial %d entries" % (j["trials"], len(t)))
    acc = [e["accuracy"] for e in t]
    for e in t:
        expect(e["epochs"] == epochs, "trial ran %r epochs" % e["epochs"])
        expect(0 <= e["accuracy"] <= 100 and 0 <= e["train_accuracy"] <= 100, "accuracy out of range: %r" % e)
        # A percentage of whole samples of the evaluation (and training) set.
        hits = e["accuracy"] * eval_samples / 100
        expect(abs(hits - round(hits)) < 1e-6, "accuracy %r is not a count of %d" % (e["accuracy"], eval_samples))
        hits = e["train_accuracy"] * j["train_samples"] / 100
        expect(abs(hits - round(hits)) < 1e-6, "train_accuracy %r is not a count" % e["train_accuracy"])
        expect(e["final_ce"] is not None and math.isfinite(e["final_ce"]) and e["final_ce"] >= 0, "final_ce %r" % e)
        expect(e["epoch_seconds"] > 0, "epoch_seconds %r" % e["epoch_seconds"])
    mean = sum(acc) / len(acc)
    std = float(np.std(acc, ddof=1)) if len(acc) > 1 else 0.0
    got_mean, got_std = j[eval_set + "_accuracy"], j[eval_set + "_accuracy_std"]
    expect(abs(got_mean - mean) < 1e-6, "mean accuracy %r, trials give %r" % (got_mean, mean))
    expect(abs(got_std - std) < 1e-6, "accuracy std %r, trials give %r" % (got_std, std))
    expect(j["epoch_seconds"] > 0, "epoch_seconds %r" % j["epoch_seconds"])
    return mean


def check_model(path, net, classes=10):
    """model.sflc holds exactly the network's tensors, finite, dictionaries in the unit ball;
    the model blob next to it (.sflm) holds the same weights."""
    expect(os.path.exists(path), "no model file %s" % path)
    meta, tensors = read_sflc(path)
    expect(meta.get("kind") == "sfl model" and meta.get("net") == net, "model meta %r" % meta)
    expect(meta.get("input") == "28x28x1" and meta.get("classes") == str(classes), "model meta %r" % meta)
    want = MODEL_TENSORS[net]
    expect(set(tensors) == set(want), "model tensors %r, expected %r" % (sorted(tensors), sorted(want)))
    for name, shape in want.items():
        a = tensors[name]
        expect(a.shape == shape, "%s has shape %r, expected %r" % (name, a.shape, shape))
        expect(np.isfinite(a).all(), "%s has non-finite values" % name)
        if name.endswith(".W") or name.endswith(".P"):
            expect(np.abs(a).max() > 0, "%s is all zero" % name)
        if name.endswith(".P"):  # columns projected onto the unit ball (docs/design.md section 2)
            norms = np.linalg.norm(a.astype(np.float64), axis=0)
            expect(norms.max() <= 1 + 1e-5, "%s has a column of norm %g" % (name, norms.max()))
    floats = sum(a.size for a in tensors.values())
    expect(floats == PARAMS[net], "model holds %d floats, expected %d" % (floats, PARAMS[net]))
    check_model_blob(path[:-len(".sflc")] + ".sflm", net, tensors)  # sfl-train --model: FILE.sflm next to FILE.sflc
    return tensors


def check_table(stdout, net, trials, eval_set="test"):
    lines = stdout.strip().splitlines()
    expect(len(lines) == 2, "table: expected a header and one row, got %r" % stdout)
    expect(lines[0].split()[:2] == ["net", "train"] and eval_set + " acc" in lines[0], "table header %r" % lines[0])
    row = lines[1].split()
    expect(row[0] == net and row[2] == str(trials) and row[3] == str(PARAMS[net]) and row[4] == str(BIASES[net]),
           "table row %r" % lines[1])


def expect_same_models(a, b, what):
    ta, tb = read_sflc(a)[1], read_sflc(b)[1]
    expect(set(ta) == set(tb), "%s: tensor names differ" % what)
    for k in ta:
        expect(ta[k].shape == tb[k].shape, "%s: %s has shapes %r and %r" % (what, k, ta[k].shape, tb[k].shape))
        expect(ta[k].tobytes() == tb[k].tobytes(), "%s: %s differs (max |diff| %g)" % (what, k, np.abs(ta[k] - tb[k]).max()))


def expect_same_results(ja, jb, what):
    for k in ("test_accuracy", "test_accuracy_std", "params", "biases", "train_samples", "trials"):
        expect(ja[k] == jb[k], "%s: %s %r vs %r" % (what, k, ja[k], jb[k]))
    for ta, tb in zip(ja["per_trial"], jb["per_trial"]):
        for k in ("accuracy", "train_accuracy", "final_ce", "epochs", "not_converged"):
            expect(ta[k] == tb[k], "%s: trial %d %s %r vs %r" % (what, ta["trial"], k, ta[k], tb[k]))


# ---- good runs --------------------------------------------------------------------------

def case_smoke(r):
    # Scored on the first 2,000 test digits (the full 10,000 cost minutes under ASan; the
    # CI's train smoke stage and the demo score the whole test set).
    so, _ = r.train("run", ["--net", "lenet", "--per-class", "10", "--epochs", "3", "--trials", "2",
                            "--json", r.path("r.json")] + r.small_test_set(2000))
    j = load_json(r.path("r.json"))
    acc = check_result(j, "lenet", trials=2, epochs=3, per_class=10, eval_samples=2000)
    expect(acc > 40, "LeNet on 100 digits, 3 epochs: test accuracy %.2f%%, expected > 40%%" % acc)
    expect(not os.path.exists(r.path("run", "result.json")), "--json given but result.json written too")
    check_table(so, "lenet", 2)
    check_model(r.path("run", "model.sflc"), "lenet")


def case_csf_smoke(r):
    so, _ = r.train("run", ["--net", "csf", "--per-class", "3", "--epochs", "1"] + r.small_test_set(1000))
    check_result(load_json(r.path("run", "result.json")), "csf", trials=1, epochs=1, per_class=3, eval_samples=1000)
    check_table(so, "csf", 1)
    check_model(r.path("run", "model.sflc"), "csf")


def case_sf_smoke(r):
    so, _ = r.train("run", ["--net", "sf", "--per-class", "2", "--epochs", "1"] + r.small_test_set(200))
    check_result(load_json(r.path("run", "result.json")), "sf", trials=1, epochs=1, per_class=2, eval_samples=200)
    check_table(so, "sf", 1)
    check_model(r.path("run", "model.sflc"), "sf")


def case_validation(r):
    so, _ = r.train("run", ["--net", "lenet", "--validation", "1000", "--per-class", "5", "--epochs", "2"])
    j = load_json(r.path("run", "result.json"))
    check_result(j, "lenet", trials=1, epochs=2, per_class=5, eval_set="validation", eval_samples=1000)
    check_table(so, "lenet", 1, eval_set="validation")


def case_help(r):
    rc, so, se = r.run(["--help"], data=False)
    expect(rc == 0, "--help exit status %d" % rc)
    expect(so.startswith("usage: sfl-train"), "--help output: %r" % so[:80])
    for flag in ("--net", "--per-class", "--trials", "--seed", "--threads", "--json", "--out", "--model", "--resume",
                 "--data", "--validation", "--epochs", "--lr", "--mu", "--sf-lu-input", "--halt-after-epochs"):
        expect(flag in so, "--help does not mention %s" % flag)
    expect(se == "", "--help wrote to stderr: %r" % se)


def case_json_stdout_model_path(r):
    # --json -: stdout is the JSON document alone (no table), no result.json; --model FILE:
    # the model blob there and its weights next to it (FILE with .sflc), none in OUT.
    model = r.path("models", "net.sflm")
    rc, so, se = r.run(["--out", r.path("run"), "--quiet", "--net", "lenet", "--per-class", "2", "--epochs", "1",
                        "--threads", "1", "--json", "-", "--model", model] + r.small_test_set(100))
    expect(rc == 0, "exit status %d (stderr %r)" % (rc, se))
    j = json.loads(so)  # the whole of stdout
    check_result(j, "lenet", trials=1, epochs=1, per_class=2, eval_samples=100)
    expect(not os.path.exists(r.path("run", "result.json")) and not os.path.exists(r.path("run", "-")),
           "--json - wrote a file")
    for f in ("model.sflm", "model.sflc"):
        expect(not os.path.exists(r.path("run", f)), "--model given, yet %s written in OUT" % f)
    expect(os.path.exists(r.path("run", "checkpoint.sflc")), "no checkpoint in OUT")
    check_model(r.path("models", "net.sflc"), "lenet")  # and net.sflm next to it
    # The same run to the default places: the same model, bit for bit.
    so, _ = r.train("default", ["--net", "lenet", "--per-class", "2", "--epochs", "1", "--threads", "1"] +
                    r.small_test_set(100))
    check_table(so, "lenet", 1)
    expect(file_bytes(r.path("default", "model.sflm")) == file_bytes(model), "--model FILE: another model")
    expect_same_models(r.path("default", "model.sflc"), r.path("models", "net.sflc"), "--model FILE vs OUT")
    expect_same_results(load_json(r.path("default", "result.json")), j, "--json - vs OUT/result.json")


# ---- resume -------------------------------------------------------------------------------

RESUME_FLAGS = ["--net", "lenet", "--per-class", "10", "--epochs", "4", "--trials", "2", "--threads", "1"]


def halted_then_resumed(r, halts):
    """Run A uninterrupted and B halted after each of `halts` epochs (resuming in between),
    then B resumed to the end: same model and results."""
    r.train("A", RESUME_FLAGS)
    done = 0
    for i, h in enumerate(halts):
        r.train("B", RESUME_FLAGS + (["--resume"] if i else []) + ["--halt-after-epochs", str(h)], expect_rc=HALTED)
        done += h
        meta, tensors = read_sflc(r.path("B", "checkpoint.sflc"))
        trial = (done - 1) // 4  # a halt at a trial's last epoch comes before its evaluation
        epoch = done - 4 * trial
        expect((meta.get("trial"), meta.get("epoch")) == (str(trial), str(epoch)),
               "after %d epochs the checkpoint is at trial %r epoch %r" % (done, meta.get("trial"), meta.get("epoch")))
        expect(any(k.startswith("param/") for k in tensors), "mid-trial checkpoint without weights")
        for f in ("result.json", "model.sflc", "model.sflm"):
            expect(not os.path.exists(r.path("B", f)), "halted run wrote %s" % f)
    so, _ = r.train("B", RESUME_FLAGS + ["--resume"])
    check_table(so, "lenet", 2)
    expect_same_models(r.path("A", "model.sflc"), r.path("B", "model.sflc"), "resumed vs uninterrupted")
    expect(file_bytes(r.path("A", "model.sflm")) == file_bytes(r.path("B", "model.sflm")),
           "resumed vs uninterrupted: model.sflm differs")
    ja, jb = load_json(r.path("A", "result.json")), load_json(r.path("B", "result.json"))
    check_result(jb, "lenet", trials=2, epochs=4, per_class=10)
    expect_same_results(ja, jb, "resumed vs uninterrupted")


def case_resume_first_trial(r):
    halted_then_resumed(r, [3])


def case_resume_second_trial(r):
    halted_then_resumed(r, [5])


def case_resume_twice(r):
    # Halted after the last epoch of trial 1 (before its evaluation), resumed, halted
    # again mid trial 2 (7 epochs in all: --halt-after-epochs counts the epochs of one
    # invocation), resumed to the end.
    halted_then_resumed(r, [4, 3])


def case_resume_finished(r):
    # Resuming a finished run rewrites its result and leaves the model alone.
    flags = ["--net", "lenet", "--per-class", "2", "--epochs", "2", "--threads", "1"]
    r.train("A", flags)
    before = load_json(r.path("A", "result.json"))
    model = file_bytes(r.path("A", "model.sflc"))
    blob = file_bytes(r.path("A", "model.sflm"))
    os.remove(r.path("A", "result.json"))
    so, _ = r.train("A", flags + ["--resume"])
    check_table(so, "lenet", 1)
    after = load_json(r.path("A", "result.json"))
    check_result(after, "lenet", trials=1, epochs=2, per_class=2)
    expect_same_results(before, after, "finished run resumed")
    expect(file_bytes(r.path("A", "model.sflc")) == model, "resuming a finished run changed model.sflc")
    expect(file_bytes(r.path("A", "model.sflm")) == blob, "resuming a finished run changed model.sflm")


def halted_run(r, flags):
    r.train("B", flags + ["--halt-after-epochs", "1"], expect_rc=HALTED)
    return r.path("B", "checkpoint.sflc")


def case_resume_mismatch(r):
    flags = ["--net", "lenet", "--per-class", "2", "--epochs", "2", "--threads", "1"]
    ckpt = halted_run(r, flags)
    saved = file_bytes(ckpt)
    for other, word in ((["--lr", "0.02"], "lr"), (["--seed", "7"], "seed"), (["--batch", "5"], "batch")):
        r.expect_error(flags + other + ["--resume"], ckpt, word, out="B", resumed=True)
        expect(file_bytes(ckpt) == saved, "a refused --resume (%s) changed the checkpoint" % " ".join(other))
    # The same flags still resume.
    r.train("B", flags + ["--resume"])
    check_result(load_json(r.path("B", "result.json")), "lenet", trials=1, epochs=2, per_class=2)


def case_resume_no_checkpoint(r):
    os.mkdir(r.path("empty"))
    r.expect_error(["--net", "lenet", "--per-class", "2", "--epochs", "1", "--resume"], "--resume",
                   "no checkpoint", r.path("empty", "checkpoint.sflc"), out="empty")


def case_checkpoint_crc(r):
    flags = ["--net", "lenet", "--per-class", "2", "--epochs", "2", "--threads", "1"]
    ckpt = halted_run(r, flags)
    b = bytearray(file_bytes(ckpt))
    b[len(b) // 2] ^= 0x01  # inside the weights: only the CRC can tell
    with open(ckpt, "wb") as f:
        f.write(b)
    line = r.expect_error(flags + ["--resume"], ckpt, out="B", resumed=True)
    expect("crc mismatch" in line.lower() or "corrupt" in line.lower(), "error %r does not say corrupt/CRC" % line)
    expect(file_bytes(ckpt) == bytes(b), "the corrupt checkpoint was modified")


def case_checkpoint_truncated(r):
    flags = ["--net", "lenet", "--per-class", "2", "--epochs", "2", "--threads", "1"]
    ckpt = halted_run(r, flags)
    b = file_bytes(ckpt)[:-1000]
    with open(ckpt, "wb") as f:
        f.write(b)
    r.expect_error(flags + ["--resume"], ckpt, "truncated", out="B", resumed=True)
    expect(file_bytes(ckpt) == b, "the truncated checkpoint was modified")


# ---- threads ------------------------------------------------------------------------------

def threads_agree(r, flags, net, per_class, epochs):
    models, results = [], []
    for t in ("1", "2"):
        r.train("t" + t, flags + ["--threads", t])
        results.append(load_json(r.path("t" + t, "result.json")))
        models.append(check_model(r.path("t" + t, "model.sflc"), net))
    for j in results:
        check_result(j, net, trials=1, epochs=epochs, per_class=per_class, eval_samples=results[0]["eval_samples"])
    for k in models[0]:
        a, b = models[0][k].astype(np.float64), models[1][k].astype(np.float64)
        diff, scale = np.abs(a - b).max(), np.abs(a).max()
        expect(diff <= 1e-3 * scale, "%s: 1 vs 2 threads differ by %g (max |w| %g)" % (k, diff, scale))
    a1, a2 = results[0]["test_accuracy"], results[1]["test_accuracy"]
    expect(abs(a1 - a2) <= 1.0, "1 vs 2 threads: test accuracy %.2f vs %.2f" % (a1, a2))


def case_threads_agree_lenet(r):
    threads_agree(r, ["--net", "lenet", "--per-class", "10", "--epochs", "2"], "lenet", 10, 2)


def case_threads_agree_csf(r):
    threads_agree(r, ["--net", "csf", "--per-class", "3", "--epochs", "1"] + r.small_test_set(1000), "csf", 3, 1)


# ---- bad input ----------------------------------------------------------------------------

def case_bad_flags(r):
    base = ["--net", "lenet", "--per-class", "2", "--epochs", "1"]
    cases = [
        (["--frobnicate", "1"], ["unknown option", "--frobnicate"]),
        (["--net", "foo"], ["--net", "foo"]),
        (["--per-class", "0"], ["--per-class", "0"]),
        (["--threads", "0"], ["--threads", "0"]),
        (["--mu", "2"], ["--mu", "2"]),
        (["--mu", "0.5,x"], ["--mu", "x"]),
        (["--epochs", "0"], ["--epochs", "0"]),
        (["--trials", "0"], ["--trials", "0"]),
        (["--batch", "0"], ["--batch", "0"]),
        (["--lr", "-1"], ["--lr", "-1"]),
        (["--lr", "nan"], ["--lr", "nan"]),
        (["--momentum", "1"], ["--momentum", "1"]),
        (["--solver", "fista"], ["--solver", "fista"]),
        (["--resume=yes"], ["--resume"]),
        (["stray"], ["stray"]),
        (["--epochs"], ["--epochs", "value"]),
        (["--json"], ["--json", "value"]),
        (["--json", "--quiet"], ["--json", "needs a value", "--quiet"]),  # --json takes FILE, or -
        (["--model", ""], ["--model"]),
        (["--sf-lu-input", "both"], ["--sf-lu-input", "both"]),
        (["--sf-lu-input", "-1"], ["--sf-lu-input", "-1"]),
        (["--mix", "both"], ["--mix", "both"]),
        (["--halt-after-epochs", "0"], ["--halt-after-epochs", "0"]),
        (["--validation", "60000"], ["--validation", "60000"]),
    ]
    for i, (extra, words) in enumerate(cases):
        out = "bad_%d" % i
        # --validation 60000 is a valid flag that leaves no training image: a data error.
        usage = extra[0] != "--validation"
        try:
            r.expect_error(base + extra, *words, out=out, rc_want=USAGE if usage else ERROR)
        except Failure as e:
            raise Failure("%s: %s" % (" ".join(extra), e))
        if usage:  # flag errors come before the run directory is made
            expect(not os.path.exists(r.path(out)), "%s: --out directory created" % " ".join(extra))


def idx_error(r, which, content_or_path, *words, names_file=True):
    """Replace one of the four input files (by flag) and expect an error naming it."""
    train_images, train_labels = r.small_train_files(200)
    files = {"--train-images": train_images, "--train-labels": train_labels}
    test = r.small_test_set(100)
    files.update({test[0]: test[1], test[2]: test[3]})
    if isinstance(content_or_path, bytes):
        bad = r.path("bad-" + which.strip("-"))
        with open(bad, "wb") as f:
            f.write(content_or_path)
    else:
        bad = content_or_path
    files[which] = bad
    args = ["--net", "lenet", "--per-class", "2", "--epochs", "1"]
    for k, v in files.items():
        args += [k, v]
    r.expect_error(args, *(((bad,) if names_file else ()) + words))


def case_idx_truncated(r):
    images, _ = r.small_train_files(200)
    idx_error(r, "--train-images", file_bytes(images)[:-100], "truncated")


def case_idx_label_as_images(r):
    _, labels = r.small_train_files(200)
    idx_error(r, "--train-images", labels, "label file")


def case_idx_gzip(r):
    idx_error(r, "--train-images", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(100), "gzip")


def case_idx_count_mismatch(r):
    # A valid label file with fewer items than the images.
    labels = r.path("labels150")
    write_idx(labels, r.mnist(MNIST[1])[:150])
    idx_error(r, "--train-labels", labels, "200", "150")


def case_idx_missing(r):
    idx_error(r, "--train-labels", r.path("no-such-file"), "cannot open")


def case_idx_test_corrupt(r):
    test = r.small_test_set(100)
    idx_error(r, "--test-labels", file_bytes(test[3]) + b"\x07", "trailing")


def case_idx_test_shape(r):
    small = r.path("test-20x20")
    write_idx(small, r.mnist(MNIST[2])[:100, 4:24, 4:24])
    # Both files are fine on their own: the message names both files and their shapes.
    idx_error(r, "--test-images", small, "images are 20x20", "28x28")


CASES = registry(globals())


def missing_mnist(data):
    """Why the cases cannot run on the MNIST directory data, or None."""
    missing = [f for f in MNIST if not os.path.exists(os.path.join(data, f))]
    return "MNIST files missing in %s: %s (scripts/fetch_mnist.sh)" % (data, missing) if missing else None


def train_cases_main(argv, doc, cases):
    """main() of the sfl-train case scripts: --case NAME --data DIR -- COMMAND... (cli_cases.cases_main)."""
    return cases_main(argv, doc, cases, "train.cli", "--data", Run, check_value=missing_mnist)


def main(argv):
    return train_cases_main(argv, __doc__, CASES)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
