//! Intent classification of resident messages, plus the procedure id for
//! procedure questions.
//!
//! Two softmax models are trained at start-up from the embedded corpus
//! (`corpus/intents.jsonl`): one over the 8 intents and one over procedure
//! ids (trained on the procedure messages only). A few high-precision rules
//! ([`super::rules`]) then correct the model where an error would be costly,
//! mainly so that a danger happening *now* is never answered as a routine
//! question.

use std::str::FromStr;
use std::sync::OnceLock;

use serde::Deserialize;

use super::features;
use super::model::{Softmax, TrainOpts};
use super::normalize::fold;
use super::rules;

/// What the resident wants; drives which flow of the bot answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    Report,
    Emergency,
    Procedure,
    News,
    CaseStatus,
    Greeting,
    Contact,
    Other,
}

impl Intent {
    /// In model-class order (index = class id).
    pub const ALL: [Intent; 8] = [
        Intent::Report,
        Intent::Emergency,
        Intent::Procedure,
        Intent::News,
        Intent::CaseStatus,
        Intent::Greeting,
        Intent::Contact,
        Intent::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Intent::Report => "report",
            Intent::Emergency => "emergency",
            Intent::Procedure => "procedure",
            Intent::News => "news",
            Intent::CaseStatus => "case_status",
            Intent::Greeting => "greeting",
            Intent::Contact => "contact",
            Intent::Other => "other",
        }
    }

    /// Position in [`Intent::ALL`].
    pub fn index(&self) -> usize {
        *self as usize
    }
}

impl FromStr for Intent {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL
            .iter()
            .copied()
            .find(|i| i.as_str() == s.trim())
            .ok_or_else(|| format!("unknown intent {s:?}"))
    }
}

impl std::fmt::Display for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every procedure id of procedures-facts.md §7, in that order.
/// `to-giac-tin-bao` is listed for completeness, but "how do I denounce"
/// messages are classified as [`Intent::Report`], never as this procedure.
pub const PROCEDURE_IDS: &[&str] = &[
    "thuong-tru",
    "tam-tru",
    "gia-han-tam-tru",
    "xoa-thuong-tru",
    "xoa-tam-tru",
    "tach-ho",
    "dieu-chinh-cu-tru",
    "khai-bao-cu-tru",
    "luu-tru",
    "tam-vang",
    "xac-nhan-cu-tru",
    "tam-tru-nguoi-nuoc-ngoai",
    "can-cuoc",
    "dieu-chinh-csdl-dan-cu",
    "xac-nhan-cmnd",
    "dinh-danh-dien-tu",
    "dang-ky-xe",
    "sang-ten-xe",
    "thu-hoi-dang-ky-xe",
    "doi-cap-lai-dang-ky-xe",
    "doi-gplx",
    "mat-giay-to",
    "giao-nop-vu-khi",
    "khai-bao-vu-khi-tho-so",
    "ly-lich-tu-phap",
    "anninh-trat-tu-kinh-doanh",
    "to-giac-tin-bao",
];

/// Result of [`Classifier::classify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub intent: Intent,
    /// Probability-like score in 0..=1; below ~0.5 the caller should ask.
    pub confidence: f32,
    /// Best procedure id when `intent` is [`Intent::Procedure`].
    pub procedure: Option<&'static str>,
    /// Up to 4 procedure ids with scores, best first, for "did you mean"
    /// buttons. Filled when the intent is Procedure, or when Procedure is a
    /// plausible runner-up (so the caller can offer it while clarifying).
    pub procedure_candidates: Vec<(&'static str, f32)>,
}

#[derive(Deserialize)]
struct Example {
    text: String,
    intent: String,
    procedure: Option<String>,
}

const CORPUS: &str = include_str!("corpus/intents.jsonl");

/// Intent model + procedure model, trained from the embedded corpus.
pub struct Classifier {
    intents: Softmax,
    procedures: Softmax,
    rules: rules::Rules,
}

impl Default for Classifier {
    fn default() -> Self {
        Classifier::new()
    }
}

impl Classifier {
    /// Train both models from the embedded corpus.
    ///
    /// # Panics
    /// Only if the embedded corpus is malformed, which the unit tests catch.
    pub fn new() -> Classifier {
        Classifier::from_jsonl(CORPUS).expect("embedded corpus is valid")
    }

    /// Train from any corpus in the eval JSONL format (used by tests).
    pub fn from_jsonl(jsonl: &str) -> Result<Classifier, String> {
        let mut intent_rows = Vec::new();
        let mut proc_rows = Vec::new();
        for (n, line) in jsonl.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            let ex: Example =
                serde_json::from_str(line).map_err(|e| format!("corpus line {}: {e}", n + 1))?;
            let intent: Intent = ex.intent.parse().map_err(|e| format!("line {}: {e}", n + 1))?;
            let mut feats = Vec::new();
            features::extract(&fold(&ex.text), &mut feats);
            if intent == Intent::Procedure {
                let id = ex.procedure.as_deref().unwrap_or_default();
                let pi = PROCEDURE_IDS
                    .iter()
                    .position(|p| *p == id)
                    .ok_or_else(|| format!("line {}: unknown procedure {id:?}", n + 1))?;
                proc_rows.push((feats.clone(), pi));
            }
            intent_rows.push((feats, intent.index()));
        }
        let intents = Softmax::train(&intent_rows, Intent::ALL.len(), &TrainOpts::default());
        let procedures = Softmax::train(&proc_rows, PROCEDURE_IDS.len(), &TrainOpts::default());
        Ok(Classifier {
            intents,
            procedures,
            rules: rules::Rules::new(),
        })
    }

    /// Classify one message (any Unicode form, with or without diacritics).
    pub fn classify(&self, text: &str) -> Classification {
        let folded = fold(text);
        let mut feats = Vec::with_capacity(folded.len() * 2 + 32);
        features::extract(&folded, &mut feats);

        let mut probs = [0.0f32; 8];
        self.intents.predict(&feats, &mut probs);
        let mask = self.rules.scan(&folded);
        let (intent, confidence) = rules::adjust(&folded, mask, &mut probs);

        let procedure_p = probs[Intent::Procedure.index()];
        let mut procedure_candidates = Vec::new();
        let mut procedure = None;
        if intent == Intent::Procedure || procedure_p >= 0.2 {
            let mut pp = [0.0f32; PROCEDURE_IDS.len()];
            self.procedures.predict(&feats, &mut pp);
            rules::adjust_procedure(&self.rules, mask, &mut pp);
            let mut ranked: Vec<(&'static str, f32)> =
                PROCEDURE_IDS.iter().copied().zip(pp).collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
            ranked.truncate(4);
            if intent == Intent::Procedure {
                procedure = ranked.first().map(|r| r.0);
            }
            procedure_candidates = ranked;
        }
        Classification {
            intent,
            confidence,
            procedure,
            procedure_candidates,
        }
    }
}

/// The process-wide classifier, trained on first use.
pub fn shared() -> &'static Classifier {
    static CLASSIFIER: OnceLock<Classifier> = OnceLock::new();
    CLASSIFIER.get_or_init(Classifier::new)
}
