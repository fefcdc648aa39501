#!/usr/bin/python3
"""Command-line tests of sfl-train --pretrain-epochs (unsupervised pre-training, docs/training.md).

  test_sfl_train_pretrain.py --case NAME --data DIR -- COMMAND...   as test_sfl_train.py
  test_sfl_train_pretrain.py --list | --check-list NAME...

--pretrain-epochs P runs P epochs on unlabelled images alone (label -1) with mu = 1 before
the supervised epochs; the checkpoint's epoch counts both phases. The cases check: the JSON
fields (hyper.pretrain_epochs / pretrain_per_epoch, per_trial pretrain_lu) and the progress
lines ("pretrain epoch p/P", lU only); that pre-training moves the SF dictionary and nothing
else under --sf-lu-input stop (every other weight bit for bit, its momentum exactly zero; with
pass the layers below move), and changes the result against --pretrain-epochs 0 at the same
seed; that the supervised phase starts with zero momentum; that a run killed during
pre-training and resumed equals an uninterrupted one bit for bit, and that other
pre-training settings are refused by name; that --pretrain-epochs 0 is the run without the
flag (and resumes its checkpoints); that a pre-training epoch that diverges is rolled back
like a supervised one; and that unusable combinations exit 2 with one line naming them.
Exit status 77 (skipped) without numpy.
"""
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import expect, file_bytes, registry  # noqa: E402 (tests/cli_cases.py)
from test_sfl_train import (ERROR, HALTED, check_model, check_result, expect_same_models,  # noqa: E402
                            expect_same_results, load_json, np, read_sflc, train_cases_main)

# The parameters of the SF net other than its dictionary (docs/design.md section 3): the
# convolutions below the SF layer and the classifier above it.
SF_OTHERS = ("conv1.W", "conv1.b", "conv2.W", "conv2.b", "fc6.W", "fc6.b")
ROLLBACK = re.compile(r"^sfl-train: trial (\d+) pretrain epoch (\d+): (non-finite .+), rolled back to the start of "
                      r"the epoch, lr (\S+) -> (\S+)$")


def sf(r, extra=()):
    """The SF net on 20 labelled digits, 60 unlabelled ones, 2 pre-training epochs and 1 supervised."""
    return ["--net", "sf", "--per-class", "2", "--epochs", "1", "--threads", "1", "--unlabeled", "60"] + \
        r.small_test_set(200) + list(extra)


def csf(r, extra=()):
    return ["--net", "csf", "--per-class", "2", "--threads", "1", "--unlabeled", "100"] + r.small_test_set(300) + \
        list(extra)


def checkpoint(r, out):
    meta, tensors = read_sflc(r.path(out, "checkpoint.sflc"))
    for k, a in tensors.items():
        expect(np.isfinite(a).all(), "%s: checkpoint tensor %s is not finite" % (out, k))
    return meta, tensors


def pretrain_records(meta):
    """The current trial's pre-training epochs in a checkpoint's meta: [(lU, seconds)]."""
    text = meta.get("current.pretrain", "")
    return [tuple(float(v) for v in line.split()) for line in text.splitlines() if line.strip()]


def expect_pretrain_json(j, epochs, per_epoch):
    h = j["hyper"]
    expect(h.get("pretrain_epochs") == epochs and h.get("pretrain_per_epoch") == per_epoch,
           "hyper pretrain_epochs %r pretrain_per_epoch %r, expected %r %r"
           % (h.get("pretrain_epochs", "absent"), h.get("pretrain_per_epoch", "absent"), epochs, per_epoch))
    for t in j["per_trial"]:
        if epochs == 0:
            expect("pretrain_lu" not in t, "trial %d: pretrain_lu without pre-training" % t["trial"])
            continue
        lu = t.get("pretrain_lu")
        expect(isinstance(lu, list) and len(lu) == epochs, "trial %d: pretrain_lu %r" % (t["trial"], lu))
        expect(all(v is not None and math.isfinite(v) and v > 0 for v in lu), "pretrain_lu %r" % lu)
        expect(t.get("pretrain_epoch_seconds", 0) > 0, "pretrain_epoch_seconds %r" % t.get("pretrain_epoch_seconds"))


