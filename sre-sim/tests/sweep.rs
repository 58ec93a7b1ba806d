//! Sweeps: the product's order and names against a nested-loop enumeration, the binary's
//! merged table the same bytes however the grid is sharded or threaded, each point's
//! report equal to its scenario run directly, and bad input refused naming the field.
#![cfg(feature = "serde")]

use sre_sim::sweep::{Axis, Grid, Shard, merge, point_name, run_shard};
use sre_sim::{Error, Scenario, Simulation};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use toml::Value;

/// Two simulated minutes at 20 RPS: milliseconds of work in a debug build.
const BASE: &str = r#"
name = "tiny"
seed = 1
duration = "2m"
report_interval = "1m"

[traffic]
mean_rps = 20.0

[service]
distribution = "exponential"
mean = "20ms"
timeout = "1s"

[servers]
initial = 2
min = 1
max = 10

[slo]
objective = 99.0
latency_threshold = "50ms"
"#;

/// A grid file with `BASE` inline and `grid` as its `[grid]` body (plus any tables after).
fn grid_file(grid: &str) -> String {
    let base: String = BASE
        .replace("\n[", "\n[base.")
        .replacen("name =", "[base]\nname =", 1);
    format!("{base}\n[grid]\n{grid}\n")
}

/// A fresh folder under Cargo's temporary directory for integration tests.
fn temp_dir(tag: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sweep-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with `args` in `dir`, killing it after 60 s; (exit code, stderr).
fn sre_sim(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sre-sim"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "sre-sim {args:?} did not finish in 60 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code().unwrap_or(-1), stderr)
}

fn point_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("points"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// (1) Point i is the i-th iteration of nested loops over the axes in byte order of their
/// paths, the last innermost, however the file lists them; names are `p` + 5 digits.
#[test]
fn product_order_and_names_match_nested_loops() {
    let text = grid_file(
        r#""traffic.mean_rps" = [10.0, 20.0, 30.0]
seed = [5, 6]
"autoscaler.policy" = ["target_tracking", "cpu_threshold"]
[labels]
"autoscaler.policy" = ["TT", "CPU"]"#,
    );
    let grid = Grid::from_toml(&text, None).unwrap();
    let paths: Vec<&str> = grid.axes().iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["autoscaler.policy", "seed", "traffic.mean_rps"]);
    assert_eq!(grid.len(), 12);

    let mut expected = Vec::new();
    for (policy, label) in [("target_tracking", "TT"), ("cpu_threshold", "CPU")] {
        for seed in [5_i64, 6] {
            for rps in [10.0_f64, 20.0, 30.0] {
                expected.push((policy, label, seed, rps));
            }
        }
    }
    let points: Vec<_> = grid.points().collect();
    assert_eq!(points.len(), expected.len());
    for (i, (p, (policy, label, seed, rps))) in points.iter().zip(&expected).enumerate() {
        assert_eq!(p.index(), i);
        assert_eq!(p.name(), format!("p{i:05}"));
        assert_eq!(point_name(i), p.name());
        let params: Vec<_> = p.params().collect();
        assert_eq!(params[0].value, &Value::String((*policy).into()));
        assert_eq!(params[0].label, Some(*label));
        assert_eq!(params[1].value, &Value::Integer(*seed));
        assert_eq!(params[1].label, None);
        assert_eq!(params[2].value, &Value::Float(*rps));
        // The values land at their paths in the scenario, the rest is the base's.
        let s = p.scenario().unwrap();
        assert_eq!(s.seed, u64::try_from(*seed).unwrap());
        assert!((s.traffic.mean_rps - rps).abs() < 1e-12);
        assert!(s.autoscaler.is_some());
        assert_eq!(
            p.table().unwrap()["autoscaler"]["policy"],
            Value::String((*policy).into())
        );
        assert_eq!(
            s.service.timeout,
            Scenario::from_toml(BASE).unwrap().service.timeout
        );
    }
    assert!(grid.point(12).is_none());

    // The same grid written in another order, with comments and spacing, is the same grid.
    let shuffled = grid_file(
        r#"seed = [ 5, 6 ]   # seeds
"autoscaler.policy" = ["target_tracking", "cpu_threshold"]
"traffic.mean_rps" = [10.0, 20.0, 30.0]
[labels]
"autoscaler.policy" = ["TT", "CPU"]"#,
    );
    let again = Grid::from_toml(&shuffled, None).unwrap();
    assert_eq!(again.hash(), grid.hash());
    assert_eq!(again, grid);
    // A different value or label is a different grid.
    let other = Grid::from_toml(&text.replace("30.0", "31.0"), None).unwrap();
    assert_ne!(other.hash(), grid.hash());
    let relabelled = Grid::from_toml(&text.replace("\"CPU\"", "\"cpu\""), None).unwrap();
    assert_ne!(relabelled.hash(), grid.hash());
}

