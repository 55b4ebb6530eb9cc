#!/usr/bin/env python3
"""Checks kiln exec's --exportProfile and --exportTimes files (trtexec's layouts).

Usage: check_exports.py <profile.json> <times.json> <runs>
Prints "profile json ok" when the profile starts with {"count": runs}, then per-layer entries
with trtexec's keys in trtexec's order, and the times hold one entry per run.
"""
import json
import sys


def main():
    profile_path, times_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    profile = json.load(open(profile_path))
    times = json.load(open(times_path))
    assert profile[0] == {"count": runs}, profile[0]
    assert len(profile) > 1, "no layers in the profile"
    for layer in profile[1:]:
        assert list(layer) == ["name", "timeMs", "averageMs", "medianMs", "percentage"], list(layer)
    assert abs(sum(l["percentage"] for l in profile[1:]) - 100) < 1e-3
    assert len(times) == runs, len(times)
    for key in ("startComputeMs", "endComputeMs", "computeMs", "latencyMs", "h2dMs", "d2hMs"):
        assert key in times[0], key
    print("profile json ok")


if __name__ == "__main__":
    main()