def case_pretrain_sf_dictionary_only(r):
    # Uninterrupted, with progress lines.
    flags = sf(r, ["--pretrain-epochs", "2"])
    rc, so, se = r.run(["--out", r.path("A")] + flags)
    expect(rc == 0, "exit status %d (stderr %r)" % (rc, se))
    lines = se.splitlines()
    pre = [l for l in lines if " pretrain epoch " in l]
    expect(len(pre) == 2, "expected 2 pretrain progress lines, got %r" % lines)
    for p, l in enumerate(pre):
        expect(re.match(r"^sf trial 1/1 pretrain epoch %d/2 lU [0-9.]+ mu 1\.00 " % (p + 1), l), "progress line %r" % l)
        expect(" acc " not in l and " loss " not in l, "a pretrain line shows CE or accuracy: %r" % l)
    expect(any(re.match(r"^sf trial 1/1 epoch 1/1 loss ", l) for l in lines), "no supervised epoch line in %r" % lines)
    expect(any("pre-training: 2 epochs of 60 unlabelled images" in l for l in lines), "no pre-training line: %r" % lines)
    ja = load_json(r.path("A", "result.json"))
    check_result(ja, "sf", trials=1, epochs=1, per_class=2, eval_samples=200)
    expect_pretrain_json(ja, 2, 60)
    lu = ja["per_trial"][0]["pretrain_lu"]
    expect(lu[1] < lu[0], "pre-training did not lower lU: %r" % lu)
    a = check_model(r.path("A", "model.sflc"), "sf")

    # Killed after the first pre-training epoch: only the dictionary moved. Every other
    # parameter's momentum is exactly zero (no gradient reached it, no weight decay), so
    # it is still its initial value.
    r.train("B", flags + ["--halt-after-epochs", "1"], expect_rc=HALTED)
    m1, t1 = checkpoint(r, "B")
    expect(m1.get("epoch") == "1", "checkpoint epoch %r, expected 1" % m1.get("epoch"))
    rec = pretrain_records(m1)
    expect(len(rec) == 1 and abs(rec[0][0] - lu[0]) <= 1e-9 * lu[0],  # the JSON has 10 digits
           "checkpoint pre-training records %r, JSON lU %r" % (rec, lu))
    for name in SF_OTHERS:
        v = t1["velocity/" + name]
        expect(not v.any(), "pre-training moved %s (momentum max |v| %g)" % (name, np.abs(v).max()))
    expect(t1["velocity/sf5.P"].any(), "pre-training did not move the SF dictionary")
    # The second pre-training epoch: the other weights bit for bit, the dictionary moved; the
    # checkpoint at the end of pre-training holds the supervised phase's fresh (zero) momentum.
    r.train("B", flags + ["--halt-after-epochs", "1", "--resume"], expect_rc=HALTED)
    m2, t2 = checkpoint(r, "B")
    expect(m2.get("epoch") == "2", "checkpoint epoch %r, expected 2" % m2.get("epoch"))
    for name in SF_OTHERS:
        expect(t1["param/" + name].tobytes() == t2["param/" + name].tobytes(), "pre-training epoch 2 changed " + name)
    expect(t1["param/sf5.P"].tobytes() != t2["param/sf5.P"].tobytes(), "pre-training epoch 2 left sf5.P alone")
    for k, v in t2.items():
        if k.startswith("velocity/"):
            expect(not v.any(), "end of pre-training: %s is not zero (the supervised phase starts afresh)" % k)
    # Resumed to the end: the uninterrupted run bit for bit.
    r.train("B", flags + ["--resume"])
    expect_same_models(r.path("A", "model.sflc"), r.path("B", "model.sflc"), "resumed vs uninterrupted")
    jb = load_json(r.path("B", "result.json"))
    expect_same_results(ja, jb, "resumed vs uninterrupted")
    expect(jb["per_trial"][0]["pretrain_lu"] == lu, "resumed pretrain_lu %r vs %r" % (jb["per_trial"][0]["pretrain_lu"], lu))

    # Without pre-training (same seed: same initial weights and supervised draws) the
    # dictionary ends elsewhere.
    r.train("Z", sf(r))
    jz = load_json(r.path("Z", "result.json"))
    expect_pretrain_json(jz, 0, None)
    z = check_model(r.path("Z", "model.sflc"), "sf")
    expect(a["sf5.P"].tobytes() != z["sf5.P"].tobytes(), "pre-training did not change the trained dictionary")

    # --sf-lu-input pass: nu dlU/dx reaches the convolutions below the SF layer.
    r.train("pass", flags + ["--sf-lu-input", "pass", "--halt-after-epochs", "1"], expect_rc=HALTED)
    _, tp = checkpoint(r, "pass")
    for name in ("conv1.W", "conv2.W"):
        expect(tp["velocity/" + name].any(), "--sf-lu-input pass: pre-training left %s alone" % name)
    for name in ("fc6.W", "fc6.b"):  # above the SF layer: still nothing
        expect(not tp["velocity/" + name].any(), "--sf-lu-input pass: pre-training moved %s" % name)


