#!/usr/bin/env python3
"""Run sfl's Google Benchmark programs and print the medians as Markdown tables
(the figures of docs/benchmarks.md).

usage: bench/report.py BUILD_DIR [--repetitions N] [--min-time S]

Runs BUILD_DIR/bench/bench_gemm and BUILD_DIR/bench/bench_enet pinned to CPU 0
(taskset, when available) with N repetitions and prints, per benchmark, the
median of each counter over the repetitions. Rates (signals/s, flops) are
Google Benchmark's: per CPU second of the benchmark thread. The lanes rows carry
ratios measured in the same run (bench_enet.cpp: BM_encode with the lanes bytes
against the one-at-a-time encode; BM_lars_lanes against lars_solve row by row).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys


def run(exe, reps, min_time):
    cmd = [exe, f"--benchmark_repetitions={reps}", "--benchmark_report_aggregates_only=true",
           f"--benchmark_min_time={min_time}", "--benchmark_format=json"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0"] + cmd
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    medians = {b["run_name"]: b for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
    return data["context"], medians


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.3)
    args = ap.parse_args()
    bench = os.path.join(args.build, "bench")

    ctx, gemm = run(os.path.join(bench, "bench_gemm"), args.repetitions, args.min_time)
    print(f"machine: {ctx['num_cpus']} CPUs at {ctx['mhz_per_cpu']} MHz, load average "
          f"{', '.join('%.2f' % x for x in ctx.get('load_avg', []))}; {args.repetitions} repetitions, medians\n")
    peak = gemm.get("peak_fma", {}).get("flops", 0.0)
    print("| GEMM shape | sfl GFLOP/s | % of peak-FMA loop | naive loop GFLOP/s | sfl / naive |")
    print("|---|---|---|---|---|")
    print(f"| peak FMA loop | {peak / 1e9:.1f} | 100 | | |")
    for name, b in gemm.items():
        if not name.startswith("gemm_simd/"):
            continue
        shape = name.split("/", 1)[1]
        ref = gemm.get("gemm_ref/" + shape, {}).get("flops", float("nan"))
        f = b["flops"]
        print(f"| {shape} | {f / 1e9:.1f} | {100 * f / peak:.0f} | {ref / 1e9:.1f} | {f / ref:.1f}x |")

    _, enet = run(os.path.join(bench, "bench_enet"), args.repetitions, args.min_time)
    print("\n| problem | solver | signals/s (1 thread) | x one at a time (same run) | mean support "
          "| mean iterations | signals per run |")
    print("|---|---|---|---|---|---|---|")
    for name, b in enet.items():
        if not name.startswith("BM_encode/"):
            continue
        case = name.split("/", 1)[1]
        lanes = case.startswith("lars_lanes_")
        solver, shape, data = case.replace("lars_lanes_", "lars-lanes_").split("_", 2)
        ratio = f"{b['x_one_at_a_time']:.2f}x" if lanes else ""
        print(f"| {shape} ({data}) | {solver} | {b['signals/s']:.4g} | {ratio} | {b['mean_support']:.2f} | "
              f"{b['mean_iters']:.1f} | {int(b['signals'])} |")
    print("\n| problem (solves only) | lanes signals/s | lars_solve signals/s (same run) | lanes / lars_solve "
          "| fallbacks | blank rows | signals per run |")
    print("|---|---|---|---|---|---|---|")
    for name, b in enet.items():
        if not name.startswith("BM_lars_lanes/"):
            continue
        print(f"| {name.split('/', 1)[1]} | {b['signals/s']:.4g} | {b['ref_signals/s']:.4g} | "
              f"{b['x_reference']:.2f}x | {int(b['fallbacks'])} | {int(b['blank'])} | {int(b['signals'])} |")

if __name__ == "__main__":
    sys.exit(main())
