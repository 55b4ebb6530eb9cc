#!/usr/bin/env python3
"""Kiln against ONNX Runtime on real and synthetic ONNX models, on fresh random inputs.

    check_models.py [options] <kiln-binary> <work-dir>
    check_models.py --reference-only [options] <work-dir>

For each model and each of its input sizes, draws a fresh random input, runs it through ONNX
Runtime (CPUExecutionProvider, the reference) and through `kiln exec` (the CLI, building the
engine from the ONNX file), and compares every output of the model. The OCR models also run on
an image the test draws (text, black on white, Pillow's default font), normalized as rapidocr
normalizes it.

Models (the synthetic ones are written by make_models.py into <work-dir> when missing or older
than make_models.py):
  resnet        resnet.onnx, x [N,3,32,32]: N = 1 and 4, inputs uniform in [-1, 1]
  transformer   transformer.onnx, x [batch,seq,64]: 1x16x64 and 2x40x64, inputs standard normal
  ocr_det       PaddleOCR ch_PP-OCRv4_det_infer.onnx: 1x3x96x160 and 1x3x160x256, and the image.
                On noise its probability map lies deep in the final Sigmoid's tail (logits -45..-5,
                max probability 1e-7..1e-2), where any relative error is noise (ONNX Runtime
                differs from itself by 40% there), so the random cases run a copy of the model
                without that Sigmoid (written to <work-dir>/ocr_det_logits.onnx; output: the
                logits) and the image case runs the model as shipped.
  ocr_cls       PaddleOCR ch_ppocr_mobile_v2.0_cls_infer.onnx: 1x3x48x192 and 3x3x48x192, image
  ocr_rec       PaddleOCR ch_PP-OCRv4_rec_infer.onnx: 1x3x48x160 and 1x3x48x320, and the image
  (the OCR models are those shipped in the PyPI package rapidocr-onnxruntime; random inputs
  are uniform in [-1, 1], the range of a normalized image)

Kiln is run as
  kiln exec --onnx=M --minShapes=x:MIN --optShapes=x:S --maxShapes=x:MAX --shapes=x:S
            --loadInputs=x:in.npy --exportOutput=out.json --iterations=1 --warmUp=0 --duration=0
where MIN/MAX are the elementwise min/max of the model's sizes (so every engine has a real
dynamic range); --static-shapes passes only --shapes=x:S; --kiln-arg=A adds A (e.g.
--kiln-arg=--backend=cuda). Each case's files (in.npy, out.json, command.txt, kiln.log) stay in
<work-dir>/cases/<case>/.

The metric. For a reference tensor r (ONNX Runtime) and Kiln's k, in float64:
    floor   = max(1e-3 * max|r|, 1e-30)
    rel(i)  = |k_i - r_i| / max(|r_i|, floor)
    max relative error = max_i rel(i)
i.e. the usual relative error, except that elements smaller than a thousandth of the tensor's
largest magnitude are judged against that thousandth (a plain |k-r|/|r| is meaningless near
zero). A case passes when every output has the reference's shape, no NaN/Inf where the reference
is finite, and max relative error <= 1e-4 (the issue's acceptance). Max absolute error is
reported too, with the element where the relative error is largest. --floor-fraction and
--tolerance change 1e-3 and 1e-4.

Each line also gives ONNX Runtime's own spread on the same input: the same metric between
ONNX Runtime with all graph optimizations (the reference) and with none ("ort self"). It says
how much of a difference float32 rounding alone gives on that model: a Kiln error near it is
rounding, one far above it is a bug. For every model the line also gives
both runtimes' error against an exact float64 evaluation (onnx.reference.ReferenceEvaluator on
the model converted to float64): "f64: kiln A, ort B", the same metric. These figures are
diagnostics, with one use: on the synthetic transformer float32 rounding alone reaches 1e-4
(ONNX Runtime differs from itself by up to 2.5e-4 there), so a case whose error against ONNX
Runtime exceeds the tolerance still passes if Kiln is within the tolerance of the exact result
or within three times the input's float32 noise, the larger of ONNX Runtime's distance from the
exact result and its own spread ("ort self"); the line says "(judged against the exact
result)". Over 80 cases Kiln stayed within 1.9 times that noise (ONNX Runtime itself reaches
2.7e-4 from the exact result); a real bug is far above. (The reference evaluator is
run with an inference-mode BatchNormalization of this file's: its own opset-9 version computes
training statistics when the node has a momentum attribute, as the OCR models' nodes do.)
Where the exact evaluation fails (an op the reference evaluator lacks), a case beyond the
tolerance passes if it is within twice ONNX Runtime's own spread on that input ("ort self", capped at 10x the tolerance):
ONNX Runtime's sigmoid is quantized near 0, and on the drawn image that alone gives 1.2e-4;
the line says "(within twice ONNX Runtime's own spread)".

Seeds: the inputs are fresh on every run (np.random.default_rng from OS entropy); the seed is
printed, and KILN_TEST_SEED=<seed> repeats a run exactly. Each case's generator is
default_rng([crc32(case name), seed]), so a filtered run (--only) draws the same inputs.

--reference-only: no Kiln; compares ONNX Runtime with all graph optimizations against ONNX
Runtime with none, which shows the float32 noise floor of the metric on these models.

Output: one line per case, PASSED or FAILED with the figures (and Kiln's error message when it
fails to run), then `N passed, N failed`. Exit status 1 on any failure.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import time
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-4        # default of --tolerance
FLOOR_FRACTION = 1e-3   # default of --floor-fraction
TEXT = "Kiln 2026 ONNX"


# ---------------------------------------------------------------------------------------------
# Models and cases


def ocr_model_dir():
    # $KILN_OCR_MODELS: a copy of the package's models folder (the GPU machine cannot pip install).
    if os.environ.get("KILN_OCR_MODELS"):
        return os.environ["KILN_OCR_MODELS"]
    try:
        import rapidocr_onnxruntime
    except ImportError:
        return None
    return os.path.join(os.path.dirname(rapidocr_onnxruntime.__file__), "models")


def model_table(work):
    ocr = ocr_model_dir()
    ocr_path = (lambda f: os.path.join(ocr, f)) if ocr else (lambda f: None)
    # name -> (path, input name, sizes, random distribution, image?)
    return {
        "resnet": (os.path.join(work, "resnet.onnx"), "x", [(1, 3, 32, 32), (4, 3, 32, 32)], "uniform", False),
        "transformer": (os.path.join(work, "transformer.onnx"), "x", [(1, 16, 64), (2, 40, 64)], "normal", False),
        "ocr_det": (ocr_path("ch_PP-OCRv4_det_infer.onnx"), "x", [(1, 3, 96, 160), (1, 3, 160, 256)], "uniform",
                    True),
        "ocr_cls": (ocr_path("ch_ppocr_mobile_v2.0_cls_infer.onnx"), "x", [(1, 3, 48, 192), (3, 3, 48, 192)],
                    "uniform", True),
        "ocr_rec": (ocr_path("ch_PP-OCRv4_rec_infer.onnx"), "x", [(1, 3, 48, 160), (1, 3, 48, 320)], "uniform", True),
    }


def ensure_synthetic_models(work):
    """Runs make_models.py into `work` when a model is missing or older than the script."""
    script = os.path.join(HERE, "make_models.py")
    wanted = [os.path.join(work, f) for f in ("resnet.onnx", "transformer.onnx")]
    if all(os.path.exists(p) and os.path.getmtime(p) >= os.path.getmtime(script) for p in wanted):
        return
    subprocess.run([sys.executable, script, work], check=True, stdout=subprocess.DEVNULL)


def without_final_sigmoid(path, out_path):
    """Writes a copy of the model whose output is the input of its final Sigmoid (the logits)."""
    import onnx

    if os.path.exists(out_path) and os.path.getmtime(out_path) >= os.path.getmtime(path):
        return out_path
    model = onnx.load(path)
    last = model.graph.node[-1]
    if last.op_type != "Sigmoid" or len(model.graph.output) != 1 or model.graph.output[0].name != last.output[0]:
        raise RuntimeError(f"{path}: expected a graph ending in Sigmoid")
    model.graph.node.remove(last)
    model.graph.output[0].name = last.input[0]
    onnx.save(model, out_path + ".tmp")
    os.replace(out_path + ".tmp", out_path)
    return out_path


def _inference_batch_normalization():
    """BatchNormalization in inference mode at every opset. (onnx.reference's opset-9 version
    computes training statistics whenever the node carries a momentum attribute, which exporters
    such as paddle2onnx write on inference graphs.)"""
    from onnx.reference.op_run import OpRun

    class BatchNormalization(OpRun):
        op_domain = ""

        def _run(self, x, scale, bias, mean, var, epsilon=None, momentum=None, training_mode=None, spatial=None,
                 is_test=None):
            shape = (-1,) + (1,) * (x.ndim - 2)
            eps = 1e-5 if epsilon is None else epsilon
            y = scale.reshape(shape) * (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
            return ((y + bias.reshape(shape)).astype(x.dtype),)

    return BatchNormalization


def float64_evaluator(path):
    """onnx.reference.ReferenceEvaluator on a float64 copy of the model (float32 initializers,
    Constant values, inputs and outputs made float64), or None when that fails."""
    try:
        import onnx
        from onnx import TensorProto, numpy_helper
        from onnx.reference import ReferenceEvaluator

        model = onnx.load(path)
        for i, t in enumerate(model.graph.initializer):
            a = numpy_helper.to_array(t)
            if a.dtype == np.float32:
                model.graph.initializer[i].CopyFrom(numpy_helper.from_array(a.astype(np.float64), t.name))
        for node in model.graph.node:
            for attr in node.attribute:
                if node.op_type == "Constant" and attr.name == "value" and attr.t.data_type == TensorProto.FLOAT:
                    attr.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(attr.t).astype(np.float64)))
        for v in list(model.graph.input) + list(model.graph.output):
            if v.type.tensor_type.elem_type == TensorProto.FLOAT:
                v.type.tensor_type.elem_type = TensorProto.DOUBLE
        del model.graph.value_info[:]
        return ReferenceEvaluator(model, new_ops=[_inference_batch_normalization()])
    except Exception:  # a diagnostic only: no figure rather than no test
        return None


def text_image(shape):
    """The test's image: TEXT black on white, resized to the input's HxW, normalized as rapidocr
    does ((img/255 - 0.5) / 0.5, channels first), repeated over the batch."""
    from PIL import Image, ImageDraw, ImageFont

    n, c, h, w = shape
    canvas = Image.new("RGB", (16 * len(TEXT) + 16, 48), "white")
    try:
        font = ImageFont.load_default(size=28)  # Pillow >= 10.1 with FreeType: a scalable font
    except TypeError:
        font = ImageFont.load_default()
    ImageDraw.Draw(canvas).text((8, 8), TEXT, fill="black", font=font)
    img = np.asarray(canvas.resize((w, h), Image.BILINEAR), dtype=np.float32)  # H,W,3
    x = ((img / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[:c]
    return np.ascontiguousarray(np.broadcast_to(x, (n, c, h, w)), dtype=np.float32)


def random_input(rng, shape, dist):
    if dist == "uniform":
        return rng.uniform(-1.0, 1.0, shape).astype(np.float32)
    return rng.standard_normal(shape).astype(np.float32)


def dims(shape):
    return "x".join(str(d) for d in shape)


# ---------------------------------------------------------------------------------------------
# Running


def ort_session(path, optimize=True):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    if not optimize:
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def run_kiln(kiln, model, input_name, x, profile, case_dir, static, timeout, extra):
    """Returns ({name: array}, None) or (None, error text)."""
    os.makedirs(case_dir, exist_ok=True)
    npy = os.path.join(case_dir, "in.npy")
    out_json = os.path.join(case_dir, "out.json")
    np.save(npy, x)
    if os.path.exists(out_json):
        os.remove(out_json)
    shape = dims(x.shape)
    cmd = [kiln, "exec", f"--onnx={model}"]
    if not static:
        lo, hi = profile
        cmd += [f"--minShapes={input_name}:{dims(lo)}", f"--optShapes={input_name}:{shape}",
                f"--maxShapes={input_name}:{dims(hi)}"]
    cmd += [f"--shapes={input_name}:{shape}", f"--loadInputs={input_name}:{npy}", f"--exportOutput={out_json}",
            "--iterations=1", "--warmUp=0", "--duration=0"] + extra
    with open(os.path.join(case_dir, "command.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"kiln exec timed out after {timeout} s: {' '.join(cmd)}"
    except OSError as e:
        return None, f"cannot run {kiln}: {e}"
    with open(os.path.join(case_dir, "kiln.log"), "w") as f:
        f.write(p.stdout)
    if p.returncode != 0 or not os.path.exists(out_json):
        # Kiln's error lines: "[E] ..." or "[<timestamp>] [E] ..." (also [F], internal errors)
        lines = [l for l in p.stdout.splitlines() if re.match(r"^(\[[^\]]*\] )?\[(E|F|!)\]", l)]
        lines = lines or p.stdout.strip().splitlines()[-5:]
        return None, f"kiln exec exited {p.returncode}: " + " | ".join(l.strip() for l in lines[:6])
    try:
        entries = json.load(open(out_json))
        result = {}
        for e in entries:
            d = e.get("dimensions", [])
            if isinstance(d, str):
                d = [int(v) for v in d.split("x")] if d else []
            values = e.get("values")
            if values is None:
                return None, f"--exportOutput has no values for '{e.get('name')}'"
            a = np.asarray(values, dtype=np.float64)
            if a.size != int(np.prod(d)):
                return None, f"--exportOutput '{e.get('name')}': {a.size} values for dimensions {dims(d)}"
            result[e["name"]] = a.reshape(d)
        return result, None
    except (ValueError, KeyError, TypeError) as e:
        return None, f"cannot read {out_json}: {e}"


def metric(ref, got, floor_fraction):
    """The maximum relative error (see the docstring) and the index where it is reached."""
    scale = float(np.max(np.abs(ref)))
    floor = max(floor_fraction * scale, 1e-30)
    rel = np.abs(got - ref) / np.maximum(np.abs(ref), floor)
    i = np.unravel_index(int(np.argmax(rel)), rel.shape)
    return float(rel[i]), i, scale


def compare(ref, got, floor_fraction, tolerance):
    """Returns (ok, text) for one output."""
    ref = np.asarray(ref, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    if got.shape != ref.shape:
        return False, f"shape {dims(got.shape)}, expected {dims(ref.shape)}"
    if ref.size == 0:
        return True, "empty"
    if not np.all(np.isfinite(got[np.isfinite(ref)])):
        bad = int(np.sum(~np.isfinite(got) & np.isfinite(ref)))
        return False, f"{bad} non-finite values (NaN/Inf) where the reference is finite"
    max_rel, i, scale = metric(ref, got, floor_fraction)
    ok = max_rel <= tolerance
    at = ",".join(str(int(v)) for v in i)
    return ok, (f"max rel {max_rel:.2e}, max abs {float(np.max(np.abs(got - ref))):.2e} (max|ref| {scale:.3g}; "
                f"worst at [{at}]: got {got[i]:.7g}, ref {ref[i]:.7g})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", help="<kiln-binary> <work-dir> (only <work-dir> with --reference-only)")
    ap.add_argument("--reference-only", action="store_true",
                    help="no Kiln: only ONNX Runtime optimized vs unoptimized (the 'ort self' figures)")
    ap.add_argument("--only", default="", help="comma-separated model names to run (default: all)")
    ap.add_argument("--floor-fraction", type=float, default=FLOOR_FRACTION,
                    help=f"the metric's floor as a fraction of max|ref| (default {FLOOR_FRACTION:g})")
    ap.add_argument("--tolerance", type=float, default=TOLERANCE,
                    help=f"largest max relative error that passes (default {TOLERANCE:g})")
    ap.add_argument("--static-shapes", action="store_true", help="pass only --shapes (min = opt = max)")
    ap.add_argument("--kiln-arg", action="append", default=[],
                    help="one more argument for kiln exec (repeatable), e.g. --kiln-arg=--backend=cuda")
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("KILN_MODELS_TIMEOUT", 600)),
                    help="seconds per kiln exec (default 600, or $KILN_MODELS_TIMEOUT)")
    args = ap.parse_args()
    if args.reference_only:
        if len(args.paths) != 1:
            ap.error("--reference-only takes <work-dir> only")
        kiln, work = None, args.paths[0]
    else:
        if len(args.paths) != 2:
            ap.error("expected <kiln-binary> <work-dir>")
        kiln, work = os.path.abspath(args.paths[0]), args.paths[1]
    work = os.path.abspath(work)
    os.makedirs(work, exist_ok=True)

    seed_env = os.environ.get("KILN_TEST_SEED")
    seed = int(seed_env) if seed_env else int(np.random.SeedSequence().entropy % (1 << 63))
    print(f"seed {seed} (KILN_TEST_SEED={seed} repeats these inputs)")
    sys.stdout.flush()
    ensure_synthetic_models(work)

    table = model_table(work)
    only = [m for m in args.only.split(",") if m]
    unknown = [m for m in only if m not in table]
    if unknown:
        ap.error(f"unknown model(s) {unknown}; known: {list(table)}")
    passed = failed = 0
    for name, (path, input_name, sizes, dist, image) in table.items():
        if only and name not in only:
            continue
        cases = [(f"{name} {input_name}:{dims(s)} random", s, "random") for s in sizes]
        if image:
            cases.append((f"{name} {input_name}:{dims(sizes[0])} image", sizes[0], "image"))
        if path is None or not os.path.exists(path):
            for label, _, _ in cases:
                print(f"FAILED {label}: model file not found ({path or 'rapidocr_onnxruntime is not installed'})")
                failed += 1
            continue
        lo = tuple(min(s[i] for s in sizes) for i in range(len(sizes[0])))
        hi = tuple(max(s[i] for s in sizes) for i in range(len(sizes[0])))
        sessions = {}
        for label, shape, kind in cases:
            case_model = path
            if name == "ocr_det" and kind == "random":
                case_model = without_final_sigmoid(path, os.path.join(work, "ocr_det_logits.onnx"))
            if case_model not in sessions:
                sessions[case_model] = (ort_session(case_model), ort_session(case_model, optimize=False),
                                        float64_evaluator(case_model))
            ref_session, noopt_session, exact_session = sessions[case_model]
            output_names = [o.name for o in ref_session.get_outputs()]
            rng = np.random.default_rng([zlib.crc32(label.encode()), seed])
            x = text_image(shape) if kind == "image" else random_input(rng, shape, dist)
            ref = dict(zip(output_names, ref_session.run(None, {input_name: x})))
            noopt = dict(zip(output_names, noopt_session.run(None, {input_name: x})))
            exact = None
            if exact_session is not None:
                try:
                    exact = dict(zip(output_names, exact_session.run(None, {input_name: x.astype(np.float64)})))
                except Exception:
                    exact = None
            t0 = time.time()
            if args.reference_only:
                got, error = noopt, None
            else:
                case_dir = os.path.join(work, "cases", label.replace(" ", "_").replace(":", "_"))
                got, error = run_kiln(kiln, case_model, input_name, x, (lo, hi), case_dir, args.static_shapes,
                                      args.timeout, args.kiln_arg)
            seconds = time.time() - t0
            results = []
            for o in output_names:
                self_rel = metric(ref[o].astype(np.float64), noopt[o].astype(np.float64), args.floor_fraction)[0]
                if error:
                    results.append((False, f"{o}: {error}"))
                elif o not in got:
                    results.append((False, f"{o}: missing from Kiln's outputs (has {sorted(got)})"))
                else:
                    r_ok, r_text = compare(ref[o], got[o], args.floor_fraction, args.tolerance)
                    results.append((r_ok, f"{o}: {r_text}"))
                note = f"ort self {self_rel:.1e}"
                if exact is not None:
                    e = np.asarray(exact[o], dtype=np.float64)
                    k_exact = "-"
                    ort_exact = metric(e, ref[o].astype(np.float64), args.floor_fraction)[0]
                    if not error and o in got and got[o].shape == e.shape:
                        k_err = metric(e, got[o], args.floor_fraction)[0]
                        k_exact = f"{k_err:.1e}"
                        # Beyond the tolerance against ONNX Runtime, a case still passes when
                        # Kiln is within the tolerance of the exact result, or within three times
                        # this input's float32 noise: the larger of ONNX Runtime's distance from
                        # the exact result and its own spread (over 80 cases Kiln stayed within
                        # 1.9 times it; one of them alone is a noisy maximum, and twice ONNX
                        # Runtime's distance failed 5% of runs; a bug is far above).
                        noise = max(ort_exact, self_rel)
                        if not results[-1][0] and k_err <= max(args.tolerance, 3 * noise):
                            results[-1] = (True, results[-1][1] + " (judged against the exact result)")
                    note += f"; f64: kiln {k_exact}, ort {ort_exact:.1e}"
                elif not results[-1][0] and not error and o in got and got[o].shape == ref[o].shape:
                    # No exact result (the evaluator failed): ONNX Runtime's own spread on this input is
                    # the measure of float32 noise. Its sigmoid is quantized near 0 (steps of
                    # 2^-24 from 0.5 + ...), which alone reaches 1.2e-4 on the drawn image.
                    k_err = metric(ref[o].astype(np.float64), got[o].astype(np.float64), args.floor_fraction)[0]
                    if k_err <= min(2 * self_rel, 10 * args.tolerance):
                        results[-1] = (True, results[-1][1] + " (within twice ONNX Runtime's own spread)")
                results[-1] = (results[-1][0], results[-1][1] + f" [{note}]")
            ok = all(r for r, _ in results)
            text = "; ".join(t for _, t in results)
            print(f"{'PASSED' if ok else 'FAILED'} {label}: {text} [{seconds:.1f} s]")
            sys.stdout.flush()
            passed += ok
            failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
