#!/usr/bin/env python3
"""The ONNX backend test suite on Kiln's CPU backend, against the committed expectations.

    run_suite.py [options] <kiln_onnx_conformance> <work-dir>

Writes the suite of the installed `onnx` package into <work-dir>/suite (make_suite.py), runs
every case through the C++ runner (parse, build with the inputs' shapes as the profile, run,
compare with the suite's tolerances), in --jobs worker processes. A worker that dies or stops
answering (--case-timeout seconds) marks the case it was on as `crash` and a new worker goes on
with the next case, so one crash never hides the others.

Each case ends as pass, fail (wrong numbers, shape or type), unsupported (the parser or the
builder refused it with a message) or crash. expected_failures.txt beside this script lists
every case that does not pass, with its status and reason. The run fails on
  - a regression: a case not listed that does not pass, or a listed case whose status changed;
  - an unexpected pass: a listed case that passes (remove it from the list);
  - any crash (never a category to keep).
--update-expectations rewrites the list from this run (crashes are still failures).
--gpu runs the cases on the CUDA backend (the runner's --gpu) against --expectations (by default
expected_failures_gpu.txt beside this script).
--write-docs PATH writes the per-op table and the score (docs/conformance.md).
--corrupt runs the parser-robustness pass instead: every model.onnx mutated (truncated, bytes
flipped, oversized dims) must end in an error or an engine, never a crash or hang.

The closing line: `passed P / failed F / unsupported U / crashed C / total T: score S%`
(score = passed over all cases, as the ONNX backend scoreboard computes it) and then
`N passed, N failed` of the expectation check.
"""
import argparse
import collections
import datetime
import json
import os
import queue
import re
import resource
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTATIONS = os.path.join(HERE, "expected_failures.txt")
EXPECTATIONS_GPU = os.path.join(HERE, "expected_failures_gpu.txt")
STATUSES = ("pass", "fail", "unsupported", "crash")


def load_expectations(path):
    expected = {}
    if not os.path.exists(path):
        return expected
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        expected[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return expected


MEMORY_GIB = int(os.environ.get("KILN_CONFORMANCE_MEMORY_GIB", "8"))


def limit_memory():
    # A runaway allocation ends the case (as a crash) instead of the machine.
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_GIB << 30, MEMORY_GIB << 30))


def runner_environment(asan, gpu=False):
    """AddressSanitizer and ThreadSanitizer reserve terabytes of address space, so an address-space limit stops the
    runner before main; under it, one allocation above the limit returns null instead (the
    runner's bad_alloc), and the address space is left alone. The CUDA driver too reserves
    more address space than any limit worth setting: a GPU run has none."""
    if gpu:
        return None, None
    if not asan:
        return None, limit_memory
    env = dict(os.environ)
    extra = f"allocator_may_return_null=1:max_allocation_size_mb={MEMORY_GIB << 10}"
    for var in ("ASAN_OPTIONS", "TSAN_OPTIONS"):  # whichever sanitizer the runner has
        env[var] = f"{env[var]}:{extra}" if env.get(var) else extra
    return env, None


def run_worker(runner, case_dirs, extra, timeout, results, asan):
    """Runs cases until all have a result; restarts the runner after a crash or hang."""
    pending = list(case_dirs)
    env, preexec = runner_environment(asan, "--gpu" in extra)
    while pending:
        proc = subprocess.Popen([runner] + extra + pending, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, preexec_fn=preexec, env=env)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout] + [lines.put(None)], daemon=True).start()
        current = None
        done = 0
        while True:
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                proc.kill()
                results[os.path.basename(current or pending[done])] = ("crash", f"no result after {timeout} s (hang)", 0)
                done += 1
                break
            if line is None:
                proc.wait()
                if current is not None or (done < len(pending) and proc.returncode != 0):
                    # Died inside a case, or before it announced one (charge the next, so that a
                    # runner that cannot start ends the run instead of restarting forever).
                    name = os.path.basename(current or pending[done])
                    results[name] = ("crash", f"the runner died (exit {proc.returncode})", 0)
                    done += 1
                elif done < len(pending):
                    for rest in pending[done:]:
                        results[os.path.basename(rest)] = ("crash", "the runner exited without a result", 0)
                    done = len(pending)
                break
            m = re.match(r"@@ start (\S+)", line)
            if m:
                current = pending[done]
                continue
            m = re.match(r"@@ result (\S+) (\S+) ([\d.]+)ms ?(.*)", line)
            if m:
                results[m.group(1)] = (m.group(2), m.group(4).strip(), float(m.group(3)))
                current = None
                done += 1
        pending = pending[done:]


