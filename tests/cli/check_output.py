#!/usr/bin/env python3
"""Checks a kiln exec --exportOutput file of the tiny Conv+Relu model against numpy.

Usage: check_output.py <dir of make_tiny_model.py> <input.npy> <output.json>
       check_output.py --types <types_in.npy> <output.json>   (types.onnx: one output per type)
Prints "output matches numpy" (and exits 0) when the max abs error is <= 1e-4.
"""
import json
import sys

import numpy as np


def conv_relu(x, w, b):
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    y = np.zeros((n, w.shape[0], h, wd), np.float64)
    for i in range(3):
        for j in range(3):
            y += np.einsum("nchw,oc->nohw", xp[:, :, i:i + h, j:j + wd], w[:, :, i, j])
    return np.maximum(y + b[None, :, None, None], 0)


def check_types(npy, out):
    x = np.load(npy)
    expected = {"i32": x.astype(np.int32), "i64": x.astype(np.int64), "u8": x.astype(np.int64).astype(np.uint8),
                "i8": x.astype(np.int8), "f16": x.astype(np.float16), "b": x > 0}
    entries = {e["name"]: e for e in json.load(open(out))}
    for name, ref in expected.items():
        e = entries[name]
        got = np.asarray(e["values"]).reshape([int(d) for d in e["dimensions"].split("x")])
        # Casting a negative float to uint8 is undefined in ONNX: only the others are compared.
        keep = x >= 0 if name == "u8" else np.ones(x.shape, bool)
        if got.shape != ref.shape or not np.array_equal(got[keep].astype(np.float64), ref[keep].astype(np.float64)):
            print(f"{name}: got {got.tolist()}, expected {ref.tolist()}")
            sys.exit(1)
    print("output matches numpy")


def main():
    if sys.argv[1] == "--types":
        return check_types(sys.argv[2], sys.argv[3])
    folder, npy, out = sys.argv[1:4]
    weights = np.load(f"{folder}/weights.npz")
    ref = conv_relu(np.load(npy).astype(np.float64), weights["w"], weights["b"])
    entries = {e["name"]: e for e in json.load(open(out))}
    e = entries["output"]
    dims = [int(d) for d in e["dimensions"].split("x")]
    got = np.asarray(e["values"], np.float64).reshape(dims)
    err = float(np.max(np.abs(got - ref)))
    print(f"output {e['dimensions']}: max abs error {err:.3g}")
    if got.shape != ref.shape or err > 1e-4:
        sys.exit(1)
    print("output matches numpy")


if __name__ == "__main__":
    main()
