//! A small multinomial logistic-regression (softmax) model over hashed
//! sparse binary features, trained by SGD at start-up.
//!
//! Only features seen in training get a weight row; unseen hashes are
//! ignored at prediction time. Inputs are scaled by 1/sqrt(#features) so
//! short and long messages produce comparable scores, which keeps the
//! softmax probabilities usable as a confidence.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Feature keys are already well-mixed 64-bit hashes: pass them through.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type FeatureMap = HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>;

pub struct Softmax {
    n_classes: usize,
    index: FeatureMap,
    /// Row-major: `weights[f * n_classes + c]`.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

/// Training hyper-parameters; defaults were chosen on the own corpus.
pub struct TrainOpts {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
}

impl Default for TrainOpts {
    fn default() -> Self {
        TrainOpts {
            epochs: 30,
            learning_rate: 0.5,
            l2: 1e-5,
        }
    }
}

impl Softmax {
    /// Train on `(features, class)` pairs. Deterministic: the shuffle uses a
    /// fixed-seed generator so every start-up builds the same model.
    pub fn train(examples: &[(Vec<u64>, usize)], n_classes: usize, opts: &TrainOpts) -> Softmax {
        let mut index = FeatureMap::default();
        let rows: Vec<Vec<u32>> = examples
            .iter()
            .map(|(feats, _)| {
                let mut ids: Vec<u32> = feats
                    .iter()
                    .map(|h| {
                        let next = index.len() as u32;
                        *index.entry(*h).or_insert(next)
                    })
                    .collect();
                // Repeated n-grams count each time, as in `predict`.
                ids.sort_unstable();
                ids
            })
            .collect();
        let mut model = Softmax {
            n_classes,
            weights: vec![0.0; index.len() * n_classes],
            bias: vec![0.0; n_classes],
            index,
        };
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
        let mut probs = vec![0.0f32; n_classes];
        for epoch in 0..opts.epochs {
            // Fisher–Yates with xorshift: reproducible, dependency-free.
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            let lr = opts.learning_rate / (1.0 + epoch as f32 * 0.1);
            for &e in &order {
                let ids = &rows[e];
                let target = examples[e].1;
                let scale = input_scale(examples[e].0.len());
                model.scores_ids(ids.iter().copied(), scale, &mut probs);
                softmax_in_place(&mut probs);
                for (c, &p) in probs.iter().enumerate() {
                    let grad = p - if c == target { 1.0 } else { 0.0 };
                    model.bias[c] -= lr * grad * 0.1;
                    let step = lr * grad * scale;
                    for &f in ids {
                        let w = &mut model.weights[f as usize * n_classes + c];
                        *w -= step + lr * opts.l2 * *w;
                    }
                }
            }
        }
        model
    }

    fn scores_ids(&self, ids: impl Iterator<Item = u32>, scale: f32, out: &mut [f32]) {
        out.copy_from_slice(&self.bias);
        for f in ids {
            let row = &self.weights[f as usize * self.n_classes..][..self.n_classes];
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * scale;
            }
        }
    }

    /// Class probabilities for a feature-hash list (`out.len()` = classes).
    /// Hashes never seen in training are skipped; no allocation.
    pub fn predict(&self, feats: &[u64], out: &mut [f32]) {
        let scale = input_scale(feats.len());
        let ids = feats.iter().filter_map(|h| self.index.get(h).copied());
        self.scores_ids(ids, scale, out);
        softmax_in_place(out);
    }
}

/// Scale by the number of features *extracted*, so unseen features still
/// dilute the evidence (an unfamiliar message gets a flatter distribution).
fn input_scale(n: usize) -> f32 {
    1.0 / (n.max(1) as f32).sqrt()
}

fn softmax_in_place(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    if sum > 0.0 {
        for x in v.iter_mut() {
            *x /= sum;
        }
    }
}