def case_pretrain_csf_json(r):
    # --pretrain-per-epoch: the count drawn each epoch (at most the pool).
    r.train("A", csf(r, ["--epochs", "1", "--pretrain-epochs", "3", "--pretrain-per-epoch", "40"]))
    j = load_json(r.path("A", "result.json"))
    check_result(j, "csf", trials=1, epochs=1, per_class=2, eval_samples=300)
    expect_pretrain_json(j, 3, 40)
    lu = j["per_trial"][0]["pretrain_lu"]
    expect(lu[-1] < lu[0], "pre-training did not lower lU: %r" % lu)
    expect(j["unlabeled"] == {"requested": 100, "images": 100, "per_epoch": 20}, "unlabeled %r" % j["unlabeled"])
    r.train("B", csf(r, ["--epochs", "1", "--pretrain-epochs", "1", "--pretrain-per-epoch", "500"]))
    expect_pretrain_json(load_json(r.path("B", "result.json")), 1, 100)
    # --pretrain-epochs 0 is the run without the flag, bit for bit; pre-training changes it.
    r.train("none", csf(r, ["--epochs", "1"]))
    r.train("zero", csf(r, ["--epochs", "1", "--pretrain-epochs", "0"]))
    expect_same_models(r.path("none", "model.sflc"), r.path("zero", "model.sflc"), "--pretrain-epochs 0 vs none")
    expect_pretrain_json(load_json(r.path("zero", "result.json")), 0, None)
    a = check_model(r.path("A", "model.sflc"), "csf")
    n = check_model(r.path("none", "model.sflc"), "csf")
    expect(a["csf1.P"].tobytes() != n["csf1.P"].tobytes(), "pre-training did not change the CSF dictionary")


def case_pretrain_resume(r):
    # 2 trials of 2 pre-training + 2 supervised epochs; killed during pre-training, at the
    # first supervised epoch and in trial 2's pre-training; resumed: the same model and JSON.
    common = csf(r, ["--epochs", "2", "--trials", "2"])
    flags = common + ["--pretrain-epochs", "2"]
    r.train("A", flags)
    r.train("B", flags + ["--halt-after-epochs", "1"], expect_rc=HALTED)
    ckpt = r.path("B", "checkpoint.sflc")
    saved = file_bytes(ckpt)
    for other in (["--pretrain-epochs", "3"], ["--pretrain-epochs", "2", "--pretrain-per-epoch", "7"], []):
        r.expect_error(common + other + ["--resume"], "pretrain", out="B", resumed=True)
    expect(file_bytes(ckpt) == saved, "a refused --resume changed the checkpoint")
    r.train("B", flags + ["--halt-after-epochs", "2", "--resume"], expect_rc=HALTED)  # into the supervised epochs
    expect(read_sflc(ckpt)[0].get("epoch") == "3", "checkpoint epoch %r, expected 3" % read_sflc(ckpt)[0].get("epoch"))
    r.train("B", flags + ["--halt-after-epochs", "2", "--resume"], expect_rc=HALTED)  # into trial 2's pre-training
    meta = read_sflc(ckpt)[0]
    expect(meta.get("trial") == "1" and meta.get("epoch") == "1", "checkpoint trial %r epoch %r, expected 1 1"
           % (meta.get("trial"), meta.get("epoch")))
    r.train("B", flags + ["--resume"])
    expect_same_models(r.path("A", "model.sflc"), r.path("B", "model.sflc"), "resumed vs uninterrupted")
    expect(file_bytes(r.path("A", "model.sflm")) == file_bytes(r.path("B", "model.sflm")),
           "resumed vs uninterrupted: model.sflm differs")
    ja, jb = load_json(r.path("A", "result.json")), load_json(r.path("B", "result.json"))
    expect_same_results(ja, jb, "resumed vs uninterrupted")
    check_result(jb, "csf", trials=2, epochs=2, per_class=2, eval_samples=300)
    expect_pretrain_json(jb, 2, 100)
    for ta, tb in zip(ja["per_trial"], jb["per_trial"]):
        expect(ta["pretrain_lu"] == tb["pretrain_lu"], "pretrain_lu %r vs %r" % (ta["pretrain_lu"], tb["pretrain_lu"]))
    # A checkpoint written without pre-training resumes with an explicit --pretrain-epochs 0.
    r.train("C", common + ["--halt-after-epochs", "1"], expect_rc=HALTED)
    r.train("C", common + ["--pretrain-epochs", "0", "--resume"])


