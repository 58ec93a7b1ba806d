//! A service measured and judged in process: `GET /work?ms=N&fail=B` and `GET /metrics`.
//! `cargo run --release -p sre-service --features tower,tokio --example http_service --
//! --listen 127.0.0.1:8080 --state target/work.state [--checkpoint-interval 1s]
//! [--eval-interval 5s] [--print-rules]`
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{HeaderMap, Response, StatusCode, header::ACCEPT};
use axum::{Router, routing::get};
use core::time::Duration;
use sre_core::{DAY, MINUTE, Objective, duration::parse_duration};
use sre_service::{Registry, Runner, SloSpec, SreLayer};
use tokio::signal::unix::{SignalKind, signal};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Work {
    ms: u64,
    fail: u8,
}

async fn work(Query(w): Query<Work>) -> StatusCode {
    tokio::time::sleep(Duration::from_millis(w.ms.min(60_000))).await;
    [StatusCode::OK, StatusCode::INTERNAL_SERVER_ERROR][usize::from(w.fail == 1)]
}

async fn metrics(State(registry): State<Registry>, headers: HeaderMap) -> Response<String> {
    let accept = headers.get(ACCEPT).and_then(|v| v.to_str().ok());
    registry.render_for_accept(accept).into()
}

fn route(req: &Request) -> Option<&str> {
    req.extensions().get().map(MatchedPath::as_str)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut listen, mut state, mut print_rules) = (String::from("127.0.0.1:8080"), None, false);
    let (mut checkpoint, mut eval) = (MINUTE, MINUTE);
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
    // 99.9 % of /work requests answered without a 5xx within 300 ms, over 30 days.
    let threshold = Duration::from_millis(300);
    let objective = Objective::from_percent(99.9)?;
    let slo = SloSpec::latency("work", objective, 30 * DAY, threshold).routes(["/work"]);
    let mut builder = Registry::builder().slo(slo);
    if let Some(path) = state.filter(|_| !print_rules) {
        builder = builder.checkpoint(path);
    }
    let registry = builder.build().unwrap_or_else(|e| {
        eprintln!("http_service: {e}"); // a corrupt or mismatched state file, left as it is
        std::process::exit(2)
    });
    if print_rules {
        print!("{}", registry.prometheus_rules(eval)?);
        return Ok(());
    }
    let runner = Runner::new(&registry).interval(eval)?;
    let runner = runner.checkpoint_interval(checkpoint)?.spawn_tokio();
    let app = Router::new()
        .route("/work", get(work))
        .route("/metrics", get(metrics))
        .layer(SreLayer::new(&registry, route))
        .with_state(registry.clone());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on {}", listener.local_addr()?);
    let mut term = signal(SignalKind::terminate())?; // what systemd and Kubernetes send
    let stop = async move {
        tokio::select! { _ = tokio::signal::ctrl_c() => (), _ = term.recv() => () }
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    runner.shutdown().await?;
    Ok(())
}
