#!/usr/bin/env python3
"""The household-and-village core of povsim, re-implemented in Mesa 3 as a performance peer.

This is an independent implementation of the rules in povsim's ``src/model/household.rs``,
``src/model/village.rs`` (``Village::new``, ``month_context``, ``identify``, ``assess_exits``),
``src/model/world.rs`` (county disasters) and ``src/model/schedule.rs`` (poverty line, dibao
standard, deadline pressure), restricted to what runs when the First Secretary programme is
switched off (no secretary within the horizon, no relocation). See README.md beside this file
for what is in and what is left out.

Parameters are read from a *resolved* povsim scenario (the output of ``povsim check
SCENARIO``), so both models run with exactly the same values.

Usage::

    python povsim_mesa.py --scenario RESOLVED.toml --seed N --out trajectory.csv

writes one row per month (month, households, registered, truly_poor, and a few diagnostics)
and prints the wall time and household-months per second to standard error.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
import tomllib

import mesa

# Household size weights, sizes 1-7 (povsim `Households::draw`).
SIZE_WEIGHTS = (0.12, 0.22, 0.25, 0.22, 0.12, 0.05, 0.02)
# First year of the poverty-line and dibao series (povsim `SERIES_START_YEAR`); income growth
# is also counted from it.
SERIES_START_YEAR = 2014
# "No month" for waiting times (povsim stores months as u16 with u16::MAX as NEVER).
NEVER = 65535


class PeerError(Exception):
    """A scenario the peer cannot run faithfully."""


# --------------------------------------------------------------------------------------------
# Parameters and yearly series
# --------------------------------------------------------------------------------------------


def indexed_series(series, first_year, year, indexation):
    """Value of a yearly series starting in `first_year`: held before it, indexed after it."""
    if not series:
        return 0.0
    if year < first_year:
        return series[0]
    offset = year - first_year
    if offset < len(series):
        return series[offset]
    return series[-1] * (1.0 + indexation) ** (offset + 1 - len(series))


class Params:
    """The values of a resolved povsim scenario that the core uses."""

    def __init__(self, doc: dict, villages: int | None = None):
        try:
            sim = doc["simulation"]
            pop = doc["population"]
            eco = doc["economy"]
            sh = doc["shocks"]
            pol = doc["policy"]
            ide = doc["identification"]
            cad = doc["cadres"]
            self.start_year = int(sim["start_year"])
            self.months = int(sim["months"])
            self.villages = int(villages if villages is not None else pop["villages"])
            self.counties = max(1, int(pop["counties"]))
            self.households_per_village = float(pop["households_per_village"])
            self.households_sd = float(pop["households_sd"])
            self.households_min = int(pop["households_min"])
            self.chronic_illness_share = float(pop["chronic_illness_share"])

            self.farm_per_labourer = float(eco["farm_per_labourer"])
            self.migrant_remittance = float(eco["migrant_remittance"])
            self.other_income = float(eco["other_income"])
            self.migration_rate = float(eco["migration_rate"])
            self.return_rate = float(eco["return_rate"])
            self.migration_threshold = float(eco["migration_threshold"])
            self.saving_rate = float(eco["saving_rate"])
            self.coverage_uninsured = float(eco["coverage_uninsured"])
            self.coverage_insured = float(eco["coverage_insured"])
            self.chronic_care_cost = float(eco["chronic_care_cost"])
            self.poverty_line_series = [float(x) for x in eco["poverty_line"]]
            self.dibao_series = [float(x) for x in eco["dibao_standard"]]
            self.indexation = float(eco["indexation"])
            self.income_growth = float(eco["income_growth"])

            self.illness_rate = float(sh["illness_rate"])
            self.chronic_illness_rate = float(sh["chronic_illness_rate"])
            self.illness_cost = float(sh["illness_cost"])
            self.illness_months = min(600, int(sh["illness_months"]))
            self.disaster_rate = float(sh["disaster_rate"])
            self.disaster_loss = float(sh["disaster_loss"])
            self.disaster_months = int(sh["disaster_months"])
            self.macro_2020 = bool(sh["macro_2020"])
            self.macro_2020_return_share = float(sh["macro_2020_return_share"])

            self.exit_rule = str(pol["exit_rule"])
            self.deadline_year = int(pol["deadline_year"])
            self.deadline_pressure = float(pol["deadline_pressure"])
            self.strict_margin = float(pol["strict_margin"])
            self.support_months = int(pol["post_exit_support_years"]) * 12
            self.relocation_share = float(pol["relocation_share"])
            self.monitoring = bool(pol["monitoring"])

            self.base_exclusion = float(ide["base_exclusion"])
            self.base_inclusion = float(ide["base_inclusion"])
            self.near_poor_band = float(ide["near_poor_band"])
            self.later_inclusion_factor = float(ide["later_inclusion_factor"])
            self.dibao_takeup = float(ide["dibao_takeup"])
            self.measurement_noise = float(ide["measurement_noise"])
            self.concealment = float(ide["concealment"])
            self.third_party_noise = float(ide["third_party_noise"])

            self.cadres_start_year = int(cad["start_year"])
            self.cadres_enabled = bool(cad.get("enabled", True))
        except KeyError as missing:
            raise PeerError(
                f"scenario lacks {missing}: pass the fully resolved scenario printed by "
                "`povsim check SCENARIO`"
            ) from None
        last_year = self.start_year + (self.months - 1) // 12
        # What the peer leaves out must not happen in the scenario.
        if self.cadres_enabled and self.cadres_start_year <= last_year:
            raise PeerError(
                f"cadres.start_year = {self.cadres_start_year} is within the simulated years "
                f"(up to {last_year}); the peer implements the core without the programme: set "
                "cadres.enabled = false"
            )
        if self.relocation_share > 0.0 and self.start_year <= 2020 and last_year >= 2016:
            raise PeerError("policy.relocation_share must be 0: the peer has no relocation")
        if self.exit_rule not in ("standard", "strict"):
            raise PeerError(f"unknown policy.exit_rule {self.exit_rule!r}")
        # Monitoring flags a household with probability monitoring_flag_rate x the secretary's
        # effective effort, which is 0 without a secretary: with no cadre it never acts, so
        # `policy.monitoring` needs no code here.

    def year(self, t: int) -> int:
        return self.start_year + t // 12

    def poverty_line(self, year: int) -> float:
        return indexed_series(self.poverty_line_series, SERIES_START_YEAR, year, self.indexation)

    def dibao_standard(self, year: int) -> float:
        return indexed_series(self.dibao_series, SERIES_START_YEAR, year, self.indexation)

    def growth(self, year: int) -> float:
        return (1.0 + self.income_growth) ** (year - SERIES_START_YEAR)

    def pressure(self, t: int) -> float:
        """Deadline pressure at month t (povsim `schedule::pressure`)."""
        frac = self.start_year + t / 12.0
        deadline = float(self.deadline_year)
        if frac >= deadline + 1.0:
            return 0.0
        return min(1.0, max(0.0, (frac - (deadline - 3.0)) / 3.0))


def illness_wait(t: int, rate_per_year: float, rng) -> int:
    """Month of the next illness episode: an exponential waiting time (at least one month)."""
    if rate_per_year <= 0.0:
        return NEVER
    months = max(1.0, math.ceil(rng.expovariate(1.0) / rate_per_year * 12.0))
    nxt = t + months
    return NEVER if nxt >= NEVER else int(nxt)


# --------------------------------------------------------------------------------------------
# Agents
# --------------------------------------------------------------------------------------------


class Household(mesa.Agent):
    """A household: endowments, income history and its official status."""

    def __init__(self, model: "PovertyModel", village: "Village"):
        super().__init__(model)
        p = model.p
        rng = model.random
        self.village = village
        u = rng.random()
        size = 7
        for k, w in enumerate(SIZE_WEIGHTS):
            if u < w:
                size = k + 1
                break
            u -= w
        no_labour_chance = 0.10 if size <= 2 else 0.02
        if rng.random() < no_labour_chance:
            labour = 0
        else:
            extra = sum(1 for _ in range(size - 1) if rng.random() < 0.45)
            labour = min(1 + extra, 4, size)
        chronic = rng.random() < p.chronic_illness_share
        if chronic and labour >= 2:
            labour -= 1  # the chronically ill member is not an able labourer
        self.size = size
        self.labour = labour
        self.chronic = chronic
        self.skill = rng.betavariate(3.0, 2.5)
        self.motivation = rng.betavariate(5.0, 2.0)
        self.assets = rng.lognormvariate(math.log(6000.0), 0.8)
        thr = p.migration_threshold
        stay_share = p.return_rate / max(p.migration_rate + p.return_rate, 1e-12)
        migrants = 0
        if self.skill > thr and self.motivation > thr:
            for _ in range(labour):
                if rng.random() >= stay_share:
                    migrants += 1
        self.migrants = migrants
        self.can_migrate = self.skill > thr and self.motivation > thr
        self.dibao_eligible = labour == 0 or chronic
        # Guarantees (all held before the gaps drawn in `settle_initial_income`).
        self.housing_safe = True
        self.medical_insured = True
        self.schooling_ok = True
        # Official status and episode bookkeeping.
        self.registered = False
        self.exited = False
        self.wrongly_registered = False
        self.dibao = False
        self.in_relapse = False
        self.ever_registered = False
        self.below_line = False
        self.new_poor_episode = False
        self.true_exit = False
        self.exit_month = NEVER
        self.registered_month = NEVER
        self.relapsed_count = 0
        rate = p.chronic_illness_rate if chronic else p.illness_rate
        self.illness_rate = rate
        self.next_illness = illness_wait(0, rate, rng)
        self.ill_until = 0
        self.income_ring = [0.0] * 12
        self.income_pc = 0.0

    # -- derived ------------------------------------------------------------------------------

    def has_guarantees(self) -> bool:
        return self.housing_safe and self.medical_insured and self.schooling_ok

    def truly_poor(self, line: float) -> bool:
        return self.income_pc < line or not (
            self.housing_safe and self.medical_insured and self.schooling_ok
        )

    def enhanced_coverage(self, t: int, support_months: int) -> bool:
        """Enhanced medical package: insured and registered or within post-exit support."""
        return self.medical_insured and (
            self.registered or (self.exited and t < self.exit_month + support_months)
        )

    def own_income(self, t: int, out_of_pocket: float) -> float:
        """This month's own income before dibao, yuan per household-month."""
        v = self.village
        p = self.model.p
        home = self.labour - self.migrants
        migrants = self.migrants
        if t < self.ill_until:  # one earner out: a labourer at home first, else a migrant
            if home > 0:
                home -= 1
            elif migrants > 0:
                migrants -= 1
        farm = v.farm_per_labourer_month * home * (0.8 + 0.4 * self.skill)
        remit = v.remittance * migrants
        chronic = 0.0
        if self.chronic:
            cov = (
                p.coverage_insured
                if self.enhanced_coverage(t, p.support_months)
                else p.coverage_uninsured
            )
            chronic = v.chronic_care_month * (1.0 - cov)
        return v.other_income_pc * self.size + farm + remit - chronic - out_of_pocket

    def settle_initial_income(self, line: float) -> None:
        """Steady-state income history, then guarantee gaps and dibao by income position."""
        rng = self.model.random
        income = max(0.0, self.own_income(0, 0.0))
        self.income_ring = [income] * 12
        self.income_pc = income * 12.0 / self.size
        pc = self.income_pc
        self.below_line = pc < line
        if pc < line:
            gaps = (0.20, 0.20, 0.06)
        elif pc < 1.5 * line:
            gaps = (0.04, 0.04, 0.02)
        else:
            return
        if rng.random() < gaps[0]:
            self.housing_safe = False
        if rng.random() < gaps[1]:
            self.medical_insured = False
        if self.size >= 3 and rng.random() < gaps[2]:
            self.schooling_ok = False
        if pc < line and self.dibao_eligible and rng.random() < 0.65:
            self.dibao = True

    # -- monthly step -------------------------------------------------------------------------

    def step(self) -> None:
        model = self.model
        p = model.p
        v = self.village
        rng = model.random
        t = model.t
        size = self.size

        # Illness: a waiting time, drawn again only when an episode happens.
        out_of_pocket = 0.0
        if self.next_illness == t:
            self.ill_until = t + p.illness_months
            cov = (
                p.coverage_insured
                if self.enhanced_coverage(t, p.support_months)
                else p.coverage_uninsured
            )
            cost = p.illness_cost * (1.0 - cov)
            from_assets = min(cost, max(self.assets, 0.0))
            self.assets -= from_assets
            out_of_pocket = cost - from_assets
            self.next_illness = illness_wait(t, self.illness_rate, rng)

        # Migration: one uniform draw decides a departure or a return.
        home = self.labour - self.migrants
        migrants = self.migrants
        if home > 0 or migrants > 0:
            u = rng.random()
            leave = 0.0
            if home > 0 and self.can_migrate:
                leave = p.migration_rate * home
            back = p.return_rate * migrants + model.macro_return_share
            if u < leave:
                self.migrants = migrants + 1
            elif migrants > 0 and u > 1.0 - min(back, 1.0 - leave):
                self.migrants = migrants - 1

        # Income, dibao top-up, debt, rolling income, savings.
        own = self.own_income(t, out_of_pocket)
        income = own
        if self.dibao and self.dibao_eligible:
            top_up = v.dibao_month * size - own
            if top_up > 0.0:
                income += top_up
        if income < 0.0:
            self.assets += income
            income = 0.0
        ring = self.income_ring
        slot = t % 12
        rolling = sum(ring) - ring[slot] + income
        ring[slot] = income
        if income > 0.0:
            self.assets += p.saving_rate * income
        pc = (rolling if rolling > 0.0 else 0.0) / size
        self.income_pc = pc

        # Relapse and new-poverty episodes.
        line = v.line
        below = pc < line
        if not self.registered:
            if self.exited:
                if below and not self.below_line and not self.in_relapse:
                    model.relapses += 1
                    self.in_relapse = True
                    self.relapsed_count += 1
                    if self.true_exit and t <= self.exit_month + 24:
                        self.true_exit = False  # one lost sustained exit per exit
                        model.sustained_loss[self.exit_month // 12] += 1
                elif not below:
                    self.in_relapse = False
            elif not self.ever_registered:
                if below and not self.below_line and not self.new_poor_episode:
                    model.new_poor += 1
                    self.new_poor_episode = True
                elif not below:
                    self.new_poor_episode = False
        self.below_line = below

        # Tallies.
        model.tally(self, line)


class Village(mesa.Agent):
    """A village: its conditions, this month's prices for household work, and the annual
    identification and exit assessment."""

    def __init__(self, model: "PovertyModel", vid: int):
        super().__init__(model)
        p = model.p
        rng = model.random
        self.vid = vid
        self.county = vid % p.counties
        self.remoteness = rng.betavariate(2.0, 3.0)
        self.infrastructure = rng.betavariate(2.0, 5.0)
        self.organisation = rng.betavariate(2.0, 3.0)
        # Trust and industry base are drawn as in povsim but act only through the programme.
        self.trust = rng.betavariate(2.0, 3.0)
        self.industry_base = rng.betavariate(2.0, 3.0)
        n = rng.gauss(p.households_per_village, p.households_sd)
        n = max(math.floor(n + 0.5) if n >= 0 else math.ceil(n - 0.5), p.households_min)
        self.households = [Household(model, self) for _ in range(int(n))]
        self.prepare_month(0)
        line = self.line
        for h in self.households:
            h.settle_initial_income(line)
        # 2014 registration ("building files and cards"): first-year error rates, no cadre.
        self.identify(0, first_year=True)

    def prepare_month(self, t: int) -> None:
        """Village-level quantities the household step needs this month."""
        p = self.model.p
        year = p.year(t)
        county = self.model.counties[self.county]
        weather = 1.0 - p.disaster_loss if t < county["disaster_until"] else 1.0
        g = p.growth(year)
        self.line = p.poverty_line(year)
        self.dibao_month = p.dibao_standard(year) / 12.0
        self.farm_per_labourer_month = (
            p.farm_per_labourer / 12.0 * g * (0.7 + 0.6 * self.infrastructure) * weather
        )
        self.remittance = p.migrant_remittance * g * (1.0 - 0.3 * self.remoteness)
        self.other_income_pc = p.other_income / 12.0 * g
        self.chronic_care_month = p.chronic_care_cost / 12.0

    def error_rates(self, first_year: bool):
        """Exclusion, inclusion and re-check detection with no secretary (knowledge and
        identification effort 0): organisation alone."""
        p = self.model.p
        o = self.organisation
        exclusion = p.base_exclusion * (1.0 - o)
        inclusion = p.base_inclusion * (1.0 - o) * (1.0 if first_year else p.later_inclusion_factor)
        detection = 1.0 - (1.0 - o)
        return exclusion, inclusion, detection

    def identify(self, t: int, first_year: bool) -> None:
        p = self.model.p
        rng = self.model.random
        line = p.poverty_line(p.year(t))
        exclusion, inclusion, detection = self.error_rates(first_year)
        band = p.near_poor_band * line
        takeup = p.dibao_takeup * (1.0 - exclusion)
        for h in self.households:
            truly_poor = h.truly_poor(line)
            if h.registered:
                if h.wrongly_registered:
                    if truly_poor:
                        h.wrongly_registered = False
                    elif not first_year and rng.random() < detection:
                        h.registered = False
                        h.wrongly_registered = False
                if h.registered and not h.dibao and h.dibao_eligible and rng.random() < takeup:
                    h.dibao = True
            elif truly_poor:
                if rng.random() >= exclusion:
                    h.registered = True
                    h.ever_registered = True
                    h.exited = False
                    h.in_relapse = False
                    h.true_exit = False
                    h.new_poor_episode = False
                    h.registered_month = t
            elif not h.ever_registered and h.income_pc < band and rng.random() < inclusion:
                h.registered = True
                h.ever_registered = True
                h.wrongly_registered = True
                h.registered_month = t

    def assess_exits(self, t: int) -> None:
        model = self.model
        p = model.p
        rng = model.random
        line = p.poverty_line(p.year(t))
        strict = p.exit_rule == "strict"
        bar = line * (1.0 - (0.0 if strict else p.pressure(t) * p.deadline_pressure))
        noise = p.third_party_noise if strict else p.measurement_noise
        for h in self.households:
            if not h.registered or h.registered_month >= t or not h.has_guarantees():
                continue
            conceal = p.concealment * (1.0 - h.motivation)
            if strict:
                conceal *= 0.5
            measured = (1.0 - conceal) * math.exp(noise * rng.gauss(0.0, 1.0))
            if strict:
                passes = min(h.income_ring) * 12.0 / h.size * measured >= p.strict_margin * line
            else:
                passes = h.income_pc * measured >= bar
            if not passes:
                continue
            truly_poor = h.truly_poor(line)
            h.registered = False
            h.wrongly_registered = False
            h.in_relapse = False
            h.exited = True
            h.true_exit = not truly_poor
            if h.income_pc < line:
                h.below_line = True
            h.exit_month = t
            model.exits += 1
            if truly_poor:
                model.fake_exits += 1

    def step_year(self) -> None:
        """The annual process (December): from the second simulated year on."""
        t = self.model.t
        if t >= 12:
            self.identify(t, first_year=False)
            self.assess_exits(t)


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------


class PovertyModel(mesa.Model):
    """Villages of households in counties, stepped month by month."""

    def __init__(self, params: Params, seed: int):
        super().__init__(seed=seed)
        self.p = params
        self.t = 0
        self.counties = [
            {"disaster_until": 0, "disaster_started": False} for _ in range(params.counties)
        ]
        self.macro_return_share = 0.0
        self.exits = 0
        self.fake_exits = 0
        self.relapses = 0
        self.new_poor = 0
        self.sustained_loss = [0] * ((params.months + 11) // 12)
        self.reset_tally()
        for vid in range(params.villages):
            Village(self, vid)
        self.village_set = self.agents_by_type[Village]
        self.household_set = self.agents_by_type[Household]
        self.n_households = len(self.household_set)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "households": "n_households",
                "registered": "registered",
                "truly_poor": "truly_poor",
                "exited": "exited",
                "dibao": "dibao",
                "mean_income_pc": "mean_income_pc",
                "exits_cum": "exits",
                "fake_exits_cum": "fake_exits",
                "relapses_cum": "relapses",
                "new_poor_cum": "new_poor",
            }
        )

    def reset_tally(self) -> None:
        self.registered = 0
        self.truly_poor = 0
        self.exited = 0
        self.dibao = 0
        self.income_sum = 0.0
        self.mean_income_pc = 0.0

    def tally(self, h: Household, line: float) -> None:
        """Count one household's stocks (povsim `HouseholdTally`)."""
        poor = h.income_pc < line or not (h.housing_safe and h.medical_insured and h.schooling_ok)
        self.truly_poor += poor
        self.registered += h.registered
        self.exited += h.exited and not h.registered
        self.dibao += h.dibao
        self.income_sum += h.income_pc

    def step_counties(self) -> None:
        """County disasters (per month, with the annual rate spread over months)."""
        p = self.p
        monthly = 1.0 - (1.0 - p.disaster_rate) ** (1.0 / 12.0)
        for c in self.counties:
            c["disaster_started"] = False
            if self.random.random() < monthly:
                c["disaster_until"] = self.t + p.disaster_months
                c["disaster_started"] = True

    def step(self) -> None:
        p = self.p
        t = self.t
        year = p.year(t)
        self.macro_return_share = (
            p.macro_2020_return_share if p.macro_2020 and year == 2020 and t % 12 == 1 else 0.0
        )
        self.step_counties()
        self.village_set.do("prepare_month", t)
        self.reset_tally()
        self.household_set.do("step")
        self.mean_income_pc = self.income_sum / max(1, self.n_households)
        if t % 12 == 11:
            self.village_set.do("step_year")
            # Recount the stocks after the annual process, keeping this month's income mean.
            mean = self.mean_income_pc
            line = p.poverty_line(year)
            self.reset_tally()
            for h in self.household_set:
                self.tally(h, line)
            self.mean_income_pc = mean
        self.datacollector.collect(self)
        self.t += 1


