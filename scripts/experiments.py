#!/usr/bin/env python3
"""The paper's MNIST experiments with sfl-train (DESIGN.md sections 3 and 4).

  experiments.py tune    --train BIN/sfl-train [--out runs/tune]
      validation-split grid at 100 labelled samples (hyperparameter choice)
  experiments.py figure3 --train BIN/sfl-train [--trials 5] [--out runs/figure3]
      100..600 labelled samples, every network, mean and std over trials
  experiments.py figure3 --train BIN/sfl-train --unlabeled rest [--out runs/figure3-unlabeled]
      the same for csf, sf and csf+sf, with the other training images as unlabelled
      samples (sfl-train --unlabeled; lenet has no unsupervised loss)
  experiments.py table1  --train BIN/sfl-train [--epochs E] [--out runs/table1] [--data DIR]
      full MNIST (60k / 10k), every network, per-epoch time relative to LeNet; with
      --data data/mnist-rot (-rand, -img: scripts/make_variations.sh) a variation's row
  experiments.py report  [--runs runs] [--svg docs/figure3.svg]
      print the markdown tables from the JSON files and draw Figure 3 (with the
      unlabelled-data series, dashed, when runs/figure3-unlabeled exists)

Each run writes OUT/<name>/result.json (sfl-train --json); runs already finished
(result.json present) are not repeated, so a killed experiment resumes where it was
(sfl-train --resume continues the interrupted run).
"""
import argparse
import json
import os
import subprocess
import sys

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


def run(train, name, out, args, log):
    d = os.path.join(out, name)
    res = os.path.join(d, "result.json")
    if os.path.exists(res):
        return json.load(open(res))
    os.makedirs(d, exist_ok=True)
    cmd = [train] + args + ["--out", d, "--json", res, "--quiet"]
    if os.path.exists(os.path.join(d, "checkpoint.sflc")):
        cmd.append("--resume")
    print("$", " ".join(cmd), flush=True)
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        p = subprocess.run(cmd, stdout=f, stderr=f)
    if p.returncode != 0:
        print(f"  failed (exit {p.returncode}), see {log}", flush=True)
        return None
    r = json.load(open(res))
    acc = r.get("test_accuracy", r.get("validation_accuracy"))
    std = r.get("test_accuracy_std", r.get("validation_accuracy_std"))
    print(f"  {acc:.2f} +- {std:.2f}  ({r['epoch_seconds']:.3f} s/epoch)", flush=True)
    return r


def cmd_tune(a):
    log = os.path.join(a.out, "log.txt")
    os.makedirs(a.out, exist_ok=True)
    for net, grid in TUNE_GRID.items():
        for g in grid:
            name = net + "_" + "_".join(x.lstrip("-") for x in g)
            run(a.train, name, a.out, ["--net", net, "--per-class", "10", "--trials", str(a.trials),
                                       "--validation", "5000", "--seed", "100"] + g, log)


def cmd_figure3(a):
    out = a.out or os.path.join("runs", "figure3-unlabeled" if a.unlabeled else "figure3")
    log = os.path.join(out, "log.txt")
    os.makedirs(out, exist_ok=True)
    semi = ["--unlabeled", a.unlabeled] if a.unlabeled else []
    sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else SIZES
    for pc in sizes:
        for net in NETS:
            if semi and net == "lenet":
                continue
            run(a.train, f"{net}-{pc * 10}", out,
                ["--net", net, "--per-class", str(pc), "--trials", str(a.trials), "--seed", "1"] + semi, log)


def cmd_table1(a):
    log = os.path.join(a.out, "log.txt")
    os.makedirs(a.out, exist_ok=True)
    for net in NETS:
        extra = ["--epochs", str(a.epochs)] if a.epochs else []
        extra += ["--data", a.data] if a.data else []
        run(a.train, f"{net}-full", a.out, ["--net", net, "--trials", "1", "--seed", "1"] + extra, log)


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
    for t1_name, title, paper in TABLE1_ROWS:
        table1_row(os.path.join(runs, t1_name), title, paper)
    # Figure 3, and its runs with unlabelled data (figure3-unlabeled)
    series, _ = figure3_table(os.path.join(runs, "figure3"), NETS, "")
    semi_series, setting = figure3_table(os.path.join(runs, "figure3-unlabeled"), NETS[1:], " with unlabelled data")
    if setting:
        print(f"({setting})\n")
    if a.svg and (series or semi_series):
        draw(series or {}, a.svg, semi_series or {})
        print(f"(figure written to {a.svg})")


# Table 1 of the paper (DESIGN.md section 3): run folder, title, the paper's accuracies.
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


def table1_row(t1, title, paper):
    if os.path.isdir(t1):
        rows = {n: load(os.path.join(t1, f"{n}-full", "result.json")) for n in NETS}
        base = rows.get("lenet")
        print(f"### {title}\n")
        print("| net | params (biases) | epochs | test acc % | paper % | s/epoch | epoch time / LeNet |")
        print("|---|---|---|---|---|---|---|")
        for n in NETS:
            r = rows[n]
            if not r:
                print(f"| {n} | - | - | not run | {paper[n]} | - | - |")
                continue
            m, _ = acc(r)
            rel = r["epoch_seconds"] / base["epoch_seconds"] if base else float("nan")
            print(f"| {n} | {r['params']} ({r['biases']}) | {r['hyper']['epochs']} | {m:.2f} | {paper[n]} | "
                  f"{r['epoch_seconds']:.1f} | {rel:.1f}x |")
        print()


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
                    setting = f"--unlabeled {u['requested']}: {u['images']} images, {u['per_epoch']} per epoch with mu > 0"
            else:
                cells.append("-")
        print(f"| {pc * 10} | " + " | ".join(cells) + " |")
    print()
    return series, setting


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
        if name == "table1":
            s.add_argument("--data", default="", help="idx folder (sfl-train --data), e.g. data/mnist-rot")
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
