//! Every case of `erlang_c.json` (exact rationals and 60-digit mpmath quantiles): within
//! 1e-9 relative.

mod common;
use common::{close, load, num};
use sre_loadgen_model::Error;
use sre_loadgen_model::queueing::{MG1, MMc, erlang_b, erlang_c};

const REL: f64 = 1e-9;

#[test]
fn every_mmc_case() {
    let doc = load("erlang_c.json");
    let cases = doc["cases"].as_array().unwrap();
    let mut checked = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let (lambda, mu) = (num(&case["lambda"]), num(&case["mu"]));
        let c = u32::try_from(case["c"].as_u64().unwrap()).unwrap();
        if !case["stable"].as_bool().unwrap() {
            let err = MMc::new(lambda, mu, c).unwrap_err();
            // A queue with servers that serve (μ > 0, c ≥ 1) is rejected for its load,
            // ρ ≥ 1; otherwise (μ = 0, no servers, a bad rate) any typed error will do.
            if mu > 0.0 && mu.is_finite() && lambda.is_finite() && c > 0 {
                let want = num(&case["rho"]);
                assert!(
                    matches!(err, Error::Unstable { rho, .. } if (rho - want).abs() <= 1e-12 * want.max(1.0)),
                    "{name}: {err}"
                );
            }
            assert!(erlang_c(c, lambda / mu).is_err(), "{name}");
            checked += 1;
            continue;
        }
        let q = MMc::new(lambda, mu, c).unwrap();
        let at = |field: &str| format!("{name}.{field}");
        close(
            q.offered_load(),
            num(&case["offered_load_erlangs"]),
            1e-15,
            &at("A"),
        );
        close(q.utilization(), num(&case["rho"]), 1e-15, &at("rho"));
        close(q.p_wait(), num(&case["p_wait"]), REL, &at("p_wait"));
        close(
            erlang_c(c, lambda / mu).unwrap(),
            num(&case["p_wait"]),
            REL,
            &at("erlang_c()"),
        );
        close(q.erlang_b(), num(&case["erlang_b"]), REL, &at("erlang_b"));
        close(
            erlang_b(c, lambda / mu).unwrap(),
            num(&case["erlang_b"]),
            REL,
            &at("erlang_b()"),
        );
        close(
            q.mean_wait(),
            num(&case["mean_wait"]),
            REL,
            &at("mean_wait"),
        );
        close(
            q.mean_response(),
            num(&case["mean_response"]),
            REL,
            &at("mean_response"),
        );
        close(
            q.mean_queue_len(),
            num(&case["mean_queue_len_Lq"]),
            REL,
            &at("Lq"),
        );
        close(
            q.mean_in_system(),
            num(&case["mean_in_system_L"]),
            REL,
            &at("L"),
        );
        close(
            q.wait_decay_rate(),
            num(&case["wait_tail_decay_rate_theta"]),
            REL,
            &at("theta"),
        );
        for (p, want) in case["wait_quantiles"].as_object().unwrap() {
            let p: f64 = p.parse().unwrap();
            close(
                q.wait_quantile(p).unwrap(),
                num(want),
                REL,
                &at(&format!("wait_q{p}")),
            );
        }
        for (p, want) in case["response_quantiles"].as_object().unwrap() {
            let p: f64 = p.parse().unwrap();
            close(
                q.response_quantile(p).unwrap(),
                num(want),
                REL,
                &at(&format!("response_q{p}")),
            );
        }
        close(
            q.response_quantile(0.99).unwrap(),
            num(&case["p99_response"]),
            REL,
            &at("p99"),
        );
        close(
            q.p_wait_exceeds(1.0 / mu),
            num(&case["p_wait_gt_mean_service_time"]),
            REL,
            &at("P(W>1/mu)"),
        );
        if let Some(levels) = case["service_level_P_wait_le_t"].as_object() {
            for (t, want) in levels {
                let t: f64 = t.parse().unwrap();
                close(
                    q.service_level(t),
                    num(want),
                    REL,
                    &at(&format!("service_level_{t}")),
                );
            }
        }
        // θ = μ is the case the textbook response-time formula divides 0 by 0 in.
        assert_eq!(
            case["theta_equals_mu"].as_bool().unwrap(),
            (q.wait_decay_rate() - mu).abs() <= 1e-12 * mu,
            "{name}: theta_equals_mu flag"
        );
        checked += 1;
    }
    assert_eq!(checked, cases.len());
    assert!(checked > 0, "erlang_c.json has no M/M/c cases");
}

#[test]
fn every_pollaczek_khinchine_case() {
    let doc = load("erlang_c.json");
    let cases = doc["mg1_pollaczek_khinchine_cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let q = MG1::new(
            num(&case["lambda"]),
            num(&case["mean_service"]),
            num(&case["scv_service"]),
        )
        .unwrap();
        close(
            q.utilization(),
            num(&case["rho"]),
            1e-15,
            &format!("{name}.rho"),
        );
        close(
            q.second_moment(),
            num(&case["E_S2"]),
            1e-15,
            &format!("{name}.E_S2"),
        );
        close(
            q.mean_wait(),
            num(&case["mean_wait_Wq"]),
            REL,
            &format!("{name}.Wq"),
        );
        close(
            q.mean_wait(),
            num(&case["mean_wait_float"]),
            REL,
            &format!("{name}.Wq float"),
        );
        close(
            q.mean_response(),
            num(&case["mean_response_W"]),
            REL,
            &format!("{name}.W"),
        );
        close(
            q.mean_queue_len(),
            num(&case["Lq"]),
            REL,
            &format!("{name}.Lq"),
        );
        close(
            q.mean_in_system(),
            num(&case["L"]),
            REL,
            &format!("{name}.L"),
        );
    }
    assert!(!cases.is_empty(), "erlang_c.json has no M/G/1 cases");
}
