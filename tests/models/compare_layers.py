#!/usr/bin/env python3
"""Layer-by-layer comparison of Kiln with ONNX Runtime: where a model's error comes from.

    compare_layers.py [options] <kiln-binary> <model.onnx> <input.npy> <work-dir>

Marks every float tensor a node computes as a model output (as Polygraphy's
`--onnx-outputs mark all` does), runs the marked model through ONNX Runtime (CPU, the
reference) and through `kiln exec` with --exportOutput, and prints for each node, in the
model's order, the error of its outputs: the normalised error |k - r|max / |r|max and the
relative error of check_models.py (floor 1e-3 of the largest magnitude). A node's "growth" is
its output error over the largest error of its inputs: rounding grows slowly through a network,
a node whose kernel is wrong (or rounds far more than the reference) stands out with a large
growth. The last lines list the nodes with the largest growth.

Options: --input-name (default: the model's first input), --kiln-arg=A (repeatable, e.g.
--kiln-arg=--backend=cuda --kiln-arg=--noTF32), --top N (default 12).
Marking every tensor keeps Kiln from fusing across them: the figures are those of the
unfused layers.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_models import dims, metric, ort_session, run_kiln  # noqa: E402


def mark_all(model_path, out_path):
    """Writes a copy of the model with every float node output also a graph output; returns
    the names in node order as (node name, [outputs], [float inputs])."""
    import onnx
    from onnx import shape_inference

    model = shape_inference.infer_shapes(onnx.load(model_path))
    g = model.graph
    floats = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16,
              onnx.TensorProto.DOUBLE}
    types = {v.name: v.type.tensor_type.elem_type for v in list(g.value_info) + list(g.input) + list(g.output)}
    existing = {o.name for o in g.output}
    nodes = []
    for n in g.node:
        outs = [o for o in n.output if o and types.get(o) in floats]
        for o in outs:
            if o not in existing:
                g.output.append(onnx.helper.make_tensor_value_info(o, types[o], None))
                existing.add(o)
        nodes.append((n.name or n.op_type, n.op_type, outs, [i for i in n.input if i]))
    onnx.save(model, out_path)
    return nodes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kiln")
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("work")
    ap.add_argument("--input-name")
    ap.add_argument("--kiln-arg", action="append", default=[])
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    marked = os.path.join(args.work, "marked.onnx")
    nodes = mark_all(args.model, marked)
    x = np.load(args.input)
    sess = ort_session(marked)
    name = args.input_name or sess.get_inputs()[0].name
    names = [o.name for o in sess.get_outputs()]
    ref = dict(zip(names, sess.run(None, {name: x})))
    got, error = run_kiln(args.kiln, marked, name, x, None, args.work, True, args.timeout, args.kiln_arg)
    if error:
        print(error)
        return 1

    err = {}  # tensor -> normalised error
    rows = []
    for node, op, outs, ins in nodes:
        worst_norm, worst_rel, worst_out = 0.0, 0.0, ""
        for o in outs:
            if o not in got or o not in ref:
                continue
            r = np.asarray(ref[o], dtype=np.float64)
            k = got[o]
            if r.shape != k.shape or r.size == 0:
                print(f"{node} ({op}) {o}: shape {dims(k.shape)}, reference {dims(r.shape)}")
                continue
            scale = float(np.max(np.abs(r))) or 1e-30
            norm = float(np.max(np.abs(k - r))) / scale
            rel = metric(r, k, 1e-3)[0]
            err[o] = norm
            if norm >= worst_norm:
                worst_norm, worst_rel, worst_out = norm, rel, o
        if not worst_out:
            continue
        before = max([err.get(i, 0.0) for i in ins] + [0.0])
        growth = worst_norm / max(before, 1e-9)
        rows.append((node, op, worst_out, worst_norm, worst_rel, before, growth))
        print(f"{node:40s} {op:20s} norm {worst_norm:.2e} rel {worst_rel:.2e} inputs {before:.2e} growth {growth:8.1f}")
    print(f"\nthe {args.top} nodes with the largest growth (normalised error over their inputs'):")
    for node, op, out, norm, rel, before, growth in sorted(rows, key=lambda r: -r[6])[:args.top]:
        print(f"  {node} ({op}) -> {out}: norm {norm:.2e} (inputs {before:.2e}), growth {growth:.1f}, rel {rel:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
