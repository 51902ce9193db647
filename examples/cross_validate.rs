//! Leave-one-author-out cross-validation of the intent classifier: for each corpus file, train
//! on all the others and evaluate on it. Unlike the dev set, no file here was written by the
//! author of another, so the figure estimates accuracy on messages from a new writer.
//!
//! `cargo run --release --example cross_validate` (`EMERGENCY_BIAS=0.3` to try another bias)

use ketnoi::lang::{evaluate, Classifier, CORPUS};

fn main() {
    let mut total = (0usize, 0usize);
    for (held, text) in CORPUS {
        let training: String = CORPUS
            .iter()
            .filter(|(name, _)| name != held)
            .map(|(_, t)| *t)
            .collect::<Vec<_>>()
            .join("\n");
        let mut classifier = Classifier::from_jsonl(&training).expect("corpus parses");
        if let Some(bias) = std::env::var("EMERGENCY_BIAS")
            .ok()
            .and_then(|b| b.parse().ok())
        {
            classifier.emergency_bias = bias;
        }
        let report = evaluate(&classifier, text).expect("file parses");
        let correct = (report.accuracy() * report.count as f64).round() as usize;
        total.0 += correct;
        total.1 += report.count;
        println!(
            "{held:<16} n={:<5} accuracy {:.3}  macro-F1 {:.3}  emergency recall {:.3}  procedure {:.3}",
            report.count,
            report.accuracy(),
            report.macro_f1(),
            report.recall(ketnoi::lang::Intent::Emergency),
            report.procedure_accuracy()
        );
    }
    println!(
        "all              n={:<5} accuracy {:.3}",
        total.1,
        total.0 as f64 / total.1 as f64
    );
}