def case_pretrain_diverge(r):
    # On the paper's net (no input norm, SF l2 0.01) --sf-lu-input pass lets lU blow up the
    # convolutions under the SF layer: at lr 2 the first pre-training epoch diverges, is rolled
    # back to the initial network and rerun at lr 1, which is then the run started at lr 1,
    # bit for bit.
    paper = ["--sf-input-norm", "0", "--sf-l2", "0.01", "--sf-lu-input", "pass", "--momentum", "0"]
    base = sf(r, ["--pretrain-epochs", "1", "--halt-after-epochs", "1"] + paper)
    _, se = r.train("lr2", base + ["--lr", "2"], expect_rc=HALTED)
    lines = [l for l in se.splitlines() if l.strip()]
    expect(len(lines) == 1, "expected one rollback line, got %r" % lines)
    m = ROLLBACK.match(lines[0])
    expect(m and m.group(1, 2, 4, 5) == ("1", "1", "2", "1"), "rollback line %r" % lines[0])
    meta, t2 = checkpoint(r, "lr2")
    expect(meta.get("current.rollbacks", "").startswith("1 1 non-finite"), "rollbacks %r" % meta.get("current.rollbacks"))
    r.train("lr1", base + ["--lr", "1"], expect_rc=HALTED)
    meta1, t1 = checkpoint(r, "lr1")
    for k in t1:
        expect(t1[k].tobytes() == t2[k].tobytes(), "rolled back to lr 1 vs started at lr 1: %s differs" % k)
    expect(pretrain_records(meta)[0][0] == pretrain_records(meta1)[0][0], "lU %r vs %r" % (meta, meta1))
    # At lr 0.5 the second pre-training epoch diverges at every rate: rolled back to the
    # first's end three times, then the run ends; the checkpoint keeps that epoch.
    rc, so, se = r.run(["--out", r.path("gives_up"), "--quiet"] +
                       sf(r, ["--pretrain-epochs", "2", "--lr", "0.5"] + paper))
    lines = [l for l in se.splitlines() if l.strip()]
    expect(rc == ERROR and so == "", "exit status %d, stdout %r" % (rc, so))
    expect(len(lines) == 4, "expected 3 rollback lines and the error, got %r" % lines)
    lrs = []
    for l in lines[:3]:
        m = ROLLBACK.match(l)
        expect(m and m.group(1, 2) == ("1", "2"), "rollback line %r" % l)
        lrs.append((m.group(4), m.group(5)))
    expect(lrs == [("0.5", "0.25"), ("0.25", "0.125"), ("0.125", "0.0625")], "rollback rates %r" % lrs)
    for w in ("sfl-train: error: sf trial 1 pretrain epoch 2: training diverged 4 times",
              "keeps its 1 finished epoch (1 of pre-training)"):
        expect(w in lines[3], "error %r does not say %r" % (lines[3], w))
    meta, _ = checkpoint(r, "gives_up")
    expect(meta.get("epoch") == "1" and len(pretrain_records(meta)) == 1, "checkpoint %r" % meta)
    expect(not os.path.exists(r.path("gives_up", "result.json")), "result.json written by a failed run")


def case_pretrain_bad_flags(r):
    good = ["--net", "csf", "--per-class", "2", "--epochs", "1"]
    cases = [
        (good + ["--pretrain-epochs", "2"], ["--pretrain-epochs", "needs --unlabeled"]),
        (["--net", "lenet", "--per-class", "2", "--pretrain-epochs", "2"], ["--pretrain-epochs", "lenet", "lU"]),
        (good + ["--unlabeled", "10", "--pretrain-epochs", "-1"], ["--pretrain-epochs", "-1"]),
        (good + ["--unlabeled", "10", "--pretrain-epochs", "two"], ["--pretrain-epochs", "two"]),
        (good + ["--unlabeled", "10", "--pretrain-epochs"], ["--pretrain-epochs", "value"]),
        (good + ["--unlabeled", "10", "--pretrain-epochs", "2", "--pretrain-per-epoch", "0"],
         ["--pretrain-per-epoch", "0"]),
        (good + ["--unlabeled", "10", "--pretrain-per-epoch", "5"], ["--pretrain-per-epoch", "needs --pretrain-epochs"]),
        (good + ["--unlabeled", "10", "--pretrain-epochs", "0", "--pretrain-per-epoch", "5"],
         ["--pretrain-per-epoch", "needs --pretrain-epochs"]),
        (["--net", "sf", "--pretrain-epochs", "2", "--unlabeled", "rest"], ["--unlabeled", "--per-class"]),
    ]
    r.expect_usage_errors(cases)


CASES = registry(globals())


def main(argv):
    return train_cases_main(argv, __doc__, CASES)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
