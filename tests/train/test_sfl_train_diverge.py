#!/usr/bin/python3
"""Command-line tests of sfl-train on diverging runs (docs/training.md, "When training diverges").

  test_sfl_train_diverge.py --case NAME -- COMMAND...   run one case (COMMAND: the program, with
                                                        its emulator prefix when cross-compiled)
  test_sfl_train_diverge.py --list | --check-list NAME...

A learning rate far too large makes the loss NaN (or a layer refuse NaN/infinity): the epoch
is rolled back to its start, the lr halved for the rest of the trial, one line
"sfl-train: trial T epoch E: non-finite ..., rolled back to the start of the epoch, lr A -> B"
printed (also with --quiet) and the rollback recorded in the JSON (per trial: "rollbacks" and
"rollback_log" [{epoch, reason, lr}]); the fourth divergence of a trial ends the run with exit 1
and "sfl-train: error: ... diverged 4 times ...", the checkpoint of the finished epochs intact
and finite. A run with rollbacks halted and resumed equals the uninterrupted one bit for bit
(the halved lr is in the checkpoint). The data are synthetic 28x28 idx files written by the
script (no MNIST): ten classes of bars with noise. Seeded, one thread: deterministic. Exit
status 77 (skipped) without numpy.
"""
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import Scratch, cases_main, expect, file_bytes, registry  # noqa: E402 (tests/cli_cases.py)
from test_sfl_train import (ERROR, HALTED, check_model, check_result, expect_same_models,  # noqa: E402
                            load_json, np, read_sflc, write_idx)

ROLLBACK = re.compile(r"^sfl-train: trial (\d+) epoch (\d+): (non-finite .+), rolled back to the start of the "
                      r"epoch, lr (\S+) -> (\S+)$")
MAX_DIVERGENCES = 4  # the fourth divergence of a trial ends the run (apps/sfl-train/main.cpp)

# LeNet without momentum, batches of 5 (20 steps per epoch): lr 1 turns the loss NaN within
# the first epoch; one of 0.5, 0.25 and 0.125 trains (0.25 and below never diverge here).
RECOVERS = ["--net", "lenet", "--per-class", "10", "--batch", "5", "--momentum", "0", "--lr", "1", "--threads", "1"]


def synthetic(n, seed):
    """n 28x28 uint8 images of ten classes (a horizontal and a vertical bar whose position is
    the class, on noise) and their labels 0..9 in turn."""
    rng = np.random.RandomState(seed)
    labels = np.arange(n) % 10
    images = np.zeros((n, 28, 28), np.uint8)
    for i, c in enumerate(labels):
        img = rng.randint(0, 40, (28, 28))
        r = 3 + 2 * c
        img[r:r + 3, 4:24] = 255 if c % 2 == 0 else 200
        img[4:24, r:r + 3] = np.maximum(img[4:24, r:r + 3], 150)
        images[i] = img
    return images, labels.astype(np.uint8)


class Run(Scratch):
    """A scratch directory with the synthetic data set, and sfl-train runs on it."""

    def __init__(self, cmd, _value, tmp):
        super().__init__(cmd, tmp)
        self.data = []
        for name, n, seed in (("train", 200, 1), ("test", 100, 2)):
            images, labels = synthetic(n, seed)
            write_idx(self.path(name + "-images"), images)
            write_idx(self.path(name + "-labels"), labels)
            self.data += ["--%s-images" % name, self.path(name + "-images"),
                          "--%s-labels" % name, self.path(name + "-labels")]

    def train(self, out, args, expect_rc):
        """Run quietly in --out self.dir/out; check the exit status; return the stderr lines."""
        rc, so, se = self.run(self.data + ["--out", self.path(out), "--quiet"] + args)
        expect(rc == expect_rc, "%s: exit status %d, expected %d (stderr: %r)" % (" ".join(args), rc, expect_rc, se))
        if rc != 0:
            expect(so == "", "stdout of a failed run: %r" % so)
        return [l for l in se.splitlines() if l.strip()]


