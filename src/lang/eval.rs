//! Evaluation of a [`Classifier`] on a labelled JSONL set
//! (`{"text","intent","procedure"}` per line, as `tests/fixtures/intents-dev.jsonl`).
//!
//! Reports accuracy, macro-F1 over the 8 intents, per-intent P/R/F1, the
//! confusion matrix (rows = true, columns = predicted) and procedure-id
//! accuracy on messages whose true intent is `procedure`.

use serde::Deserialize;
use serde_json::json;

use super::classify::{Classifier, Intent};

const N: usize = Intent::ALL.len();

#[derive(Deserialize)]
struct Labelled {
    text: String,
    intent: String,
    procedure: Option<String>,
    /// `diacritics`, `no_diacritics` or `mixed`, when the set records it.
    #[serde(default)]
    style: Option<String>,
    /// Report category, when the set records it.
    #[serde(default)]
    category: Option<String>,
}

/// One misclassified message, kept for inspection.
#[derive(Debug, Clone)]
pub struct Miss {
    pub text: String,
    pub expected: Intent,
    pub predicted: Intent,
    pub confidence: f32,
    pub expected_procedure: Option<String>,
    pub predicted_procedure: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct EvalReport {
    pub count: usize,
    /// `confusion[true][predicted]`, indices as in [`Intent::ALL`].
    pub confusion: [[usize; N]; N],
    pub procedure_total: usize,
    pub procedure_correct: usize,
    pub misses: Vec<Miss>,
    /// Per writing style: (correct intents, messages).
    pub styles: std::collections::BTreeMap<String, (usize, usize)>,
    /// Report/emergency messages with a category label: (category model right, labelled).
    pub category: (usize, usize),
}

/// Classify every line of `jsonl` and tally the results.
pub fn evaluate(classifier: &Classifier, jsonl: &str) -> Result<EvalReport, String> {
    let mut r = EvalReport {
        count: 0,
        confusion: [[0; N]; N],
        procedure_total: 0,
        procedure_correct: 0,
        misses: Vec::new(),
        styles: Default::default(),
        category: (0, 0),
    };
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let ex: Labelled =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let expected: Intent = ex
            .intent
            .parse()
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        let got = classifier.classify(&ex.text);
        r.count += 1;
        r.confusion[expected.index()][got.intent.index()] += 1;
        if let Some(style) = ex.style {
            let tally = r.styles.entry(style).or_default();
            tally.0 += usize::from(got.intent == expected);
            tally.1 += 1;
        }
        if let Some(id) = ex.category.as_deref() {
            let predicted =
                super::infer_category(&ex.text).unwrap_or(crate::cases::Category::Other);
            r.category.0 += usize::from(predicted.id() == id);
            r.category.1 += 1;
        }
        let mut proc_wrong = false;
        if expected == Intent::Procedure {
            r.procedure_total += 1;
            if got.procedure.is_some() && got.procedure == ex.procedure.as_deref() {
                r.procedure_correct += 1;
            } else {
                proc_wrong = true;
            }
        }
        if got.intent != expected || proc_wrong {
            r.misses.push(Miss {
                text: ex.text,
                expected,
                predicted: got.intent,
                confidence: got.confidence,
                expected_procedure: ex.procedure,
                predicted_procedure: got.procedure,
            });
        }
    }
    if r.count == 0 {
        return Err("no labelled lines".into());
    }
    Ok(r)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl EvalReport {
    pub fn accuracy(&self) -> f64 {
        let correct: usize = (0..N).map(|i| self.confusion[i][i]).sum();
        ratio(correct, self.count)
    }

    pub fn precision(&self, i: Intent) -> f64 {
        let k = i.index();
        let predicted: usize = (0..N).map(|t| self.confusion[t][k]).sum();
        ratio(self.confusion[k][k], predicted)
    }

    pub fn recall(&self, i: Intent) -> f64 {
        let k = i.index();
        ratio(self.confusion[k][k], self.confusion[k].iter().sum())
    }

    pub fn f1(&self, i: Intent) -> f64 {
        let (p, r) = (self.precision(i), self.recall(i));
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Unweighted mean of the per-intent F1 over all 8 intents.
    pub fn macro_f1(&self) -> f64 {
        Intent::ALL.iter().map(|i| self.f1(*i)).sum::<f64>() / N as f64
    }

    /// Share of true-procedure messages whose predicted procedure id is right
    /// (a message predicted as another intent counts as wrong).
    pub fn procedure_accuracy(&self) -> f64 {
        ratio(self.procedure_correct, self.procedure_total)
    }

    pub fn to_json(&self) -> serde_json::Value {
        let per_intent: serde_json::Map<String, serde_json::Value> = Intent::ALL
            .iter()
            .map(|i| {
                let support: usize = self.confusion[i.index()].iter().sum();
                (
                    i.as_str().to_string(),
                    json!({"precision": self.precision(*i), "recall": self.recall(*i),
                           "f1": self.f1(*i), "support": support}),
                )
            })
            .collect();
        json!({
            "count": self.count,
            "accuracy": self.accuracy(),
            "macro_f1": self.macro_f1(),
            "per_intent": per_intent,
            "labels": Intent::ALL.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
            "confusion": self.confusion.iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
            "procedure_total": self.procedure_total,
            "procedure_accuracy": self.procedure_accuracy(),
            "style_accuracy": self.styles.iter()
                .map(|(k, (c, n))| (k.clone(), json!(ratio(*c, *n))))
                .collect::<serde_json::Map<_, _>>(),
            "category_accuracy": ratio(self.category.0, self.category.1),
        })
    }
}

/// Short column headers for the confusion matrix.
fn abbrev(i: Intent) -> &'static str {
    match i {
        Intent::Report => "rep",
        Intent::Emergency => "emg",
        Intent::Procedure => "proc",
        Intent::News => "news",
        Intent::CaseStatus => "case",
        Intent::Greeting => "greet",
        Intent::Contact => "cont",
        Intent::Other => "other",
    }
}

impl std::fmt::Display for EvalReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "messages: {}", self.count)?;
        writeln!(f, "accuracy: {:.4}", self.accuracy())?;
        writeln!(f, "macro-F1: {:.4}", self.macro_f1())?;
        writeln!(
            f,
            "procedure-id accuracy: {:.4} ({}/{})",
            self.procedure_accuracy(),
            self.procedure_correct,
            self.procedure_total
        )?;
        writeln!(f, "emergency recall: {:.4}", self.recall(Intent::Emergency))?;
        for (style, (correct, n)) in &self.styles {
            writeln!(
                f,
                "accuracy ({style}): {:.4} ({correct}/{n})",
                ratio(*correct, *n)
            )?;
        }
        if self.category.1 > 0 {
            writeln!(
                f,
                "category accuracy (inferred, else other): {:.4} ({}/{})",
                ratio(self.category.0, self.category.1),
                self.category.0,
                self.category.1
            )?;
        }
        writeln!(
            f,
            "\n{:<12} {:>6} {:>6} {:>6} {:>5}",
            "intent", "P", "R", "F1", "n"
        )?;
        for i in Intent::ALL {
            let support: usize = self.confusion[i.index()].iter().sum();
            writeln!(
                f,
                "{:<12} {:>6.3} {:>6.3} {:>6.3} {:>5}",
                i.as_str(),
                self.precision(i),
                self.recall(i),
                self.f1(i),
                support
            )?;
        }
        write!(f, "\nconfusion (rows=true, cols=predicted)\n{:<12}", "")?;
        for i in Intent::ALL {
            write!(f, "{:>6}", abbrev(i))?;
        }
        writeln!(f)?;
        for t in Intent::ALL {
            write!(f, "{:<12}", t.as_str())?;
            for p in Intent::ALL {
                write!(f, "{:>6}", self.confusion[t.index()][p.index()])?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::classify::shared;

    #[test]
    fn evaluates_inline_jsonl() {
        let jsonl = concat!(
            r#"{"text": "chào ad", "intent": "greeting", "procedure": null}"#,
            "\n",
            r#"{"text": "đăng ký tạm trú ở đâu", "intent": "procedure", "procedure": "tam-tru"}"#,
            "\n"
        );
        let r = evaluate(shared(), jsonl).expect("valid");
        assert_eq!(r.count, 2);
        assert!((r.accuracy() - 1.0).abs() < 1e-9);
        assert!((r.procedure_accuracy() - 1.0).abs() < 1e-9);
        assert_eq!(r.to_json()["count"], 2);
        assert!(r.to_string().contains("macro-F1"));
        assert!(evaluate(shared(), "not json").is_err());
        assert!(evaluate(shared(), "").is_err());
    }

    /// The project's dev set (`tests/fixtures/intents-dev.jsonl`, a copy of the team's dev set):
    /// the issue's targets are its floors.
    #[test]
    fn dev_set_meets_targets() {
        let jsonl = include_str!("../../tests/fixtures/intents-dev.jsonl");
        let r = evaluate(shared(), jsonl).expect("dev set parses");
        println!("{r}");
        assert_floors(&r, 0.95, 0.94, 1.0, 0.95);
    }

    /// Fails with the figure that fell below its floor.
    fn assert_floors(r: &EvalReport, accuracy: f64, macro_f1: f64, emergency: f64, procedure: f64) {
        let figures = [
            ("accuracy", r.accuracy(), accuracy),
            ("macro-F1", r.macro_f1(), macro_f1),
            ("emergency recall", r.recall(Intent::Emergency), emergency),
            ("procedure accuracy", r.procedure_accuracy(), procedure),
        ];
        for (name, value, floor) in figures {
            assert!(value >= floor, "{name} {value:.3} is below {floor}");
        }
    }

    /// No writing style (diacritics, none, mixed) below `floor`.
    fn assert_styles(r: &EvalReport, floor: f64) {
        assert!(!r.styles.is_empty(), "the set records styles");
        for (style, (correct, n)) in &r.styles {
            let value = *correct as f64 / *n as f64;
            assert!(
                value >= floor,
                "{style}: accuracy {value:.3} is below {floor}"
            );
        }
    }

    /// The held-out set no one on the project has trained on or tuned against
    /// (tests/fixtures/intents-fresh.jsonl, author W): the issue's held-out targets are its
    /// floors. If a change is ever made because of its misses, it becomes training data and a
    /// fresh set is written (`src/lang/corpus/README.md`).
    #[test]
    fn fresh_held_out_set_meets_targets() {
        let jsonl = include_str!("../../tests/fixtures/intents-fresh.jsonl");
        let r = evaluate(shared(), jsonl).expect("held-out set parses");
        println!("{r}");
        assert_floors(&r, 0.92, 0.90, 0.98, 0.90);
        assert_styles(&r, 0.88);
    }

    /// The second never-trained held-out set (tests/fixtures/intents-fresh-v.jsonl, author V),
    /// kept as a regression floor a little under what it measures with authors F and G in the
    /// corpus (accuracy 0.938, macro-F1 0.938, emergency recall 0.985, procedure 0.943, lowest
    /// style 0.929): a message or two more wrong passes, a regression does not.
    #[test]
    fn second_fresh_held_out_set_stays_above_its_floor() {
        let jsonl = include_str!("../../tests/fixtures/intents-fresh-v.jsonl");
        let r = evaluate(shared(), jsonl).expect("held-out set parses");
        println!("{r}");
        assert_floors(&r, 0.93, 0.93, 0.98, 0.92);
        assert_styles(&r, 0.91);
    }

    /// The first project held-out set (tests/fixtures/intents-heldout.jsonl, 200 lines), kept
    /// as a regression floor a little under what it measures (accuracy 0.965, macro-F1 0.965,
    /// emergency recall 1.00, procedure 0.950): one or two more misses pass, a regression does
    /// not.
    #[test]
    fn first_held_out_set_stays_above_its_floor() {
        let jsonl = include_str!("../../tests/fixtures/intents-heldout.jsonl");
        let r = evaluate(shared(), jsonl).expect("held-out set parses");
        println!("{r}");
        assert_floors(&r, 0.95, 0.95, 0.96, 0.93);
    }
}
