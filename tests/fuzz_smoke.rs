//! A short fuzz run of both targets in every test pass; long runs: `examples/fuzz.rs`. Each
//! input is checked (tests/fuzz/targets.rs), and each run must see inputs both accepted and
//! refused.

#[path = "fuzz/targets.rs"]
mod targets;

use ketnoi::zalo::events::ZaloEvent;

#[test]
fn webhook_parsing_survives_mutated_and_random_input() {
    let t = targets::run_counted(1, 20_000, None, "webhook");
    println!("{t:?}");
    assert_eq!(t.done, 20_000);
    // Some mutated bodies are still events, most are not; some events lose a needed field.
    assert!(t.parsed > 0 && t.parsed < t.done, "{t:?}");
    assert!(t.valid > 0 && t.valid < t.parsed, "{t:?}");
    // Some mutated signature headers are still well-formed; none verifies.
    assert!(t.header_parsed > 0 && t.header_parsed < t.done, "{t:?}");
    assert_eq!(t.header_verified, 0, "{t:?}");
}

#[test]
fn language_handling_survives_mutated_and_random_input() {
    let t = targets::run_counted(2, 20_000, None, "language");
    println!("{t:?}");
    assert_eq!(t.done, 20_000);
    // Mutations keep some codes, payloads and commands recognisable, and break the rest.
    for (what, n) in [
        ("case codes", t.codes),
        ("payloads", t.payloads),
        ("commands", t.commands),
    ] {
        assert!(n > 0 && n < t.done, "{what}: {t:?}");
    }
}

/// The unmutated seeds are what the targets must accept: every documented event shape parses
/// and validates, and the command, payload and code seeds are recognised.
#[test]
fn the_seeds_are_accepted() {
    let (events, texts) = targets::seeds();
    assert_eq!(events.len(), 48);
    for body in &events {
        let event: ZaloEvent = serde_json::from_slice(body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)));
        event
            .validate()
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)));
        let seen = targets::webhook(body, b"mac=00");
        assert_eq!((seen.parsed, seen.valid), (1, 1));
    }
    let seen = |text: &str| targets::language(text);
    assert!(texts.iter().any(|t| t.starts_with("/traloi")));
    assert_eq!(seen("/traloi PA-7K3M9Q xin chào").commands, 1);
    assert_eq!(seen("#proc:tam-tru").payloads, 1);
    assert_eq!(seen("PA 0O1IL0").codes, 1);
    assert_eq!(
        ketnoi::cases::code::find("PA 0O1IL0").as_deref(),
        Some("PA-001110")
    );
    let plain = seen("đăng ký tạm trú cần giấy tờ gì");
    assert_eq!((plain.codes, plain.payloads, plain.commands), (0, 0, 0));
}
