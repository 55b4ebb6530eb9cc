#!/usr/bin/env python3
"""Runs api_networks_dump, recomputes every output with numpy from the dumped weights and
inputs, and compares: max |kiln - numpy| <= atol + rtol * |numpy| elementwise."""
import json
import math
import subprocess
import sys
import tempfile

import numpy as np

RTOL, ATOL = 1e-4, 1e-5


def cnn(w, x):
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))  # N,C,H,W,3,3
    conv = np.einsum("nchwij,kcij->nkhw", windows, w["conv_w"]) + w["conv_b"][None, :, None, None]
    bn = conv * w["bn_scale"][None, :, None, None] + w["bn_shift"][None, :, None, None]
    pooled = np.maximum(bn, 0).mean(axis=(2, 3))
    logits = pooled @ w["fc_w"]
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def layer_norm(x, scale, bias, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * scale + bias


def transformer(w, x, heads=2):
    x = x.astype(np.float64)
    b, s, d = x.shape
    dh = d // heads
    h = layer_norm(x, w["ln1_scale"], w["ln1_bias"])

    def split(t):
        return t.reshape(b, s, heads, dh).transpose(0, 2, 1, 3)

    q, k, v = (split(h @ w["w" + p] + w["b" + p]) for p in "qkv")
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dh)
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    ctx = (p @ v).transpose(0, 2, 1, 3).reshape(b, s, d)
    r1 = x + ctx @ w["wo"] + w["bo"]
    f = layer_norm(r1, w["ln2_scale"], w["ln2_bias"]) @ w["w1"] + w["b1"]
    gelu = 0.5 * f * (1 + np.vectorize(math.erf)(f / math.sqrt(2)))
    return r1 + gelu @ w["w2"] + w["b2"]


REFERENCES = {"cnn": cnn, "transformer": transformer}


def main():
    dump = sys.argv[1]
    failed = 0
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([dump, tmp], check=True)
        manifest = json.load(open(f"{tmp}/manifest.json"))
        for net in manifest["networks"]:
            name = net["name"]
            names = {"cnn": ["conv_w", "conv_b", "bn_scale", "bn_shift", "fc_w"],
                     "transformer": ["ln1_scale", "ln1_bias", "ln2_scale", "ln2_bias", "w1", "b1", "w2", "b2"]
                     + [f"{k}{p}" for p in "qkvo" for k in "wb"]}[name]
            weights = {n: np.load(f"{tmp}/{name}_{n}.npy").astype(np.float64) for n in names}
            for case in net["cases"]:
                x = np.load(case["x"])
                got = np.load(case["y"])
                want = REFERENCES[name](weights, x)
                err = np.abs(got - want)
                ok = got.shape == want.shape and bool(np.all(err <= ATOL + RTOL * np.abs(want)))
                rel = float(np.max(err / (np.abs(want) + ATOL))) if got.shape == want.shape else float("inf")
                print(f"{name} profile {case['profile']} x{list(x.shape)}: max rel error {rel:.2e} "
                      f"{'PASSED' if ok else 'FAILED'}")
                checked += 1
                failed += 0 if ok else 1
    print(f"{checked - failed} passed, {failed} failed (seed {manifest['seed']})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
