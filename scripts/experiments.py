#!/usr/bin/env python3
"""The paper's MNIST experiments with sfl-train (docs/design.md sections 3 and 4).

  experiments.py tune    --train BIN/sfl-train [--out runs/tune]
      validation-split grid at 100 labelled samples (hyperparameter choice)
  experiments.py figure3 --train BIN/sfl-train [--trials 5] [--out runs/figure3]
      100..600 labelled samples, every network, mean and std over trials
  experiments.py figure3 --train BIN/sfl-train --unlabeled rest [--out runs/figure3-unlabeled]
      the same for csf, sf and csf+sf, with the other training images as unlabelled
      samples (sfl-train --unlabeled; lenet has no unsupervised loss)
  experiments.py table1  --train BIN/sfl-train [--epochs E] [--out runs/table1] [--data DIR]
                         [--validation N [--max-epochs M [--min-gain G]]] [--threads T]
      full MNIST (60k / 10k), every network, per-epoch time relative to LeNet; with
      --data data/mnist-rot (-rand, -img: scripts/make_variations.sh) a variation's row;
      with --validation N each network first trains every TABLE1_GRID setting on the
      training set minus its last N images, and the final run (whole training set, test
      accuracy) uses the setting with the best accuracy on those N (OUT/tune/); with
      --max-epochs M the chosen setting is then run on the same split at 2E, 4E, ... <= M
      epochs while each doubling gains more than G validation points (default 0.1), and
      the final run takes the best epoch count: training to convergence, chosen without
      the test set
  experiments.py report  [--runs runs] [--svg docs/figure3.svg]
      print the markdown tables from the JSON files and draw Figure 3 (with the
      unlabelled-data series, dashed, when runs/figure3-unlabeled exists)

Each run writes OUT/<name>/result.json (sfl-train --json); runs already finished
(result.json present) are not repeated, so a killed experiment resumes where it was
(sfl-train --resume continues the interrupted run). --train may be any program that takes
sfl-train's flags and writes that JSON (the tests use a stand-in).

Output: a line with the number of planned runs (and how many finished before), one
line per run with its accuracy, and progress with the elapsed time and an estimate of
the time left: on a terminal one status line redrawn in place; otherwise (a log
file, CI) a line after the first run, after each further tenth of the runs, and after
the last; then a summary. Each run's command line and sfl-train's own output go to
OUT/log.txt.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

NETS = ["lenet", "csf", "sf", "csf+sf"]
SIZES = [10, 20, 30, 40, 50, 60]  # per class: 100 .. 600 samples

# Validation grid (100 labelled samples, 5,000 held-out training images).
TUNE_GRID = {
    "lenet": [["--lr", "0.01"], ["--lr", "0.03"]],
    "csf": [["--lr", "0.01", "--csf-l1", "0.1"], ["--lr", "0.01", "--csf-l1", "0.3"],
            ["--lr", "0.03", "--csf-l1", "0.1"]],
    "sf": [["--lr", "0.01", "--sf-l1", "0.5", "--sf-lu-input", "stop"],
           ["--lr", "0.01", "--sf-l1", "1", "--sf-lu-input", "stop"],
           ["--lr", "0.03", "--sf-l1", "1", "--sf-lu-input", "stop"],
           ["--lr", "0.01", "--sf-l1", "1", "--sf-lu-input", "pass"],
           ["--lr", "0.001", "--sf-l1", "1", "--sf-lu-input", "pass"],
           ["--lr", "0.01", "--sf-l1", "0.25", "--sf-lu-input", "stop"],
           ["--lr", "0.03", "--sf-l1", "0.5", "--sf-lu-input", "stop"]],
    "csf+sf": [["--lr", "0.01", "--csf-l1", "0.1", "--sf-l1", "0.5", "--sf-lu-input", "stop"],
               ["--lr", "0.03", "--csf-l1", "0.1", "--sf-l1", "0.5", "--sf-lu-input", "stop"]],
}


# Table 1 validation grid (sfl-train --validation): the learning rate, around each
# network's default; the other hyperparameters stay at the defaults (docs/results.md).
TABLE1_GRID = {net: [["--lr", "0.01"], ["--lr", "0.03"]] for net in NETS}


def duration(seconds):
    """h:mm:ss, or m:ss under an hour."""
    s = int(seconds)
    h, m = s // 3600, s // 60 % 60
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"


class Runner:
    """Runs the sfl-train calls of one command and shows its progress on stdout.

    planned: the result folders of every run the command will do, in order, including
    those that finished before (result.json present; they are counted as done and not
    run again). Time left = elapsed / runs done by this process x runs left (the runs
    that finished before took no time here); "unknown" until the first run ends."""

    def __init__(self, train, log, planned):
        self.train, self.log = train, log
        self.total = len(planned)
        self.before = sum(os.path.exists(os.path.join(d, "result.json")) for d in planned)
        self.done = self.before  # runs finished: before, by this process (or failed), skipped
        self.ran = 0      # runs this process did (ran sfl-train, succeeded or not)
        self.failed = 0
        self.current = ""  # the name of the run under way
        self.start = self.last_end = time.monotonic()
        self.tty = sys.stdout.isatty()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        print(f"experiments: {self.total} runs planned" +
              (f", {self.before} finished before (kept)" if self.before else "") +
              f"; sfl-train's output in {log}", flush=True)
        if self.tty:  # tick the elapsed time on the status line once a second
            threading.Thread(target=self._tick, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop.set()
        with self.lock:
            if self.tty:
                sys.stdout.write("\r\x1b[K")  # the status line gives way to the summary
            elapsed = time.monotonic() - self.start
            parts = [f"{self.ran} now"] + ([f"{self.before} finished before"] if self.before else []) \
                + ([f"{self.failed} failed: see {self.log}"] if self.failed else [])
            print(f"experiments: {self.done}/{self.total} runs done in {duration(elapsed)} ({', '.join(parts)})",
                  flush=True)

    def _left(self, now):
        """The estimated time left, counting down from the estimate at the last run's end."""
        if not self.ran:
            return "unknown"
        per_run = (self.last_end - self.start) / self.ran
        return duration(max(0.0, per_run * (self.total - self.done) - (now - self.last_end)))

    def _status(self):
        """The terminal's status line, cut to its width (a wrapped line would not redraw)."""
        now = time.monotonic()
        text = (f"run {min(self.done + 1, self.total)}/{self.total} {self.current}: "
                f"elapsed {duration(now - self.start)}, about {self._left(now)} left")
        width = shutil.get_terminal_size().columns - 1
        sys.stdout.write("\r" + text[:width] + "\x1b[K")
        sys.stdout.flush()

    def _tick(self):
        while not self.stop.wait(1.0):
            with self.lock:
                if self.current:
                    self._status()

    def _finished(self, ran, line, count=True):
        """A run ended (ran: sfl-train was called; count: not counted before): print its
        line and the progress."""
        with self.lock:
            prev, self.done = self.done, self.done + count
            if ran:
                self.ran += 1
                self.last_end = time.monotonic()
            self.current = ""
            if self.tty:
                sys.stdout.write("\r\x1b[K")
            print(line, flush=True)
            # Not a terminal: a line after the first run, at each further tenth, and at the end.
            if not self.tty and ((ran and self.ran == 1) or self.done == self.total
                                 or 10 * self.done // self.total > 10 * prev // self.total):
                now = time.monotonic()
                print(f"run {self.done}/{self.total} done, elapsed {duration(now - self.start)}, "
                      f"about {self._left(now)} left", flush=True)

    def skip(self, name, out, why):
        """A planned run OUT/name that will not be done (why: the reason, printed)."""
        self._finished(False, f"  {name}: {why}", not os.path.exists(os.path.join(out, name, "result.json")))

    def run(self, name, out, args):
        """Run sfl-train for OUT/name unless its result.json exists; the result, or None."""
        d = os.path.join(out, name)
        res = os.path.join(d, "result.json")
        if os.path.exists(res):  # counted as done from the start; nothing printed
            return json.load(open(res))
        os.makedirs(d, exist_ok=True)
        cmd = [self.train] + args + ["--out", d, "--json", res, "--quiet"]
        if os.path.exists(os.path.join(d, "checkpoint.sflc")):
            cmd.append("--resume")
        with self.lock:
            self.current = name
            if self.tty:
                self._status()
        t0 = time.monotonic()
        with open(self.log, "a") as f:
            f.write("$ " + " ".join(cmd) + "\n")
            f.flush()
            p = subprocess.run(cmd, stdout=f, stderr=f)
        took = duration(time.monotonic() - t0)
        if p.returncode != 0:
            self.failed += 1
            self._finished(True, f"  {name}: failed (exit {p.returncode}) after {took}, see {self.log}")
            return None
        r = json.load(open(res))
        acc = r.get("test_accuracy", r.get("validation_accuracy"))
        std = r.get("test_accuracy_std", r.get("validation_accuracy_std"))
        self._finished(True, f"  {name}: {acc:.2f} +- {std:.2f} %, {r['epoch_seconds']:.3f} s/epoch, {took}")
        return r


def cmd_tune(a):
    log = os.path.join(a.out, "log.txt")
    os.makedirs(a.out, exist_ok=True)
    threads = ["--threads", str(a.threads)] if a.threads else []
    runs = [(net + "_" + setting_name(g),
             ["--net", net, "--per-class", "10", "--trials", str(a.trials), "--validation", "5000", "--seed", "100"]
             + g + threads)
            for net, grid in TUNE_GRID.items() for g in grid]
    with Runner(a.train, log, [os.path.join(a.out, name) for name, _ in runs]) as runner:
        for name, args in runs:
            runner.run(name, a.out, args)


def cmd_figure3(a):
    out = a.out or os.path.join("runs", "figure3-unlabeled" if a.unlabeled else "figure3")
    log = os.path.join(out, "log.txt")
    os.makedirs(out, exist_ok=True)
    semi = ["--unlabeled", a.unlabeled] if a.unlabeled else []
    threads = ["--threads", str(a.threads)] if a.threads else []
    sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else SIZES
    runs = [(f"{net}-{pc * 10}",
             ["--net", net, "--per-class", str(pc), "--trials", str(a.trials), "--seed", "1"] + semi + threads)
            for pc in sizes for net in NETS if not (semi and net == "lenet")]
    with Runner(a.train, log, [os.path.join(out, name) for name, _ in runs]) as runner:
        for name, args in runs:
            runner.run(name, out, args)


def setting_name(g):
    return "_".join(x.lstrip("-") for x in g)


def doubled_epochs(a):
    """The epoch counts of --max-epochs' validation runs: 2E, 4E, ... up to the maximum."""
    e, out = a.epochs, []
    while a.max_epochs and e and 2 * e <= a.max_epochs:
        e *= 2
        out.append(e)
    return out


def cmd_table1(a):
    if a.max_epochs and not (a.validation and a.epochs):
        sys.exit("experiments.py table1: --max-epochs needs --validation N and --epochs E (the first count)")
    log = os.path.join(a.out, "log.txt")
    os.makedirs(a.out, exist_ok=True)
    tune = os.path.join(a.out, "tune")
    longer = doubled_epochs(a)
    planned = []
    for net in NETS:  # per network: its validation runs (with --validation), then the final run
        if a.validation:
            planned += [os.path.join(tune, f"{net}_{setting_name(g)}") for g in TABLE1_GRID[net]]
            planned += [os.path.join(tune, f"{net}_epochs{e}") for e in longer]
        planned.append(os.path.join(a.out, f"{net}-full"))
    with Runner(a.train, log, planned) as runner:
        for net in NETS:
            common = ["--net", net, "--trials", "1", "--seed", "1"]
            common += ["--data", a.data] if a.data else []
            common += ["--threads", str(a.threads)] if a.threads else []
            epochs = ["--epochs", str(a.epochs)] if a.epochs else []
            chosen = []
            if a.validation:
                valid = common + ["--validation", str(a.validation)]
                scored = []
                for g in TABLE1_GRID[net]:
                    r = runner.run(f"{net}_{setting_name(g)}", tune, valid + epochs + g)
                    if r:
                        scored.append((r["validation_accuracy"], g))
                if not scored:
                    for e in longer:
                        runner.skip(f"{net}_epochs{e}", tune, "no validation run finished, skipped")
                    runner.skip(f"{net}-full", a.out, "no validation run finished, skipped")
                    continue
                best, chosen = max(scored, key=lambda t: t[0])  # ties: the first (smaller lr)
                # To convergence: double the epochs (the mu step-down stretches with them)
                # while the validation accuracy gains more than --min-gain points.
                stopped = None
                for e in longer:
                    name = f"{net}_epochs{e}"
                    if stopped is not None:
                        runner.skip(name, tune, stopped)
                        continue
                    check_kept(tune, name, chosen, e)
                    r = runner.run(name, tune, valid + chosen + ["--epochs", str(e)])
                    if r is None:
                        stopped = f"not run: the {e}-epoch run failed"
                    elif r["validation_accuracy"] > best + a.min_gain:
                        best, epochs = r["validation_accuracy"], ["--epochs", str(e)]
                    else:
                        stopped = f"not run: no gain from {e} epochs on"
            check_kept(a.out, f"{net}-full", chosen, int(epochs[1]) if epochs else 0)
            runner.run(f"{net}-full", a.out, common + epochs + chosen)


def check_kept(out, name, setting, epochs):
    """A run kept from an earlier call (result.json present) must have been trained with
    the setting and epoch count this call chose (e.g. not before --max-epochs was raised):
    stop with a message otherwise, rather than report it under the new choice."""
    r = load(os.path.join(out, name, "result.json"))
    hyper = (r or {}).get("hyper")
    if not hyper:
        return
    want = dict(zip((k.lstrip("-") for k in setting[::2]), setting[1::2]))
    if epochs:
        want["epochs"] = str(epochs)
    for key, value in want.items():
        if key in hyper and abs(float(hyper[key]) - float(value)) > 1e-9 * max(1.0, abs(float(value))):
            sys.exit(f"experiments.py table1: {os.path.join(out, name)} was trained with {key} {hyper[key]}, "
                     f"this call chose {value}: move it aside to run it again")


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def acc(r):
    return r.get("test_accuracy", r.get("validation_accuracy")), r.get("test_accuracy_std",
                                                                       r.get("validation_accuracy_std"))


def cmd_report(a):
    runs = a.runs
    # Tuning
    tune = os.path.join(runs, "tune")
    if os.path.isdir(tune):
        print("### Validation grid (100 labelled samples, 5,000 held-out training images)\n")
        print("| net | settings | validation acc % | s/epoch |")
        print("|---|---|---|---|")
        order = {n: i for i, n in enumerate(NETS)}
        names = sorted(os.listdir(tune), key=lambda d: (order.get(d.split("_")[0], 9), d))
        for name in names:
            if not os.path.isdir(os.path.join(tune, name)):
                continue
            net, settings = name.split("_")[0], " ".join(name.split("_")[1:])
            r = load(os.path.join(tune, name, "result.json"))
            if r:
                m, s = acc(r)
                trials = f" ± {s:.2f}" if r["trials"] > 1 else ""
                print(f"| {net} | {settings} | {m:.2f}{trials} | {r['epoch_seconds']:.3f} |")
            else:
                print(f"| {net} | {settings} | did not finish (error; see runs/tune/log.txt) | - |")
        print()
    # Table 1 rows: MNIST (runs/table1) and the variations (runs/table1-rot, -rand, -img)
    table1_summary(runs)
    for t1_name, title, paper in TABLE1_ROWS:
        table1_row(os.path.join(runs, t1_name), title, paper)
    # Figure 3, and its runs with unlabelled data (figure3-unlabeled)
    series, _ = figure3_table(os.path.join(runs, "figure3"), NETS, "")
    paired_vs_lenet(os.path.join(runs, "figure3"), NETS[1:])
    semi_series, setting = figure3_table(os.path.join(runs, "figure3-unlabeled"), NETS[1:], " with unlabelled data")
    if setting:
        print(f"({setting})\n")
        paired_vs_lenet(os.path.join(runs, "figure3"), NETS[1:], os.path.join(runs, "figure3-unlabeled"),
                        " of the nets with unlabelled data")
        paired_change(os.path.join(runs, "figure3"), os.path.join(runs, "figure3-unlabeled"), NETS[1:])
    if a.svg and (series or semi_series):
        draw(series or {}, a.svg, semi_series or {})
        print(f"(figure written to {a.svg})")


# Table 1 of the paper (docs/design.md section 3): run folder, title, the paper's accuracies.
TABLE1_ROWS = [
    ("table1", "Full MNIST (60,000 train / 10,000 test)",
     {"lenet": 99.14, "csf": 99.20, "sf": 98.31, "csf+sf": 98.40}),
    ("table1-rot", "MNIST-rot (12,000 train / 50,000 test)",
     {"lenet": 91.84, "csf": 91.76, "sf": 78.63, "csf+sf": 75.49}),
    ("table1-rand", "MNIST-rand (12,000 train / 50,000 test)",
     {"lenet": 95.11, "csf": 95.34, "sf": 93.33, "csf+sf": 90.83}),
    ("table1-img", "MNIST-img (12,000 train / 50,000 test)",
     {"lenet": 91.84, "csf": 93.42, "sf": 89.42, "csf+sf": 88.77}),
]


def table1_summary(runs):
    """Table 1 as the paper prints it: one row per data set, ours (paper) per network."""
    rows = [(t, title, paper) for t, title, paper in TABLE1_ROWS if os.path.isdir(os.path.join(runs, t))]
    if not rows:
        return
    print("### Table 1: test accuracy %, ours (the paper's)\n")
    print("| data | " + " | ".join(NETS) + " | epochs |")
    print("|---" * (len(NETS) + 2) + "|")
    for t, title, paper in rows:
        cells, epochs = [], set()
        for n in NETS:
            r = load(os.path.join(runs, t, f"{n}-full", "result.json"))
            if r:
                cells.append(f"{acc(r)[0]:.2f} ({paper[n]})")
                epochs.add(r["hyper"]["epochs"])
            else:
                cells.append(f"- ({paper[n]})")
        e = ", ".join(str(x) for x in sorted(epochs)) or "-"
        print(f"| {title.split(' (')[0]} | " + " | ".join(cells) + f" | {e} |")
    print()


def table1_tune(t1):
    """The validation runs of a Table 1 row (table1 --validation), if it was run: the
    learning-rate grid, then the chosen setting at 2E, 4E, ... epochs (--max-epochs). The
    run with the final run's setting and epoch count is marked * (without a final run: the
    best of the grid, as cmd_table1 chooses)."""
    tune = os.path.join(t1, "tune")
    if not os.path.isdir(tune):
        return
    print("Validation runs (accuracy on the held-out training images; the setting and epoch "
          "count of each network's final run on the whole training set are marked *):\n")
    print("| net | setting | epochs | train / held out | validation acc % | s/epoch |")
    print("|---|---|---|---|---|---|")
    for n in NETS:
        rs = [(g, load(os.path.join(tune, f"{n}_{setting_name(g)}", "result.json"))) for g in TABLE1_GRID[n]]
        done = [(r["validation_accuracy"], g) for g, r in rs if r]
        best = max(done, key=lambda t: t[0])[1] if done else None  # as cmd_table1 chooses
        # The doubling runs (all with the best setting: check_kept refuses stale ones).
        pat = re.compile(re.escape(n) + r"_epochs(\d+)$")
        longer = sorted((int(m.group(1)), m.group(0)) for m in map(pat.match, os.listdir(tune)) if m)
        rs += [(best, load(os.path.join(tune, name, "result.json"))) for _, name in longer]
        full = load(os.path.join(t1, f"{n}-full", "result.json"))
        final_epochs = full["hyper"]["epochs"] if full else None
        starred = False
        for g, r in rs:
            if not r:
                print(f"| {n} | {' '.join(g or [])} | - | - | not finished (or failed) | - |")
                continue
            mine = g == best and (final_epochs is None or float(r["hyper"]["epochs"]) == float(final_epochs))
            star = " *" if mine and not starred else ""
            starred = starred or bool(star)
            held = f"{r['train_samples']} / {r['eval_samples']}" if "train_samples" in r else "-"
            print(f"| {n} | {' '.join(g)}{star} | {r['hyper']['epochs']:g} | {held} | "
                  f"{r['validation_accuracy']:.2f} | {r['epoch_seconds']:.1f} |")
    print()


def table1_row(t1, title, paper):
    if os.path.isdir(t1):
        rows = {n: load(os.path.join(t1, f"{n}-full", "result.json")) for n in NETS}
        base = rows.get("lenet")
        print(f"### {title}\n")
        print("| net | params (biases) | lr | epochs | test acc % | paper % | s/epoch | epoch time / LeNet |")
        print("|---|---|---|---|---|---|---|---|")
        for n in NETS:
            r = rows[n]
            if not r:
                print(f"| {n} | - | - | - | not run | {paper[n]} | - | - |")
                continue
            m, _ = acc(r)
            rel = r["epoch_seconds"] / base["epoch_seconds"] if base else float("nan")
            print(f"| {n} | {r['params']} ({r['biases']}) | {r['hyper']['lr']:g} | {r['hyper']['epochs']} | "
                  f"{m:.2f} | {paper[n]} | "
                  f"{r['epoch_seconds']:.1f} | {rel:.1f}x |")
        print()
        table1_tune(t1)


def figure3_table(f3, nets, what):
    """Print the Figure 3 table of the runs in f3: ({net: [(samples, mean, std)]}, the
    unlabelled setting of the first run as text), or (None, "") when f3 is absent."""
    if not os.path.isdir(f3):
        return None, ""
    print(f"### Limited labels (Figure 3){what}: test accuracy %, mean ± std over trials\n")
    print("| samples | " + " | ".join(nets) + " |")
    print("|---" * (len(nets) + 1) + "|")
    series = {n: [] for n in nets}
    setting = ""
    for pc in SIZES:
        cells = []
        for n in nets:
            r = load(os.path.join(f3, f"{n}-{pc * 10}", "result.json"))
            if r:
                m, s = acc(r)
                cells.append(f"{m:.2f} ± {s:.2f} ({r['trials']})")
                series[n].append((pc * 10, m, s))
                u = r.get("unlabeled")
                if u and not setting:
                    per = ("as many per epoch with mu > 0 as labelled samples"
                           if u["per_epoch"] == r["train_samples"] else f"{u['per_epoch']} per epoch with mu > 0")
                    setting = f"--unlabeled {u['requested']}: the other {u['images']} training images (at {pc * 10} samples), {per}"
            else:
                cells.append("-")
        print(f"| {pc * 10} | " + " | ".join(cells) + " |")
    print()
    return series, setting


def paired_vs_lenet(f3, nets, nets_dir=None, what=""):
    """Each net against LeNet per trial: trial t of every net of a Figure 3 point trains on
    the same labelled subset (the subset seed depends on --seed and t only), so
    net_t - lenet_t is the paired difference. LeNet's runs are in f3, the nets' in nets_dir
    (default f3; figure3-unlabeled for the nets trained with unlabelled data)."""
    nets_dir = nets_dir or f3
    if not (os.path.isdir(f3) and os.path.isdir(nets_dir)):
        return
    print(f"Paired difference against LeNet{what} (trial t of the net minus trial t of LeNet, same "
          "labelled digits; mean, min .. max, trials up):\n")
    print("| samples | " + " | ".join(nets) + " |")
    print("|---" * (len(nets) + 1) + "|")
    for pc in SIZES:
        base = load(os.path.join(f3, f"lenet-{pc * 10}", "result.json"))
        if not base:
            continue
        b = {t["trial"]: t["accuracy"] for t in base["per_trial"]}
        cells = []
        for n in nets:
            r = load(os.path.join(nets_dir, f"{n}-{pc * 10}", "result.json"))
            d = [t["accuracy"] - b[t["trial"]] for t in r["per_trial"] if t["trial"] in b] if r else []
            if not d:
                cells.append("-")
                continue
            up = sum(x > 0 for x in d)
            cells.append(f"{sum(d) / len(d):+.2f} ({min(d):+.2f} .. {max(d):+.2f}; {up}/{len(d)} up)")
        if any(c != "-" for c in cells):  # a size with no run of these nets: no row
            print(f"| {pc * 10} | " + " | ".join(cells) + " |")
    print()


def paired_change(sup_dir, semi_dir, nets):
    """Unlabelled data's effect per trial: trial t of both runs has the same labelled
    subset, initial weights and seed, so semi_t - sup_t is the paired change."""
    print("Paired change from unlabelled data (trial t with minus trial t without; mean, "
          "min .. max, trials up):\n")
    print("| samples | " + " | ".join(nets) + " |")
    print("|---" * (len(nets) + 1) + "|")
    for pc in SIZES:
        cells = []
        for n in nets:
            sup = load(os.path.join(sup_dir, f"{n}-{pc * 10}", "result.json"))
            semi = load(os.path.join(semi_dir, f"{n}-{pc * 10}", "result.json"))
            if not (sup and semi):
                cells.append("-")
                continue
            a = {t["trial"]: t["accuracy"] for t in sup["per_trial"]}
            d = [t["accuracy"] - a[t["trial"]] for t in semi["per_trial"] if t["trial"] in a]
            up = sum(x > 0 for x in d)
            cells.append(f"{sum(d) / len(d):+.2f} ({min(d):+.2f} .. {max(d):+.2f}; {up}/{len(d)} up)")
        if any(c != "-" for c in cells):
            print(f"| {pc * 10} | " + " | ".join(cells) + " |")
    print()


def draw(series, path, semi_series=None):
    """Mean ± std against labelled samples; semi_series (runs with unlabelled data)
    dashed in the colour of the same network."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    colour = {n: f"C{i}" for i, n in enumerate(NETS)}
    for n, pts in series.items():
        if not pts:
            continue
        x = [p[0] for p in pts]
        ax.errorbar(x, [p[1] for p in pts], yerr=[p[2] for p in pts], marker="o", capsize=3, label=n,
                    color=colour[n])
    for n, pts in (semi_series or {}).items():
        if not pts:
            continue
        x = [p[0] + 4 for p in pts]  # nudged right so the error bars do not overlap
        ax.errorbar(x, [p[1] for p in pts], yerr=[p[2] for p in pts], marker="s", mfc="none", capsize=3,
                    linestyle="--", label=n + " + unlabelled", color=colour[n])
    ax.set_xlabel("labelled training samples (balanced)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("MNIST with few labels (sfl, mean ± std over trials)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("tune", "figure3", "table1"):
        s = sub.add_parser(name)
        s.add_argument("--train", required=True, help="path of sfl-train")
        s.add_argument("--out", default=None if name == "figure3" else os.path.join("runs", name))
        s.add_argument("--trials", type=int, default=5 if name == "figure3" else 1)
        s.add_argument("--epochs", type=int, default=0)
        s.add_argument("--threads", type=int, default=0, help="sfl-train --threads (default: its own)")
        if name == "table1":
            s.add_argument("--data", default="", help="idx folder (sfl-train --data), e.g. data/mnist-rot")
            s.add_argument("--validation", type=int, default=0,
                           help="choose each network's TABLE1_GRID setting on the last N training images")
            s.add_argument("--max-epochs", type=int, default=0,
                           help="with --validation and --epochs E: after the grid, validation runs of the "
                                "chosen setting at 2E, 4E, ... epochs up to this many, while the validation "
                                "accuracy gains more than --min-gain; the final run takes the best count")
            s.add_argument("--min-gain", type=float, default=0.1,
                           help="validation points a doubling must gain to go on (default 0.1)")
        if name == "figure3":
            s.add_argument("--unlabeled", default="", help="N or rest: sfl-train --unlabeled (csf, sf, csf+sf)")
            s.add_argument("--sizes", default="", help="labelled samples per class, comma-separated (default 10..60)")
    r = sub.add_parser("report")
    r.add_argument("--runs", default="runs")
    r.add_argument("--svg", default="")
    a = p.parse_args()
    {"tune": cmd_tune, "figure3": cmd_figure3, "table1": cmd_table1, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
