//! Every vector of `alert_eval_vectors.json`: the workbook's printed numbers, closed
//! forms (continuous and per minute, and the replay through the evaluator), per-minute
//! episodes and precision/recall over a period. Fails on a category it does not know.

use core::time::Duration;
use serde_json::Value;
use sre_budget::AlertConfig;
use sre_budget::evaluation::{
    Comparison, EvalPolicy, RectIncident, WindowPair, closed_form, quality, replay,
};
use sre_core::Objective;

fn load() -> Value {
    sre_reference::load("alert_eval_vectors.json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn opt_u(v: &Value) -> Option<u64> {
    (!v.is_null()).then(|| u(v))
}

fn close(id: &str, what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{id}: {what}: got {got}, want {want}"
    );
}

fn close_opt(id: &str, what: &str, got: Option<f64>, want: &Value) {
    match (got, want.is_null()) {
        (None, true) => {}
        (Some(g), false) => close(id, what, g, f(want)),
        _ => panic!("{id}: {what}: got {got:?}, want {want}"),
    }
}

fn mins(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

fn comparison(p: &Value) -> Comparison {
    match p["comparison"].as_str() {
        None | Some(">") => Comparison::Above,
        Some(">=") => Comparison::AtOrAbove,
        Some(other) => panic!("unknown comparison {other}"),
    }
}

fn pair(p: &Value) -> WindowPair {
    WindowPair::minutes(
        u(&p["long_window_min"]),
        opt_u(&p["short_window_min"]),
        f(&p["burn_factor"]),
    )
    .unwrap()
}

fn policy(slo: &Value, period_min: u64, p: &Value, pairs: Vec<WindowPair>) -> EvalPolicy {
    let config = AlertConfig {
        for_duration: mins(p["for_min"].as_u64().unwrap_or(0)),
        keep_firing_for: mins(p["keep_firing_for_min"].as_u64().unwrap_or(0)),
        min_bad_events: 0,
    };
    let o = Objective::new(f(slo)).unwrap();
    EvalPolicy::new("vector", o, mins(period_min), pairs, comparison(p), config).unwrap()
}

fn incident(i: &Value) -> RectIncident {
    RectIncident::new(f(&i["error_ratio"]), opt_u(&i["duration_min"]).map(mins)).unwrap()
}

fn in_unit(id: &str, minutes: f64, unit: &str) -> f64 {
    match unit {
        "s" => minutes * 60.0,
        "min" | "minute_index" => minutes,
        "h" => minutes / 60.0,
        "d" => minutes / 1440.0,
        other => panic!("{id}: unknown time unit {other}"),
    }
}

fn workbook(id: &str, v: &Value) {
    let i = &v["input"];
    let p = policy(
        &i["slo"],
        u(&i["period_min"]),
        &i["policy"],
        vec![pair(&i["policy"])],
    );
    let inc = incident(&i["incident"]);
    let want = f(&v["expected"]["value"]);
    let unit = v["expected"]["unit"].as_str().unwrap();
    let c = closed_form::continuous(&p, &inc);
    let got = match i["quantity"].as_str().unwrap() {
        "detection_time" => in_unit(id, c.detection_min.expect("fires"), unit),
        "reset_time" => in_unit(id, c.reset_min.expect("resets"), unit),
        "budget_at_detection" => c.budget_at_detection.expect("fires") * 100.0,
        "incident_budget" => c.incident_budget.expect("bounded") * 100.0,
        "time_to_exhaustion" => in_unit(
            id,
            closed_form::exhaustion_min(&p, inc.error_ratio()).unwrap(),
            unit,
        ),
        "per_minute_fire_minute" => {
            let m = closed_form::per_minute(&p, &inc);
            assert_eq!(m, replay::rect_incident(&p, &inc).unwrap(), "{id}: replay");
            m.fire_minute.expect("fires") as f64
        }
        "burn_rate" => closed_form::burn_rate(&p, inc.error_ratio()),
        "max_alerts_per_day" => closed_form::workbook_max_pages_per_day(&p),
        "allowed_failures" => {
            // One failure in the incident: traffic = 1 / (e·D) requests a minute.
            let d = inc.duration_min().expect("bounded") as f64;
            closed_form::allowed_failures(&p, 1.0 / (inc.error_ratio() * d))
        }
        other => panic!("{id}: unknown workbook quantity {other}"),
    };
    close(id, "value", got, want);
}

fn closed(id: &str, v: &Value) {
    let i = &v["input"];
    let x = &v["expected"];
    let p = policy(
        &i["slo"],
        u(&i["period_min"]),
        &i["policy"],
        vec![pair(&i["policy"])],
    );
    let inc = incident(&i["incident"]);
    let c = closed_form::continuous(&p, &inc);
    assert_eq!(c.fires, x["fires"].as_bool().unwrap(), "{id}: fires");
    close_opt(id, "detection", c.detection_min, &x["detection_min"]);
    close_opt(
        id,
        "budget at detection",
        c.budget_at_detection.map(|b| b * 100.0),
        &x["budget_at_detection_pct"],
    );
    close_opt(id, "reset", c.reset_min, &x["reset_min"]);
    close_opt(
        id,
        "incident budget",
        c.incident_budget.map(|b| b * 100.0),
        &x["incident_budget_pct"],
    );
    let m = closed_form::per_minute(&p, &inc);
    assert_eq!(
        m.fire_minute,
        opt_u(&x["per_minute_fire_minute"]),
        "{id}: per-minute fire"
    );
    assert_eq!(
        m.reset_min,
        opt_u(&x["per_minute_reset_min"]),
        "{id}: per-minute reset"
    );
    assert_eq!(
        m,
        replay::rect_incident(&p, &inc).unwrap(),
        "{id}: replay vs closed form"
    );
}

fn episodes_of(v: &Value) -> Vec<(u64, Option<u64>)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| (u(&e["fire"]), opt_u(&e["resolve"])))
        .collect()
}

