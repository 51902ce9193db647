//! Fuzz targets shared by `examples/fuzz.rs` (long runs) and `tests/fuzz_smoke.rs` (a short
//! run in every test pass). Stable-toolchain fuzzing: seeded mutation of real inputs plus random
//! ones, each call guarded by `catch_unwind`; cargo-fuzz would need nightly here.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use ketnoi::zalo::events::ZaloEvent;
use ketnoi::zalo::signature;

/// Webhook verification and parsing on arbitrary bytes and headers.
pub fn webhook(body: &[u8], header: &[u8]) {
    let _ = signature::parse_header(Some(header));
    let _ = signature::verify(
        Some(header),
        "1234567890123456789",
        body,
        "1718000000000",
        &["k", "k2"],
    );
    if let Ok(event) = serde_json::from_slice::<ZaloEvent>(body) {
        let _ = event.validate();
        let _ = event.kind();
        let _ = event.timestamp_ms();
        let _ = event.user_id();
        let _ = event.owning_oa_id();
        let _ = event.dedupe_subject();
        let _ = event.text();
        let _ = event.attachments().len();
    }
}

/// Normalisation, classification, case codes and button payloads on arbitrary text.
pub fn language(text: &str) {
    let _ = ketnoi::bot::lang::fold(text);
    let c = ketnoi::bot::lang::shared().classify(text);
    assert!(
        (0.0..=1.0).contains(&c.confidence),
        "confidence {}",
        c.confidence
    );
    let _ = ketnoi::cases::code::find(text);
    let _ = ketnoi::bot::payload::Payload::parse(text);
    let _ = ketnoi::officers::command::parse(text);
}

/// Seeds: every documented event shape, and messages in the styles residents write.
pub fn seeds() -> (Vec<Vec<u8>>, Vec<String>) {
    let fixtures: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../fixtures/zalo_events.json")).expect("fixtures");
    let events = fixtures
        .iter()
        .map(|v| serde_json::to_vec(v).expect("json"))
        .collect();
    let texts = include_str!("../fixtures/intents-heldout.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .chain(
            [
                "/traloi PA-7K3M9Q xin chào",
                "#proc:tam-tru",
                "#news:99999999999999999999",
                "PA 0O1IL0",
            ]
            .map(String::from),
        )
        .collect();
    (events, texts)
}

/// One mutation of `input`: flips, inserts, deletions, duplications, splices of odd bytes.
pub fn mutate(rng: &mut StdRng, input: &[u8]) -> Vec<u8> {
    const ODD: &[&[u8]] = &[
        b"\xff",
        b"\x00",
        b"\"",
        b"\\",
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"\xcc\x81",
        b"\xe2\x80\xae",
        b"\xf0\x9f\x91\xae",
        b"1e309",
        b"-0",
        b"null",
        b"9999999999999999999999",
        b"\\u0000",
        b"\\ud800",
    ];
    let mut out = input.to_vec();
    for _ in 0..rng.gen_range(1..8) {
        let at = if out.is_empty() {
            0
        } else {
            rng.gen_range(0..=out.len())
        };
        match rng.gen_range(0..6) {
            0 if !out.is_empty() => {
                let i = rng.gen_range(0..out.len());
                out[i] ^= 1 << rng.gen_range(0..8);
            }
            1 => {
                let odd = ODD[rng.gen_range(0..ODD.len())];
                out.splice(at..at, odd.iter().copied());
            }
            2 if !out.is_empty() => {
                let end = (at + rng.gen_range(1..16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            3 if out.len() > 2 => {
                let a = rng.gen_range(0..out.len() - 1);
                let b = rng.gen_range(a + 1..out.len().min(a + 64) + 1);
                let copy = out[a..b].to_vec();
                out.splice(at..at, copy);
            }
            4 => out.extend((0..rng.gen_range(0..32)).map(|_| rng.gen::<u8>())),
            _ => {}
        }
    }
    out
}

/// Runs both targets for `iterations` (or until `deadline`), returning executions done.
/// Panics (after printing the input) on a crash, so callers see the finding.
pub fn run(seed: u64, iterations: u64, deadline: Option<std::time::Instant>, target: &str) -> u64 {
    let mut rng = StdRng::seed_from_u64(seed);
    let (events, texts) = seeds();
    let mut done = 0;
    while done < iterations && deadline.is_none_or(|d| std::time::Instant::now() < d) {
        match target {
            "webhook" => {
                let base = &events[rng.gen_range(0..events.len())];
                let body = if rng.gen_bool(0.1) {
                    (0..rng.gen_range(0..512)).map(|_| rng.gen()).collect()
                } else {
                    mutate(&mut rng, base)
                };
                let header = mutate(
                    &mut rng,
                    b"mac=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                );
                let result = std::panic::catch_unwind(|| webhook(&body, &header));
                if result.is_err() {
                    panic!(
                        "webhook target crashed on body {:?} header {:?}",
                        String::from_utf8_lossy(&body),
                        header
                    );
                }
            }
            _ => {
                let base = texts[rng.gen_range(0..texts.len())].as_bytes();
                let bytes = mutate(&mut rng, base);
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let result = std::panic::catch_unwind(|| language(&text));
                if result.is_err() {
                    panic!("language target crashed on {text:?}");
                }
            }
        }
        done += 1;
    }
    done
}
