//! Every vector of `canary_vectors.json` (Kayenta's classifier, scorer, transform and
//! Mann-Whitney suites as data, plus seeded pairs): the judge must give Kayenta's answer.

mod common;
use common::{load, num, nums, within};
use serde_json::Value;
use sre_release::{
    Branch, Classification, Direction, EffectMeasure, EffectSize, MetricConfig, MetricInput,
    MetricVerdict, NanStrategy, Observations, OutlierStrategy, OverrideReason, Score, ScoredMetric,
    Thresholds, Verdict, aggregated_did_pass, classify, classify_samples, judge, preprocess, score,
    shift_interval, wilcoxon_diff,
};

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn nan_strategy(v: &Value) -> NanStrategy {
    match s(v) {
        "remove" => NanStrategy::Remove,
        "replace" => NanStrategy::Replace,
        other => panic!("unknown nan_strategy {other}"),
    }
}

fn outliers(strategy: &Value, factor: &Value) -> OutlierStrategy {
    match s(strategy) {
        "keep" => OutlierStrategy::Keep,
        "remove" => OutlierStrategy::Remove {
            factor: num(factor),
        },
        other => panic!("unknown outlier_strategy {other}"),
    }
}

fn config(c: &Value) -> MetricConfig {
    let e = &c["effect_size"];
    MetricConfig {
        direction: match s(&c["direction"]) {
            "increase" => Direction::Increase,
            "decrease" => Direction::Decrease,
            "either" => Direction::Either,
            other => panic!("unknown direction {other}"),
        },
        nan_strategy: nan_strategy(&c["nan_strategy"]),
        outlier_strategy: outliers(&c["outlier_strategy"], &c["outlier_factor"]),
        critical: c["critical"].as_bool().unwrap(),
        must_have_data: c["must_have_data"].as_bool().unwrap(),
        tolerance: num(&c["tolerance"]),
        confidence_level: num(&c["confidence_level"]),
        effect_size: EffectSize {
            measure: match s(&e["measure"]) {
                "meanRatio" => EffectMeasure::MeanRatio,
                "cles" => EffectMeasure::Cles,
                other => panic!("unknown measure {other}"),
            },
            allowed_increase: num(&e["allowed_increase"]),
            allowed_decrease: num(&e["allowed_decrease"]),
            critical_increase: num(&e["critical_increase"]),
            critical_decrease: num(&e["critical_decrease"]),
        },
    }
}

fn classification(v: &Value) -> Classification {
    match s(v) {
        "Pass" => Classification::Pass,
        "High" => Classification::High,
        "Low" => Classification::Low,
        "Nodata" => Classification::Nodata,
        "NodataFailMetric" => Classification::NodataFailMetric,
        "Error" => Classification::Error,
        other => panic!("unknown classification {other}"),
    }
}

fn branch(v: &Value) -> Branch {
    match s(v) {
        "nodata" => Branch::NoData,
        "identical" => Branch::Identical,
        "single_value" => Branch::SingleValue,
        "noise" => Branch::Noise,
        "mann_whitney" => Branch::MannWhitney,
        "error" => Branch::Error,
        other => panic!("unknown branch {other}"),
    }
}

fn thresholds(t: &Value) -> Thresholds {
    Thresholds::new(num(&t["pass_threshold"]), num(&t["marginal_threshold"])).unwrap()
}

/// Checks an optional number against a JSON number or null.
fn opt(id: &str, what: &str, got: Option<f64>, want: &Value, rel: f64) -> Result<(), String> {
    match (got, want) {
        (None, Value::Null) => Ok(()),
        (Some(g), Value::Number(_)) if within(g, num(want), rel, 1e-12) => Ok(()),
        _ => Err(format!("{id}: {what}: got {got:?}, want {want}")),
    }
}

fn check_verdict(id: &str, got: &MetricVerdict, want: &Value) -> Result<(), String> {
    let exact = [
        (
            "classification",
            got.classification == classification(&want["classification"]),
        ),
        ("critical", Some(got.critical) == want["critical"].as_bool()),
        ("branch", got.branch == branch(&want["branch"])),
        (
            "n_experiment_used",
            Some(got.n_experiment_used) == want["n_experiment_used"].as_u64(),
        ),
        (
            "n_control_used",
            Some(got.n_control_used) == want["n_control_used"].as_u64(),
        ),
    ];
    for (what, ok) in exact {
        if !ok {
            return Err(format!("{id}: {what}: got {got:?}, want {want}"));
        }
    }
    let deviation_rel = if got.branch == Branch::Noise {
        1e-4
    } else {
        1e-6
    };
    opt(
        id,
        "deviation",
        got.deviation,
        &want["deviation"],
        deviation_rel,
    )?;
    opt(
        id,
        "effect_size",
        got.effect_size,
        &want["effect_size"],
        1e-6,
    )?;
    opt(
        id,
        "ci_lower",
        got.interval.map(|i| i.lower),
        &want["ci_lower"],
        1e-6,
    )?;
    opt(
        id,
        "ci_upper",
        got.interval.map(|i| i.upper),
        &want["ci_upper"],
        1e-6,
    )?;
    opt(
        id,
        "estimate",
        got.interval.map(|i| i.estimate),
        &want["estimate"],
        1e-6,
    )
}