fn per_minute(id: &str, v: &Value) {
    let i = &v["input"];
    let pol = &i["policy"];
    let pairs = pol["pairs"].as_array().unwrap().iter().map(pair).collect();
    let last = u(&i["minutes"]);
    let p = policy(
        &i["slo"],
        last.max(u(&pol["pairs"][0]["long_window_min"])),
        pol,
        pairs,
    );
    let mut counts = vec![(0u64, 0u64); usize::try_from(last).unwrap()];
    for s in i["segments"].as_array().unwrap() {
        for m in u(&s["from"])..=u(&s["to"]) {
            counts[usize::try_from(m - 1).unwrap()] = (u(&s["good_per_min"]), u(&s["bad_per_min"]));
        }
    }
    let eps = replay::episodes(&p, counts).unwrap();
    let got: Vec<(u64, Option<u64>)> = eps.iter().map(|e| (e.fire, e.resolve)).collect();
    assert_eq!(
        got,
        episodes_of(&v["expected"]["episodes"]),
        "{id}: episodes"
    );
    let t0 = u(&i["t0"]);
    let first = eps.iter().find_map(|e| {
        let from = e.fire.max(t0 + 1);
        e.resolve.is_none_or(|r| from < r).then_some(from - t0)
    });
    assert_eq!(
        first,
        opt_u(&v["expected"]["first_fire_rel_t0"]),
        "{id}: first fire"
    );
}

