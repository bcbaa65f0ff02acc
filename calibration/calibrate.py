#!/usr/bin/env python3
"""Calibrate povsim's defaults to the targets in data/calibration_targets.csv.

The documented, repeatable procedure of docs/MODEL.md ("Calibration"): a Latin hypercube over the
parameters and prior ranges of a calibration file (calibration/v2.toml), then rounds of local
refinement around the best point with the ranges shrunk, every point run with `povsim run` and
the same seeds (common random numbers), scored by the weighted sum of squared standardised
distances to the *fitting* targets. Validation-only targets are printed, never scored.

Usage (from the repository root, after `cargo build --release`):

    python3 calibration/calibrate.py calibration/v2.toml

Writes calibration/fit.csv (every point: parameters, statistics, distance) and
calibration/best.toml (the best point as a scenario that `povsim run` accepts), and prints the fit
table (target, observed, model, standardised distance). Uses only the Python standard library.
"""

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POVSIM = os.path.join(ROOT, "target", "release", "povsim")


def read_targets(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def years(spec):
    if "-" in spec:
        a, b = spec.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(spec)]


def statistic(spec, rows):
    """Evaluate a target's statistic on annual.csv rows (all replicates).

    annual_mean:COL:YEARS      mean of COL over replicates and years (empty cells skipped)
    annual_ratio:A:B:YEARS     sum of A over replicates and years / sum of B
    """
    kind, *args = spec.split(":")
    if kind == "annual_mean":
        col, ys = args[0], set(years(args[1]))
        vals = [float(r[col]) for r in rows if int(r["year"]) in ys and r.get(col, "") != ""]
        return sum(vals) / len(vals) if vals else None
    if kind == "annual_ratio":
        a, b, ys = args[0], args[1], set(years(args[2]))
        num = sum(float(r[a] or 0) for r in rows if int(r["year"]) in ys)
        den = sum(float(r[b] or 0) for r in rows if int(r["year"]) in ys)
        return num / den if den > 0 else None
    raise ValueError(f"unknown statistic kind {kind!r} in {spec!r}")


def run_point(values, config, workdir, index):
    out = os.path.join(workdir, f"p{index}")
    cmd = [POVSIM, "run", config["base"], "--out", out, "--quiet",
           "--replicates", str(config["replicates"]), "--seed", str(config["seed"])]
    for key, value in config.get("set", {}).items():
        cmd += ["--set", f"{key}={value}"]
    for key, value in values.items():
        cmd += ["--set", f"{key}={value}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"povsim failed for {values}:\n{done.stderr}")
    with open(os.path.join(out, "annual.csv"), newline="") as f:
        return list(csv.DictReader(f))


def score(rows, targets):
    total, stats = 0.0, {}
    for t in targets:
        try:
            value = statistic(t["statistic"], rows)
        except KeyError:
            value = None  # the model does not write this column
        stats[t["name"]] = value
        if t["use"] == "fit" and value is not None:
            total += ((value - float(t["observed"])) / float(t["sd"])) ** 2
    return total, stats


def latin_hypercube(ranges, n, rng):
    columns = {}
    for key, (low, high) in ranges.items():
        cells = [(i + rng.random()) / n for i in range(n)]
        rng.shuffle(cells)
        columns[key] = [low + c * (high - low) for c in cells]
    return [{k: columns[k][i] for k in ranges} for i in range(n)]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        config = tomllib.load(f)
    targets = read_targets(os.path.join(ROOT, config.get("targets", "data/calibration_targets.csv")))
    ranges = {k: tuple(v) for k, v in config["parameters"].items()}
    rng = random.Random(config["seed"])
    results = []
    with tempfile.TemporaryDirectory() as work:
        # The shipped defaults first, scored the same way, so the fit table shows what the
        # calibration changed.
        default_distance, default_stats = score(run_point({}, config, work, "defaults"), targets)
        print(f"defaults: distance {default_distance:.2f}", file=sys.stderr)
        index = 0
        points = latin_hypercube(ranges, config["points"], rng)
        for round_number in range(config["rounds"] + 1):
            for values in points:
                rows = run_point(values, config, work, index)
                distance, stats = score(rows, targets)
                results.append((distance, round_number, values, stats))
                index += 1
            best = min(results, key=lambda r: r[0])
            print(f"round {round_number}: {len(points)} points, best distance {best[0]:.2f}",
                  file=sys.stderr)
            shrink = config["shrink"] ** (round_number + 1)
            local = {}
            for k, (low, high) in ranges.items():
                half = (high - low) * shrink / 2
                centre = best[2][k]
                local[k] = (max(low, centre - half), min(high, centre + half))
            points = latin_hypercube(local, config["refine_points"], rng)
    results.sort(key=lambda r: r[0])
    with open(os.path.join(ROOT, "calibration", "fit.csv"), "w", newline="") as f:
        w = csv.writer(f)
        names = [t["name"] for t in targets]
        w.writerow(["rank", "round", "distance", *ranges, *names])
        for rank, (d, rnd, values, stats) in enumerate(results, 1):
            w.writerow([rank, rnd, f"{d:.4f}", *(f"{values[k]:.6g}" for k in ranges),
                        *("" if stats[n] is None else f"{stats[n]:.6g}" for n in names)])
    distance, _, values, stats = results[0]
    with open(os.path.join(ROOT, "calibration", "best.toml"), "w") as f:
        f.write(f'# Best point of calibration/calibrate.py {sys.argv[1]} (distance {distance:.2f}).\n')
        f.write('name = "calibrated"\n')
        sections = {}
        for key, value in values.items():
            section, leaf = key.rsplit(".", 1)
            sections.setdefault(section, []).append((leaf, value))
        for section, items in sections.items():
            f.write(f"[{section}]\n")
            for leaf, value in items:
                f.write(f"{leaf} = {value:.4g}\n")
    print(f"best distance {distance:.2f} with " +
          ", ".join(f"{k} = {v:.4g}" for k, v in values.items()))
    print(f"defaults distance {default_distance:.2f}")
    print(f"{'target':<22} {'use':<9} {'observed':>10} {'sd':>8} {'defaults':>10} {'z':>7}"
          f" {'best':>10} {'z':>7}")
    for t in targets:
        cells = []
        for v in (default_stats[t["name"]], stats[t["name"]]):
            z = "" if v is None else f"{(v - float(t['observed'])) / float(t['sd']):+.2f}"
            shown = "(missing)" if v is None else f"{v:.4g}"
            cells.append(f"{shown:>10} {z:>7}")
        print(f"{t['name']:<22} {t['use']:<9} {float(t['observed']):>10.4g}"
              f" {float(t['sd']):>8.4g} {cells[0]} {cells[1]}")


if __name__ == "__main__":
    main()