/// Whole TOML values are inserted at their path, tables created on the way; a grid
/// built in code from a `Scenario` is the same grid as the file's.
#[test]
fn values_are_inserted_whole_and_tables_created() {
    let text = grid_file(
        r#""traffic.events" = [[], [{name = "x2", start = "30s", duration = "30s", multiplier = 2.0}]]
"autoscaler" = [{policy = "target_tracking", target_utilization = 50.0}]"#,
    );
    let grid = Grid::from_toml(&text, None).unwrap();
    assert_eq!(grid.len(), 2);
    let none = grid.point(0).unwrap().scenario().unwrap();
    let one = grid.point(1).unwrap().scenario().unwrap();
    assert!(none.traffic.events.is_empty());
    assert_eq!(one.traffic.events.len(), 1);
    assert!((one.traffic.events[0].multiplier - 2.0).abs() < 1e-12);
    assert!(none.autoscaler.is_some());

    // A scenario without the table: the path creates it.
    let created = Grid::from_toml(
        &grid_file(r#""autoscaler.policy" = ["target_tracking"]"#),
        None,
    )
    .unwrap();
    let table = created.point(0).unwrap().table().unwrap();
    assert_eq!(
        table["autoscaler"]["policy"],
        Value::String("target_tracking".into())
    );

    let base = Scenario::from_toml(BASE).unwrap();
    let in_code =
        Grid::from_scenario(&base, vec![Axis::new("seed", vec![1.into(), 2.into()])]).unwrap();
    for p in in_code.points() {
        let mut want = base.clone();
        want.seed = u64::try_from(p.index()).unwrap() + 1;
        assert_eq!(p.scenario().unwrap(), want);
    }
}

/// Shard K/N holds the indices i with i mod N = K − 1: every point in exactly one shard.
#[test]
fn shards_partition_the_points() {
    for n in 1..=12 {
        for i in 0..200 {
            let owners: Vec<usize> = (1..=n)
                .filter(|&k| Shard::new(k, n).unwrap().contains(i))
                .collect();
            assert_eq!(owners, [i % n + 1], "point {i}, {n} shards");
        }
    }
    assert_eq!("3/7".parse::<Shard>().unwrap().to_string(), "3/7");
}

/// (2) The binary: one shard, three shards in three folders, --jobs 1 and --jobs 2, and
/// the folders merged in any order all give the same table bytes.
#[test]
fn merged_table_is_the_same_bytes_however_the_grid_ran() {
    let dir = temp_dir("bytes");
    std::fs::write(
        dir.join("grid.toml"),
        grid_file(
            r#"seed = [1, 2, 3]
"traffic.mean_rps" = [10.0, 30.0]
"autoscaler.policy" = ["none", "target_tracking"]
[labels]
seed = ["one", "two", "three, with a comma"]"#,
        ),
    )
    .unwrap();
    let ok = |args: &[&str]| {
        let (code, err) = sre_sim(&dir, args);
        assert_eq!(code, 0, "sre-sim {args:?}: {err}");
    };
    ok(&[
        "sweep",
        "grid.toml",
        "--out",
        "one",
        "--shard",
        "1/1",
        "--jobs",
        "1",
    ]);
    ok(&["sweep", "grid.toml", "--out", "two", "--jobs", "2"]);
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = format!("s{k}");
        ok(&[
            "sweep",
            "grid.toml",
            "--out",
            &out,
            "--shard",
            &shard,
            "--jobs",
            "2",
        ]);
        let want: Vec<String> = (0..12)
            .filter(|i| i % 3 == k - 1)
            .map(|i| format!("p{i:05}.json"))
            .collect();
        assert_eq!(point_files(&dir.join(&out)), want, "shard {shard}");
    }
    // The whole grid again into "two", over its own files: the same bytes.
    let before = std::fs::read(dir.join("two/points/p00005.json")).unwrap();
    ok(&["sweep", "grid.toml", "--out", "two", "--jobs", "2"]);
    assert_eq!(
        std::fs::read(dir.join("two/points/p00005.json")).unwrap(),
        before
    );

    ok(&["merge", "one", "--out", "one"]);
    ok(&["merge", "two", "--out", "t2"]);
    ok(&["merge", "s1", "s2", "s3", "--out", "sharded"]);
    ok(&["merge", "s3", "s1", "s2", "two", "--out", "mixed"]);
    let read = |p: &str| std::fs::read(dir.join(p)).unwrap();
    for ext in ["csv", "json"] {
        let whole = read(&format!("one/sweep.{ext}"));
        for other in ["t2", "sharded", "mixed"] {
            assert!(
                whole == read(&format!("{other}.{ext}")),
                "{other}.{ext} differs from one/sweep.{ext}"
            );
        }
    }
    let csv = String::from_utf8(read("one/sweep.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 13);
    assert!(lines[0].starts_with("point,autoscaler.policy,seed,traffic.mean_rps,sent,good,bad,"));
    assert!(lines[12].starts_with("p00011,target_tracking,\"three, with a comma\",30.0,"));
    assert!(
        !std::fs::read_dir(dir.join("two/points"))
            .unwrap()
            .any(|e| { e.unwrap().file_name().to_string_lossy().ends_with(".tmp") })
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// (3) Each point's report is its scenario, built here by editing the base `Scenario`
/// directly, run through `Simulation`; the table's numbers are read off those reports.
#[test]
fn each_point_is_its_scenario_run_directly() {
    let dir = temp_dir("direct");
    let grid = Grid::from_toml(
        &grid_file(
            r#"seed = [3, 4]
"servers.initial" = [1, 3]"#,
        ),
        None,
    )
    .unwrap();
    run_shard(&grid, Shard::ALL, NonZeroUsize::new(2), &dir).unwrap();
    let table = merge(&[&dir]).unwrap();
    assert_eq!(table.grid_hash, grid.hash());
    let base = Scenario::from_toml(BASE).unwrap();
    let mut i = 0;
    for seed in [3, 4] {
        for initial in [1, 3] {
            let mut s = base.clone();
            s.seed = seed;
            s.servers.initial = initial;
            let report = Simulation::new(s).unwrap().run().unwrap();
            let file = dir.join(format!("points/p{i:05}.json"));
            let written: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            assert_eq!(
                written["report"],
                serde_json::to_value(&report).unwrap(),
                "point {i}"
            );
            let m = &table.rows[i].metrics;
            assert_eq!(
                (m.sent, m.good, m.bad),
                (
                    report.requests.sent,
                    report.requests.good,
                    report.requests.bad()
                )
            );
            assert_eq!(m.compliance, report.slo.compliance);
            assert_eq!(m.p50_ms.to_bits(), report.latency.p50_ms.to_bits());
            assert_eq!(m.p99_ms.to_bits(), report.latency.p99_ms.to_bits());
            assert_eq!(m.budget_spent.to_bits(), report.slo.budget_spent.to_bits());
            assert_eq!(m.alerts_fired, report.fired().count() as u64);
            assert_eq!(m.scaling_actions, report.scaling.len() as u64);
            assert_eq!(
                m.instance_hours.to_bits(),
                report.capacity.instance_hours.to_bits()
            );
            assert_eq!(
                m.mean_utilization.to_bits(),
                report.capacity.mean_utilization.to_bits()
            );
            assert_eq!(m.failed, Some(report.requests.failed));
            i += 1;
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn grid_error(grid: &str) -> Error {
    Grid::from_toml(&grid_file(grid), None).expect_err("the grid should be refused")
}

fn grid_field(e: &Error) -> &str {
    match e {
        Error::Grid { field, .. } => field,
        other => panic!("expected Error::Grid, got {other:?}"),
    }
}

/// (4) Bad grids are refused by type, naming the field, the value and the bound.
#[test]
fn bad_grids_name_the_field_and_the_bound() {
    let e = grid_error("seed = []");
    assert_eq!(grid_field(&e), "grid.\"seed\"");
    assert!(e.to_string().contains("empty"), "{e}");

    let e = grid_error("seed = 3");
    assert_eq!(grid_field(&e), "grid.\"seed\"");

    // 1000 × 101 = 101 000 points, past the 100 000 bound.
    let a: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    let b: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let e = grid_error(&format!("a = [{}]\nb = [{}]", a.join(","), b.join(",")));
    assert_eq!(grid_field(&e), "grid.\"b\"");
    assert!(
        e.to_string()
            .contains(&sre_sim::sweep::MAX_POINTS.to_string()),
        "{e}"
    );
    // Exactly at the bound is a grid.
    let b: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let g = Grid::from_toml(
        &grid_file(&format!("a = [{}]\nb = [{}]", a.join(","), b.join(","))),
        None,
    )
    .unwrap();
    assert_eq!(g.len(), sre_sim::sweep::MAX_POINTS);

    let many: String = (0..=sre_sim::sweep::MAX_AXES)
        .map(|i| format!("x{i} = [1]\n"))
        .collect();
    let e = grid_error(&many);
    assert_eq!(grid_field(&e), "grid");
    assert!(e.to_string().contains("33 axes"), "{e}");

    let e = grid_error("autoscaler = [{policy = \"none\"}]\n\"autoscaler.policy\" = [\"none\"]");
    assert_eq!(grid_field(&e), "grid.\"autoscaler.policy\"");

    let e = grid_error("\"servers..initial\" = [1]");
    assert_eq!(grid_field(&e), "grid.\"servers..initial\"");

    let e = grid_error("seed = [1, 2]\n[labels]\nseed = [\"one\"]");
    assert_eq!(grid_field(&e), "labels.\"seed\"");
    let e = grid_error("seed = [1]\n[labels]\nsead = [\"one\"]");
    assert_eq!(grid_field(&e), "labels.\"sead\"");

    let e = Grid::from_toml("[grid]\nseed = [1]\n", None).unwrap_err();
    assert_eq!(grid_field(&e), "base");
    let e = Grid::from_toml("base = \"x.toml\"\n", None).unwrap_err();
    assert_eq!(grid_field(&e), "base");
    let e = Grid::from_toml(&format!("extra = 1\n{}", grid_file("seed = [1]")), None).unwrap_err();
    assert_eq!(grid_field(&e), "extra");

    for spec in ["0/3", "4/3", "1/0", "a/b", "3", "-1/2"] {
        let e = spec.parse::<Shard>().unwrap_err();
        assert_eq!(grid_field(&e), "--shard", "{spec}");
    }
}

/// (4) An invalid point is refused before any point runs, naming the point and the
/// scenario field, by the library and by the binary (exit status 2).
#[test]
fn an_invalid_point_is_named_before_any_run() {
    let text = grid_file(r#""traffic.mean_rps" = [10.0, -5.0, 20.0]"#);
    let grid = Grid::from_toml(&text, None).unwrap();
    let e = grid.validate().unwrap_err();
    match &e {
        Error::Point { point, source, .. } => {
            assert_eq!(point, "p00001");
            assert!(
                matches!(**source, Error::Scenario { ref field, .. } if field == "traffic.mean_rps"),
                "{source:?}"
            );
        }
        other => panic!("expected Error::Point, got {other:?}"),
    }
    assert!(e.to_string().contains("traffic.mean_rps = -5.0"), "{e}");

    // A path through a value that is not a table.
    let bad_path = Grid::from_toml(&grid_file(r#""service.timeout.x" = [1]"#), None).unwrap();
    let e = bad_path.validate().unwrap_err();
    assert!(e.to_string().contains("service.timeout"), "{e}");

    let dir = temp_dir("invalid");
    std::fs::write(dir.join("grid.toml"), &text).unwrap();
    // Shard 1/3 holds only p00000, a valid point: the grid is still refused whole.
    let (code, err) = sre_sim(
        &dir,
        &["sweep", "grid.toml", "--out", "o", "--shard", "1/3"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("p00001") && err.contains("traffic.mean_rps"),
        "{err}"
    );
    assert!(point_files(&dir.join("o")).is_empty());

    for (args, needle) in [
        (
            &["sweep", "grid.toml", "--out", "o", "--shard", "4/3"][..],
            "--shard",
        ),
        (
            &["sweep", "grid.toml", "--out", "o", "--jobs", "0"][..],
            "--jobs",
        ),
        (&["sweep", "grid.toml"][..], "--out"),
        (&["sweep", "missing.toml", "--out", "o"][..], "missing.toml"),
        (&["merge"][..], "merge"),
        (&["merge", "nowhere"][..], "nowhere"),
    ] {
        let (code, err) = sre_sim(&dir, args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// (4) A merge refuses missing points (naming them), mixed grids, and two different files
/// for one point.
#[test]
fn merge_refuses_missing_mixed_and_conflicting_points() {
    let dir = temp_dir("merge");
    let grid = Grid::from_toml(&grid_file("seed = [1, 2, 3, 4, 5]"), None).unwrap();
    let one = NonZeroUsize::new(1);
    run_shard(&grid, Shard::new(1, 3).unwrap(), one, &dir.join("a")).unwrap();
    run_shard(&grid, Shard::new(2, 3).unwrap(), one, &dir.join("b")).unwrap();
    let e = merge(&[dir.join("a"), dir.join("b")]).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, Error::Merge { .. }), "{e:?}");
    assert!(
        text.contains("p00002") && !text.contains("p00003"),
        "{text}"
    );
    assert!(text.contains("1 of the 5 points"), "{text}");

    // The same shard count over another grid: refused by hash.
    let other = Grid::from_toml(&grid_file("seed = [1, 2, 3, 4, 6]"), None).unwrap();
    run_shard(&other, Shard::new(3, 3).unwrap(), one, &dir.join("c")).unwrap();
    let e = merge(&[dir.join("a"), dir.join("b"), dir.join("c")]).unwrap_err();
    match &e {
        Error::Merge { field, problem } => {
            assert!(field.ends_with("grid_hash"), "{field}");
            assert!(
                problem.contains(other.hash()) && problem.contains(grid.hash()),
                "{problem}"
            );
        }
        other => panic!("expected Error::Merge, got {other:?}"),
    }
    // …and a sweep refuses to write another grid into a folder that holds one.
    let e = run_shard(&other, Shard::new(1, 3).unwrap(), one, &dir.join("a")).unwrap_err();
    assert!(e.to_string().contains("another grid"), "{e}");

    // The missing shard completes the grid; a changed copy of a point is refused.
    run_shard(&grid, Shard::new(3, 3).unwrap(), one, &dir.join("d")).unwrap();
    let table = merge(&[dir.join("a"), dir.join("b"), dir.join("d")]).unwrap();
    assert_eq!(table.rows.len(), 5);
    let copy = dir.join("e/points");
    std::fs::create_dir_all(&copy).unwrap();
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("a/points/p00000.json")).unwrap()).unwrap();
    let good = v["report"]["requests"]["good"].as_u64().unwrap();
    v["report"]["requests"]["good"] = (good - 1).into();
    std::fs::write(
        copy.join("p00000.json"),
        serde_json::to_vec_pretty(&v).unwrap(),
    )
    .unwrap();
    let e = merge(&[dir.join("a"), dir.join("b"), dir.join("d"), dir.join("e")]).unwrap_err();
    assert!(
        e.to_string().contains("p00000") && e.to_string().contains("different content"),
        "{e}"
    );
    // An identical copy is the same point, not a conflict.
    std::fs::copy(dir.join("a/points/p00000.json"), copy.join("p00000.json")).unwrap();
    let again = merge(&[dir.join("a"), dir.join("b"), dir.join("d"), dir.join("e")]).unwrap();
    assert_eq!(again, table);
    std::fs::remove_dir_all(&dir).ok();
}

/// A `base = "file"` is read relative to the grid file; the hash is over the content, so
/// the inline and the file form of one grid are the same grid. The committed example grid
/// has 8 valid points.
#[test]
fn base_file_and_the_example_grid() {
    let dir = temp_dir("base");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/tiny.toml"), BASE).unwrap();
    std::fs::write(
        dir.join("grid.toml"),
        "base = \"sub/tiny.toml\"\n[grid]\nseed = [1, 2]\n",
    )
    .unwrap();
    let from_file = Grid::from_file(&dir.join("grid.toml")).unwrap();
    let inline = Grid::from_toml(&grid_file("seed = [1, 2]"), None).unwrap();
    assert_eq!(from_file.hash(), inline.hash());
    std::fs::write(dir.join("bad.toml"), "base = \"nothing.toml\"\n").unwrap();
    let e = Grid::from_file(&dir.join("bad.toml")).unwrap_err();
    assert!(
        matches!(e, Error::Io { .. }) && e.to_string().contains("nothing.toml"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).ok();

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep_grid.toml");
    let grid = Grid::from_file(&example).unwrap();
    assert_eq!(grid.len(), 8);
    grid.validate().unwrap();
}
