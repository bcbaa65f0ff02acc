//! The regular household programmes (MODEL.md section 0.1): what they paid and did this year,
//! and the December order in which the village runs them. Each programme lives in its own
//! file: [`super::dibao`], [`super::insurance`], [`super::housing`], [`super::schooling`],
//! [`super::water`], [`super::public_jobs`], [`super::microcredit`], [`super::relocation`].
//!
//! The programmes run whether or not a secretary is posted; a secretary adds to them through
//! contacts (`Households::last_contact`), knowledge, organisation and identification effort.

use super::household::NEVER;
use super::schedule::Calendar;
use super::village::Village;
use crate::params::Params;

/// Yuan the household programmes paid this year, by budget line (tracks.md: the money track or
/// the integrator books them as sources and uses; nothing here is ever deleted, the record
/// restarts each January).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ProgrammeSpending {
    /// Dibao top-ups paid (civil-affairs budget), yuan.
    pub dibao: f64,
    /// Medical insurance premiums paid by the county for registered households, yuan.
    pub medical_premium: f64,
    /// Medical assistance (enhanced cover beyond the basic scheme), yuan. Not yet recorded:
    /// the cover is applied in the household step without a ledger (docs/MODEL.md, decision 89).
    pub medical_assistance: f64,
    /// Housing renovations from the county housing line, yuan.
    pub housing: f64,
    /// Public-welfare and ecological-ranger wages, yuan.
    pub public_jobs: f64,
    /// Microcredit principal lent this year, yuan (bank lending, not public money).
    pub microcredit_lent: f64,
    /// Microcredit principal repaid at maturity this year, yuan.
    pub microcredit_repaid: f64,
    /// Interest on outstanding microcredit paid by the county, yuan.
    pub microcredit_interest: f64,
    /// Microcredit principal defaulted at maturity this year, yuan.
    pub microcredit_defaults: f64,
    /// Relocation to resettlement sites from the county line, yuan.
    pub relocation: f64,
    /// Schooling (recurrent education budget; no price in MODEL.md, so always 0), yuan.
    pub schooling: f64,
}

impl ProgrammeSpending {
    /// Public money paid on all lines this year, yuan (microcredit principal, repayments and
    /// defaults are bank flows and left out).
    pub fn public_total(&self) -> f64 {
        self.dibao
            + self.medical_premium
            + self.medical_assistance
            + self.housing
            + self.public_jobs
            + self.microcredit_interest
            + self.relocation
            + self.schooling
    }
}

/// What the household programmes did this year (take-up and events), counted at the December
/// review; restarts each January.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgrammeCounts {
    /// Households on dibao after the review.
    pub dibao_households: u32,
    /// Households enrolled in dibao at the review.
    pub dibao_enrolled: u32,
    /// Households that lost dibao at the review (income above the standard, or found
    /// ineligible).
    pub dibao_left: u32,
    /// Registered or supported households whose insurance was renewed for next year.
    pub insurance_renewed: u32,
    /// Registered or supported households whose insurance lapsed for next year.
    pub insurance_lapsed: u32,
    /// Houses renovated by the county queue.
    pub houses_renovated: u32,
    /// Unsafe registered houses in the queue before renovation.
    pub housing_queue: u32,
    /// Schooling gaps closed by the county.
    pub schooling_secured: u32,
    /// Public-welfare and ranger posts filled for next year.
    pub public_posts: u32,
    /// Microcredit loans made.
    pub loans_made: u32,
    /// Microcredit enterprises that failed.
    pub enterprise_failures: u32,
    /// Loans that defaulted (in part or whole) at maturity.
    pub loan_defaults: u32,
}

/// Whether a contact in month `last_contact` (or [`NEVER`]) lies within the 12 months up to
/// month `t` (inclusive).
#[inline]
pub fn contacted_within_year(last_contact: u16, t: u32) -> bool {
    last_contact != NEVER && u32::from(last_contact) + 12 > t && u32::from(last_contact) <= t
}

impl Village {
    /// The December review before the exit assessment (MODEL.md section 0.1): dibao review
    /// (with dependency), housing queue, schooling, microcredit (maturity, failures, lending).
    pub fn review_programmes(&mut self, params: &Params, t: u32, calendar: Calendar) {
        self.review_dibao(params, t, calendar, false);
        self.renovate_housing(params, t);
        self.secure_schooling(params, t);
        self.step_microcredit(params, t, calendar);
    }

    /// The December review after the exit assessment, for next year, on the new register:
    /// public-job posts.
    pub fn renew_programmes(&mut self, params: &Params, t: u32, calendar: Calendar) {
        self.fill_public_jobs(params, calendar.year(t) + 1);
    }

    /// The opening of a year (January, from the second year): water standard and insurance
    /// renewal.
    pub fn open_programme_year(&mut self, params: &Params, t: u32, calendar: Calendar) {
        self.update_water(params, calendar.year(t));
        if t >= 12 {
            self.renew_insurance(params, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_counts_for_twelve_months() {
        assert!(contacted_within_year(100, 100));
        assert!(contacted_within_year(100, 111));
        assert!(!contacted_within_year(100, 112));
        assert!(!contacted_within_year(NEVER, 100));
        assert!(!contacted_within_year(101, 100));
    }
}