def write_docs(path, index, results, summary, version, backend, expectations):
    per_op = collections.defaultdict(collections.Counter)
    for name, (status, _, _) in results.items():
        info = index.get(name, {})
        op = info.get("op", "?") if info.get("kind") == "node" else f"({info.get('kind', '?')})"
        per_op[op][status] += 1
    rows = sorted(per_op.items(), key=lambda kv: kv[0].lower())
    with open(path, "w") as f:
        f.write(f"# ONNX conformance: the backend test suite on Kiln's {backend} backend\n\n")
        f.write("Written by `tests/onnx/conformance/run_suite.py " + ("--gpu --write-docs` (`scripts/gpu conformance`, "
                "on the GPU machine).\n\n" if backend == "CUDA" else "--write-docs` (CTest `onnx_conformance`).\n\n"))
        f.write(f"- Suite: the backend test cases of the `onnx` Python package {version} (node cases generated\n"
                f"  from the package's own case definitions, seed 0; pytorch-converted, pytorch-operator and\n"
                f"  simple as shipped). Tolerances as the suite's runner: rtol 1e-3, atol 1e-7 (bfloat16 rtol 2^-6).\n")
        f.write(f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {backend} backend.\n")
        f.write(f"- **{summary}**\n")
        fixed = sum(1 for status, detail, _ in results.values() if status == "pass" and "fixed at build time" in detail)
        f.write(f"- {fixed} of the passes give some inputs' values at build time (`Parser::setInputValues`: a\n"
                f"  shape, axes or k that the case feeds as a graph input; the engine checks them on every run).\n\n")
        f.write("Every case that does not pass is listed with its reason in "
                f"`tests/onnx/conformance/{os.path.basename(expectations)}`.\n\n")
        f.write("| op | cases | pass | fail | unsupported | crash |\n| --- | --- | --- | --- | --- | --- |\n")
        for op, c in rows:
            f.write(f"| {op} | {sum(c.values())} | {c['pass']} | {c['fail']} | {c['unsupported']} | {c['crash']} |\n")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runner")
    p.add_argument("work")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--case-timeout", type=float, default=120)
    p.add_argument("--only", help="regular expression: run only the matching cases (no expectation check)")
    p.add_argument("--update-expectations", action="store_true")
    p.add_argument("--write-docs")
    p.add_argument("--corrupt", action="store_true")
    p.add_argument("--verbose", action="store_true", help="print every case's result")
    p.add_argument("--gpu", action="store_true", help="run on the CUDA backend (the current device)")
    p.add_argument("--expectations", help="the expected-failures list (default: expected_failures[_gpu].txt here)")
    p.add_argument("--asan", action="store_true", help="the runner is built with AddressSanitizer or ThreadSanitizer (no address-space limit)")
    args = p.parse_args(argv)

    import onnx

    suite = os.path.join(args.work, "suite")
    subprocess.run([sys.executable, os.path.join(HERE, "make_suite.py"), suite], check=True)
    index = json.load(open(os.path.join(suite, "cases.json")))
    names = sorted(index)
    if args.only:
        names = [n for n in names if re.search(args.only, n)]
    dirs = [os.path.join(suite, index[n]["kind"], n) for n in names]
    # Interleave so both workers get a mix of slow and fast cases.
    chunks = [dirs[i::args.jobs] for i in range(args.jobs)]
    results = {}
    extra = (["--corrupt"] if args.corrupt else []) + (["--gpu"] if args.gpu else [])
    backend = "CUDA" if args.gpu else "CPU"
    expectations = args.expectations or (EXPECTATIONS_GPU if args.gpu else EXPECTATIONS)
    start = time.time()
    threads = [threading.Thread(target=run_worker, args=(args.runner, c, extra, args.case_timeout, results, args.asan))
               for c in chunks if c]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start
    # Reasons name files relative to the suite, so the expectations do not depend on the work dir.
    prefix = os.path.join(suite, "")
    results = {n: (st, d.replace(prefix, ""), ms) for n, (st, d, ms) in results.items()}

    counts = collections.Counter(status for status, _, _ in results.values())
    total = len(names)
    summary = (f"passed {counts['pass']} / failed {counts['fail']} / unsupported {counts['unsupported']} / "
               f"crashed {counts['crash']} / total {total}: score {100.0 * counts['pass'] / max(total, 1):.1f}%")
    if args.corrupt:
        summary = (f"parser robustness: {total} models, each truncated, flipped and given huge dims: "
                   f"{counts['pass']} ended in an error or an engine, {counts['crash']} crashed or hung")
    if args.verbose or args.only:
        for n in names:
            status, detail, ms = results.get(n, ("crash", "no result", 0))
            print(f"{status:12s} {n} ({ms:.0f} ms) {detail}")
    slow = sorted(((ms, n) for n, (_, _, ms) in results.items()), reverse=True)[:3]
    print("slowest cases: " + ", ".join(f"{n} {ms / 1000:.1f} s" for ms, n in slow))
    print(f"{'corruption pass' if args.corrupt else 'conformance'}: {total} cases in {elapsed:.0f} s")

    problems = []
    for n in names:
        status, detail, _ = results.get(n, ("crash", "no result", 0))
        if status == "crash":
            problems.append(f"CRASH       {n}: {detail}")
    if not args.corrupt and not args.only:
        expected = load_expectations(expectations)
        if args.update_expectations:
            with open(expectations, "w") as f:
                f.write(f"# Cases of the ONNX backend suite that do not pass on Kiln's {backend} backend: <case> <status>\n"
                        "# <reason>. Written by run_suite.py --update-expectations; the CTest onnx_conformance\n"
                        "# fails when a case's status differs from this list (regression or unexpected pass).\n")
                for n in names:
                    status, detail, _ = results[n]
                    if status in ("fail", "unsupported"):
                        f.write(f"{n} {status} {detail}\n")
            expected = load_expectations(expectations)
        for n in names:
            status = results.get(n, ("crash", "", 0))[0]
            want = expected.get(n, ("pass", ""))[0]
            if status != want and status != "crash":
                kind = "UNEXPECTED PASS" if status == "pass" else "REGRESSION"
                problems.append(f"{kind:11s} {n}: {status} (expected {want}) {results[n][1]}")
        for n in expected:
            if n not in index:
                problems.append(f"STALE       {n}: listed in {os.path.basename(expectations)} but not in the suite")
        if args.write_docs:
            write_docs(args.write_docs, index, results, summary, onnx.__version__, backend, expectations)
    for line in problems:
        print(line)
    print(summary)
    print(f"{total - len(problems)} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
