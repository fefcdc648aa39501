#!/usr/bin/python3
"""Tests of scripts/experiments.py's progress output, against a stand-in sfl-train.

  test_experiments.py --case NAME -- COMMAND...   run one case (COMMAND: python3 experiments.py)
  test_experiments.py --list | --check-list NAME...

The stand-in (written by each case into its scratch directory, passed as --train) takes
sfl-train's flags, prints a line to stdout and stderr (they go to OUT/log.txt), sleeps
FAKE_SLEEP seconds (0.02 by default), fails with exit 1 when its run folder's name matches
the regular expression FAKE_FAIL, and otherwise writes the result.json fields experiments.py
reads. So no MNIST and no build is needed, and a case takes a few seconds at most.

The output checked (experiments.py's docstring): a "N runs planned" line, a line per run,
and the summary; with stdout not a terminal, progress lines "run K/N done, elapsed ...,
about ... left" after the first run, each further tenth and the last, no terminal control
characters; on a terminal (a pty), one status line redrawn with \\r and cleared with ESC [K,
cut to the terminal's width, which leaves the screen with the same lines as above and no
status line once the command ends.
"""
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import Failure, Scratch, cases_main, expect, registry  # noqa: E402 (tests/cli_cases.py)

FAKE_TRAIN = """#!%s
import json, os, re, sys, time
a = sys.argv[1:]
out, res = a[a.index("--out") + 1], a[a.index("--json") + 1]
print("stand-in sfl-train", " ".join(a))
print("stand-in progress", file=sys.stderr)
time.sleep(float(os.environ.get("FAKE_SLEEP", "0.02")))
if os.environ.get("FAKE_FAIL") and re.search(os.environ["FAKE_FAIL"], os.path.basename(out)):
    sys.exit(1)
kind = "validation" if "--validation" in a else "test"
acc = 80.0 + len(out) %% 7
if os.environ.get("FAKE_PEAK"):  # accuracy grows by 0.1 a epoch up to FAKE_PEAK epochs, then flat
    acc = 80.0 + min(int(a[a.index("--epochs") + 1]), int(os.environ["FAKE_PEAK"])) / 10.0
hyper = {k: float(a[a.index("--" + k) + 1]) for k in ("epochs", "lr") if "--" + k in a}
json.dump({kind + "_accuracy": acc, kind + "_accuracy_std": 1.25, "epoch_seconds": 0.05, "hyper": hyper,
           "trials": int(a[a.index("--trials") + 1]), "params": 1000, "biases": 10}, open(res, "w"))
""" % sys.executable

DURATION = r"(?:\d+:)?\d+:\d\d"
PLANNED = re.compile(r"^experiments: (\d+) runs planned(?:, (\d+) finished before \(kept\))?; "
                     r"sfl-train's output in (\S+)$")
PROGRESS = re.compile(r"^run (\d+)/(\d+) done, elapsed (%s), about (%s|unknown) left$" % (DURATION, DURATION))
RESULT = re.compile(r"^  (\S+): (?:[\d.]+ \+- [\d.]+ %%, [\d.]+ s/epoch, %s|failed \(exit \d+\) after %s, see \S+"
                    r"|no validation run finished, skipped|not run: no gain from \d+ epochs on"
                    r"|not run: the \d+-epoch run failed)$"
                    % (DURATION, DURATION))
SUMMARY = re.compile(r"^experiments: (\d+)/(\d+) runs done in %s \((\d+) now(?:, (\d+) finished before)?"
                     r"(?:, (\d+) failed: see \S+)?\)$" % DURATION)


class Exp(Scratch):
    """A scratch directory with the stand-in sfl-train; experiments.py runs in it."""

    timeout = 60

    def __init__(self, cmd, _value, tmp):
        super().__init__(cmd, tmp)
        self.train = self.path("fake-sfl-train")
        with open(self.train, "w") as f:
            f.write(FAKE_TRAIN)
        os.chmod(self.train, 0o755)

    def env(self, **extra):
        env = dict(os.environ, **extra)
        for k in ("FAKE_FAIL", "FAKE_SLEEP", "FAKE_PEAK"):
            if k not in extra:
                env.pop(k, None)
        return env

    def experiments(self, args, **env):
        """Run experiments.py with stdout a pipe: its stdout, checked to exit 0 with no stderr."""
        p = subprocess.run(self.cmd + args[:1] + ["--train", self.train] + args[1:], cwd=self.dir,
                           capture_output=True, text=True, timeout=self.timeout, env=self.env(**env))
        expect(p.returncode == 0, "%s: exit %d, stderr %r" % (args, p.returncode, p.stderr))
        expect(p.stderr == "", "%s: stderr %r" % (args, p.stderr))
        return p.stdout

    def log_runs(self, out):
        """The run folders of the "$ ..." command lines in OUT/log.txt, in order."""
        path = self.path(out, "log.txt")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [l.split(" --out ")[1].split()[0] for l in f if l.startswith("$ ")]


