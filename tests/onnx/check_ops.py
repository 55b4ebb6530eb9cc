#!/usr/bin/env python3
"""Kiln's ONNX op importers against ONNX Runtime, one tiny model per case, on fresh random inputs.

    check_ops.py [options] <kiln-binary> <work-dir>

Every op importer of src/frontend/onnx/importers (each KILN_ONNX_IMPORTER(...)) gets one or more
cases: a model of one node (or a few, where the op needs a computed operand: a dynamic shape, a
bound computed by the graph) written with onnx.helper at opset 17 unless the case says otherwise,
plus the old-opset forms the importers branch on (Softmax/LogSoftmax opset 11, Slice opset 9
attributes, Squeeze/Unsqueeze opset 11 attributes, Clip opset 9 attributes, Resize opset 10 and
11+, Reduce* axes as attribute and as input, Split opset 11/13/18, Pad opset 9/11/18/19,
Upsample opset 9, TopK opset 9). The dynamic cases declare inputs with dim_params and run Kiln
with --minShapes=MIN --optShapes=MAX --maxShapes=MAX and --shapes=S, S being the drawn input's shape,
strictly between MIN and MAX.

For each case: draws the inputs and the random initializers (weights) from the case's generator,
writes <work-dir>/cases/<case>/model.onnx and in_<input>.npy, runs ONNX Runtime
(CPUExecutionProvider) and
  kiln exec --onnx=model.onnx [--minShapes=MIN --optShapes=MAX --maxShapes=MAX --shapes=S]
            --loadInputs=a:in_a.npy[,b:in_b.npy] --exportOutput=out.json --iterations=1 --warmUp=0 --duration=0
(command.txt and kiln.log stay in the case's directory), and compares every output:
  float outputs:        |k - r| <= 1e-5 + 1e-4 * |r| elementwise (NaN where the reference is NaN);
                        the line gives max abs |k - r| and max rel |k - r| / |r| (over r != 0)
  integer/bool outputs: exact
and the output's shape must be the reference's.

Seeds: fresh on every run (np.random.default_rng from OS entropy); the seed is printed, and
KILN_TEST_SEED=<seed> repeats a run exactly. Each case's generator is
default_rng([crc32(case name), seed]), so a filtered run (--only) draws the same inputs.

KNOWN_FAILURES (below) lists cases known to fail, each with its reason: they run, are reported as
KNOWN and counted neither as passed nor as failed.

The script checks that every KILN_ONNX_IMPORTER(...) of the sources (../../src/frontend/onnx/importers
from here) has at least one case: an importer without one is a failure.

Output: one line per case, PASSED/FAILED (or KNOWN) with the figures or Kiln's error message,
then `N passed, N failed`. Exit status 1 on any failure.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zlib

import numpy as np

# Cases that are known to fail: "case name": "one-line reason". Reported as KNOWN, not counted.
KNOWN_FAILURES = {
    "SwiGLU alpha 1.702": "ONNX Runtime 1.32 has no SwiGLU (opset 28); the conformance suite's cases pass",
    "Bernoulli of probabilities 0 and 1": "ONNX Runtime 1.32's Bernoulli draws 1 with probability 1 - p (p = 1 gives "
                                          "0, p = 0.9 mostly 0); Kiln gives 1 with probability p, as ONNX says",
    **{f"GridSample cubic border align_corners={a}": "ONNX Runtime's bicubic sampling with border padding differs "
                                                     "from the ONNX reference (onnx.reference), which Kiln follows "
                                                     "(the two agree to 2e-7 on these inputs)" for a in (0, 1)},
    "Reshape shape tensor input": "a shape given as a network input (shape-tensor input) is unsupported: shape "
                                  "inference needs its value at build time (src/ir/op.cpp requireValue), "
                                  "setShapeValues is stored but unused, kiln exec takes no shape values",
    "Expand shape tensor input": "a shape given as a network input (shape-tensor input) is unsupported: shape "
                                 "inference needs its value at build time (src/ir/op.cpp requireValue), "
                                 "setShapeValues is stored but unused, kiln exec takes no shape values",
}

HERE = os.path.dirname(os.path.abspath(__file__))
ATOL = 1e-5
RTOL = 1e-4
INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min

from op_cases import CASES, Case, W, define_cases  # noqa: E402  (the cases live in op_cases.py)


def uncovered_importers():
    """Ops with a KILN_ONNX_IMPORTER in src/frontend/onnx/importers and no case (None when the
    sources are not there)."""
    src = os.path.join(HERE, "..", "..", "src", "frontend", "onnx", "importers")
    if not os.path.isdir(src):
        return None
    ops = set()
    for f in sorted(os.listdir(src)):
        if f.endswith(".cpp"):
            ops |= set(re.findall(r"KILN_ONNX_IMPORTER\((\w+)\)", open(os.path.join(src, f)).read()))
    used = {n.op_type for c in CASES for n in c.nodes}
    return sorted(ops - used)


def dims(shape):
    return "x".join(str(int(d)) for d in shape)


def opset_imports(c):
    """The default domain at the case's opset, plus any other domain its nodes use (ai.onnx.ml
    at version 3, which every ml op that Kiln imports has reached)."""
    from onnx import helper

    others = sorted({n.domain for n in c.nodes if n.domain not in ("", "ai.onnx")})
    return [helper.make_opsetid("", c.opset)] + [helper.make_opsetid(d, 3 if d == "ai.onnx.ml" else 1)
                                                 for d in others]


def build_model(c, rng):
    """Returns (ModelProto, feeds): the inputs and initializers drawn from rng."""
    import onnx
    from onnx import helper, numpy_helper

    feeds = {n: np.asarray(g(rng)) for n, g in c.inputs.items()}
    inits = [numpy_helper.from_array(np.asarray(g(rng)), n) for n, g in c.inits.items()]
    graph_inputs = []
    for n, a in feeds.items():
        declared = c.dynamic[n][0] if n in c.dynamic else list(a.shape)
        graph_inputs.append(helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), declared))
    outputs = [onnx.ValueInfoProto(name=o) for o in c.outputs]
    graph = helper.make_graph(c.nodes, "check_ops", graph_inputs, outputs, initializer=inits)
    model = helper.make_model_gen_version(graph, producer_name="kiln check_ops.py",
                                          opset_imports=opset_imports(c))
    # Output types (and shapes) from ONNX shape inference.
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    types = {v.name: v.type for v in list(inferred.graph.output) + list(inferred.graph.value_info)}
    for o in model.graph.output:
        t = types.get(o.name)
        if t is None or not t.tensor_type.elem_type:
            raise RuntimeError(f"ONNX shape inference gives no type for output '{o.name}'")
        o.type.CopyFrom(t)
    unranked = [o for o in model.graph.output if not o.type.tensor_type.HasField("shape")]
    if unranked:
        # Shape inference cannot follow the values (a ConstantOfShape of a computed length):
        # the ONNX reference evaluator gives each output's rank, declared with named dims.
        from onnx.reference import ReferenceEvaluator

        values = dict(zip([o.name for o in model.graph.output], ReferenceEvaluator(model).run(None, feeds)))
        for o in unranked:
            for k in range(np.asarray(values[o.name]).ndim):
                o.type.tensor_type.shape.dim.add().dim_param = f"{o.name}_d{k}"
    onnx.checker.check_model(model)
    return model, feeds


def ort_run(path, feeds):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    names = [o.name for o in s.get_outputs()]
    return dict(zip(names, s.run(None, feeds)))


def kiln_error_lines(text):
    """Kiln's error lines ("[E] ...", "[<timestamp>] [E] ...", also [F]), without the timestamps and
    without the parser's repetitions of the same message."""
    lines = []
    for l in text.splitlines():
        m = re.match(r"^(\[[^\]]*\] )?(\[(E|F|!)\] .*)", l)
        if m:
            lines.append(m.group(2).strip())
    if not lines:
        return [l.strip() for l in text.strip().splitlines()[-5:]]
    first = lines[0]
    kept = [first] + [l for l in lines[1:] if l.startswith("[E] ONNX parser error") or l.startswith("[F]")]
    return kept


