//! Every point and data set of `usl.json`: pure function values, codahale/usl's latency
//! helpers, and the published bounded fits within each data set's stated tolerance.

mod common;
use common::{close, load, num};
use sre_loadgen_model::usl::Usl;

#[test]
fn pure_function_points() {
    let doc = load("usl.json");
    let points = doc["pure_function_points"].as_array().unwrap();
    let mut checked = 0;
    for p in points {
        let usl = Usl::new(num(&p["alpha"]), num(&p["beta"]), num(&p["gamma"])).unwrap();
        if let Some(n) = p.get("N") {
            close(
                usl.throughput(num(n)).unwrap(),
                num(&p["X"]),
                1e-12,
                &format!("X({})", num(n)),
            );
            if p["note"].as_str().unwrap().contains("N*=") {
                close(usl.peak_concurrency(), num(n), 1e-12, "N*");
            }
            checked += 1;
        }
        if let Some(t) = p.get("codahale_ThroughputAtLatency") {
            for (r, want) in t.as_object().unwrap() {
                let got = usl.throughput_at_latency(r.parse().unwrap()).unwrap();
                close(got, num(want), 1e-12, &format!("ThroughputAtLatency({r})"));
            }
            for (x, want) in p["codahale_LatencyAtThroughput_sigma_only_approx"]
                .as_object()
                .unwrap()
            {
                let got = usl
                    .latency_at_throughput_amdahl(x.parse().unwrap())
                    .unwrap();
                close(got, num(want), 1e-12, &format!("LatencyAtThroughput({x})"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, points.len());
}

#[test]
fn derived_quantities_match_their_definitions() {
    // "optimal_N": 1/alpha; "limit_X": gamma/alpha; "latency_R(N)": N/X(N).
    let usl = Usl::new(0.0277285, 0.0001044, 89.995233).unwrap();
    close(
        usl.optimal_concurrency(),
        1.0 / 0.0277285,
        1e-15,
        "optimal N",
    );
    close(
        usl.limit_throughput(),
        89.995233 / 0.0277285,
        1e-15,
        "limit X",
    );
    for n in [1.0, 18.0, 96.0, 216.0] {
        close(
            usl.latency(n).unwrap(),
            n / usl.throughput(n).unwrap(),
            1e-14,
            "R(N)",
        );
    }
    close(
        usl.peak_throughput(),
        usl.throughput(usl.peak_concurrency()).unwrap(),
        0.0,
        "peak X",
    );
}

#[test]
fn every_dataset_fit_within_its_tolerance() {
    let doc = load("usl.json");
    let sets = doc["datasets"].as_array().unwrap();
    for set in sets {
        let name = set["name"].as_str().unwrap();
        let n: Vec<f64> = set["N"].as_array().unwrap().iter().map(num).collect();
        let x: Vec<f64> = set["X"].as_array().unwrap().iter().map(num).collect();
        let tol = num(&set["relative_tolerance"]);
        let fit = Usl::fit(&n, &x).unwrap();
        let want = &set["expected_fit"];
        close(
            fit.alpha(),
            num(&want["alpha"]),
            tol,
            &format!("{name} alpha"),
        );
        close(fit.beta(), num(&want["beta"]), tol, &format!("{name} beta"));
        close(
            fit.gamma(),
            num(&want["gamma"]),
            tol,
            &format!("{name} gamma"),
        );
        close(
            fit.peak_concurrency(),
            num(&set["expected_peak_N_star"]),
            tol,
            &format!("{name} N*"),
        );
    }
    assert!(!sets.is_empty(), "usl.json has no data sets");
}
