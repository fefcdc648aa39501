#!/usr/bin/env python3
"""Seconds per training epoch of sfl-train's LeNet against the same net in PyTorch
(issue 5: sfl's LeNet at least as fast per epoch as PyTorch's CPU build on the same
machine and thread count).

usage: /usr/bin/python3 bench/compare_pytorch_lenet.py --train PATH/TO/sfl-train
           [--data data/mnist] [--threads 1] [--epochs 1] [--limit N] [--test-limit M]
           [--json FILE]

Both sides train docs/design.md section 3's LeNet as cpp/src/nn/models.cpp builds it:
conv 5x5 1->20, maxpool 2, conv 5x5 20->50, maxpool 2 (no ReLU after the convs),
fc 800->500 + ReLU, fc 500->10, softmax cross-entropy averaged over the batch;
float32, pixels scaled by 1/255, weights uniform in +-sqrt(3 / fan_in), biases 0;
SGD with momentum (v = m v + g + wd w; w -= lr v), weight decay on conv/fc weights
only (apps/sfl-train/options.cpp defaults: batch 64, lr 0.01, momentum 0.9, weight
decay 5e-4). Both read the same idx files: with --limit / --test-limit the script
writes truncated copies to a temporary directory and hands those to sfl-train too.

Timing: sfl-train's epoch_seconds (cpp/src/nn/trainer.cpp, Trainer::train_epoch)
runs from the epoch's shuffle to the last SGD step: gathering each batch's images,
forward, backward and update, without loading the files and without the test
evaluation. The PyTorch epoch is timed over the same span. PyTorch gets one untimed
warm-up step on a throwaway copy of the net first (thread pool, oneDNN primitives),
so any one-off cost counts against sfl, not against PyTorch.

Thread count: sfl-train --threads N; PyTorch torch.set_num_threads(N),
set_num_interop_threads(1) and OMP/MKL/OpenBLAS_NUM_THREADS=N set before torch is
imported. sfl-train runs first, before torch is imported, so no idle PyTorch worker
thread can take CPU time from it.

Install PyTorch from Debian: apt-get install --no-install-recommends python3-torch.
Its fc layers call sgemm through libblas.so.3, which on a plain install is Debian's
reference BLAS (libblas3, unoptimised: about 4x slower epochs); for a fair baseline
also install libopenblas0-openmp (OpenMP, as PyTorch's own pool). The script prints
the BLAS that PyTorch loaded and warns about the reference one.
"""
import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from idx_io import IMAGES as IMAGE_MAGIC, LABELS as LABEL_MAGIC, read_idx, write_idx  # noqa: E402

REFERENCE_BLAS = "/blas/libblas.so"  # Debian's libblas3 (netlib reference), the default libblas.so.3
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def load_data(args, tmp):
    """The four arrays, and the four paths sfl-train reads (truncated copies if limited)."""
    paths = {k: os.path.join(args.data, v) for k, v in FILES.items()}
    arrays = {k: read_idx(p, IMAGE_MAGIC if k.endswith("images") else LABEL_MAGIC) for k, p in paths.items()}
    for split, limit in (("train", args.limit), ("test", args.test_limit)):
        if limit is None or limit >= len(arrays[split + "_labels"]):
            continue
        for kind, magic in (("images", IMAGE_MAGIC), ("labels", LABEL_MAGIC)):
            key = f"{split}_{kind}"
            arrays[key] = arrays[key][:limit]
            paths[key] = os.path.join(tmp, FILES[key])
            write_idx(paths[key], magic, arrays[key])
    return arrays, paths


def run_sfl(args, paths, tmp):
    """Train with sfl-train; its JSON (epoch_seconds is the mean over the epochs)."""
    out = os.path.join(tmp, "sfl-run")
    js = os.path.join(tmp, "sfl.json")
    cmd = [args.train, "--net", "lenet", "--epochs", str(args.epochs), "--threads", str(args.threads),
           "--batch", str(args.batch), "--lr", str(args.lr), "--momentum", str(args.momentum),
           "--weight-decay", str(args.weight_decay), "--seed", str(args.seed),
           "--train-images", paths["train_images"], "--train-labels", paths["train_labels"],
           "--test-images", paths["test_images"], "--test-labels", paths["test_labels"],
           "--json", js, "--out", out, "--quiet"]
    if subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode != 0:
        sys.exit("sfl-train failed: " + " ".join(cmd))
    with open(js) as f:
        return json.load(f)


def lenet(torch, classes):
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.MaxPool2d(2),
        nn.Conv2d(20, 50, 5), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(800, 500), nn.ReLU(),
        nn.Linear(500, classes))
    with torch.no_grad():
        for m in net:
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.uniform_(-math.sqrt(3.0 / fan_in), math.sqrt(3.0 / fan_in))
                m.bias.zero_()
    return net


def sgd(torch, net, args):
    weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in net.named_parameters() if n.endswith("bias")]
    return torch.optim.SGD([{"params": weights, "weight_decay": args.weight_decay},
                            {"params": biases, "weight_decay": 0.0}],
                           lr=args.lr, momentum=args.momentum)