fn precision_recall(id: &str, v: &Value) {
    let i = &v["input"];
    let x = &v["expected"];
    let pol = &i["policy"];
    let pairs = pol["pairs"].as_array().unwrap().iter().map(pair).collect();
    let period = u(&i["period_min"]);
    let p = policy(&i["slo"], period, pol, pairs);
    let incidents = i["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| quality::Incident {
            start_min: u(&j["start_min"]),
            duration_min: u(&j["duration_min"]),
            bad_per_min: u(&j["bad_per_min"]),
        })
        .collect();
    let s = quality::Scenario::new(
        period,
        u(&i["traffic_per_min"]),
        quality::Background::Constant(u(&i["background_bad_per_min"])),
        f(&i["significance_pct"]) / 100.0,
        incidents,
    )
    .unwrap();
    let r = quality::evaluate_period(&p, &s).unwrap();
    let want = x["episodes"].as_array().unwrap();
    assert_eq!(r.episodes.len(), want.len(), "{id}: episodes");
    for (g, w) in r.episodes.iter().zip(want) {
        assert_eq!(
            (g.episode.fire, g.episode.resolve),
            (u(&w["fire"]), opt_u(&w["resolve"])),
            "{id}"
        );
        assert_eq!(
            g.true_positive,
            w["true_positive"].as_bool().unwrap(),
            "{id}: TP"
        );
    }
    let want = x["incidents"].as_array().unwrap();
    assert_eq!(r.incidents.len(), want.len(), "{id}: incidents");
    for (g, w) in r.incidents.iter().zip(want) {
        assert_eq!(
            g.significant,
            w["significant"].as_bool().unwrap(),
            "{id}: significant"
        );
        close(
            id,
            "budget spent",
            g.budget_spent * 100.0,
            f(&w["budget_spent_pct"]),
        );
        assert_eq!(
            g.detected,
            w["detected"].as_bool().unwrap(),
            "{id}: detected"
        );
        assert_eq!(
            g.detection_min,
            opt_u(&w["detection_min"]),
            "{id}: detection"
        );
        close_opt(
            id,
            "budget at detection",
            g.budget_at_detection.map(|b| b * 100.0),
            &w["budget_at_detection_pct"],
        );
        assert_eq!(g.reset_min, opt_u(&w["reset_min"]), "{id}: reset");
    }
    assert_eq!(
        r.true_positive_episodes,
        u(&x["true_positive_episodes"]),
        "{id}"
    );
    assert_eq!(
        r.false_positive_episodes,
        u(&x["false_positive_episodes"]),
        "{id}"
    );
    assert_eq!(
        r.significant_incidents,
        u(&x["significant_incidents"]),
        "{id}"
    );
    assert_eq!(
        r.missed_significant_incidents,
        u(&x["missed_significant_incidents"]),
        "{id}"
    );
    let detected: Vec<&Value> = want
        .iter()
        .filter(|w| {
            w["significant"].as_bool() == Some(true) && w["detected"].as_bool() == Some(true)
        })
        .collect();
    let mean = |key: &str| {
        let xs: Vec<f64> = detected
            .iter()
            .filter(|w| !w[key].is_null())
            .map(|w| f(&w[key]))
            .collect();
        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
    };
    let pct = |x: Option<f64>| x.map(|v| v * 100.0);
    assert_eq!(
        r.mean_detection_min().is_some(),
        mean("detection_min").is_some(),
        "{id}"
    );
    if let (Some(g), Some(w)) = (r.mean_detection_min(), mean("detection_min")) {
        close(id, "mean detection", g, w);
    }
    if let (Some(g), Some(w)) = (
        pct(r.mean_budget_at_detection()),
        mean("budget_at_detection_pct"),
    ) {
        close(id, "mean budget at detection", g, w);
    }
    if let (Some(g), Some(w)) = (r.mean_reset_min(), mean("reset_min")) {
        close(id, "mean reset", g, w);
    }
    close_opt(id, "precision", r.precision, &x["precision"]);
    close_opt(id, "recall", r.recall, &x["recall"]);
}

#[test]
fn every_vector() {
    let doc = load();
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert!(!vectors.is_empty());
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        match v["category"].as_str().unwrap() {
            "workbook" => workbook(id, v),
            "closed_form" => closed(id, v),
            "per_minute" => per_minute(id, v),
            "precision_recall" => precision_recall(id, v),
            other => panic!("{id}: unknown category {other:?}"),
        }
    }
}
