#!/usr/bin/env python3
"""Speed ratio and trajectory agreement between povsim and its Mesa peer.

Called by ``benches/compare_peer.sh``; usable on its own::

    python compare.py --povsim-dir OUT --povsim-seconds S [--povsim-bench RUNS.txt] \\
        --mesa-csv a.csv b.csv --mesa-timing a.json b.json --mesa-process-seconds S2

Speed is household-months per second. Like for like, model time against model time: the Mesa
peer's own model time (initialisation and steps, without the Python start-up and imports)
against `povsim bench` (initialisation and steps, no output), one line "household-months
seconds" per run in RUNS.txt, run k timed right after Mesa seed k. Three ratios are printed:
the median of the paired ratios (run k over seed k), which is the verdict, because each pair
ran under nearly the same conditions on a machine whose speed drifts with its other tenants;
the pooled ratio (all household-months over all seconds, each side); and best run against best
seed. Whole process against whole process is printed for information: the whole `povsim run`
(CSV, JSON and charts included) against the wall time of the Mesa processes.

Agreement: for each year's December and each indicator (registered / households, truly poor /
households), povsim's replicate 5-95% band is widened on each side by a tolerance and must
contain the mean of the Mesa seeds. The tolerance is `tol_se` (default 2) standard errors of
the estimated band edge: with R replicates of standard deviation s, a 5% or 95% quantile is
estimated with standard error sqrt(0.05 x 0.95 / R) / phi(1.645) x s (about 0.33 s at R = 40).
The mean of S Mesa seeds has standard deviation s / sqrt(S), well inside the band if the two
models agree; the z column (difference of means over s x sqrt(1/R + 1/S), povsim's replicate
SD standing for both) is printed as a more sensitive diagnostic but does not enter the
verdict.

Exit status: 0 whatever the verdict (it is printed); 2 on bad input.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
from collections import defaultdict

INDICATORS = (("registered", "registered"), ("truly_poor", "truly poor"))
PHI_AT_Z95 = math.exp(-0.5 * 1.6448536269514722**2) / math.sqrt(2.0 * math.pi)


def quantile(values, q):
    """Linear-interpolation quantile (numpy's default 'linear' method)."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = q * (len(xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def read_povsim(path):
    """Per replicate: households (first month) and December shares by year."""
    households = {}
    months = defaultdict(int)
    dec = defaultdict(lambda: defaultdict(dict))  # year -> indicator -> replicate -> share
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            r = int(row["replicate"])
            months[r] += 1
            h = float(row["households"])
            households.setdefault(r, h)
            year, month = row["month"].split("-")
            if month == "12":
                for key, _ in INDICATORS:
                    dec[int(year)][key][r] = float(row[key]) / h
    return households, months, dec


def read_mesa(path):
    dec = defaultdict(dict)
    households = None
    months = 0
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            months += 1
            h = float(row["households"])
            households = households or h
            year, month = row["month"].split("-")
            if month == "12":
                for key, _ in INDICATORS:
                    dec[int(year)][key] = float(row[key]) / h
    return households, months, dec


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="povsim vs Mesa peer: speed and agreement")
    ap.add_argument("--povsim-dir", required=True, help="povsim results folder")
    ap.add_argument("--povsim-seconds", type=float, required=True, help="povsim wall time")
    ap.add_argument(
        "--povsim-bench",
        default=None,
        help="povsim bench runs, one 'household-months seconds' line each, paired with the seeds",
    )
    ap.add_argument("--mesa-csv", nargs="+", required=True, help="Mesa trajectories")
    ap.add_argument("--mesa-timing", nargs="+", required=True, help="Mesa timing JSON files")
    ap.add_argument(
        "--mesa-process-seconds", type=float, default=None, help="Mesa processes' wall time"
    )
    ap.add_argument("--tol-se", type=float, default=2.0, help="band widening, in band-edge SEs")
    ap.add_argument("--target", type=float, default=100.0, help="speed ratio target")
    args = ap.parse_args(argv)

    try:
        p_house, p_months, p_dec = read_povsim(f"{args.povsim_dir}/timeseries.csv")
        mesa = [read_mesa(p) for p in args.mesa_csv]
        timings = []
        for p in args.mesa_timing:
            with open(p) as fh:
                timings.append(json.load(fh))
        bench_runs = []
        if args.povsim_bench:
            with open(args.povsim_bench) as fh:
                for line in fh:
                    if line.strip():
                        hm, secs = line.split()
                        bench_runs.append((float(hm), float(secs)))
    except (OSError, KeyError, ValueError) as err:
        print(f"compare.py: {err}", file=sys.stderr)
        return 2
    if not p_house or not mesa:
        print("compare.py: no povsim replicate or no Mesa run to compare", file=sys.stderr)
        return 2

    # ---- speed ---------------------------------------------------------------------------
    reps = sorted(p_house)
    p_hm = sum(p_house[r] * p_months[r] for r in reps)
    p_rate = p_hm / args.povsim_seconds
    m_hm = sum(t["household_months"] for t in timings)
    m_model_s = sum(t["model_seconds"] for t in timings)
    m_rate = m_hm / m_model_s
    p_villages = None
    try:
        import tomllib

        with open(f"{args.povsim_dir}/scenario.toml", "rb") as fh:
            p_villages = tomllib.load(fh)["population"]["villages"]
    except Exception:  # the village count is only printed
        pass
    print()
    print("Speed (one thread each), household-months per second")
    print(
        f"  povsim      {len(reps):3d} replicates x {p_villages} villages, "
        f"{statistics.mean(p_house.values()):,.0f} households on average, "
        f"{max(p_months.values())} months: {p_hm:,.0f} household-months in "
        f"{args.povsim_seconds:.2f} s (whole process, output and charts included) "
        f"= {p_rate:,.0f} /s"
    )
    print(
        f"  Mesa peer   {len(timings):3d} seeds      x {timings[0]['villages']} villages, "
        f"{statistics.mean(t['households'] for t in timings):,.0f} households on average, "
        f"{timings[0]['months']} months: {m_hm:,.0f} household-months in {m_model_s:.2f} s "
        f"(model time: initialisation and steps) = {m_rate:,.0f} /s"
    )
    # Like for like: model time against model time (povsim bench: initialisation and steps, no
    # output), and whole process against whole process.
    if bench_runs:
        b_rates = [hm / secs for hm, secs in bench_runs]
        m_rates = [t["household_months"] / t["model_seconds"] for t in timings]
        pooled = sum(hm for hm, _ in bench_runs) / sum(secs for _, secs in bench_runs)
        print(
            f"  povsim      model time (povsim bench: initialisation and steps, no output), "
            f"{len(b_rates)} runs: pooled {pooled:,.0f} /s, runs "
            + ", ".join(f"{r / 1e6:.1f}" for r in b_rates)
            + " million/s"
        )
        paired = [b / m for b, m in zip(b_rates, m_rates)]
        print(
            "  paired ratios (povsim run k / Mesa seed k, run right after it): "
            + ", ".join(f"{r:,.0f}x" for r in paired)
        )
        print(
            f"  pooled ratio {pooled / m_rate:,.0f}x; best run vs best seed "
            f"{max(b_rates) / max(m_rates):,.0f}x"
        )
        ratio = statistics.median(paired)
        basis = "model time vs model time, median of the paired runs"
    else:
        ratio = p_rate / m_rate
        basis = "povsim whole process vs Mesa model time"
    verdict = "met" if ratio >= args.target else "NOT met"
    print(f"  speed ratio povsim / Mesa ({basis}): {ratio:,.0f}x (target >= {args.target:.0f}x: {verdict})")
    if args.mesa_process_seconds:
        m_proc_rate = m_hm / args.mesa_process_seconds
        print(
            f"  whole process vs whole process (Mesa with Python start-up, imports and CSV "
            f"output, {args.mesa_process_seconds:.2f} s = {m_proc_rate:,.0f} /s; povsim with its "
            f"files and charts): {p_rate / m_proc_rate:,.0f}x"
        )

    # ---- agreement -----------------------------------------------------------------------
    years = sorted(y for y in p_dec if all(y in m[2] for m in mesa))
    m_villages = timings[0]["villages"]
    size_factor = (p_villages / m_villages) if p_villages and m_villages else 1.0
    if p_villages and m_villages != p_villages:
        print()
        print(
            f"Note: sizes differ (povsim {p_villages} villages, Mesa {m_villages}, same "
            "per-village structure): speed is per household-month and the trajectories are "
            "compared as shares of households, but each Mesa seed is noisier than a povsim "
            "replicate by a factor of about "
            f"{math.sqrt(size_factor):.2f}."
        )
    se_factor = math.sqrt(0.05 * 0.95 / len(reps)) / PHI_AT_Z95
    print()
    print(
        f"Trajectories, December of each year, share of households: povsim {len(reps)} "
        f"replicates (mean, 5-95% band) vs Mesa mean of {len(mesa)} seeds; band widened by "
        f"{args.tol_se:g} x its edge's standard error ({args.tol_se * se_factor:.2f} x the "
        "replicate SD)"
    )
    header = (
        f"{'year':>4}  {'indicator':<10}  {'povsim mean':>11}  {'5%':>7}  {'95%':>7}  "
        f"{'tolerance':>9}  {'Mesa mean':>9}  {'Mesa seeds (min-max)':>20}  {'z':>5}  verdict"
    )
    print(header)
    print("-" * len(header))
    failures = 0
    worst = (0.0, None, None)
    for y in years:
        for key, label in INDICATORS:
            pv = [p_dec[y][key][r] for r in reps if r in p_dec[y][key]]
            mv = [m[2][y][key] for m in mesa]
            lo, hi = quantile(pv, 0.05), quantile(pv, 0.95)
            sd = statistics.stdev(pv) if len(pv) > 1 else 0.0
            tol = args.tol_se * se_factor * sd
            mm = statistics.mean(mv)
            ok = lo - tol <= mm <= hi + tol
            failures += not ok
            # Under agreement a Mesa seed has povsim's replicate SD, scaled for a different
            # village count (few Mesa seeds would give a poor estimate of their own).
            var = sd**2 * (1.0 / len(pv) + size_factor / len(mv))
            z = (mm - statistics.mean(pv)) / math.sqrt(var) if var > 0 else 0.0
            if abs(z) > abs(worst[0]):
                worst = (z, y, label)
            print(
                f"{y:>4}  {label:<10}  {statistics.mean(pv):>11.4f}  {lo:>7.4f}  {hi:>7.4f}  "
                f"{tol:>9.4f}  {mm:>9.4f}  {min(mv):>9.4f}-{max(mv):<10.4f}  {z:>5.1f}  "
                f"{'ok' if ok else 'OUTSIDE'}"
            )
    rows = len(years) * len(INDICATORS)
    print()
    if worst[1] is not None:
        hint = (
            ": above 3, a systematic difference the band test may be too coarse to call"
            if abs(worst[0]) > 3.0
            else ""
        )
        print(f"Largest |z|: {abs(worst[0]):.1f} ({worst[2]}, {worst[1]}){hint}")
    if failures == 0:
        print(f"Verdict: AGREE ({rows} of {rows} year-indicator means inside the widened band)")
    else:
        print(
            f"Verdict: DISAGREE ({failures} of {rows} year-indicator means outside the "
            "widened band)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