def rollbacks_of(lines, lr):
    """The rollback lines (all of lines) as [(trial, epoch, reason, lr_after)], checking that
    each halves the lr of the one before, from lr."""
    out = []
    for line in lines:
        m = ROLLBACK.match(line)
        expect(m, "not a rollback line: %r" % line)
        trial, epoch, reason, before, after = m.groups()
        expect(float(before) == lr and float(after) == lr / 2,
               "%r: lr %s -> %s, expected %g -> %g" % (line, before, after, lr, lr / 2))
        expect(re.search(r"step \d+ of \d+\)$", reason),
               "%r: the reason does not say where" % line)
        lr /= 2
        out.append((int(trial), int(epoch), reason, lr))
    return out


def expect_log(trial_json, rollbacks):
    """The JSON of a trial records exactly these rollbacks (epoch, reason, lr)."""
    log = trial_json.get("rollback_log")
    expect(trial_json.get("rollbacks") == len(rollbacks) and isinstance(log, list) and len(log) == len(rollbacks),
           "JSON rollbacks %r, rollback_log %r; stderr had %d" % (trial_json.get("rollbacks"), log, len(rollbacks)))
    for entry, (_, epoch, reason, lr) in zip(log, rollbacks):
        expect(entry == {"epoch": epoch, "reason": reason, "lr": lr},
               "rollback_log entry %r, stderr said epoch %d %r lr %g" % (entry, epoch, reason, lr))


def expect_finite_checkpoint(path, trial, epoch):
    meta, tensors = read_sflc(path)
    expect((meta.get("trial"), meta.get("epoch")) == (str(trial), str(epoch)),
           "checkpoint at trial %r epoch %r, expected %d %d" % (meta.get("trial"), meta.get("epoch"), trial, epoch))
    expect(any(k.startswith("param/") for k in tensors) and any(k.startswith("velocity/") for k in tensors),
           "checkpoint without weights or momentum: %r" % sorted(tensors))
    for k, a in tensors.items():
        expect(np.isfinite(a).all(), "checkpoint tensor %s holds NaN or infinity" % k)
    return meta


def expect_gave_up(lines, net, epoch, lr):
    """3 rollback lines in this epoch, then the one error line: diverged 4 times."""
    expect(len(lines) == MAX_DIVERGENCES,
           "expected %d rollback lines and the error, got %r" % (MAX_DIVERGENCES - 1, lines))
    for _, e, _, _ in rollbacks_of(lines[:-1], lr):
        expect(e == epoch, "rollback in epoch %d, expected %d: %r" % (e, epoch, lines))
    err = lines[-1]
    expect(err.startswith("sfl-train: error: %s trial 1 epoch %d: " % (net, epoch)), "error line %r" % err)
    for words in ("diverged %d times" % MAX_DIVERGENCES, "non-finite", "at lr %g" % (lr / 2 ** (MAX_DIVERGENCES - 1)),
                  "checkpoint", "--lr"):
        expect(words in err, "error %r does not say %r" % (err, words))
    return err


# ---- cases ----------------------------------------------------------------------------------

def case_diverge_recovers(r):
    # Rolled back (1 to 3 times) in the first epoch, then trains on to the end: exit 0, the
    # rollbacks on stderr despite --quiet and in the JSON, a finite model.
    lines = r.train("run", RECOVERS + ["--epochs", "2", "--json", r.path("r.json")], 0)
    rb = rollbacks_of(lines, 1.0)
    expect(1 <= len(rb) < MAX_DIVERGENCES, "expected 1 to 3 rollbacks, got %r" % lines)
    expect(all(t == 1 for t, _, _, _ in rb), "rollbacks outside trial 1: %r" % lines)
    expect(rb[0][1] == 1, "the first rollback is in epoch %d, expected 1" % rb[0][1])
    j = load_json(r.path("r.json"))
    check_result(j, "lenet", trials=1, epochs=2, per_class=10, eval_samples=100)
    expect(j["hyper"]["lr"] == 1, "hyper.lr %r: the --lr given" % j["hyper"]["lr"])
    expect_log(j["per_trial"][0], rb)
    check_model(r.path("run", "model.sflc"), "lenet")


