#!/usr/bin/env python3
"""SciPy's L-BFGS-B, BFGS and CG on the study's smooth problem, written as traces `optlab import` reads.

The problem (optlab study --preset full, λ = 0): f(x) = 1/n Σ (y_i − σ(a_iᵀx))² on all of a9a, labels y in
{0, 1} (y = 1 for a positive label), start x = 0, float64. Gradient: ∇f(x) = −2/n Aᵀ[(y − σ) σ (1 − σ)].

Each method's trace has one row per iteration (scipy.optimize.minimize's callback, plus iteration 0 at the
start): iteration, value, grad_norm (‖∇f‖₂), seconds (time inside minimize, the trace's own evaluations
excluded, as optlab counts), nfev (calls of the value-and-gradient function by the method, each a full pass
over the data). Files: OUT/scipy-lbfgsb.csv, OUT/scipy-bfgs.csv, OUT/scipy-cg.csv; one JSON line on stdout
with the versions and each method's final value.

Usage: scipy_runs.py --data A9A_PATH --out DIR [--max-iter 1000]
Needs numpy and scipy only.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import scipy
import scipy.optimize
import scipy.sparse as sp
from scipy.special import expit

METHODS = {"scipy-lbfgsb": "L-BFGS-B", "scipy-bfgs": "BFGS", "scipy-cg": "CG"}


def read_libsvm(path):
    rows, cols, vals, labels = [], [], [], []
    with open(path) as f:
        for i, line in enumerate(f):
            parts = line.split()
            if not parts:
                continue
            labels.append(float(parts[0]))
            for tok in parts[1:]:
                a, b = tok.split(":")
                rows.append(len(labels) - 1)
                cols.append(int(a) - 1)
                vals.append(float(b))
    n = len(labels)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, max(cols) + 1)), np.array(labels)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--max-iter", type=int, default=1000)
    o = p.parse_args()
    A, raw = read_libsvm(o.data)
    AT = A.T.tocsr()
    y = (raw > 0).astype(np.float64)
    n, d = A.shape

    def fg(x):
        s = expit(A @ x)
        r = y - s
        return float(np.mean(r * r)), AT @ (-2.0 * r * s * (1.0 - s)) / n

    os.makedirs(o.out, exist_ok=True)
    summary = {"numpy": np.__version__, "scipy": scipy.__version__, "python": sys.version.split()[0], "rows": n,
               "features": d, "methods": {}}
    for name, method in METHODS.items():
        state = {"nfev": 0, "inside": 0.0, "since": 0.0, "rows": []}

        def f(x):
            state["nfev"] += 1
            return fg(x)

        def record(x):
            state["inside"] += time.perf_counter() - state["since"]
            v, g = fg(x)  # the trace's evaluation: not counted in seconds or nfev
            state["rows"].append((len(state["rows"]), v, float(np.linalg.norm(g)), state["inside"], state["nfev"]))
            state["since"] = time.perf_counter()

        x0 = np.zeros(d)
        state["since"] = time.perf_counter()
        record(x0)
        options = {"maxiter": o.max_iter, "gtol": 1e-10}
        if method == "L-BFGS-B":
            options["ftol"] = 0.0
        res = scipy.optimize.minimize(f, x0, jac=True, method=method, callback=record, options=options)
        path = os.path.join(o.out, f"{name}.csv")
        with open(path, "w") as out:
            out.write("iteration,value,grad_norm,seconds,nfev\n")
            for r in state["rows"]:
                out.write("%d,%r,%r,%r,%d\n" % r)
        summary["methods"][name] = {"file": path, "iterations": len(state["rows"]) - 1, "value": state["rows"][-1][1],
                                    "message": str(res.message)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
