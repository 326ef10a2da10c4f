"""The workloads of `tricks bench`, written as their users would write them in PyTorch and scikit-learn,
timed in the same run as `tricks bench`, alternating line by line, with the same threads and protocol.

Protocol (as `tricks_train::Bench::measure`): build the model and a Fashion-MNIST-shaped data set
(10,000 training and 2,000 validation 28x28 images in [0, 1], 10 classes), one untimed warm-up run, then
runs until `--seconds` have passed and at least three ran; the median run gives examples per second.
Each round times every line once in each implementation; the table gives the median over rounds.

Usage: benches/compare/run [--rounds R] [--seconds S] [--device cpu|cuda]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np

INPUTS, HIDDEN, CLASSES, TRAIN, VALID = 784, 500, 10, 10_000, 2_000
EVAL_CHUNK = 2048
LINES = [("mlp", 32), ("mlp", 256), ("mlp-step", 32), ("mlp-step", 256), ("rbm-cd1", 20), ("rbm-cd1", 256), ("dae", 20), ("eval", EVAL_CHUNK)]


def synthetic_images(n, seed):
    """As tricks_train::synthetic_images: each class a blurred ellipse, plus per-example noise."""
    rng = np.random.default_rng(seed)
    y, x = np.divmod(np.arange(INPUTS), 28)
    prototypes = []
    for _ in range(CLASSES):
        cx, cy, rx, ry = rng.uniform(9, 19), rng.uniform(9, 19), rng.uniform(5, 11), rng.uniform(5, 11)
        d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
        prototypes.append(np.clip(1.5 - d, 0, 1))
    labels = np.arange(n) % CLASSES
    features = np.clip(np.stack(prototypes)[labels] + rng.uniform(-0.2, 0.2, (n, INPUTS)), 0, 1).astype(np.float32)
    return features, labels


def measure(run, examples, seconds):
    run()
    times, started = [], time.perf_counter()
    while len(times) < 3 or time.perf_counter() - started < seconds:
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return examples / statistics.median(times)


def torch_line(workload, batch, device, seconds):
    import torch

    torch.manual_seed(42)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    xt, yt = synthetic_images(TRAIN, 42)
    xv, yv = synthetic_images(VALID, 43)
    xt, yt = torch.from_numpy(xt).to(device), torch.from_numpy(yt).to(device)
    xv, yv = torch.from_numpy(xv).to(device), torch.from_numpy(yv).to(device)

    def mlp():
        return torch.nn.Sequential(torch.nn.Linear(INPUTS, HIDDEN), torch.nn.Tanh(), torch.nn.Linear(HIDDEN, CLASSES)).to(device)

    def valid_error(model):
        with torch.no_grad():
            wrong = sum((model(xv[i : i + EVAL_CHUNK]).argmax(1) != yv[i : i + EVAL_CHUNK]).sum().item() for i in range(0, VALID, EVAL_CHUNK))
        return wrong / VALID

    if workload in ("mlp", "mlp-step"):
        initial = mlp()
        model = mlp()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)

        def step(x, y):
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        if workload == "mlp-step":
            x, y = xt[:batch], yt[:batch]

            def run():
                step(x, y)
                sync()

            return measure(run, batch, seconds)

        def run():
            model.load_state_dict(initial.state_dict())
            order = torch.randperm(TRAIN, device=device)
            for i in range(0, TRAIN, batch):
                rows = order[i : i + batch]
                loss = step(xt[rows], yt[rows])
                if (i // batch) % 25 == 0:
                    loss.item()  # read the loss now and then, as a loop that watches divergence does
            valid_error(model)
            sync()

        return measure(run, TRAIN, seconds)

    if workload == "eval":
        model = mlp()

        def run():
            valid_error(model)
            sync()

        return measure(run, VALID, seconds)

    if workload == "rbm-cd1":
        # Binary RBM, CD-1 as Hinton's guide: sampled hidden states drive the chain, probabilities in the
        # statistics, the mean of the last visible step; plain SGD, lr 0.1.
        w0 = 0.01 * torch.randn(INPUTS, HIDDEN, device=device)

        def run():
            w, b, c = w0.clone(), torch.zeros(INPUTS, device=device), torch.zeros(HIDDEN, device=device)
            order = torch.randperm(TRAIN, device=device)
            for i in range(0, TRAIN, batch):
                v0 = xt[order[i : i + batch]]
                p0 = torch.sigmoid(v0 @ w + c)
                h = torch.bernoulli(p0)
                v1 = torch.sigmoid(h @ w.T + b)
                p1 = torch.sigmoid(v1 @ w + c)
                n = v0.shape[0]
                w += 0.1 / n * (v0.T @ p0 - v1.T @ p1)
                b += 0.1 * (v0 - v1).mean(0)
                c += 0.1 * (p0 - p1).mean(0)
                error = ((v0 - torch.sigmoid(p0 @ w.T + b)) ** 2).sum(1).mean()
                if (i // batch) % 25 == 0:
                    error.item()
            with torch.no_grad():
                ((xv - torch.sigmoid(torch.sigmoid(xv @ w + c) @ w.T + b)) ** 2).sum(1).mean().item()
            sync()

        with torch.no_grad():
            return measure(run, TRAIN, seconds)

    if workload == "dae":
        # Tied weights, 30 % masking, sigmoid units, cross-entropy, plain SGD lr 0.1.
        w0 = (torch.rand(INPUTS, HIDDEN, device=device) * 2 - 1) * 4 * (6 / (INPUTS + HIDDEN)) ** 0.5

        def run():
            w = w0.clone().requires_grad_()
            b = torch.zeros(HIDDEN, device=device, requires_grad=True)
            b2 = torch.zeros(INPUTS, device=device, requires_grad=True)
            opt = torch.optim.SGD([w, b, b2], lr=0.1)
            order = torch.randperm(TRAIN, device=device)
            for i in range(0, TRAIN, batch):
                x = xt[order[i : i + batch]]
                corrupted = x * (torch.rand_like(x) >= 0.3)
                logits = torch.sigmoid(corrupted @ w + b) @ w.T + b2
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                if (i // batch) % 25 == 0:
                    loss.item()
            with torch.no_grad():
                torch.nn.functional.binary_cross_entropy_with_logits(torch.sigmoid(xv @ w + b) @ w.T + b2, xv).item()
            sync()

        return measure(run, TRAIN, seconds)
    raise ValueError(workload)


def sklearn_line(workload, batch, seconds):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import BernoulliRBM, MLPClassifier

    xt, yt = synthetic_images(TRAIN, 42)
    if workload == "mlp":
        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                MLPClassifier((HIDDEN,), activation="tanh", solver="sgd", learning_rate_init=0.01, batch_size=batch, momentum=0.0,
                              nesterovs_momentum=False, alpha=0.0, max_iter=1, random_state=42).fit(xt, yt)

        return measure(run, TRAIN, seconds)
    if workload == "rbm-cd1":
        def run():
            BernoulliRBM(n_components=HIDDEN, learning_rate=0.1, batch_size=batch, n_iter=1, random_state=42).fit(xt)

        return measure(run, TRAIN, seconds)
    return None


def tricks_line(binary, backend, workload, batch, seconds):
    out = subprocess.run([binary, "bench", "--backend", backend, "--workload", workload, "--batch", str(batch), "--seconds", str(seconds), "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["examples_per_second"]


def matmul_peak(device, seconds):
    import torch

    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    peaks = {}
    for m, k, n in [(2048, 2048, 2048), (256, 784, 500)]:
        a, b = torch.rand(m, k, device=device), torch.rand(k, n, device=device)

        def run():
            a @ b
            sync()

        peaks[f"{m}x{k}x{n}"] = measure(run, 1, seconds / 2) * 2 * m * k * n / 1e9
    return peaks


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tricks", required=True, help="the tricks binary")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--batches", default="", help="CUDA: comma-separated batch sizes for mlp and rbm-cd1 instead of the default lines")
    parser.add_argument("--json", help="also write every measurement here")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    if args.device == "cpu":
        import threadpoolctl

        threadpoolctl.threadpool_limits(args.threads)
    backend = "ndarray" if args.device == "cpu" else "cuda"
    lines = LINES
    if args.batches:
        lines = [(w, int(b)) for w in ("mlp", "rbm-cd1") for b in args.batches.split(",")]
    results = {line: {"tricks": [], "pytorch": [], "sklearn": []} for line in lines}
    for r in range(args.rounds):
        for workload, batch in lines:
            got = results[(workload, batch)]
            got["tricks"].append(tricks_line(args.tricks, backend, workload, batch, args.seconds))
            got["pytorch"].append(torch_line(workload, batch, args.device, args.seconds))
            if args.device == "cpu":
                s = sklearn_line(workload, batch, args.seconds)
                if s is not None:
                    got["sklearn"].append(s)
            print(f"round {r + 1}/{args.rounds} {workload} B={batch}: " + ", ".join(f"{k} {v[-1]:,.0f}" for k, v in got.items() if v), file=sys.stderr)
    peaks = matmul_peak(args.device, args.seconds)

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"machine: {cpu}, {os.cpu_count()} cores; {args.threads} threads; device {args.device}; PyTorch {torch.__version__}; "
          f"{args.rounds} rounds of {args.seconds:g} s per line, medians")
    print("f32 matmul peak (PyTorch): " + ", ".join(f"{k} {v:.0f} GFLOP/s" for k, v in peaks.items()))
    print()
    print(f"| workload | B | tricks ({backend}) ex/s | PyTorch ex/s | tricks / PyTorch | scikit-learn ex/s | tricks / scikit-learn |")
    print("|---|---|---|---|---|---|---|")
    for (workload, batch), got in results.items():
        med = {k: statistics.median(v) for k, v in got.items() if v}
        sk = f"{med['sklearn']:,.0f} | {med['tricks'] / med['sklearn']:.2f}x" if "sklearn" in med else "- | -"
        print(f"| {workload} | {batch} | {med['tricks']:,.0f} | {med['pytorch']:,.0f} | {med['tricks'] / med['pytorch']:.2f}x | {sk} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"peaks": peaks, "lines": [{"workload": w, "batch": b, **got} for (w, b), got in results.items()]}, f, indent=1)


if __name__ == "__main__":
    main()
