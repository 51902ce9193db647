//! Micro-benchmarks of the per-message hot paths: webhook MAC verification, event parsing,
//! Vietnamese normalisation, intent classification and procedure lookup.
//! Run: `cargo bench --bench hot_paths` (numbers in docs/PERFORMANCE.md).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use ketnoi::bot::procedures::Catalogue;
use ketnoi::lang::{fold, shared};
use ketnoi::zalo::events::ZaloEvent;
use ketnoi::zalo::signature;

const EVENT: &str = r#"{"app_id":"1234567890123456789","user_id_by_app":"77","event_name":"user_send_text","timestamp":"1718000000000","sender":{"id":"5841234567890123456"},"recipient":{"id":"9876543210987654321"},"message":{"msg_id":"m1","text":"Cho bác hỏi làm căn cước cho cháu 10 tuổi cần những giấy tờ gì ạ"}}"#;

const MESSAGES: &[&str] = &[
    "Cho bác hỏi làm căn cước cho cháu 10 tuổi cần những giấy tờ gì ạ",
    "nha e bi trom xe may toi qua o hem 12",
    "cuu voi co nguoi dang cam dao chem nhau",
    "tin bao PA-7K3M9Q cua toi sao roi",
    "xin chào",
    "gia han tam tru can mang theo j v ad",
    "Cho hỏi số điện thoại công an khu vực khu phố 3",
    "có ai biết lịch cắt điện tuần này không",
];

fn mac(c: &mut Criterion) {
    let body = EVENT.as_bytes();
    let header = signature::sign("1234567890123456789", body, "1718000000000", "secret");
    c.bench_function("mac_verify", |b| {
        b.iter(|| {
            signature::verify(
                Some(header.as_bytes()),
                "1234567890123456789",
                black_box(body),
                "1718000000000",
                &["secret"],
            )
        })
    });
}

fn parse(c: &mut Criterion) {
    c.bench_function("event_parse", |b| {
        b.iter(|| serde_json::from_str::<ZaloEvent>(black_box(EVENT)).map(|e| e.validate().is_ok()))
    });
}

fn language(c: &mut Criterion) {
    c.bench_function("fold_one_message", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % MESSAGES.len();
            fold(black_box(MESSAGES[i]))
        })
    });
    let classifier = shared();
    c.bench_function("classify_per_message", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % MESSAGES.len();
            classifier.classify(black_box(MESSAGES[i]))
        })
    });
}

fn procedures(c: &mut Criterion) {
    let catalogue = Catalogue::load(&ketnoi::config::default_config_dir().join("procedures.toml"))
        .expect("catalogue loads");
    c.bench_function("procedure_lookup_and_render", |b| {
        b.iter(|| {
            catalogue
                .get(black_box("gia-han-tam-tru"))
                .map(|p| p.render().len())
        })
    });
}

criterion_group!(benches, mac, parse, language, procedures);
criterion_main!(benches);
