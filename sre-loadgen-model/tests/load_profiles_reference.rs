//! Every case of `load_profiles.json`: k6, Gatling, Vegeta, wrk2 timing and HdrHistogram's
//! coordinated-omission back-fill, as the tools' own source and tests give them.
// Exact equality is the point where these compare floats: whole numbers (counts,
// rounded RPS, the file's integer constants) that are exact in binary.
#![allow(clippy::float_cmp)]

mod common;
use common::{load, num};
use core::time::Duration;
use serde_json::Value;
use sre_core::Timestamp;
use sre_loadgen_model::tools::{
    Gatling, K6RampingVus, co_corrected_values, gatling_steepness, k6_constant_arrival_rate,
    k6_ramping_arrival_rate, vegeta_constant, vegeta_linear, vegeta_sine, wrk2_connection,
};
use sre_loadgen_model::{FixedCount, RateProfile};

fn secs(x: f64) -> Duration {
    Duration::from_secs_f64(x)
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

fn ints(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

fn stages(v: &Value) -> Vec<(Duration, f64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| (secs(num(&s[0])), num(&s[1])))
        .collect()
}

/// Seconds as nanoseconds, as the schedule rounds them.
fn ns(t: f64) -> f64 {
    (t * 1e9).round()
}

#[track_caller]
fn assert_times(got: &[Timestamp], want_s: &[f64], what: &str) {
    assert_eq!(got.len(), want_s.len(), "{what}: count");
    for (i, (g, w)) in got.iter().zip(want_s).enumerate() {
        let g = g.as_nanos() as f64;
        assert!((g - ns(*w)).abs() <= 1.0, "{what}[{i}]: {g} ns, want {w} s");
    }
}

/// Evaluates the file's closed forms: "sqrt(10)", "11-sqrt(20)", "5.5".
fn closed_form(s: &str) -> f64 {
    let sqrt = |x: &str| {
        x.trim_start_matches("sqrt(")
            .trim_end_matches(')')
            .parse::<f64>()
            .unwrap()
            .sqrt()
    };
    match s.split_once("-sqrt(") {
        Some((a, b)) => a.parse::<f64>().unwrap() - sqrt(b),
        None if s.starts_with("sqrt(") => sqrt(s),
        None => s.parse().unwrap(),
    }
}

#[test]
fn k6_ramping_arrival_rate_cases() {
    let doc = load("load_profiles.json");
    let rar = &doc["k6"]["ramping_arrival_rate"];
    let mut cases = 0;

    let c = &rar["case_TestRampingArrivalRateCal"];
    let unit = secs(num(&c["timeUnit_s"]));
    let got: Vec<_> = k6_ramping_arrival_rate(
        num(&c["startRate"]),
        unit,
        &stages(&c["stages"]),
        Timestamp::ZERO,
    )
    .unwrap()
    .collect();
    assert_times(&got, &floats(&c["expected_s"]), "TestRampingArrivalRateCal");
    let ms: Vec<u64> = got.iter().map(|t| t.as_nanos() / 1_000_000).collect();
    assert_eq!(ms, ints(&c["k6_test_expected_ms"]));
    let exact: Vec<f64> = c["closed_form"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| closed_form(s.as_str().unwrap()))
        .collect();
    assert_times(&got, &exact, "TestRampingArrivalRateCal closed form");
    cases += 1;

    let c = &rar["case_constant_stage_10_per_s_2s"];
    let got: Vec<_> = k6_ramping_arrival_rate(
        num(&c["startRate"]),
        secs(1.0),
        &stages(&c["stages"]),
        Timestamp::ZERO,
    )
    .unwrap()
    .collect();
    assert_times(
        &got,
        &floats(&c["expected_s"]),
        "constant_stage_10_per_s_2s",
    );
    cases += 1;

    // "ramp 0 to 100 per s over 10 s": the name is the input.
    let c = &rar["case_ramp_0_to_100_per_s_over_10s"];
    let got: Vec<_> =
        k6_ramping_arrival_rate(0.0, secs(1.0), &[(secs(10.0), 100.0)], Timestamp::ZERO)
            .unwrap()
            .collect();
    assert_eq!(got.len() as u64, c["count"].as_u64().unwrap());
    assert_times(&got[..5], &floats(&c["first5_s"]), "ramp_0_to_100 first5");
    assert_eq!(*got.last().unwrap(), Timestamp::from_secs(10));
    cases += 1;

    // The time unit scales the rate: 60 per minute is 1 per second.
    let per_min: Vec<_> =
        k6_ramping_arrival_rate(60.0, secs(60.0), &[(secs(3.0), 60.0)], Timestamp::ZERO)
            .unwrap()
            .collect();
    assert_eq!(per_min, [1, 2, 3].map(Timestamp::from_secs));
    assert_eq!(cases, 3);
}

#[test]
fn k6_constant_arrival_rate_case() {
    let doc = load("load_profiles.json");
    let want = floats(&doc["k6"]["constant_arrival_rate"]["case_rate2_5s"]);
    let got: Vec<_> = k6_constant_arrival_rate(2.0, secs(1.0), secs(5.0), Timestamp::ZERO)
        .unwrap()
        .collect();
    assert_times(&got, &want, "constant_arrival_rate rate=2 5s");
    assert_eq!(
        num(&doc["k6"]["defaults"]["timeUnit_s"]),
        1.0,
        "k6's default timeUnit"
    );
}

#[test]
fn k6_ramping_vus_cases() {
    let doc = load("load_profiles.json");
    let rv = &doc["k6"]["ramping_vus"];
    let vu_stages = |v: &Value| -> Vec<(Duration, u64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| (secs(num(&s[0])), s[1].as_u64().unwrap()))
            .collect()
    };
    let check = |model: &K6RampingVus, want: &Value, what: &str| {
        let got = model.steps();
        let want: Vec<(f64, u64)> = want
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (num(&s[0]), s[1].as_u64().unwrap()))
            .collect();
        assert_eq!(got.len(), want.len(), "{what}: {got:?}");
        for ((gt, gv), (wt, wv)) in got.iter().zip(&want) {
            assert_eq!(gv, wv, "{what}");
            assert!(
                (gt - wt).abs() < 1e-9,
                "{what}: step to {wv} at {gt}, want {wt}"
            );
        }
    };
    for name in [
        "case_jump_up_then_go_up_again",
        "case_going_up_then_down_straight_away",
    ] {
        let c = &rv[name];
        let m = K6RampingVus::new(c["startVUs"].as_u64().unwrap(), &vu_stages(&c["stages"]));
        check(&m, &c["steps"], name);
    }
    // "0 to 10 over 3 s then 0 over 2 s": the name is the input.
    let m = K6RampingVus::new(0, &[(secs(3.0), 10), (secs(2.0), 0)]);
    check(
        &m,
        &rv["case_0_to_10_over_3s_then_0_over_2s"]["steps"],
        "0_to_10_then_0",
    );
    assert_eq!(m.vus_at(1.0), 3);
    assert_eq!(m.vus_at(3.1), 10);
    assert_eq!(m.vus_at(3.2), 9);
}

