//! Calendar and year-indexed policy series: poverty line, dibao standard, funding index. Pure
//! functions of the parameters and the month. (v1's time-only deadline pressure is gone: the
//! pressure is now the county's shortfall against its exit plan, [`super::exits`].)

use crate::params::{EconomyParams, FundingParams};

/// Index of a simulated month, 0 = January of the start year.
pub type Month = u32;

/// First year of the poverty-line and dibao series in `EconomyParams`.
pub const SERIES_START_YEAR: u32 = 2014;

/// Calendar position of a simulated month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Year of the first simulated month.
    pub start_year: u32,
}

impl Calendar {
    /// Calendar year of month `t`.
    pub fn year(self, t: Month) -> u32 {
        self.start_year + t / 12
    }

    /// Month of the year, 1 = January.
    pub fn month_of_year(self, t: Month) -> u32 {
        t % 12 + 1
    }

    /// Whether `t` is December, when annual events happen.
    pub fn is_year_end(self, t: Month) -> bool {
        t % 12 == 11
    }

    /// Time in fractional years (2015.0 = start of January 2015).
    pub fn fractional_year(self, t: Month) -> f64 {
        f64::from(self.start_year) + f64::from(t) / 12.0
    }

    /// `YYYY-MM` label for output.
    pub fn label(self, t: Month) -> String {
        format!("{}-{:02}", self.year(t), self.month_of_year(t))
    }
}

/// Value of a yearly series starting in `first_year`, held before it and indexed by
/// `indexation` per year after its last entry.
fn indexed_series(series: &[f64], first_year: u32, year: u32, indexation: f64) -> f64 {
    let Some(&last) = series.last() else {
        return 0.0;
    };
    let offset = year.saturating_sub(first_year) as usize;
    if year < first_year {
        series[0]
    } else if offset < series.len() {
        series[offset]
    } else {
        let extra = (offset + 1 - series.len()) as i32;
        last * (1.0 + indexation).powi(extra)
    }
}

/// Poverty line for `year`, yuan per person-year.
pub fn poverty_line(economy: &EconomyParams, year: u32) -> f64 {
    indexed_series(
        &economy.poverty_line,
        SERIES_START_YEAR,
        year,
        economy.indexation,
    )
}

/// The line that the 12-month rolling income ending in month `t` is compared with, yuan per
/// person-year: the lines of the months in the window, averaged (`m` months of this year's
/// line and `12 - m` of last year's, `m` = month of the year). In December it is exactly this
/// year's line, so every annual assessment is unchanged; in January it moves by a twelfth of
/// the step, so the monthly truly-poor count no longer jumps each January when the line steps
/// over incomes earned under last year's line (docs/MODEL.md decision 145).
pub fn window_line(economy: &EconomyParams, calendar: Calendar, t: Month) -> f64 {
    let year = calendar.year(t);
    let this_year = poverty_line(economy, year);
    let months = calendar.month_of_year(t);
    if months == 12 {
        return this_year;
    }
    let last_year = poverty_line(economy, year.saturating_sub(1));
    (f64::from(months) * this_year + f64::from(12 - months) * last_year) / 12.0
}

/// Rural dibao standard for `year`, yuan per person-year.
pub fn dibao_standard(economy: &EconomyParams, year: u32) -> f64 {
    indexed_series(
        &economy.dibao_standard,
        SERIES_START_YEAR,
        year,
        economy.indexation,
    )
}

/// A county's dibao standard for `year`, yuan per person-year (MODEL.md section 0.1): in 2014
/// `ratio_2014` times the line, rising linearly to the line by `catch_up_year`, then growing
/// as the national-average path `economy.dibao_standard` (never below that year's line).
pub fn county_dibao_standard(
    economy: &EconomyParams,
    ratio_2014: f64,
    catch_up_year: u32,
    year: u32,
) -> f64 {
    let span = f64::from(catch_up_year.saturating_sub(SERIES_START_YEAR).max(1));
    if year <= catch_up_year {
        let progress = (f64::from(year.saturating_sub(SERIES_START_YEAR)) / span).min(1.0);
        let ratio = ratio_2014 + (1.0 - ratio_2014).max(0.0) * progress;
        poverty_line(economy, year) * ratio
    } else {
        let at_catch_up = poverty_line(economy, catch_up_year) * ratio_2014.max(1.0);
        let growth = dibao_standard(economy, year) / dibao_standard(economy, catch_up_year);
        (at_catch_up * growth).max(poverty_line(economy, year))
    }
}

/// Index of central special poverty funds for `year` (2015 = 1), held after the last entry.
pub fn funding_index(funding: &FundingParams, year: u32) -> f64 {
    indexed_series(&funding.schedule, funding.schedule_start_year, year, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_line_moves_a_twelfth_of_the_step_each_month() {
        let e = EconomyParams::default();
        let calendar = Calendar { start_year: 2014 };
        // December 2019 and 2020: exactly the year's line.
        assert_eq!(window_line(&e, calendar, 71), poverty_line(&e, 2019));
        assert_eq!(window_line(&e, calendar, 83), 4000.0);
        // January to November 2020 climb from 2019's line to 2020's by twelfths.
        let step = (poverty_line(&e, 2020) - poverty_line(&e, 2019)) / 12.0;
        for m in 0..11u32 {
            let expected = poverty_line(&e, 2019) + f64::from(m + 1) * step;
            assert!((window_line(&e, calendar, 72 + m) - expected).abs() < 1e-9);
        }
    }

    #[test]
    fn poverty_line_follows_table_then_indexes() {
        let e = EconomyParams::default();
        assert_eq!(poverty_line(&e, 2014), 2800.0);
        assert_eq!(poverty_line(&e, 2020), 4000.0);
        assert!((poverty_line(&e, 2021) - 4120.0).abs() < 1e-9);
        assert_eq!(poverty_line(&e, 2010), 2800.0);
    }

    #[test]
    fn dibao_passes_the_line_by_2017() {
        let e = EconomyParams::default();
        assert!(dibao_standard(&e, 2014) < poverty_line(&e, 2014));
        assert!(dibao_standard(&e, 2017) > poverty_line(&e, 2017));
    }

    #[test]
    fn county_standard_starts_below_the_line_reaches_it_by_catch_up_then_grows_as_the_path() {
        let e = EconomyParams::default();
        let low = county_dibao_standard(&e, 0.7, 2017, 2014);
        assert!((low - 0.7 * 2800.0).abs() < 1e-9);
        assert!(county_dibao_standard(&e, 0.7, 2017, 2016) < poverty_line(&e, 2016));
        assert!((county_dibao_standard(&e, 0.7, 2017, 2017) - 2952.0).abs() < 1e-9);
        assert!((county_dibao_standard(&e, 1.0, 2017, 2017) - 2952.0).abs() < 1e-9);
        let y2018 = county_dibao_standard(&e, 0.8, 2017, 2018);
        assert!((y2018 - 2952.0 * 4833.0 / 4301.0).abs() < 1e-6);
        for year in 2017..2030 {
            assert!(county_dibao_standard(&e, 0.7, 2017, year) >= poverty_line(&e, year));
        }
    }

    #[test]
    fn funding_held_at_last_value() {
        let f = FundingParams::default();
        assert_eq!(funding_index(&f, 2015), 1.0);
        assert_eq!(funding_index(&f, 2025), 3.17);
    }

    #[test]
    fn calendar_labels() {
        let c = Calendar { start_year: 2014 };
        assert_eq!(c.label(0), "2014-01");
        assert_eq!(c.label(23), "2015-12");
        assert!(c.is_year_end(23));
    }
}
