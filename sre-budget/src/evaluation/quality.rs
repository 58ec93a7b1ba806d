//! Precision and recall of a policy over a set of incidents, with detection time, budget
//! spent before detection, reset time and pages per day.
//!
//! **Definitions** (the workbook's words, made exact). An incident is *significant* when
//! it spends at least `s` of the period's budget (default 2 %, the smallest page tier of
//! table 5-8). A firing episode (maximal run of firing minutes) is a *true positive*
//! when it fires at some minute inside a significant incident; *precision* = true
//! positive episodes / all episodes (`None` without episodes); *recall* = significant
//! incidents during which the policy fired at least once / significant incidents
//! (`None` without any). Per incident: detection = first firing minute inside it minus
//! its start; budget before detection = its bad requests up to that minute over the
//! period's budget; reset = first non-firing minute after its end minus its end (`None`
//! if not firing at its end, or still firing when the period ends).
//!
//! Two ways to score:
//! - [`evaluate_period`]: one period, per minute, through the real
//!   [`Evaluator`](crate::Evaluator) (incidents on background traffic, noise included);
//! - [`isolated`]: each [`RectIncident`] alone on a healthy history, by closed form or
//!   by replay ([`Method`]); both give the same report.

use super::closed_form::{self, RectIncident};
use super::policy::{EvalPolicy, out_of_range};
use super::replay::{self, Episode, MAX_REPLAY_MINUTES};
use crate::Error;

/// The default significance: 2 % of the period's budget.
pub const DEFAULT_SIGNIFICANCE: f64 = 0.02;

/// The most incidents a scenario or grid holds.
pub const MAX_INCIDENTS: usize = 1_000_000;

/// One incident of a [`Scenario`]: its bad minutes are `start_min + 1 ..= start_min +
/// duration_min`, each with `bad_per_min` failing requests (instead of the background).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incident {
    /// The minute before its first bad minute (`t0`).
    pub start_min: u64,
    /// Its length in minutes (≥ 1).
    pub duration_min: u64,
    /// Failing requests a minute (≤ the traffic).
    pub bad_per_min: u64,
}

/// Failing requests a minute outside incidents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Background {
    /// The same count every minute.
    Constant(u64),
    /// Poisson counts of this mean (at most 1,000), drawn from a SplitMix64 stream of
    /// `seed` (normal approximation above a mean of 30).
    Poisson {
        /// The mean.
        mean: f64,
        /// The seed.
        seed: u64,
    },
}

/// A period of constant traffic, a background, and incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    period_min: u64,
    traffic_per_min: u64,
    background: Background,
    significance: f64,
    incidents: Vec<Incident>,
}

impl Scenario {
    /// A scenario; refuses a period above 400 days, traffic above 10⁹ a minute, more
    /// than [`MAX_INCIDENTS`] incidents, an incident outside the period or failing more
    /// requests than the traffic, a significance outside (0, 100], a bad background.
    pub fn new(
        period_min: u64,
        traffic_per_min: u64,
        background: Background,
        significance: f64,
        incidents: Vec<Incident>,
    ) -> Result<Self, Error> {
        if !(1..=MAX_REPLAY_MINUTES).contains(&period_min) {
            return Err(out_of_range(
                "period (minutes)",
                period_min as f64,
                "1 to 576,000 minutes (400 days)",
            ));
        }
        if !(1..=1_000_000_000).contains(&traffic_per_min) {
            return Err(out_of_range(
                "traffic per minute",
                traffic_per_min as f64,
                "1 to 10^9",
            ));
        }
        if !(significance > 0.0 && significance <= 100.0) {
            return Err(out_of_range(
                "significance",
                significance,
                "(0, 100] (a fraction of the period's budget)",
            ));
        }
        match background {
            Background::Constant(b) if b > traffic_per_min => {
                return Err(out_of_range(
                    "background bad per minute",
                    b as f64,
                    "0 to the traffic per minute",
                ));
            }
            Background::Poisson { mean, .. } if !(0.0..=1000.0).contains(&mean) => {
                return Err(out_of_range(
                    "background Poisson mean",
                    mean,
                    "0 to 1,000 a minute",
                ));
            }
            _ => {}
        }
        if incidents.len() > MAX_INCIDENTS {
            return Err(out_of_range(
                "number of incidents",
                incidents.len() as f64,
                "at most 1,000,000",
            ));
        }
        for i in &incidents {
            if i.duration_min == 0 || i.start_min.saturating_add(i.duration_min) > period_min {
                return Err(out_of_range(
                    "incident end minute",
                    i.start_min.saturating_add(i.duration_min) as f64,
                    "1 to the period's last minute (duration at least 1)",
                ));
            }
            if i.bad_per_min > traffic_per_min {
                return Err(out_of_range(
                    "incident bad per minute",
                    i.bad_per_min as f64,
                    "0 to the traffic per minute",
                ));
            }
        }
        Ok(Self {
            period_min,
            traffic_per_min,
            background,
            significance,
            incidents,
        })
    }

