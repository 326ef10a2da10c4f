//! `tricks bench`: every workload runs through the real code and reports a positive rate, as a table and
//! as JSON lines; bad arguments are refused with a clear error and a non-zero status.

use std::process::{Command, Output};

fn tricks(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tricks")).args(args).output().expect("the binary runs")
}

#[test]
fn every_workload_reports_a_rate_as_json() {
    let o = tricks(&["bench", "--batch", "64", "--seconds", "0.01", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let names: Vec<&str> = lines.iter().map(|l| l["workload"].as_str().unwrap()).collect();
    assert_eq!(names, ["mlp", "mlp-step", "rbm-cd1", "dae", "eval"]);
    for line in &lines {
        assert_eq!(line["batch"], 64);
        assert_eq!(line["backend"], "ndarray");
        assert!(line["examples_per_second"].as_f64().unwrap() > 0.0, "{line}");
        assert!(line["matmul_gflops"].as_f64().unwrap() > 0.0, "{line}");
        assert!(line["runs"].as_u64().unwrap() >= 3, "{line}");
    }
}

#[test]
fn the_table_has_a_line_per_workload_and_batch() {
    let o = tricks(&["bench", "--workload", "mlp-step", "--batch", "4", "--batch", "16", "--seconds", "0.01"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    let rows: Vec<Vec<&str>> = out.lines().skip(1).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!((rows[0][0], rows[0][1], rows[0][2]), ("mlp-step", "4", "ndarray"));
    assert_eq!(rows[1][1], "16");
    assert!(rows.iter().all(|r| r[3].parse::<f64>().unwrap() > 0.0), "{out}");
}

#[test]
fn bad_arguments_are_refused() {
    for (args, says) in [
        (&["bench", "--workload", "resnet"][..], "no workload `resnet`"),
        (&["bench", "--seconds", "0"][..], "not a number of seconds"),
        (&["bench", "--seconds", "nan"][..], "not a number of seconds"),
        (&["bench", "--batch", "0"][..], "--batch"),
    ] {
        let o = tricks(args);
        assert!(!o.status.success(), "{args:?} was accepted");
        assert!(String::from_utf8_lossy(&o.stderr).contains(says), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
}