def run_kiln(kiln, c, model_path, feeds, case_dir, timeout):
    """Returns ({name: array}, None) or (None, error text)."""
    out_json = os.path.join(case_dir, "out.json")
    loads = []
    for n, a in feeds.items():
        p = os.path.join(case_dir, f"in_{n}.npy")
        np.save(p, a)
        loads.append(f"{n}:{p}")
    cmd = [kiln, "exec", f"--onnx={model_path}"]
    if c.dynamic:
        # OPT is MAX, so that the run's shape (strictly inside [MIN, MAX]) is none of the three.
        for flag, k in (("--minShapes", 1), ("--optShapes", 2), ("--maxShapes", 2)):
            cmd.append(flag + "=" + ",".join(f"{n}:{dims(d[k])}" for n, d in c.dynamic.items()))
        cmd.append("--shapes=" + ",".join(f"{n}:{dims(feeds[n].shape)}" for n in c.dynamic))
    if loads:
        cmd.append("--loadInputs=" + ",".join(loads))
    cmd += [f"--exportOutput={out_json}", "--iterations=1", "--warmUp=0", "--duration=0"]
    with open(os.path.join(case_dir, "command.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"kiln exec timed out after {timeout} s"
    except OSError as e:
        return None, f"cannot run {kiln}: {e}"
    with open(os.path.join(case_dir, "kiln.log"), "w") as f:
        f.write(p.stdout)
    if p.returncode != 0 or not os.path.exists(out_json):
        lines = kiln_error_lines(p.stdout)
        return None, f"kiln exec exited {p.returncode}: " + " | ".join(lines[:4])
    try:
        result = {}
        for e in json.load(open(out_json)):
            d = e.get("dimensions", "")
            if isinstance(d, str):
                d = [int(v) for v in d.split("x")] if d else []
            values = e.get("values")
            if values is None:
                return None, f"--exportOutput has no values for '{e.get('name')}'"
            # JSON has no NaN/Inf: nlohmann writes them as null, read back as NaN.
            a = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
            if a.size != int(np.prod(d)):
                return None, f"--exportOutput '{e.get('name')}': {a.size} values for dimensions {dims(d)}"
            result[e["name"]] = a.reshape(d)
        return result, None
    except (ValueError, KeyError, TypeError) as e:
        return None, f"cannot read {out_json}: {e}"


def compare(ref, got):
    """Returns (ok, text) for one output."""
    is_float = np.issubdtype(ref.dtype, np.floating)
    r = ref.astype(np.float64)
    if got.shape != r.shape:
        return False, f"shape {dims(got.shape) or 'scalar'}, expected {dims(r.shape) or 'scalar'}"
    if r.size == 0:
        return True, "empty"
    if not is_float:
        bad = got != r
        if np.any(bad):
            i = np.unravel_index(int(np.argmax(bad)), r.shape)
            at = ",".join(str(int(v)) for v in i)
            return False, (f"{int(np.sum(bad))}/{r.size} {ref.dtype} values differ (first at [{at}]: got "
                           f"{got[i]:.10g}, ref {r[i]:.10g})")
        return True, f"exact ({ref.dtype})"
    finite = np.isfinite(r)
    # Where the reference is NaN or Inf, Kiln's JSON holds null (NaN): only non-finite is checked.
    nonfinite_bad = ~finite & np.isfinite(got)
    err = np.where(finite, np.abs(got - r), 0.0)
    err = np.where(np.isnan(err), np.inf, err)
    limit = ATOL + RTOL * np.abs(np.where(finite, r, 0.0))
    bad = (err > limit) | nonfinite_bad
    max_abs = float(np.max(err))
    nz = finite & (r != 0)
    max_rel = float(np.max(err[nz] / np.abs(r[nz]))) if np.any(nz) else 0.0
    text = f"max abs {max_abs:.2e}, max rel {max_rel:.2e} ({ref.dtype})"
    if np.any(bad):
        ratio = np.where(nonfinite_bad, np.inf, err / limit)
        i = np.unravel_index(int(np.argmax(ratio)), r.shape)
        at = ",".join(str(int(v)) for v in i)
        text += f"; {int(np.sum(bad))}/{r.size} beyond 1e-5 + 1e-4*|r| (worst at [{at}]: got {got[i]:.8g}, ref {r[i]:.8g})"
        return False, text
    return True, text


def safe_dirname(name):
    return re.sub(r"[^A-Za-z0-9_.=+-]+", "_", name).strip("_")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kiln", help="the kiln binary")
    ap.add_argument("work", help="work directory (cases are written to <work>/cases/)")
    ap.add_argument("--only", default="", help="regex: run only the cases whose name matches (re.search)")
    ap.add_argument("--list", action="store_true", help="list the case names and exit")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per kiln exec (default 120)")
    ap.add_argument("--write-models", action="store_true",
                    help="only write every case's model to <work>/<case>.onnx (the parser fuzzer's seeds) and exit")
    args = ap.parse_args()
    define_cases()
    if args.write_models:
        import onnx
        os.makedirs(args.work, exist_ok=True)
        rng = np.random.default_rng(0)
        for c in CASES:
            onnx.save(build_model(c, rng)[0], os.path.join(args.work, safe_dirname(c.name) + ".onnx"))
        return 0
    if args.list:
        for c in CASES:
            print(c.name)
        return 0
    for k in KNOWN_FAILURES:
        if not any(c.name == k for c in CASES):
            print(f"warning: KNOWN_FAILURES names '{k}', which is not a case")
    kiln = os.path.abspath(args.kiln)
    work = os.path.abspath(args.work)
    os.makedirs(os.path.join(work, "cases"), exist_ok=True)

    seed_env = os.environ.get("KILN_TEST_SEED")
    seed = int(seed_env) if seed_env else int(np.random.SeedSequence().entropy % (1 << 63))
    print(f"seed {seed} (KILN_TEST_SEED={seed} repeats these inputs)")
    sys.stdout.flush()

    import onnx

    passed = failed = known = 0
    t_start = time.time()
    # Every importer has a case (checked when the sources are next to the script).
    missing = uncovered_importers()
    if missing is None:
        print("note: src/frontend/onnx/importers not found next to the script; importer coverage not checked")
    elif not args.only:
        for m in missing:
            print(f"FAILED coverage {m}: the op has an importer (KILN_ONNX_IMPORTER({m})) but no case here")
            failed += 1
    for c in CASES:
        if args.only and not re.search(args.only, c.name):
            continue
        rng = np.random.default_rng([zlib.crc32(c.name.encode()), seed])
        case_dir = os.path.join(work, "cases", safe_dirname(c.name))
        shutil.rmtree(case_dir, ignore_errors=True)
        os.makedirs(case_dir)
        t0 = time.time()
        error = None
        try:
            model, feeds = build_model(c, rng)
            model_path = os.path.join(case_dir, "model.onnx")
            onnx.save(model, model_path)
            ref = ort_run(model_path, feeds)
        except Exception as e:  # the test's model is wrong, or ONNX Runtime refuses it
            ref, error = None, f"test error (model or ONNX Runtime): {type(e).__name__}: {str(e).strip()[:400]}"
        results = []
        if error is None:
            got, error = run_kiln(kiln, c, model_path, feeds, case_dir, args.timeout)
        if error is not None:
            results.append((False, error))
        else:
            for o in c.outputs:
                if o not in got:
                    results.append((False, f"{o}: missing from Kiln's outputs (has {sorted(got)})"))
                else:
                    ok, text = compare(np.asarray(ref[o]), got[o])
                    results.append((ok, f"{o} {dims(ref[o].shape) or 'scalar'}: {text}"))
        ok = all(r for r, _ in results)
        text = "; ".join(t for _, t in results)
        seconds = time.time() - t0
        if c.name in KNOWN_FAILURES:
            known += 1
            status = "KNOWN" if not ok else "KNOWN (passes now: remove it from KNOWN_FAILURES)"
            print(f"{status} {c.name}: {KNOWN_FAILURES[c.name]} -- {text} [{seconds:.2f} s]")
        else:
            print(f"{'PASSED' if ok else 'FAILED'} {c.name}: {text} [{seconds:.2f} s]")
            passed += ok
            failed += not ok
        sys.stdout.flush()
    if known:
        print(f"{known} known failures (KNOWN_FAILURES), not counted")
    print(f"total {time.time() - t_start:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
