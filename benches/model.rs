//! Criterion benchmarks of the hot paths, so regressions show: the household step (one village's
//! households for one month), the village step (everything a village does in a month), and a
//! whole small run. Throughput is reported per household-month.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

use povsim::model::household::{step_households, HouseholdTally};
use povsim::model::schedule::Calendar;
use povsim::model::village::Village;
use povsim::model::world::County;
use povsim::params::Params;
use povsim::rng::{stream, Purpose};
use povsim::sim::run_replicate;

fn calendar() -> Calendar {
    Calendar { start_year: 2014 }
}

/// A village advanced to mid-2016 (secretaries in post, households registered and exiting).
fn warm_village(params: &Params) -> Village {
    let mut v = Village::new(0, params, 7, 0, calendar());
    let county = County::new();
    for t in 0..30 {
        v.step_month(params, t, calendar(), &county);
        if calendar().is_year_end(t) {
            v.step_year(params, t, calendar());
        }
    }
    v
}

fn household_step(c: &mut Criterion) {
    let params = Params::default();
    let village = warm_village(&params);
    let ctx = village.month_context(&params, 30, calendar(), &County::new());
    let n = village.households.len() as u64;
    let mut group = c.benchmark_group("household_step");
    group.throughput(Throughput::Elements(n));
    group.bench_function("one village, one month", |b| {
        b.iter_batched_ref(
            || {
                (
                    village.households.clone(),
                    stream(1, 0, 0, Purpose::Households),
                )
            },
            |(hh, rng)| {
                let mut tally = HouseholdTally::default();
                step_households(hh, &ctx, rng, &mut tally);
                tally
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn village_step(c: &mut Criterion) {
    let params = Params::default();
    let village = warm_village(&params);
    let county = County::new();
    let n = village.households.len() as u64;
    let mut group = c.benchmark_group("village_step");
    group.throughput(Throughput::Elements(n));
    group.bench_function(
        "one village, one month (cadre, funds, channels, industries, households)",
        |b| {
            b.iter_batched_ref(
                || village.clone(),
                |v| v.step_month(&params, 30, calendar(), &county),
                BatchSize::SmallInput,
            )
        },
    );
    group.finish();
}

fn whole_run(c: &mut Criterion) {
    let mut params = Params::default();
    params.population.villages = 40;
    params.population.counties = 2;
    params.simulation.months = 84;
    let households: u64 = (0..40)
        .map(|id| {
            Village::new(id, &params, params.simulation.seed, 0, calendar())
                .households
                .len() as u64
        })
        .sum();
    let mut group = c.benchmark_group("whole_run");
    group.sample_size(10);
    group.throughput(Throughput::Elements(households * 84));
    group.bench_function("40 villages, 2014-2020, one replicate", |b| {
        b.iter(|| run_replicate(&params, 0))
    });
    group.finish();
}

criterion_group!(benches, household_step, village_step, whole_run);
criterion_main!(benches);