    /// The incidents.
    #[must_use]
    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }

    /// The period in minutes.
    #[must_use]
    pub fn period_min(&self) -> u64 {
        self.period_min
    }

    /// Bad requests in each minute `1..=period` (an incident's count in its minutes; the
    /// largest where incidents overlap).
    fn bad_minutes(&self) -> Vec<u64> {
        let n = usize::try_from(self.period_min).unwrap_or(0);
        let mut bad = vec![0u64; n];
        match self.background {
            Background::Constant(b) => bad.fill(b),
            Background::Poisson { mean, seed } => {
                let mut rng = SplitMix64(seed);
                for b in &mut bad {
                    *b = rng.poisson(mean).min(self.traffic_per_min);
                }
            }
        }
        let mut overwritten = vec![false; n];
        for i in &self.incidents {
            for m in i.start_min..i.start_min + i.duration_min {
                let k = usize::try_from(m).unwrap_or(usize::MAX);
                if let (Some(b), Some(o)) = (bad.get_mut(k), overwritten.get_mut(k)) {
                    *b = if *o {
                        (*b).max(i.bad_per_min)
                    } else {
                        i.bad_per_min
                    };
                    *o = true;
                }
            }
        }
        bad
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded stream for background noise.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 30.0 {
            let (u1, u2) = (1.0 - self.unit(), self.unit());
            let z = (-2.0 * u1.ln()).sqrt() * (core::f64::consts::TAU * u2).cos();
            return sre_core::num::f64_to_u64_saturating((mean + mean.sqrt() * z).round().max(0.0));
        }
        let limit = (-mean).exp();
        let mut k = 0u64;
        let mut p = self.unit();
        while p > limit {
            k += 1;
            p *= self.unit();
        }
        k
    }
}

/// An episode and whether it is a true positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoredEpisode {
    /// The episode (absolute minutes).
    pub episode: Episode,
    /// Whether it fires inside a significant incident.
    pub true_positive: bool,
}

/// One incident's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncidentScore {
    /// Whether it spends at least the significance.
    pub significant: bool,
    /// The budget it spends (fraction of the period's budget).
    pub budget_spent: f64,
    /// Whether the policy fired during it.
    pub detected: bool,
    /// First firing minute inside it minus its start.
    pub detection_min: Option<u64>,
    /// Its bad requests up to detection over the period's budget.
    pub budget_at_detection: Option<f64>,
    /// First non-firing minute after its end minus its end.
    pub reset_min: Option<u64>,
}

/// The score of a period (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodReport {
    /// Every episode, scored.
    pub episodes: Vec<ScoredEpisode>,
    /// Every incident, in input order.
    pub incidents: Vec<IncidentScore>,
    /// True-positive episodes.
    pub true_positive_episodes: u64,
    /// False-positive episodes.
    pub false_positive_episodes: u64,
    /// Significant incidents.
    pub significant_incidents: u64,
    /// Significant incidents during which the policy never fired.
    pub missed_significant_incidents: u64,
    /// TP / all episodes.
    pub precision: Option<f64>,
    /// Detected significant / significant.
    pub recall: Option<f64>,
    /// Episodes per day of the period.
    pub pages_per_day: f64,
}

impl PeriodReport {
    fn mean_over_detected(&self, f: impl Fn(&IncidentScore) -> Option<f64>) -> Option<f64> {
        let xs: Vec<f64> = self
            .incidents
            .iter()
            .filter(|i| i.significant && i.detected)
            .filter_map(f)
            .collect();
        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
    }

    /// Mean detection time over detected significant incidents, minutes.
    #[must_use]
    pub fn mean_detection_min(&self) -> Option<f64> {
        self.mean_over_detected(|i| i.detection_min.map(|m| m as f64))
    }

    /// Mean budget spent before detection over detected significant incidents (fraction).
    #[must_use]
    pub fn mean_budget_at_detection(&self) -> Option<f64> {
        self.mean_over_detected(|i| i.budget_at_detection)
    }

    /// Mean reset time over detected significant incidents that have one, minutes.
    #[must_use]
    pub fn mean_reset_min(&self) -> Option<f64> {
        self.mean_over_detected(|i| i.reset_min.map(|m| m as f64))
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b != 0).then(|| a as f64 / b as f64)
}

fn is_significant(spent: f64, s: f64) -> bool {
    spent >= s || (spent - s).abs() <= 1e-9 * s
}