#[test]
fn gatling_cases() {
    let doc = load("load_profiles.json");
    let g = &doc["gatling"];
    let ms = |it: Gatling| -> Vec<u64> { it.map(|t| t.as_nanos() / 1_000_000).collect() };

    assert_eq!(
        ms(Gatling::ramp_users(5, secs(1.0))),
        ints(&g["rampUsers_5_during_1s_ms"])
    );
    assert_eq!(
        ms(Gatling::constant_users_per_sec(20.0, secs(1.0)).unwrap()),
        ints(&g["constantUsersPerSec_20_during_1s_ms"])
    );
    // "users = round(rate*duration_s); 0.4978/s for 100s -> 50"
    let rule = g["constantUsersPerSec_users_rule"].as_str().unwrap();
    assert!(rule.contains("0.4978/s for 100s -> 50"));
    assert_eq!(
        Gatling::constant_users_per_sec(0.4978, secs(100.0))
            .unwrap()
            .users(),
        50
    );

    let r = &g["rampUsersPerSec_2_to_4_during_10s"];
    let step = Gatling::ramp_users_per_sec(2.0, 4.0, secs(10.0)).unwrap();
    assert_eq!(step.users(), r["users"].as_u64().unwrap());
    let all = ms(step);
    assert_eq!(all.len() as u64, r["count"].as_u64().unwrap());
    assert_eq!(all[..4], ints(&r["first_ms"])[..]);

    let peak = ms(Gatling::stress_peak_users(100, secs(5.0)));
    assert_eq!(peak, ints(&g["stressPeakUsers_100_during_5s_ms"]));
    let checks = &g["stressPeakUsers_checks"];
    assert_eq!(peak[1], checks["second_ms"].as_u64().unwrap());
    let mid = peak.iter().filter(|&&t| t > 1500 && t < 3500).count() as u64;
    assert_eq!(mid, checks["count_in_(1500,3500)ms"].as_u64().unwrap());

    // "randomized": a fixed count N = floor((r1+r2)/2 d) of sorted uniforms mapped through
    // t = d/(r2−r1) (sqrt((1−u) r1² + u r2²) − r1) on a ramp — that is Λ⁻¹(u Λ(d)).
    let (r1, r2, d) = (2.0f64, 4.0f64, 10.0f64);
    let p = RateProfile::stages(r1, &[(secs(d), r2)]).unwrap();
    for u in [0.0, 0.1, 0.5, 0.77, 1.0] {
        let gatling = d / (r2 - r1) * (((1.0 - u) * r1 * r1 + u * r2 * r2).sqrt() - r1);
        let ours = p.inverse_cumulative(u * p.total()).unwrap();
        assert!((ours - gatling).abs() < 1e-12, "u={u}: {ours} vs {gatling}");
    }
    let n = sre_core::f64_to_u64_saturating(((r1 + r2) / 2.0 * d).floor());
    let times: Vec<_> = FixedCount::new(p, n, 1, Timestamp::ZERO).collect();
    assert_eq!(times.len() as u64, n);
    assert!(
        times.windows(2).all(|w| w[0] <= w[1])
            && *times.last().unwrap() <= Timestamp::from_secs(10)
    );
    // The smooth counterpart of the stress peak spans the same erf range.
    assert!((gatling_steepness(100) - 1.6493).abs() < 1e-3);
}