fn buckets(v: &Value) -> Observations {
    let pairs = v
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (num(&b["value"]), b["count"].as_u64().unwrap()));
    Observations::from_buckets(pairs).unwrap()
}

fn check_score(id: &str, got: &Score, want: &Value) -> Result<(), String> {
    let groups = want["group_scores"].as_array().unwrap();
    let groups_ok = got.group_scores.len() == groups.len()
        && got.group_scores.iter().zip(groups).all(|(g, w)| {
            g.name == s(&w["name"])
                && g.no_data == w["no_data"].as_bool().unwrap()
                && within(g.score, num(&w["score"]), 1e-9, 0.0)
        });
    let reason = match &want["reason"] {
        Value::Null => None,
        r => Some(match s(r) {
            "critical_metric" => OverrideReason::CriticalMetric,
            "nodata_50pct" => OverrideReason::NodataHalf,
            other => panic!("unknown reason {other}"),
        }),
    };
    let verdict = match s(&want["verdict"]) {
        "Pass" => Verdict::Pass,
        "Marginal" => Verdict::Marginal,
        "Fail" => Verdict::Fail,
        other => panic!("unknown verdict {other}"),
    };
    #[allow(clippy::float_cmp)] // exact after the 2-decimal rounding, as the file says
    let summary_ok = got.summary == num(&want["summary_score"]);
    if groups_ok && summary_ok && got.reason == reason && got.verdict == verdict {
        Ok(())
    } else {
        Err(format!("{id}: got {got:?}, want {want}"))
    }
}