def as_tensors(torch, images, labels):
    x = torch.from_numpy(images.astype(np.float32) * np.float32(1.0 / 255.0)).unsqueeze(1)
    return x.contiguous(), torch.from_numpy(labels.astype(np.int64))


def blas_libraries():
    """The BLAS shared objects this process has loaded (PyTorch's Linear layers call sgemm)."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                name = os.path.basename(path)
                if path.startswith("/") and ("blas" in name or "blis" in name or "mkl" in name):
                    found.add(path)
    except OSError:
        return ["unknown"]
    return sorted(found) or ["none"]


def run_torch(args, arrays):
    """Train in PyTorch; per-epoch seconds, final train loss and the test accuracy."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    x, y = as_tensors(torch, arrays["train_images"], arrays["train_labels"])
    xt, yt = as_tensors(torch, arrays["test_images"], arrays["test_labels"])
    classes = int(max(y.max(), yt.max())) + 1

    warm = lenet(torch, classes)  # untimed warm-up on a throwaway net
    F.cross_entropy(warm(x[:args.batch]), y[:args.batch]).backward()

    net = lenet(torch, classes)
    opt = sgd(torch, net, args)
    order_rng = torch.Generator().manual_seed(args.seed)
    n = len(y)
    seconds, ce = [], float("nan")
    net.train()
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=order_rng)
        loss_sum = 0.0
        for b0 in range(0, n, args.batch):
            idx = order[b0:b0 + args.batch]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
        seconds.append(time.perf_counter() - t0)
        ce = loss_sum / n

    net.eval()
    correct = 0
    with torch.no_grad():
        for c0 in range(0, len(yt), 1000):
            correct += int((net(xt[c0:c0 + 1000]).argmax(1) == yt[c0:c0 + 1000]).sum())
    return {"version": torch.__version__, "blas": blas_libraries(), "epoch_seconds": seconds, "final_ce": ce,
            "test_accuracy": 100.0 * correct / len(yt)}


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True, help="the sfl-train executable")
    ap.add_argument("--data", default="data/mnist", help="directory with the four MNIST idx files")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--limit", type=int, help="train on the first N training images only (quick checks)")
    ap.add_argument("--test-limit", type=int, help="test on the first M test images only")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    if args.threads < 1 or args.epochs < 1 or (args.limit is not None and args.limit < 1) \
            or (args.test_limit is not None and args.test_limit < 1):
        ap.error("--threads, --epochs, --limit and --test-limit must be >= 1")
    if not (os.path.isfile(args.train) and os.access(args.train, os.X_OK)):
        ap.error(f"--train {args.train}: not an executable file (build sfl-train first)")
    # Before torch is imported (run_torch), so its OpenMP and BLAS pools see them.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="sfl-vs-torch-") as tmp:
        arrays, paths = load_data(args, tmp)
        ntrain, ntest = len(arrays["train_labels"]), len(arrays["test_labels"])
        sfl = run_sfl(args, paths, tmp)
    th = run_torch(args, arrays)

    sfl_s = sfl["epoch_seconds"]
    torch_s = sum(th["epoch_seconds"]) / len(th["epoch_seconds"])
    ratio = torch_s / sfl_s
    print(f"LeNet (docs/design.md section 3) on {ntrain} train / {ntest} test images, batch {args.batch}, "
          f"{args.epochs} epoch(s), {args.threads} thread(s)")
    print(f"machine: {os.cpu_count()} CPUs, {cpu_name()}, load average {load:.2f} at start")
    sfl_ce = sfl["per_trial"][0]["final_ce"]
    # train CE: mean over the last epoch's samples, as the net trained (a second sanity check)
    print(f"{'':22s} {'s/epoch':>9s} {'img/s':>9s} {'train CE':>9s} {'test acc %':>11s}")
    print(f"{'sfl ' + sfl['version']:22s} {sfl_s:9.3f} {ntrain / sfl_s:9.0f} {sfl_ce:9.4f} "
          f"{sfl['test_accuracy']:11.2f}")
    print(f"{'PyTorch ' + th['version']:22s} {torch_s:9.3f} {ntrain / torch_s:9.0f} {th['final_ce']:9.4f} "
          f"{th['test_accuracy']:11.2f}")
    print("PyTorch BLAS: " + ", ".join(th["blas"]))
    if any(REFERENCE_BLAS in b for b in th["blas"]):
        print("warning: PyTorch runs on Debian's reference BLAS (libblas3), a weak baseline for its fc layers;"
              " install libopenblas0-openmp (or -pthread) and rerun")
    if args.epochs > 1:
        print("PyTorch per epoch: " + ", ".join(f"{s:.3f}" for s in th["epoch_seconds"]))
    print(f"PyTorch / sfl time: {ratio:.2f} ({'sfl at least as fast' if ratio >= 1 else 'PyTorch faster'})")
    if load > 0.5:
        print(f"warning: load average {load:.2f}; time on an idle machine")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"train_images": ntrain, "test_images": ntest, "threads": args.threads,
                       "epochs": args.epochs, "batch": args.batch, "load_average": load,
                       "sfl": {"version": sfl["version"], "epoch_seconds": sfl_s,
                               "final_ce": sfl_ce, "test_accuracy": sfl["test_accuracy"]},
                       "torch": th, "torch_over_sfl": ratio}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
