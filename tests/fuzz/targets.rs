//! Fuzz targets shared by `examples/fuzz.rs` (long runs) and `tests/fuzz_smoke.rs` (a short
//! run in every test pass). Stable-toolchain fuzzing: seeded mutation of real inputs plus random
//! ones, each call guarded by `catch_unwind`; cargo-fuzz would need nightly here.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use ketnoi::zalo::events::{EventKind, ZaloEvent};
use ketnoi::zalo::signature;

const APP_ID: &str = "1234567890123456789";
const TIMESTAMP: &str = "1718000000000";
const SECRETS: &[&str] = &["k", "k2"];

/// What a run saw: executions, and how many inputs each check accepted. Every count of a
/// healthy run is strictly between nothing and everything (`header_verified`: nothing), so a
/// parser that started refusing, or accepting, everything shows.
#[derive(Debug, Default, Clone, Copy)]
#[allow(dead_code)] // examples/fuzz.rs reads only `done`
pub struct Tally {
    /// Inputs run.
    pub done: u64,
    /// Webhook bodies that parsed as an event.
    pub parsed: u64,
    /// Parsed events that also carry every field their kind needs.
    pub valid: u64,
    /// Mutated signature headers still of the form `mac=<64 hex digits>`.
    pub header_parsed: u64,
    /// Mutated signature headers accepted for the body (never, unless verification is broken).
    pub header_verified: u64,
    /// Texts holding a case code.
    pub codes: u64,
    /// Texts that are a button payload.
    pub payloads: u64,
    /// Texts that are an officer command.
    pub commands: u64,
}

impl Tally {
    fn add(&mut self, seen: Tally) {
        self.parsed += seen.parsed;
        self.valid += seen.valid;
        self.header_parsed += seen.header_parsed;
        self.header_verified += seen.header_verified;
        self.codes += seen.codes;
        self.payloads += seen.payloads;
        self.commands += seen.commands;
    }
}

/// Webhook verification and parsing on arbitrary bytes and headers. Panics if a property
/// fails: the body signed with one of the keys verifies, signed with another key or changed
/// by a byte it does not, an unparsable header never verifies, and a valid event of a kind
/// that names its resident has one.
pub fn webhook(body: &[u8], header: &[u8]) -> Tally {
    let mut seen = Tally::default();
    let parsed_header = signature::parse_header(Some(header));
    let verified = signature::verify(Some(header), APP_ID, body, TIMESTAMP, SECRETS);
    assert!(
        parsed_header.is_ok() || verified.is_err(),
        "an unparsable header verified"
    );
    seen.header_parsed = u64::from(parsed_header.is_ok());
    seen.header_verified = u64::from(verified.is_ok());

    let signed = signature::sign(APP_ID, body, TIMESTAMP, "k2");
    assert!(
        signature::verify(Some(signed.as_bytes()), APP_ID, body, TIMESTAMP, SECRETS).is_ok(),
        "a body signed with the second key was refused"
    );
    let forged = signature::sign(APP_ID, body, TIMESTAMP, "k3");
    assert!(
        signature::verify(Some(forged.as_bytes()), APP_ID, body, TIMESTAMP, SECRETS).is_err(),
        "a body signed with an unknown key was accepted"
    );
    let mut tampered = body.to_vec();
    tampered.push(b' ');
    assert!(
        signature::verify(
            Some(signed.as_bytes()),
            APP_ID,
            &tampered,
            TIMESTAMP,
            SECRETS
        )
        .is_err(),
        "a changed body kept its signature"
    );

    if let Ok(event) = serde_json::from_slice::<ZaloEvent>(body) {
        seen.parsed = 1;
        let valid = event.validate().is_ok();
        seen.valid = u64::from(valid);
        let kind = event.kind();
        let _ = event.timestamp_ms();
        let _ = event.owning_oa_id();
        let _ = event.dedupe_subject();
        let _ = event.text();
        let _ = event.attachments().len();
        if valid
            && matches!(
                kind,
                EventKind::UserMessage | EventKind::Follow | EventKind::Unfollow
            )
        {
            assert!(
                event.user_id().is_some(),
                "a valid {kind:?} event without its resident"
            );
        }
    }
    seen
}

/// Normalisation, classification, case codes and button payloads on arbitrary text. Panics if
/// a property fails: folding is idempotent, confidence is a probability, a found case code is
/// canonical (`PA-` and six Crockford digits, found again in itself), and a payload survives
/// its own encoding.
pub fn language(text: &str) -> Tally {
    let mut seen = Tally::default();
    let folded = ketnoi::lang::fold(text);
    assert_eq!(ketnoi::lang::fold(&folded), folded, "fold is idempotent");
    let c = ketnoi::lang::shared().classify(text);
    assert!(
        (0.0..=1.0).contains(&c.confidence),
        "confidence {}",
        c.confidence
    );
    if let Some(code) = ketnoi::cases::code::find(text) {
        seen.codes = 1;
        let body = code.strip_prefix("PA-").unwrap_or_default();
        assert!(
            body.len() == 6
                && body
                    .bytes()
                    .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b)),
            "not a canonical code: {code}"
        );
        assert_eq!(ketnoi::cases::code::find(&code).as_deref(), Some(&*code));
    }
    if let Some(payload) = ketnoi::bot::payload::Payload::parse(text) {
        seen.payloads = 1;
        assert_eq!(
            ketnoi::bot::payload::Payload::parse(&payload.encode()),
            Some(payload),
            "a payload survives its encoding"
        );
    }
    seen.commands = u64::from(ketnoi::officers::command::parse(text).is_ok());
    seen
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

/// Runs one target for `iterations` (or until `deadline`), returning executions done.
/// Panics (after printing the input) on a crash or a failed property, so callers see the finding.
#[allow(dead_code)] // examples/fuzz.rs; tests/fuzz_smoke.rs reads the counts of `run_counted`
pub fn run(seed: u64, iterations: u64, deadline: Option<std::time::Instant>, target: &str) -> u64 {
    run_counted(seed, iterations, deadline, target).done
}

/// [`run`], also counting what each check accepted.
pub fn run_counted(
    seed: u64,
    iterations: u64,
    deadline: Option<std::time::Instant>,
    target: &str,
) -> Tally {
    let mut rng = StdRng::seed_from_u64(seed);
    let (events, texts) = seeds();
    let mut tally = Tally::default();
    while tally.done < iterations && deadline.is_none_or(|d| std::time::Instant::now() < d) {
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
                match std::panic::catch_unwind(|| webhook(&body, &header)) {
                    Ok(seen) => tally.add(seen),
                    Err(_) => panic!(
                        "webhook target failed on body {:?} header {:?}",
                        String::from_utf8_lossy(&body),
                        header
                    ),
                }
            }
            _ => {
                let base = texts[rng.gen_range(0..texts.len())].as_bytes();
                let bytes = mutate(&mut rng, base);
                let text = String::from_utf8_lossy(&bytes).into_owned();
                match std::panic::catch_unwind(|| language(&text)) {
                    Ok(seen) => tally.add(seen),
                    Err(_) => panic!("language target failed on {text:?}"),
                }
            }
        }
        tally.done += 1;
    }
    tally
}
