#!/usr/bin/env python3
"""Writes the ONNX backend test suite of the installed `onnx` package into a directory.

    make_suite.py <out-dir>

The `onnx` wheel ships the model test directories (data/pytorch-converted, pytorch-operator,
simple) but not data/node: the node cases exist in the wheel only as their generators
(onnx/backend/test/case/node/*.py, each calling expect() with numpy-computed outputs). This
script runs those generators and writes each case exactly as ONNX's own
`backend-test-tools generate-data` writes a case (model.onnx, test_data_set_0/input_*.pb,
output_*.pb), then copies the shipped directories. Layout of <out-dir>:

    node/<case>/...  pytorch-converted/<case>/...  pytorch-operator/<case>/...  simple/<case>/...
    cases.json       {case: {"kind": ..., "op": the operator the case tests}}
    VERSION          the onnx version and the seed

The generators draw their inputs with numpy's global generator; it is seeded (SEED below) so
that every run writes the same data and the expectations file stays true. The ONNX project
did the same once: its repository commits the data it generated. Rewrites only when <out-dir>
was written by another onnx version or seed.
"""
import argparse
import json
import os
import re
import shutil
import sys
import warnings

import numpy as np
import onnx

SEED = 0
SHIPPED = ("pytorch-converted", "pytorch-operator", "simple")
KINDS = ("node",) + SHIPPED


def package_data_dir():
    return os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data")


def tested_op(name, model, single_node_ops):
    """The operator a node case tests: its only node's op, or for an `_expanded` case (the
    function body of an op written out) that op; else the first non-Constant node's op."""
    m = re.match(r"(.*)_expanded(_ver\d+)?$", name)
    if m and m.group(1) in single_node_ops:
        return single_node_ops[m.group(1)]
    ops = [n.op_type for n in model.graph.node if n.op_type != "Constant"]
    return ops[0] if ops else (model.graph.node[0].op_type if model.graph.node else "?")


def write_node_cases(out):
    import onnx.backend.test.case.node as node_cases
    from onnx.backend.test import cmd_tools

    np.random.seed(SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = node_cases.collect_testcases()

    class Cases:  # cmd_tools.generate_data writes whatever model_test.collect_testcases gives
        @staticmethod
        def collect_testcases():
            return cases

    saved = cmd_tools.model_test
    cmd_tools.model_test = Cases
    try:
        cmd_tools.generate_data(argparse.Namespace(output=out))
    finally:
        cmd_tools.model_test = saved
    single = {c.name: c.model.graph.node[0].op_type for c in cases if len(c.model.graph.node) == 1}
    return {c.name: {"kind": "node", "op": tested_op(c.name, c.model, single)} for c in cases}


def model_case_op(case_dir):
    model = onnx.load(os.path.join(case_dir, "model.onnx"), load_external_data=False)
    ops = sorted({n.op_type for n in model.graph.node})
    return ops[0] if len(ops) == 1 else "(model)"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    args = p.parse_args(argv)
    stamp = f"onnx {onnx.__version__} seed {SEED}\n"
    version_file = os.path.join(args.out, "VERSION")
    if os.path.exists(version_file) and open(version_file).read() == stamp:
        return 0
    # Written beside the target and renamed into place, so that a run cut off half way (or
    # another run writing the same folder) never leaves a suite that looks complete.
    tmp = f"{args.out.rstrip('/')}.tmp{os.getpid()}"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    index = write_node_cases(tmp)
    for kind in SHIPPED:
        src = os.path.join(package_data_dir(), kind)
        shutil.copytree(src, os.path.join(tmp, kind))
        for name in sorted(os.listdir(src)):
            index[name] = {"kind": kind, "op": model_case_op(os.path.join(src, name))}
    with open(os.path.join(tmp, "cases.json"), "w") as f:
        json.dump(index, f, indent=0, sort_keys=True)
    with open(os.path.join(tmp, "VERSION"), "w") as f:
        f.write(stamp)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.rename(tmp, args.out)
    print(f"{len(index)} cases written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
