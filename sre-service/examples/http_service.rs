//! A service measured and judged in process: `GET /work?ms=N&fail=B` and `GET /metrics`.
//! `cargo run --release -p sre-service --features tower,tokio --example http_service --
//! --listen 127.0.0.1:8080 --state target/work.state [--checkpoint-interval 1s]
//! [--eval-interval 5s] [--print-rules]`
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header::ACCEPT};
use axum::{Router, routing::get};
use core::time::Duration;
use sre_budget::duration::parse_duration;
use sre_core::Objective;
use sre_service::{Registry, Runner, SloSpec, SreLayer};

#[derive(serde::Deserialize)]
struct Work {
    #[serde(default)]
    ms: u64,
    #[serde(default)]
    fail: u8,
}

async fn work(Query(w): Query<Work>) -> StatusCode {
    tokio::time::sleep(Duration::from_millis(w.ms.min(60_000))).await;
    if w.fail == 1 {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn metrics(
    State(registry): State<Registry>,
    headers: HeaderMap,
) -> axum::http::Response<String> {
    let accept = headers.get(ACCEPT).and_then(|v| v.to_str().ok());
    registry.render_for_accept(accept).into()
}

fn route(req: &Request) -> Option<&str> {
    req.extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut listen, mut state, mut print_rules) = (String::from("127.0.0.1:8080"), None, false);
    let (mut checkpoint, mut eval) = (Duration::from_secs(60), Duration::from_secs(60));
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => listen = value()?,
            "--state" => state = Some(value()?),
            "--checkpoint-interval" => checkpoint = parse_duration(&value()?)?,
            "--eval-interval" => eval = parse_duration(&value()?)?,
            "--print-rules" => print_rules = true,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let month = Duration::from_secs(30 * 86_400);
    let slo = SloSpec::latency(
        "work",
        Objective::from_percent(99.9)?,
        month,
        Duration::from_millis(300),
    )
    .routes(["/work"]);
    let mut builder = Registry::builder().slo(slo);
    if let Some(path) = &state {
        builder = builder.checkpoint(path);
    }
    let registry = match builder.build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("http_service: {e}");
            std::process::exit(2);
        }
    };
    if print_rules {
        print!("{}", registry.prometheus_rules(eval)?);
        return Ok(());
    }
    let runner = Runner::new(&registry)
        .interval(eval)?
        .checkpoint_interval(checkpoint)?
        .spawn_tokio();
    let app = Router::new()
        .route("/work", get(work))
        .route("/metrics", get(metrics))
        .layer(SreLayer::new(&registry, route))
        .with_state(registry.clone());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on {}", listener.local_addr()?);
    let stop = async {
        tokio::signal::ctrl_c().await.ok();
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    runner.shutdown().await?;
    Ok(())
}
