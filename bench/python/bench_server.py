#!/usr/bin/env python3
"""A warm SciPy process for `optlab bench --compare-python` (src/node/compare.ts drives it).

It loads a9a once, then answers one JSON request per line on stdin with one JSON line on stdout, so that
optlab and SciPy can be timed in alternating rounds in one run (the data, the imports and SciPy's first-call
costs are paid once, outside the timings). The parent pins OpenBLAS (and OpenMP/MKL) to one thread and
unsets OPENBLAS_CORETYPE for this process only: with the default threads L-BFGS-B pays milliseconds per
call for thread start-up.

Requests:
  {"op": "value-grad", "loss": "sigmoid-lsq" | "logistic", "calls": k}
      -> {"seconds": [t_1, ..., t_k]}   one value + gradient each, at the bench point x_j = 0.1 sin(j)
  {"op": "lbfgs", "memory": m, "fstar": f, "loss": "sigmoid-lsq", "x0": [...]}
      -> {"seconds": s, "evaluations": e, "reached": bool}   L-BFGS-B from x0 (default zeros) until F − f* ≤ 1e-8
  {"op": "versions"} -> {"python": ..., "numpy": ..., "scipy": ..., "blas": ...}
  {"op": "quit"}
Usage: bench_server.py --data A9A_PATH
"""
import argparse
import json
import sys
import time

import numpy as np
import scipy
import scipy.optimize
from scipy.special import expit

from bench_scipy import parse_split


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    o = ap.parse_args()
    A, raw = parse_split(o.data)
    A = A.tocsr()
    AT = A.T.tocsr()
    y = (raw > 0).astype(np.float64)
    ys = 2.0 * y - 1.0
    n, d = A.shape

    def fg_lsq(x):
        z = A @ x
        s = expit(z)
        r = y - s
        return np.mean(r * r), AT @ (-2.0 * r * s * (1.0 - s)) / n

    def fg_log(x):
        m = -ys * (A @ x)
        f = np.mean(np.maximum(m, 0) + np.log1p(np.exp(-np.abs(m))))
        return f, AT @ (-ys * expit(m)) / n

    fgs = {"sigmoid-lsq": fg_lsq, "logistic": fg_log}
    x_bench = np.sin(np.arange(d)) * 0.1
    for fg in fgs.values():  # first calls (allocation, caches) outside every timing
        for _ in range(5):
            fg(x_bench)

    def lbfgs(req):
        fg = fgs[req.get("loss", "sigmoid-lsq")]
        fstar = req["fstar"]
        state = {"evals": 0}

        class Reached(Exception):
            pass

        def f(x):
            state["evals"] += 1
            v, g = fg(x)
            if v - fstar <= 1e-8:
                raise Reached()
            return v, g

        t = time.perf_counter()
        reached = False
        try:
            x0 = np.array(req["x0"], dtype=np.float64) if "x0" in req else np.zeros(d)
            scipy.optimize.minimize(
                f, x0, jac=True, method="L-BFGS-B",
                options={"maxcor": req["memory"], "maxiter": 100000, "maxfun": 100000, "gtol": 0, "ftol": 0},
            )
        except Reached:
            reached = True
        return {"seconds": time.perf_counter() - t, "evaluations": state["evals"], "reached": reached}

    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "quit":
            break
        if op == "value-grad":
            fg = fgs[req["loss"]]
            out = []
            for _ in range(req["calls"]):
                t = time.perf_counter()
                fg(x_bench)
                out.append(time.perf_counter() - t)
            res = {"seconds": out}
        elif op == "lbfgs":
            res = lbfgs(req)
        elif op == "versions":
            blas = ""
            try:
                from threadpoolctl import threadpool_info

                blas = json.dumps(threadpool_info())
            except Exception:
                pass
            res = {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__, "blas": blas}
        else:
            res = {"error": f"unknown op {op}"}
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
