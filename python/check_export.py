"""Rebuild a tricks MLP from its exported safetensors file alone and compare with `tricks predict`.

    python python/check_export.py MODEL.safetensors DATA PREDICTIONS.csv [--tolerance 1e-5]

MODEL.safetensors is written by `tricks export RUN`; DATA is the file given to `tricks predict RUN --data DATA`
(a CSV file, with or without its label column, or an IDX image file); PREDICTIONS.csv is what `tricks predict`
wrote. The script reads nothing else: the preprocessing, the hidden units' activation and the output units come
from the file's metadata, the weights from its tensors (`layers.{i}.weight` as [inputs, outputs],
`layers.{i}.bias` as [outputs], input side first). It applies the preprocessing and the forward pass in numpy
(in float64, so that the gap measured is tricks' own rounding) and exits non-zero unless every class probability is within the tolerance of
tricks' own.
"""

import argparse
import csv
import gzip
import json
import struct
import sys

import numpy as np
from safetensors import safe_open

FORMAT = "tricks-export-1"
IMAGE_MAGIC = 0x00000803


def read_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def load_inputs(path, dim):
    """The examples of DATA as float32 rows of `dim` features, as `tricks predict` reads them."""
    data = read_bytes(path)
    if len(data) >= 16 and struct.unpack(">I", data[:4])[0] == IMAGE_MAGIC:
        n, rows, cols = struct.unpack(">III", data[4:16])
        pixels = np.frombuffer(data, dtype=np.uint8, offset=16, count=n * rows * cols)
        return (pixels.astype(np.float32) / np.float32(255.0)).reshape(n, rows * cols)
    lines = [line for line in data.decode("utf-8").splitlines() if line.strip()]
    rows = [[field.strip().strip('"') for field in line.split(",")] for line in lines]

    def numeric(field):
        try:
            float(field)
            return True
        except ValueError:
            return False

    if not all(numeric(f) for f in rows[0]):
        rows = rows[1:]
    width = len(rows[0])
    if width not in (dim, dim + 1):
        raise SystemExit(f"{path}: {width} columns, the model takes {dim} features")
    table = np.array(rows, dtype=np.float32)
    return table[:, :dim] if width == dim + 1 else table  # the label is the last column, as tricks' default


def uniformise(x, knots):
    """Each feature through its training empirical CDF, as tricks' `Knots::cdf`."""
    out = np.empty_like(x)
    for j, k in enumerate(knots):
        values = np.array(k["values"], dtype=np.float32)
        lower = np.array(k["lower"], dtype=np.float32)
        upper = np.array(k["upper"], dtype=np.float32)
        col = x[:, j]
        i = np.searchsorted(values, col, side="left")
        exact = (i < len(values)) & (values[np.minimum(i, len(values) - 1)] == col)
        below, above = i == 0, i == len(values)
        i0, i1 = np.clip(i - 1, 0, len(values) - 1), np.clip(i, 0, len(values) - 1)
        v0, v1, p0, p1 = values[i0], values[i1], upper[i0], lower[i1]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (col - v0) / (v1 - v0)
        between = np.clip(p0 + t * (p1 - p0), p0, p1)
        out[:, j] = np.where(exact, np.float32(0.5) * (lower[i1] + upper[i1]), np.where(below, 0.0, np.where(above, 1.0, between)))
    return out


def preprocess(x, p):
    kind = p["kind"]
    if kind == "none":
        return x
    if kind == "standardise":
        return (x - np.array(p["mean"], dtype=np.float32)) / np.array(p["std"], dtype=np.float32)
    if kind == "pca":
        components = np.array(p["components"], dtype=np.float32).reshape(p["kept"], -1)
        return (x - np.array(p["mean"], dtype=np.float32)) @ components.T
    if kind == "uniformise":
        return uniformise(x, p["features"])
    raise SystemExit(f"unknown preprocessing {kind!r}")


ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "rectifier": lambda a: np.maximum(a, 0.0),
    "softsign": lambda a: a / (1.0 + np.abs(a)),
    "hard-tanh": lambda a: np.clip(a, -1.0, 1.0),
}


def outputs(a, kind):
    if kind == "softmax-nll":
        e = np.exp(a - a.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if kind == "sigmoid-cross-entropy":
        return 1.0 / (1.0 + np.exp(-a))
    if kind == "linear-squared-error":
        return a
    raise SystemExit(f"unknown output units {kind!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("predictions")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()

    with safe_open(args.model, framework="np") as f:
        meta = f.metadata()
        tensors = {name: f.get_tensor(name) for name in f.keys()}
    if meta.get("format") != FORMAT or meta.get("model") != "mlp":
        raise SystemExit(f"{args.model}: format {meta.get('format')!r}, model {meta.get('model')!r}; expected {FORMAT!r}, 'mlp'")
    preprocessing = json.loads(meta["preprocessing"])
    activation = ACTIVATIONS[meta["activation"]]
    layers = sum(1 for name in tensors if name.endswith(".weight"))

    x = load_inputs(args.data, tensors["layers.0.weight"].shape[0] if preprocessing["kind"] != "pca" else len(preprocessing["mean"]))
    h = preprocess(x, preprocessing).astype(np.float64)
    for i in range(layers):
        a = h @ tensors[f"layers.{i}.weight"].astype(np.float64) + tensors[f"layers.{i}.bias"].astype(np.float64)
        h = activation(a) if i < layers - 1 else outputs(a, meta["output"])

    with open(args.predictions, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = [i for i, name in enumerate(header) if name[:1] == "p" and name[1:].isdigit()]
        theirs = np.array([[float(row[i]) for i in columns] for row in reader], dtype=np.float64)
    if theirs.shape != h.shape:
        raise SystemExit(f"shapes differ: numpy {h.shape}, tricks predict {theirs.shape}")
    gap = np.abs(theirs - h.astype(np.float64)).max()
    agree = (theirs.argmax(axis=1) == h.argmax(axis=1)).mean()
    print(f"{len(h)} examples, {h.shape[1]} classes: largest difference {gap:.3e} (tolerance {args.tolerance:g}); same class for {100 * agree:.2f} %")
    sys.exit(0 if gap <= args.tolerance else 1)


if __name__ == "__main__":
    main()