/// Scores `policy` over `scenario`, per minute through the real evaluator. Cost: one
/// evaluation per pair per minute of the period, plus O(period) memory.
pub fn evaluate_period(policy: &EvalPolicy, scenario: &Scenario) -> Result<PeriodReport, Error> {
    let bad = scenario.bad_minutes();
    let traffic = scenario.traffic_per_min;
    let mut r = replay::Replay::new(policy)?;
    let mut firing = Vec::with_capacity(bad.len() + 1);
    firing.push(false); // minute 0
    for &b in &bad {
        firing.push(r.step(traffic - b, b)?);
    }
    let budget = policy.error_budget() * traffic as f64 * scenario.period_min as f64;
    let mut in_significant = vec![false; firing.len()];
    let mut incidents = Vec::with_capacity(scenario.incidents.len());
    let idx = |m: u64| usize::try_from(m).unwrap_or(usize::MAX);
    for inc in &scenario.incidents {
        let (a, e) = (inc.start_min + 1, inc.start_min + inc.duration_min);
        let spent = (inc.bad_per_min * inc.duration_min) as f64 / budget;
        let significant = is_significant(spent, scenario.significance);
        if significant {
            in_significant[idx(a)..=idx(e)].fill(true);
        }
        let first = (a..=e).find(|&m| firing[idx(m)]);
        let reset = if firing[idx(e)] {
            (e + 1..=scenario.period_min)
                .find(|&m| !firing[idx(m)])
                .map(|m| m - e)
        } else {
            None
        };
        incidents.push(IncidentScore {
            significant,
            budget_spent: spent,
            detected: first.is_some(),
            detection_min: first.map(|m| m - inc.start_min),
            budget_at_detection: first
                .map(|m| bad[idx(a - 1)..idx(m)].iter().sum::<u64>() as f64 / budget),
            reset_min: reset,
        });
    }
    let mut episodes = Vec::new();
    let mut m = 1;
    while m <= scenario.period_min {
        if firing[idx(m)] {
            let start = m;
            let mut tp = false;
            while m <= scenario.period_min && firing[idx(m)] {
                tp |= in_significant[idx(m)];
                m += 1;
            }
            episodes.push(ScoredEpisode {
                episode: Episode {
                    fire: start,
                    resolve: (m <= scenario.period_min).then_some(m),
                },
                true_positive: tp,
            });
        }
        m += 1;
    }
    let tp = episodes.iter().filter(|e| e.true_positive).count() as u64;
    let all = episodes.len() as u64;
    let sig = incidents.iter().filter(|i| i.significant).count() as u64;
    let found = incidents
        .iter()
        .filter(|i| i.significant && i.detected)
        .count() as u64;
    Ok(PeriodReport {
        pages_per_day: all as f64 * 1440.0 / scenario.period_min as f64,
        episodes,
        incidents,
        true_positive_episodes: tp,
        false_positive_episodes: all - tp,
        significant_incidents: sig,
        missed_significant_incidents: sig - found,
        precision: ratio(tp, all),
        recall: ratio(found, sig),
    })
}

/// How [`isolated`] computes each incident's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// [`closed_form::per_minute`]: O(pairs²) an incident.
    ClosedForm,
    /// [`replay::rect_incident`]: the evaluator over every minute.
    Replay,
}

/// Scores of a policy over isolated incidents (see [`isolated`]).
#[derive(Debug, Clone, PartialEq)]
pub struct GridReport {
    /// The policy's name.
    pub policy: String,
    /// Incidents scored.
    pub incidents: u64,
    /// Significant incidents.
    pub significant_incidents: u64,
    /// Significant incidents detected (fired during).
    pub detected_significant: u64,
    /// All episodes (pages) over all incidents.
    pub episodes: u64,
    /// Episodes that start during a significant incident.
    pub true_positive_episodes: u64,
    /// TP / all episodes.
    pub precision: Option<f64>,
    /// Detected significant / significant.
    pub recall: Option<f64>,
    /// Mean detection time over detected significant incidents, minutes.
    pub mean_detection_min: Option<f64>,
    /// Mean budget spent before detection over detected significant incidents (fraction).
    pub mean_budget_at_detection: Option<f64>,
    /// Mean reset time over incidents that fired and ended, minutes.
    pub mean_reset_min: Option<f64>,
}