fn run(v: &Value) -> Result<(), String> {
    let id = s(&v["id"]);
    let input = &v["input"];
    let want = &v["expected"];
    match s(&v["category"]) {
        "mann_whitney" => {
            let x = Observations::from_samples(&nums(&input["experiment"])).unwrap();
            let y = Observations::from_samples(&nums(&input["control"])).unwrap();
            let ci = shift_interval(&x, &y, num(&input["confidence_level"]))
                .unwrap()
                .map_err(|e| format!("{id}: {e:?}"))?;
            opt(id, "ci_lower", Some(ci.lower), &want["ci_lower"], 1e-6)?;
            opt(id, "ci_upper", Some(ci.upper), &want["ci_upper"], 1e-6)?;
            opt(id, "estimate", Some(ci.estimate), &want["estimate"], 1e-6)
        }
        "wilcoxon_diff" => {
            let x = Observations::from_samples(&nums(&input["experiment"])).unwrap();
            let y = Observations::from_samples(&nums(&input["control"])).unwrap();
            let got = wilcoxon_diff(&x, &y, num(&input["mu"]), num(&input["zq"]))
                .map_err(|e| format!("{id}: {e:?}"))?;
            opt(id, "value", Some(got), &want["value"], 1e-6)
        }
        "metric_classification" => {
            let got = classify_samples(
                &nums(&input["experiment"]),
                &nums(&input["control"]),
                &config(&input["config"]),
            )
            .map_err(|e| format!("{id}: {e}"))?;
            check_verdict(id, &got, want)
        }
        "metric_classification_histogram" => {
            let got = classify(
                &buckets(&input["experiment_buckets"]),
                &buckets(&input["control_buckets"]),
                &config(&input["config"]),
            )
            .map_err(|e| format!("{id}: {e}"))?;
            check_verdict(id, &got, want)
        }
        "preprocess" => {
            let got = preprocess(
                &nums(&input["values"]),
                nan_strategy(&input["nan_strategy"]),
                outliers(&input["outlier_strategy"], &input["outlier_factor"]),
                input["reduce_sensitivity"].as_bool().unwrap(),
            )
            .map_err(|e| format!("{id}: {e}"))?;
            let want_values = nums(&want["values"]);
            let same = got.len() == want_values.len()
                && got
                    .iter()
                    .zip(&want_values)
                    .all(|(g, w)| g.to_bits() == w.to_bits());
            if same {
                Ok(())
            } else {
                Err(format!("{id}: got {got:?}, want {want_values:?}"))
            }
        }
        "scorer" => {
            let results = input["results"].as_array().unwrap();
            let groups: Vec<Vec<&str>> = results
                .iter()
                .map(|r| r["groups"].as_array().unwrap().iter().map(s).collect())
                .collect();
            let metrics: Vec<ScoredMetric<'_>> = results
                .iter()
                .zip(&groups)
                .map(|(r, g)| ScoredMetric {
                    name: s(&r["name"]),
                    classification: classification(&r["classification"]),
                    critical: r["critical"].as_bool().unwrap(),
                    groups: g,
                    muted: r["muted"].as_bool().unwrap(),
                })
                .collect();
            let got = score(
                &metrics,
                &weights(&input["group_weights"]),
                thresholds(&input["thresholds"]),
            )
            .map_err(|e| format!("{id}: {e}"))?;
            check_score(id, &got, want)
        }
        "canary_judgement" => {
            let ms = input["metrics"].as_array().unwrap();
            let prepared: Vec<(MetricConfig, Observations, Observations, Vec<&str>)> = ms
                .iter()
                .map(|m| {
                    let c = config(&m["config"]);
                    let side = |k: &str| {
                        Observations::from_samples(&sre_release::apply_nan_strategy(
                            &nums(&m[k]),
                            c.nan_strategy,
                        ))
                        .unwrap()
                    };
                    (
                        c,
                        side("experiment"),
                        side("control"),
                        m["groups"].as_array().unwrap().iter().map(s).collect(),
                    )
                })
                .collect();
            let inputs: Vec<MetricInput<'_>> = ms
                .iter()
                .zip(&prepared)
                .map(|(m, (c, x, y, g))| MetricInput {
                    name: s(&m["name"]),
                    experiment: x,
                    control: y,
                    groups: g,
                    muted: m["muted"].as_bool().unwrap(),
                    config: *c,
                })
                .collect();
            let got = judge(
                &inputs,
                &weights(&input["group_weights"]),
                thresholds(&input["thresholds"]),
            )
            .map_err(|e| format!("{id}: {e}"))?;
            for ((m, w), g) in inputs
                .iter()
                .zip(want["metrics"].as_array().unwrap())
                .zip(&got.metrics)
            {
                if m.name != s(&w["name"])
                    || g.classification != classification(&w["classification"])
                    || Some(g.critical) != w["critical"].as_bool()
                {
                    return Err(format!("{id}: metric {}: got {g:?}, want {w}", m.name));
                }
            }
            check_score(id, &got.score, want)
        }
        "aggregated_judgment" => {
            let opt_num = |k: &str| input[k].as_f64();
            let got = aggregated_did_pass(
                num(&input["final_score"]),
                opt_num("marginal_threshold"),
                opt_num("pass_threshold"),
            );
            if Some(got) == want["did_pass"].as_bool() {
                Ok(())
            } else {
                Err(format!("{id}: got {got}, want {want}"))
            }
        }
        other => panic!("{id}: unknown category {other:?}: the conformance test must learn it"),
    }
}

fn weights(v: &Value) -> Vec<(&str, f64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|w| (s(&w["group"]), num(&w["weight"])))
        .collect()
}

#[test]
fn every_canary_vector_matches_kayenta() {
    let doc = load("canary_vectors.json");
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert!(!vectors.is_empty(), "no vectors");
    let failures: Vec<String> = vectors.iter().filter_map(|v| run(v).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

/// Every histogram vector names the sample vector it mirrors: the two forms must agree.
#[test]
fn histogram_vectors_mirror_sample_vectors() {
    let doc = load("canary_vectors.json");
    let vectors = doc["vectors"].as_array().expect("vectors");
    for v in vectors
        .iter()
        .filter(|v| v["category"] == "metric_classification_histogram")
    {
        let twin_id = s(&v["equivalent_to"]);
        let twin = vectors
            .iter()
            .find(|t| t["id"] == twin_id)
            .unwrap_or_else(|| panic!("{twin_id} missing"));
        let cfg = config(&v["input"]["config"]);
        let from_buckets = classify(
            &buckets(&v["input"]["experiment_buckets"]),
            &buckets(&v["input"]["control_buckets"]),
            &cfg,
        )
        .unwrap();
        let from_samples = classify_samples(
            &nums(&twin["input"]["experiment"]),
            &nums(&twin["input"]["control"]),
            &config(&twin["input"]["config"]),
        )
        .unwrap();
        assert_eq!(from_buckets, from_samples, "{}", s(&v["id"]));
    }
}