def month_label(p: Params, t: int) -> str:
    return f"{p.year(t)}-{t % 12 + 1:02d}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", required=True, help="resolved scenario (`povsim check` output)")
    ap.add_argument("--seed", type=int, default=1, help="random seed")
    ap.add_argument("--out", required=True, help="trajectory CSV to write")
    ap.add_argument(
        "--villages", type=int, default=None, help="override population.villages (smaller runs)"
    )
    ap.add_argument("--timing", default=None, help="also write the timing as JSON to this file")
    args = ap.parse_args(argv)
    try:
        with open(args.scenario, "rb") as fh:
            doc = tomllib.load(fh)
        params = Params(doc, villages=args.villages)
    except (OSError, tomllib.TOMLDecodeError, PeerError) as err:
        print(f"povsim_mesa: {err}", file=sys.stderr)
        return 2

    start = time.perf_counter()
    model = PovertyModel(params, seed=args.seed)
    init_s = time.perf_counter() - start
    for _ in range(params.months):
        model.step()
    wall = time.perf_counter() - start

    df = model.datacollector.get_model_vars_dataframe()
    with open(args.out, "w", newline="") as fh:
        w = csv.writer(fh)
        cols = list(df.columns)
        w.writerow(["month"] + cols)
        for t, row in enumerate(df.itertuples(index=False)):
            w.writerow([month_label(params, t)] + list(row))
    hm = model.n_households * params.months
    print(
        f"povsim_mesa: seed {args.seed}: {params.villages} villages, {model.n_households} "
        f"households, {params.months} months: {wall:.2f} s wall (init {init_s:.2f} s), "
        f"{hm / wall:,.0f} household-months/s",
        file=sys.stderr,
    )
    if args.timing:
        with open(args.timing, "w") as fh:
            json.dump(
                {
                    "seed": args.seed,
                    "villages": params.villages,
                    "households": model.n_households,
                    "months": params.months,
                    "household_months": hm,
                    "model_seconds": wall,
                    "init_seconds": init_s,
                },
                fh,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