/// Scores `policy` over `incidents`, each alone on a healthy history: an incident is
/// detected when the policy fires during it (first firing minute ≤ its duration); an
/// episode is a true positive when it starts during a significant incident.
pub fn isolated(
    policy: &EvalPolicy,
    incidents: &[RectIncident],
    significance: f64,
    method: Method,
) -> Result<GridReport, Error> {
    if incidents.len() > MAX_INCIDENTS {
        return Err(out_of_range(
            "number of incidents",
            incidents.len() as f64,
            "at most 1,000,000",
        ));
    }
    let mut g = GridReport {
        policy: policy.name().to_owned(),
        incidents: incidents.len() as u64,
        significant_incidents: 0,
        detected_significant: 0,
        episodes: 0,
        true_positive_episodes: 0,
        precision: None,
        recall: None,
        mean_detection_min: None,
        mean_budget_at_detection: None,
        mean_reset_min: None,
    };
    let (mut det, mut spent, mut reset, mut resets) = (0.0, 0.0, 0.0, 0u64);
    for inc in incidents {
        let pm = match method {
            Method::ClosedForm => closed_form::per_minute(policy, inc),
            Method::Replay => replay::rect_incident(policy, inc)?,
        };
        let significant = inc
            .budget_spent(policy)
            .is_none_or(|b| is_significant(b, significance));
        g.episodes += u64::from(pm.pages);
        if let Some(r) = pm.reset_min {
            reset += r as f64;
            resets += 1;
        }
        if significant {
            g.significant_incidents += 1;
            g.true_positive_episodes += u64::from(pm.pages_during);
            if let Some(f) = pm
                .fire_minute
                .filter(|&f| inc.duration_min().is_none_or(|d| f <= d))
            {
                g.detected_significant += 1;
                det += f as f64;
                spent += closed_form::per_minute_budget_at_detection(policy, inc, f);
            }
        }
    }
    let n = g.detected_significant;
    g.precision = ratio(g.true_positive_episodes, g.episodes);
    g.recall = ratio(n, g.significant_incidents);
    g.mean_detection_min = (n > 0).then(|| det / n as f64);
    g.mean_budget_at_detection = (n > 0).then(|| spent / n as f64);
    g.mean_reset_min = (resets > 0).then(|| reset / resets as f64);
    Ok(g)
}

/// A grid of isolated incidents: every error ratio × every duration, at `traffic`.
pub fn grid(
    error_ratios: &[f64],
    durations_min: &[u64],
    traffic_per_min: u64,
) -> Result<Vec<RectIncident>, Error> {
    let n = error_ratios.len().saturating_mul(durations_min.len());
    if n > MAX_INCIDENTS {
        return Err(out_of_range(
            "number of incidents",
            n as f64,
            "at most 1,000,000",
        ));
    }
    let mut out = Vec::with_capacity(n);
    for &e in error_ratios {
        for &d in durations_min {
            let dur = core::time::Duration::from_secs(d.saturating_mul(60));
            out.push(RectIncident::new(e, Some(dur))?.with_traffic(traffic_per_min)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_noise_has_its_mean_and_repeats_by_seed() {
        for mean in [0.5, 5.0, 100.0] {
            let mut a = SplitMix64(7);
            let mut b = SplitMix64(7);
            let n = 40_000;
            let xs: Vec<u64> = (0..n).map(|_| a.poisson(mean)).collect();
            let ys: Vec<u64> = (0..n).map(|_| b.poisson(mean)).collect();
            assert_eq!(xs, ys);
            let m = xs.iter().sum::<u64>() as f64 / f64::from(n);
            let v = xs.iter().map(|&x| (x as f64 - m).powi(2)).sum::<f64>() / f64::from(n);
            // Five standard errors of the mean; the variance of a Poisson is its mean.
            let se = (mean / f64::from(n)).sqrt();
            assert!((m - mean).abs() < 5.0 * se, "mean {m} vs {mean}");
            assert!((v / mean - 1.0).abs() < 0.1, "variance {v} vs {mean}");
        }
    }

    #[test]
    fn scenarios_refuse_bad_input() {
        let inc = |s, d, b| Incident {
            start_min: s,
            duration_min: d,
            bad_per_min: b,
        };
        let bg = Background::Constant(0);
        assert!(Scenario::new(100, 10, bg, 0.02, vec![inc(90, 20, 1)]).is_err());
        assert!(Scenario::new(100, 10, bg, 0.02, vec![inc(10, 0, 1)]).is_err());
        assert!(Scenario::new(100, 10, bg, 0.02, vec![inc(10, 5, 11)]).is_err());
        assert!(Scenario::new(100, 10, Background::Constant(11), 0.02, vec![]).is_err());
        assert!(Scenario::new(0, 10, bg, 0.02, vec![]).is_err());
        assert!(Scenario::new(100, 10, bg, 0.0, vec![]).is_err());
        let e = Scenario::new(MAX_REPLAY_MINUTES + 1, 10, bg, 0.02, vec![]).unwrap_err();
        assert!(e.to_string().contains("period"), "{e}");
    }
}
