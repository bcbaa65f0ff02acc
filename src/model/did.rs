//! A difference-in-differences estimate of the secretary effect (MODEL.md section 0.8, first
//! bullet): with `0 < cadres.coverage < 1` one run holds covered (treated) and uncovered
//! villages, as a study of the programme would. The estimate is the simple 2x2 on the
//! village-year panel: outcome = a village's share of households truly poor at 31 December;
//! pre = 2014 (before any secretary arrives), post = the mean over 2015-2020; DiD =
//! (treated post - treated pre) - (control post - control pre), in shares (negative = the
//! secretaries reduce poverty). The true effect is the paired comparison of
//! `scenarios/no_secretary.toml` and `scenarios/baseline.toml` (`povsim compare`).

/// Year of the pre-treatment observation.
pub const PRE_YEAR: u32 = 2014;
/// First and last post-treatment years.
pub const POST_YEARS: (u32, u32) = (2015, 2020);

/// Sums of the outcome by group and period, built at each December.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DidSums {
    /// Sum of treated villages' truly-poor shares in the pre year, and their count.
    pub treated_pre: (f64, u32),
    /// The same for the post years (village-years).
    pub treated_post: (f64, u32),
    /// Control villages, pre year.
    pub control_pre: (f64, u32),
    /// Control villages, post years.
    pub control_post: (f64, u32),
}

/// A difference-in-differences estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DidEstimate {
    /// (treated post - pre) - (control post - pre), share of households truly poor.
    pub estimate: f64,
    /// The estimate relative to the treated villages' counterfactual post mean (treated post
    /// - estimate), comparable with a paired relative change of the truly-poor count.
    pub relative: f64,
}

impl DidSums {
    /// Add one village-year: `treated` = covered village, `share` = truly poor / households.
    pub fn add(&mut self, year: u32, treated: bool, share: f64) {
        let slot = match (treated, year == PRE_YEAR) {
            _ if year != PRE_YEAR && !(POST_YEARS.0..=POST_YEARS.1).contains(&year) => return,
            (true, true) => &mut self.treated_pre,
            (true, false) => &mut self.treated_post,
            (false, true) => &mut self.control_pre,
            (false, false) => &mut self.control_post,
        };
        slot.0 += share;
        slot.1 += 1;
    }

    /// The estimate, if every cell has observations.
    pub fn estimate(&self) -> Option<DidEstimate> {
        let mean = |c: (f64, u32)| (c.1 > 0).then(|| c.0 / f64::from(c.1));
        let tp = mean(self.treated_pre)?;
        let tq = mean(self.treated_post)?;
        let cp = mean(self.control_pre)?;
        let cq = mean(self.control_post)?;
        let estimate = (tq - tp) - (cq - cp);
        let counterfactual = tq - estimate;
        let relative = if counterfactual > 0.0 {
            estimate / counterfactual
        } else {
            0.0
        };
        Some(DidEstimate { estimate, relative })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_by_two() {
        let mut d = DidSums::default();
        d.add(2014, true, 0.30);
        d.add(2014, false, 0.20);
        for y in 2015..=2020 {
            d.add(y, true, 0.10);
            d.add(y, false, 0.15);
        }
        d.add(2022, true, 0.9);
        let e = d.estimate().expect("all cells");
        assert!((e.estimate - (-0.2 - -0.05)).abs() < 1e-12);
        assert!((e.relative - (-0.15 / 0.25)).abs() < 1e-12);
        assert!(DidSums::default().estimate().is_none());
    }
}
