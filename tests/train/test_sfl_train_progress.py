#!/usr/bin/python3
"""Command-line tests of sfl-train's progress output (README.md, "Command-line conventions").

  test_sfl_train_progress.py --case NAME -- COMMAND...   run one case (COMMAND: the program, with
                                                         its emulator prefix when cross-compiled)
  test_sfl_train_progress.py --list | --check-list NAME...

On stderr that is not a terminal (a log, CI), sfl-train writes the network's layers, then the
epoch line each time the run (trials x epochs) passes another tenth: "NET trial T/TT epoch
E/EE loss ... img/s S s, elapsed M:SS, ~M:SS left", so ten lines for any run length, plus
one accuracy line per trial; a resumed run goes on where the halted one stopped. On a
terminal: one line per trial redrawn in place (cut to the terminal's width), ended by the
trial's accuracy line. --quiet: nothing on stderr. stdout holds the table alone in every
mode. The data are the synthetic idx files of test_sfl_train_diverge.py (no MNIST), one
thread: a few seconds per case. Exit status 77 (skipped) without numpy.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import cases_main, drawn_segments, expect, registry, terminal_lines  # noqa: E402
from test_sfl_train import HALTED, load_json  # noqa: E402
from test_sfl_train_diverge import Run  # noqa: E402 (the synthetic data set)

EPOCH = re.compile(r"^lenet trial (\d+)/(\d+) epoch (\d+)/(\d+) loss [0-9.]+ lU [0-9.]+ mu [0-9.]+ acc [0-9.]+% "
                   r"\d+ img/s [0-9.]+ s, elapsed \d+:\d\d, (~\d+:\d\d left|time left unknown)$")
ACCURACY = re.compile(r"^lenet trial (\d+): test accuracy ([0-9.]+) %$")
LAYER = re.compile(r"^  (conv|maxpool|linear|relu) ")
FLAGS = ["--net", "lenet", "--per-class", "2", "--threads", "1"]


def run_lines(r, out, args, rc_want=0):
    """Run (not quiet, stderr a pipe) in --out self.dir/out: (stdout, stderr lines)."""
    rc, so, se = r.run(r.data + ["--out", r.path(out)] + FLAGS + args)
    expect(rc == rc_want, "%s: exit status %d, expected %d (stderr: %r)" % (" ".join(args), rc, rc_want, se))
    expect("\r" not in se and "\x1b" not in se, "terminal codes on a non-terminal: %r" % se)
    return so, se.splitlines()


def epoch_lines(lines, trials, epochs):
    """The epoch lines, checked, as [(trial, epoch)]."""
    got = []
    for line in lines:
        m = EPOCH.match(line)
        if m:
            t, tt, e, ee = (int(g) for g in m.groups()[:4])
            expect((tt, ee) == (trials, epochs), "%r: expected trial */%d epoch */%d" % (line, trials, epochs))
            got.append((t, e))
        else:
            expect(LAYER.match(line) or ACCURACY.match(line) or line.startswith("resuming ") or
                   line.startswith("halted after "), "unexpected stderr line %r" % line)
    return got


def tenths(trials, epochs, start=0, stop=None):
    """(trial, epoch) of the epochs that pass a tenth of trials x epochs, from epoch start+1 to stop."""
    total = trials * epochs
    stop = total if stop is None else stop
    out, next_tenth = [], 1
    while next_tenth <= 10 and start * 10 >= next_tenth * total:
        next_tenth += 1
    for done in range(start + 1, stop + 1):
        if done * 10 >= next_tenth * total:
            while next_tenth <= 10 and done * 10 >= next_tenth * total:
                next_tenth += 1
            out.append(((done - 1) // epochs + 1, (done - 1) % epochs + 1))
    return out


def case_progress_lines(r):
    """Not a terminal: the layers, ten epoch lines (2 trials x 10 epochs: every 2nd), the
    trials' accuracies as the JSON has them; --quiet: nothing."""
    so, lines = run_lines(r, "run", ["--epochs", "10", "--trials", "2"])
    expect(sum(1 for l in lines if LAYER.match(l)) == 7, "expected the 7 layers of LeNet in %r" % lines)
    got = epoch_lines(lines, 2, 10)
    expect(got == tenths(2, 10) and len(got) == 10, "epoch lines at %r, expected %r" % (got, tenths(2, 10)))
    acc = [float(m.group(2)) for m in map(ACCURACY.match, lines) if m]
    j = load_json(r.path("run", "result.json"))
    expect(acc == [round(t["accuracy"], 2) for t in j["per_trial"]],
           "accuracy lines %r, JSON %r" % (acc, [t["accuracy"] for t in j["per_trial"]]))
    expect(so.startswith("net ") and len(so.splitlines()) == 2, "stdout is not the table alone: %r" % so)
    # A short run: every epoch passes a tenth.
    _, lines = run_lines(r, "short", ["--epochs", "3"])
    expect(epoch_lines(lines, 1, 3) == [(1, 1), (1, 2), (1, 3)], "3 epochs: %r" % lines)
    rc, so, se = r.run(r.data + ["--out", r.path("quiet"), "--quiet", "--epochs", "3"] + FLAGS)
    expect(rc == 0 and se == "", "--quiet: exit %d, stderr %r" % (rc, se))