def case_diverge_resume(r):
    # Halted after the epoch that rolled back, resumed: the halved lr comes from the checkpoint,
    # so the resumed run equals the uninterrupted one bit for bit, rollbacks included.
    flags = RECOVERS + ["--epochs", "3"]
    rb = rollbacks_of(r.train("A", flags, 0), 1.0)
    first = [x for x in rb if x[1] == 1]
    expect(first, "no rollback in epoch 1: the case needs one")
    lines = r.train("B", flags + ["--halt-after-epochs", "1"], HALTED)
    expect([x[:3] for x in rollbacks_of(lines, 1.0)] == [x[:3] for x in first], "halted run: %r" % lines)
    meta = expect_finite_checkpoint(r.path("B", "checkpoint.sflc"), 0, 1)
    stored = meta.get("current.rollbacks", "").splitlines()
    expect(len(stored) == len(first) and stored[-1].split()[:2] == ["1", "%.9g" % first[-1][3]],
           "checkpoint rollbacks %r, expected %d ending at lr %g" % (stored, len(first), first[-1][3]))
    lines = r.train("B", flags + ["--resume"], 0)
    later = rollbacks_of(lines, first[-1][3]) if lines else []
    expect([x[:3] for x in later] == [x[:3] for x in rb[len(first):]],
           "resumed run: %r, uninterrupted %r" % (lines, rb))
    expect_same_models(r.path("A", "model.sflc"), r.path("B", "model.sflc"), "resumed vs uninterrupted")
    expect(file_bytes(r.path("A", "model.sflm")) == file_bytes(r.path("B", "model.sflm")),
           "resumed vs uninterrupted: model.sflm differs")
    ja, jb = load_json(r.path("A", "result.json")), load_json(r.path("B", "result.json"))
    expect_log(ja["per_trial"][0], rb)
    expect_log(jb["per_trial"][0], rb)
    for k in ("accuracy", "train_accuracy", "final_ce", "epochs"):
        expect(ja["per_trial"][0][k] == jb["per_trial"][0][k],
               "%s: %r uninterrupted, %r resumed" % (k, ja["per_trial"][0][k], jb["per_trial"][0][k]))


def case_diverge_gives_up(r):
    # CSF at lr 1000: NaN/infinity reaches the CSF layer (or its dictionary) within the first
    # epoch at 1000, 500, 250 and 125: exit 1 after the fourth, nothing written.
    flags = ["--net", "csf", "--per-class", "10", "--batch", "5", "--momentum", "0", "--lr", "1000", "--threads", "1",
             "--epochs", "2", "--json", r.path("r.json")]
    expect_gave_up(r.train("run", flags, ERROR), "csf", 1, 1000.0)
    for f in ("r.json", os.path.join("run", "result.json"), os.path.join("run", "model.sflc"),
              os.path.join("run", "model.sflm"), os.path.join("run", "checkpoint.sflc")):
        expect(not os.path.exists(r.path(f)), "%s written by a run that diverged in its first epoch" % f)


def case_diverge_gives_up_keeps_checkpoint(r):
    # LeNet with momentum at lr 20: the first epoch ends with huge but finite weights, the
    # second turns NaN at every lr: exit 1 naming epoch 2; the checkpoint keeps epoch 1 (finite),
    # and --resume fails the same way without touching it.
    flags = ["--net", "lenet", "--per-class", "5", "--lr", "20", "--threads", "1", "--epochs", "3"]
    err = expect_gave_up(r.train("run", flags, ERROR), "lenet", 2, 20.0)
    expect("the checkpoint keeps its 1 finished epoch;" in err, "error %r does not count the finished epochs" % err)
    ckpt = r.path("run", "checkpoint.sflc")
    expect_finite_checkpoint(ckpt, 0, 1)
    saved = file_bytes(ckpt)
    for f in ("result.json", "model.sflc", "model.sflm"):
        expect(not os.path.exists(r.path("run", f)), "%s written by a failed run" % f)
    lines = r.train("run", flags + ["--resume"], ERROR)
    expect(lines[-1] == err, "resumed: %r, first run: %r" % (lines[-1], err))
    expect(file_bytes(ckpt) == saved, "the failed --resume changed the checkpoint")


CASES = registry(globals())


def main(argv):
    return cases_main(argv, __doc__, CASES, "train.cli", "--data", Run, value_optional=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
