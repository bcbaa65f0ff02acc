//! Shared shocks: county price indices per industry kind and county disasters. Stepped
//! sequentially each month from the world stream, counties in id order, before villages move.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::params::{IndustryKind, Params};
use crate::rng::Stream;

/// Shared state of one county.
#[derive(Debug, Clone, PartialEq)]
pub struct County {
    /// Log price index per industry kind ([`IndustryKind::ALL`] order); 0 = normal price.
    pub log_price: [f64; 5],
    /// A disaster hits this county's farms until this month (exclusive).
    pub disaster_until: u32,
    /// Whether a disaster started this month.
    pub disaster_started: bool,
    /// This year's exit plan, households (MODEL.md 0.3; 0 without a plan).
    pub exit_plan: u32,
    /// Shortfall of qualified exits against the plan at the last December, share of the plan.
    pub shortfall_share: f64,
    /// Year the county exited (all its villages had), if it has.
    pub exit_year: Option<u32>,
}

impl County {
    /// A county at normal prices and no disaster.
    pub fn new() -> County {
        County {
            log_price: [0.0; 5],
            disaster_until: 0,
            disaster_started: false,
            exit_plan: 0,
            shortfall_share: 0.0,
            exit_year: None,
        }
    }

    /// Price index of a kind (1 = normal).
    pub fn price(&self, kind: IndustryKind) -> f64 {
        self.log_price[kind.index()].exp()
    }
}

impl Default for County {
    fn default() -> Self {
        County::new()
    }
}

/// Advance every county one month: mean-reverting log random walk of prices; disasters with
/// the per-year probability spread over months.
pub fn step_counties(counties: &mut [County], params: &Params, t: u32, rng: &mut Stream) {
    let monthly_disaster = 1.0 - (1.0 - params.shocks.disaster_rate).powf(1.0 / 12.0);
    for county in counties.iter_mut() {
        for kind in IndustryKind::ALL {
            let sigma = params.industries.get(kind).price_volatility
                * params.shocks.price_volatility
                / 12f64.sqrt();
            let z: f64 = StandardNormal.sample(rng);
            let x = &mut county.log_price[kind.index()];
            *x = *x * (1.0 - params.shocks.price_reversion) + sigma * z;
        }
        county.disaster_started = false;
        if rng.random::<f64>() < monthly_disaster {
            county.disaster_until = t + params.shocks.disaster_months;
            county.disaster_started = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_revert_towards_normal() {
        let params = Params::default();
        let mut counties = vec![County::new()];
        counties[0].log_price = [2.0; 5];
        let mut rng = crate::rng::stream(1, 0, 0, crate::rng::Purpose::World);
        for t in 0..120 {
            step_counties(&mut counties, &params, t, &mut rng);
        }
        assert!(counties[0].log_price.iter().all(|x| x.abs() < 1.5));
    }

    #[test]
    fn no_disasters_at_rate_zero() {
        let mut params = Params::default();
        params.shocks.disaster_rate = 0.0;
        let mut counties = vec![County::new(); 3];
        let mut rng = crate::rng::stream(1, 0, 0, crate::rng::Purpose::World);
        for t in 0..240 {
            step_counties(&mut counties, &params, t, &mut rng);
            assert!(counties.iter().all(|c| !c.disaster_started));
        }
    }
}
