//! Vietnamese language understanding for resident messages.
//!
//! - [`normalize`]: NFC and the diacritic/teencode-insensitive `fold`.
//! - [`intent`]: the labels: [`Intent`] and the procedure ids.
//! - [`classify`]: intent + procedure-id classifier trained at start-up from
//!   the embedded corpus in `corpus/`.
//! - [`eval`]: accuracy / macro-F1 / confusion-matrix report on a JSONL set.
//!
//! Button payloads and exact case codes are matched by the caller before
//! the classifier runs.

pub mod classify;
pub mod eval;
mod features;
pub mod intent;
mod model;
pub mod normalize;
mod rules;

pub use classify::{
    infer_category, shared, Classification, Classifier, Intent, CORPUS, PROCEDURE_IDS,
};
pub use eval::{evaluate, EvalReport};
pub use normalize::{fold, nfc, strip_marks};