#[test]
fn hdrhistogram_expected_interval_cases() {
    let doc = load("load_profiles.json");
    let h = &doc["hdrhistogram_recordValueWithExpectedInterval"];
    let mut n = 0;
    for (name, value, interval) in [
        ("case_1000_100", 1000, 100),
        ("case_250_100", 250, 100),
        ("case_100_100", 100, 100),
        ("case_99_0", 99, 0),
    ] {
        assert_eq!(
            co_corrected_values(value, interval).collect::<Vec<_>>(),
            ints(&h[name]),
            "{name}"
        );
        n += 1;
    }
    let listed = h
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("case_"))
        .count();
    assert_eq!(n, listed, "every case in the file is checked");
}

#[test]
fn wrk2_rule() {
    // "per-connection rate = R/threads/connections; request k intended at thread_start + k/rate"
    let doc = load("load_profiles.json");
    assert!(doc["wrk2"]["rule"].as_str().unwrap().contains("k/rate"));
    let start = Timestamp::from_secs(3);
    let got: Vec<_> = wrk2_connection(1000.0, 10, secs(1.0), start)
        .unwrap()
        .collect();
    assert_eq!(got.len(), 100);
    for (k, t) in got.iter().enumerate() {
        assert_eq!(*t, Timestamp::from_millis(3000 + 10 * k as u64));
    }
}

#[test]
fn vegeta_rules() {
    let doc = load("load_profiles.json");
    let v = &doc["vegeta"];
    // constant: "hit n (1-based) at n*interval (first hit after one interval)"
    assert!(v["constant_rule"].as_str().unwrap().contains("n*interval"));
    let got: Vec<_> = vegeta_constant(50.0, secs(1.0), secs(1.0), Timestamp::ZERO)
        .unwrap()
        .collect();
    assert_eq!(got.len(), 50);
    for (i, t) in got.iter().enumerate() {
        assert_eq!(*t, Timestamp::from_millis(20 * (i as u64 + 1)));
    }
    // linear: "hits(t)=Slope*t^2/2 + StartAt*t; first hit immediately"
    let (a, slope, d) = (10.0, 4.0, 5.0);
    let got: Vec<_> = vegeta_linear(a, slope, secs(d), Timestamp::ZERO)
        .unwrap()
        .collect();
    let hits = |t: f64| slope * t * t / 2.0 + a * t;
    assert_eq!(got[0], Timestamp::ZERO);
    assert_eq!(got.len() as f64, hits(d).ceil());
    for (n, t) in got.iter().enumerate() {
        let t = t.as_secs_f64();
        assert!(
            (hits(t) - n as f64).abs() < 1e-6 * (1.0 + n as f64),
            "hit {n} at {t}"
        );
    }
    // sine: "hits(t)=Mean*t + (Amp*Period/2pi)*(cos(StartAt)-cos(StartAt+2pi t/Period))"
    let (mean, amp, period, start_at) = (20.0, 15.0, 4.0, 0.7_f64);
    let tau = std::f64::consts::TAU;
    let hits = |t: f64| {
        mean * t + amp * period / tau * (start_at.cos() - (start_at + tau * t / period).cos())
    };
    let got: Vec<_> = vegeta_sine(
        mean,
        amp,
        secs(period),
        start_at,
        secs(10.0),
        Timestamp::ZERO,
    )
    .unwrap()
    .collect();
    assert_eq!(got[0], Timestamp::ZERO);
    assert_eq!(got.len() as f64, hits(10.0).ceil());
    for (n, t) in got.iter().enumerate() {
        assert!(
            (hits(t.as_secs_f64()) - n as f64).abs() < 1e-6,
            "sine hit {n}"
        );
    }
    assert!(
        vegeta_sine(1.0, 2.0, secs(1.0), 0.0, secs(1.0), Timestamp::ZERO).is_err(),
        "requires Amp<Mean"
    );
}
