#!/usr/bin/env python3
"""SciPy equivalents of optlab's bench entries, timed the same way (warm-up, repeats, median).

Usage: bench_scipy.py --data A9A_PATH --fstar F [--repeats R]
Prints one JSON object: {"value-grad/a9a": {"medianMs": ...}, "parse/a9a": {...}, "lbfgs/a9a": {...}, "versions": {...}}
Needs numpy and scipy; uses scikit-learn's load_svmlight_file for the parse entry when it is installed.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.optimize
import scipy.sparse as sp
from scipy.special import expit


def timed(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return samples


def summary(samples, scale):
    s = [x * scale for x in samples]
    return {"median": statistics.median(s), "min": min(s), "max": max(s), "repeats": len(s)}


def parse_split(path):
    """The straightforward Python reader (readlines + split, as the original study), into a CSR matrix."""
    rows, cols, vals, labels = [], [], [], []
    with open(path) as f:
        for i, line in enumerate(f):
            parts = line.split()
            labels.append(float(parts[0]))
            for tok in parts[1:]:
                a, b = tok.split(":")
                rows.append(i)
                cols.append(int(a) - 1)
                vals.append(float(b))
    n = len(labels)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, max(cols) + 1)), np.array(labels)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--fstar", type=float, required=True)
    ap.add_argument("--repeats", type=int, default=50)
    o = ap.parse_args()
    out = {"versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__}}
    size = len(open(o.data, "rb").read())

    s = timed(lambda: parse_split(o.data), 1, 3)
    out["parse-split/a9a"] = {"mbPerSecond": size / 1e6 / statistics.median(s), **summary(s, 1e3)}
    try:
        from sklearn.datasets import load_svmlight_file

        s = timed(lambda: load_svmlight_file(o.data), 1, 5)
        out["parse/a9a"] = {"mbPerSecond": size / 1e6 / statistics.median(s), "reader": "sklearn", **summary(s, 1e3)}
        out["versions"]["sklearn"] = __import__("sklearn").__version__
    except ImportError:
        out["parse/a9a"] = {**out["parse-split/a9a"], "reader": "python split (scikit-learn not installed)"}

    A, raw = parse_split(o.data)
    A = A.tocsr()
    AT = A.T.tocsr()
    y = (raw > 0).astype(np.float64)
    n = A.shape[0]

    def fg(x):
        z = A @ x
        s = expit(z)
        r = y - s
        return np.mean(r * r), AT @ (-2.0 * r * s * (1.0 - s)) / n

    x = np.sin(np.arange(A.shape[1])) * 0.1
    s = timed(lambda: fg(x), 20, o.repeats)
    out["value-grad/a9a"] = {"medianMs": statistics.median(s) * 1e3, **summary(s, 1e3)}

    class Reached(Exception):
        pass

    def lbfgs():
        state = {"evals": 0}

        def f(x):
            state["evals"] += 1
            v, g = fg(x)
            if v - o.fstar <= 1e-8:
                raise Reached()
            return v, g

        t = time.perf_counter()
        try:
            r = scipy.optimize.minimize(
                f, np.zeros(A.shape[1]), jac=True, method="L-BFGS-B",
                options={"maxcor": 10, "maxiter": 100000, "maxfun": 100000, "gtol": 0, "ftol": 0},
            )
            reached = False
        except Reached:
            reached = True
        return time.perf_counter() - t, state["evals"], reached

    runs = [lbfgs() for _ in range(3)]
    secs = [r[0] for r in runs]
    out["lbfgs/a9a"] = {
        "seconds": statistics.median(secs),
        "evaluations": runs[0][1],
        "reached": runs[0][2],
        "method": "scipy.optimize.minimize L-BFGS-B, maxcor 10",
        **summary(secs, 1),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