def parse(stdout):
    """Check a non-terminal output line by line: {planned, before, progress [(k, n)], results
    [name], summary (done, total, now, before, failed)}."""
    expect("\r" not in stdout and "\x1b" not in stdout, "terminal control characters in %r" % stdout)
    expect(stdout.endswith("\n"), "the output does not end its last line: %r" % stdout[-80:])
    lines = stdout.splitlines()
    m = PLANNED.match(lines[0]) if lines else None
    expect(m, "first line is not the plan: %r" % lines[:1])
    out = {"planned": int(m.group(1)), "before": int(m.group(2) or 0), "progress": [], "results": []}
    m = SUMMARY.match(lines[-1])
    expect(m, "last line is not the summary: %r" % lines[-1])
    out["summary"] = tuple(int(x or 0) for x in m.groups())
    for line in lines[1:-1]:
        p, r = PROGRESS.match(line), RESULT.match(line)
        expect(p or r, "line neither progress nor a run's result: %r" % line)
        if p:
            out["progress"].append((int(p.group(1)), int(p.group(2))))
        else:
            out["results"].append(r.group(1))
    return out


def check_progress(o, ran, tty=False):
    """The progress lines of an output whose runs all finished, ran of them in this call:
    counts rising to N of N, a line after the first run, about one per tenth (none left on a
    terminal's screen: there the status line shows the progress)."""
    n, prog = o["planned"], o["progress"]
    expect(o["summary"][:2] == (n, n), "summary %r, planned %d" % (o["summary"], n))
    expect(o["summary"][2] == ran, "summary says %d run now, expected %d" % (o["summary"][2], ran))
    if ran == 0 or tty:
        expect(prog == [], "progress lines without a run: %r" % prog)
        return
    expect(all(t == n for _, t in prog), "progress totals are not %d: %r" % (n, prog))
    counts = [k for k, _ in prog]
    expect(counts == sorted(set(counts)), "progress counts not rising: %r" % counts)
    expect(counts[0] == o["before"] + 1, "no progress line after the first run: %r" % counts)
    expect(counts[-1] == n, "no progress line at the end: %r" % counts)
    expect(len(counts) <= 11, "%d progress lines for %d runs (a tenth each, and the first): %r"
           % (len(counts), n, counts))