def case_progress_resume(r):
    """Halted after 5 of 2 x 8 epochs, then resumed: the lines go on from the tenth after
    epoch 5 (none repeated), as one uninterrupted run has them (16 epochs: the tenths fall
    unevenly)."""
    _, first = run_lines(r, "run", ["--epochs", "8", "--trials", "2", "--halt-after-epochs", "5"], HALTED)
    _, second = run_lines(r, "run", ["--epochs", "8", "--trials", "2", "--resume"])
    expect(epoch_lines(first, 2, 8) == tenths(2, 8, 0, 5), "halted run: %r" % first)
    expect(epoch_lines(second, 2, 8) == tenths(2, 8, 5), "resumed run: %r" % second)
    expect(second[0].startswith("resuming ") and "trial 1, 5 epochs done" in second[0], "first line %r" % second[0])


def case_progress_terminal(r):
    """A terminal of 60 columns: per trial one line redrawn in place, at its last epoch when
    the trial's accuracy line ends it; nothing drawn wider than 59 columns."""
    rc, so, err = r.run_on_terminal(r.data + ["--out", r.path("run"), "--epochs", "6", "--trials", "2"] + FLAGS,
                                    columns=60)
    expect(rc == 0, "exit status %d (stderr %r)" % (rc, err))
    expect(err.count(b"\r") > 2 and b"\x1b[K" in err, "no redrawing on the terminal: %r" % err)
    lines = terminal_lines(err)
    shown = [l for l in lines if not LAYER.match(l)]
    expect(len(lines) - len(shown) == 7, "expected the 7 layers of LeNet in %r" % lines)
    expect(len(shown) == 4, "expected two lines per trial, the terminal shows %r" % shown)
    for t in (1, 2):
        progress, accuracy = shown[2 * t - 2], shown[2 * t - 1]
        expect(progress.startswith("lenet trial %d/2 epoch 6/6 | elapsed " % t), "trial %d: %r" % (t, progress))
        expect(ACCURACY.match(accuracy) and accuracy.startswith("lenet trial %d:" % t), "trial %d: %r" % (t, accuracy))
    wide = [seg for seg in drawn_segments(err) if len(seg) > 59]
    expect(not wide, "drawn wider than the 60-column terminal: %r" % wide)
    expect(so.startswith("net ") and len(so.splitlines()) == 2, "stdout is not the table alone: %r" % so)


CASES = registry(globals())


def main(argv):
    return cases_main(argv, __doc__, CASES, "train.cli", "--data", Run, value_optional=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