def case_durations(x):
    """duration(): m:ss under an hour, h:mm:ss from one hour."""
    script = x.cmd[-1]
    spec = importlib.util.spec_from_file_location("experiments", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for sec, text in ((0, "0:00"), (9.9, "0:09"), (61, "1:01"), (3599, "59:59"), (3600, "1:00:00"),
                      (3723.5, "1:02:03"), (36000 + 61, "10:01:01")):
        expect(mod.duration(sec) == text, "duration(%r) = %r, expected %r" % (sec, mod.duration(sec), text))


def case_pipe_progress(x):
    """figure3 on 5 sizes (20 runs), one finished before, one failing: ~10 progress lines."""
    os.makedirs(x.path("f3", "lenet-100"))
    with open(x.path("f3", "lenet-100", "result.json"), "w") as f:
        json.dump({"test_accuracy": 80.0, "test_accuracy_std": 1.0, "epoch_seconds": 0.05, "trials": 1}, f)
    o = parse(x.experiments(["figure3", "--trials", "1", "--sizes", "10,20,30,40,50", "--out", "f3"],
                            FAKE_FAIL="^sf-300$"))
    expect((o["planned"], o["before"]) == (20, 1), "plan %r, expected 20 runs, 1 before" % o)
    check_progress(o, 19)
    expect(o["summary"][3:] == (1, 1), "summary %r: expected 1 finished before, 1 failed" % (o["summary"],))
    ran = [os.path.basename(d) for d in x.log_runs("f3")]
    expect(o["results"] == ran and len(ran) == 19 and "lenet-100" not in ran,
           "result lines %r, runs in the log %r" % (o["results"], ran))
    expect(len(o["progress"]) >= 9, "too few progress lines for 19 runs: %r" % o["progress"])


def case_pipe_resume(x):
    """A second call runs only the failed run; a third runs nothing and prints two lines."""
    args = ["figure3", "--trials", "1", "--sizes", "10,20", "--out", "f3"]
    check_progress(parse(x.experiments(args, FAKE_FAIL="^csf-200$")), 8)
    o = parse(x.experiments(args))
    expect((o["planned"], o["before"]) == (8, 7), "second call: plan %r" % o)
    check_progress(o, 1)
    expect(o["results"] == ["csf-200"], "second call ran %r" % o["results"])
    expect(o["progress"] == [(8, 8)], "second call's progress %r" % o["progress"])
    out = x.experiments(args)
    o = parse(out)
    expect((o["planned"], o["before"]) == (8, 8) and not o["results"], "third call: %r" % o)
    check_progress(o, 0)
    expect(len(out.splitlines()) == 2, "third call printed more than the plan and summary: %r" % out)
    expect(len(x.log_runs("f3")) == 9, "the log holds %d runs, expected 9" % len(x.log_runs("f3")))


def case_planned_counts(x):
    """Every command plans exactly the runs it does (the log's "$" lines)."""
    for args in (["tune", "--out", "tune"], ["table1", "--out", "t1", "--epochs", "1"],
                 ["table1", "--out", "t1v", "--validation", "100"],
                 ["figure3", "--out", "f3u", "--unlabeled", "rest", "--sizes", "10,20", "--trials", "2"]):
        o = parse(x.experiments(args))
        ran = x.log_runs(args[2])
        expect(o["planned"] == len(ran) > 0, "%s: %d runs planned, %d ran" % (args, o["planned"], len(ran)))
        check_progress(o, len(ran))
        expect(len(o["results"]) == len(ran), "%s: %d result lines for %d runs" % (args, len(o["results"]), len(ran)))


def case_table1_skip(x):
    """table1 --validation: a network whose validation runs all fail has its final run
    skipped, and still counted, so the progress ends at N of N."""
    o = parse(x.experiments(["table1", "--out", "t1", "--validation", "100"], FAKE_FAIL="^sf_"))
    ran = x.log_runs("t1")
    expect(o["planned"] == len(ran) + 1, "%d planned, %d ran (sf-full skipped)" % (o["planned"], len(ran)))
    check_progress(o, len(ran))
    expect("sf-full" in o["results"] and not os.path.exists(x.path("t1", "sf-full")),
           "sf-full not reported skipped: %r" % o["results"])
    expect(o["summary"][4] == len([d for d in ran if os.path.basename(d).startswith("sf_")]),
           "failed count %r" % (o["summary"],))


def case_table1_converge(x):
    """table1 --max-epochs: after the learning-rate grid at E epochs, the chosen setting is
    run at 2E, 4E, ... while the validation accuracy gains more than --min-gain; the later
    doublings are skipped (and counted), the final run takes the best count. The stand-in's
    accuracy grows up to 8 epochs: 2 (grid), 4, 8 gain, 16 does not, 32 is skipped."""
    args = ["table1", "--out", "tc", "--validation", "100", "--epochs", "2", "--max-epochs", "32"]
    o = parse(x.experiments(args, FAKE_PEAK="8"))
    ran = x.log_runs("tc")
    per_net = ["_lr_0.01", "_lr_0.03", "_epochs4", "_epochs8", "_epochs16", "-full"]
    expect([os.path.basename(d) for d in ran] == [n + s for n in ("lenet", "csf", "sf", "csf+sf") for s in per_net],
           "runs %r" % [os.path.basename(d) for d in ran])
    expect(o["planned"] == len(ran) + 4, "%d planned, %d ran, 4 skipped" % (o["planned"], len(ran)))
    check_progress(o, len(ran))
    expect("sf_epochs32" in o["results"] and not os.path.exists(x.path("tc", "tune", "sf_epochs32")),
           "sf_epochs32 not reported skipped: %r" % o["results"])
    with open(x.path("tc", "log.txt")) as f:
        finals = [l for l in f if l.startswith("$ ") and "-full " in l]
    expect(len(finals) == 4 and all(" --epochs 8 " in l and "--validation" not in l for l in finals),
           "final runs not at 8 epochs: %r" % finals)
    # The report lists the doubling runs under the grid, with the final run's (8 epochs) marked.
    shutil.copytree(x.path("tc"), x.path("rep", "table1"))
    p = subprocess.run(x.cmd + ["report", "--runs", x.path("rep")], capture_output=True, text=True,
                       timeout=x.timeout)
    lines = p.stdout.splitlines()
    want = ["| sf | --lr 0.01 | 2 | - | 80.20 | 0.1 |", "| sf | --lr 0.03 | 2 | - | 80.20 | 0.1 |",
            "| sf | --lr 0.01 | 4 | - | 80.40 | 0.1 |", "| sf | --lr 0.01 * | 8 | - | 80.80 | 0.1 |",
            "| sf | --lr 0.01 | 16 | - | 80.80 | 0.1 |"]
    expect(p.returncode == 0 and [l for l in lines if l.startswith("| sf | --lr")] == want,
           "report's sf validation rows %r, expected %r (exit %d, %r)" % (
               [l for l in lines if l.startswith("| sf |")], want, p.returncode, p.stderr))
    p = subprocess.run(x.cmd + ["table1", "--train", x.train, "--out", "bad", "--max-epochs", "8"], cwd=x.dir,
                       capture_output=True, text=True, timeout=x.timeout, env=x.env())
    expect(p.returncode != 0 and "--max-epochs needs --validation" in p.stderr, "no usage error: %r" % p.stderr)
    # Called again with lenet's 16-epoch run removed and more room to grow (peak 16): that
    # run gains now, so the kept lenet-full (8 epochs) no longer matches the choice: a
    # clear stop, not a stale row.
    shutil.rmtree(x.path("tc", "tune", "lenet_epochs16"))
    p = subprocess.run(x.cmd + ["table1", "--train", x.train] + args[1:], cwd=x.dir, capture_output=True, text=True,
                       timeout=x.timeout, env=x.env(FAKE_PEAK="16"))
    expect(p.returncode != 0 and "lenet-full was trained with epochs 8" in p.stderr and "move it aside" in p.stderr,
           "kept final run not refused: exit %d, %r" % (p.returncode, p.stderr))


def case_table1_converge_failed(x):
    """table1 --max-epochs: a doubling run that fails stops the doubling with that reason;
    the final run takes the last count that gained."""
    args = ["table1", "--out", "tf", "--validation", "100", "--epochs", "2", "--max-epochs", "16"]
    o = parse(x.experiments(args, FAKE_PEAK="16", FAKE_FAIL="_epochs8$"))
    expect(o["summary"][4] == 4, "failed count %r" % (o["summary"],))
    with open(x.path("tf", "log.txt")) as f:
        finals = [l for l in f if l.startswith("$ ") and "-full " in l]
    expect(len(finals) == 4 and all(" --epochs 4 " in l for l in finals), "final runs not at 4 epochs: %r" % finals)


def read_pty(cmd, cwd, env, timeout):
    """Run cmd with stdout and stderr on a new pty; (exit status, bytes written)."""
    import pty
    import select
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    data = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                p.kill()
                raise Failure("no output for %d s on the pty" % timeout)
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            data += chunk
    finally:
        os.close(master)
    return p.wait(timeout), data


def pty_screen(x, out, columns):
    """figure3 on one size (4 runs) with stdout on a pty `columns` wide: (the status lines
    drawn with \\r ... ESC [K, the output parsed as what stays on the screen)."""
    cmd = x.cmd + ["figure3", "--train", x.train, "--trials", "1", "--sizes", "10", "--out", out]
    rc, data = read_pty(cmd, x.dir, x.env(COLUMNS=str(columns), FAKE_SLEEP="0.3"), x.timeout)
    text = data.decode().replace("\r\n", "\n")  # the pty turns \n into \r\n
    expect(rc == 0, "exit %d: %r" % (rc, text))
    expect(text.endswith("\n"), "the last line is not ended: %r" % text[-80:])
    drawn = [s for s in re.findall(r"\r([^\r\n]*?)\x1b\[K", text) if s]
    expect(drawn, "no status line drawn with \\r ... ESC [K: %r" % text)
    expect(all(len(s) < columns for s in drawn), "status lines of %d columns or more: %r" % (columns, drawn))
    runs = sorted(set(int(m) for m in re.findall(r"^run (\d+)/4 ", "\n".join(drawn), re.M)))
    expect(runs == [1, 2, 3, 4], "status lines of runs %r, expected 1..4" % runs)
    # What stays on the screen: each line's text after its last \r, ESC [K removed.
    screen = [line.split("\r")[-1].replace("\x1b[K", "") for line in text[:-1].split("\n")]
    o = parse("\n".join(screen) + "\n")
    expect(o["results"] == ["lenet-100", "csf-100", "sf-100", "csf+sf-100"], "screen after the run: %r" % screen)
    check_progress(o, 4, tty=True)
    return drawn


def case_tty_redraw(x):
    """On a terminal: one status line redrawn in place, "unknown" time left until the first
    run ends; the screen keeps the plan, the run lines and the summary, the last line ended.
    On a terminal 30 columns wide the status line is cut to 29."""
    drawn = pty_screen(x, "wide", 200)
    expect(drawn[0] == "run 1/4 lenet-100: elapsed 0:00, about unknown left", "first status line %r" % drawn[0])
    expect(all(re.match(r"^run \d/4 \S+: elapsed %s, about (%s|unknown) left$" % (DURATION, DURATION), s)
               for s in drawn), "status lines %r" % drawn)
    expect(not any("unknown" in s for s in drawn if not s.startswith("run 1/")),
           "time left unknown after the first run: %r" % drawn)
    drawn = pty_screen(x, "narrow", 30)
    expect(drawn[0] == "run 1/4 lenet-100: elapsed 0:"[:29], "first status line %r" % drawn[0])


def case_report_paired(x):
    """report: the Figure 3 table, and each net's paired difference against LeNet per trial
    (the same labelled digits), also for a point where a net has fewer trials; for the runs
    with unlabelled data, the same against LeNet (of figure3) and against the net without."""
    def result(name, accs, folder="figure3"):
        d = os.path.join(x.dir, "runs", folder, name)
        os.makedirs(d)
        with open(os.path.join(d, "result.json"), "w") as f:
            json.dump({"test_accuracy": sum(accs) / len(accs), "test_accuracy_std": 1.0, "trials": len(accs),
                       "epoch_seconds": 0.05, "per_trial": [{"trial": t, "accuracy": a} for t, a in enumerate(accs)],
                       "train_samples": 100, "unlabeled": {"requested": "rest", "images": 59900, "per_epoch": 500}
                       if folder != "figure3" else None}, f)
    result("lenet-100", [80.0, 82.0, 84.0])
    result("csf-100", [83.0, 81.0, 86.0])
    result("sf-100", [80.5, 82.5])
    result("lenet-200", [90.0, 91.0, 92.0])
    result("csf-200", [91.0, 92.0, 93.0])
    result("csf-100", [84.0, 83.0, 85.0], "figure3-unlabeled")  # with unlabelled data: 100 samples only
    p = subprocess.run(x.cmd + ["report", "--runs", os.path.join(x.dir, "runs")], capture_output=True, text=True,
                       timeout=x.timeout)
    expect(p.returncode == 0 and p.stderr == "", "report: exit %d, stderr %r" % (p.returncode, p.stderr))
    lines = p.stdout.splitlines()
    expect("| 100 | 82.00 ± 1.00 (3) | 83.33 ± 1.00 (3) | 81.50 ± 1.00 (2) | - |" in lines,
           "no Figure 3 row for 100 samples in %r" % lines)
    expect("| 100 | +1.33 (-1.00 .. +3.00; 2/3 up) | +0.50 (+0.50 .. +0.50; 2/2 up) | - |" in lines,
           "paired row for 100 samples missing in %r" % lines)
    expect("| 200 | +1.00 (+1.00 .. +1.00; 3/3 up) | - | - |" in lines, "paired row for 200 missing in %r" % lines)
    # With unlabelled data: its table, the setting, the paired difference against LeNet (of
    # figure3: rows only where a net ran) and the paired change against the net without.
    expect("(--unlabeled rest: the other 59900 training images (at 100 samples), 500 per epoch with mu > 0)"
           in lines, "unlabelled setting line missing in %r" % lines)
    title = "Paired difference against LeNet of the nets with unlabelled data ("
    vs_lenet = [i for i, l in enumerate(lines) if l.startswith(title)]
    expect(len(vs_lenet) == 1, "no paired difference against LeNet for the unlabelled runs in %r" % lines)
    rows = []
    for l in lines[vs_lenet[0] + 4:]:
        if not l.startswith("| "):
            break
        rows.append(l)
    expect(rows == ["| 100 | +2.00 (+1.00 .. +4.00; 3/3 up) | - | - |"],
           "unlabelled runs against LeNet: rows %r" % rows)
    expect("| 100 | +0.67 (-1.00 .. +2.00; 2/3 up) | - | - |" in lines,
           "paired change from unlabelled data missing in %r" % lines)


CASES = registry(globals())


if __name__ == "__main__":
    sys.exit(cases_main(sys.argv[1:], __doc__, CASES, "cli.experiments", "--unused", Exp, value_optional=True))
