//! Uploads, user detail (and its date) and tags.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::*;
use crate::date::vn_date;

fn multipart(file: &[u8]) -> (String, Vec<u8>) {
    multipart_named(file, "a.png")
}

fn multipart_named(file: &[u8], name: &str) -> (String, Vec<u8>) {
    let mut body = format!(
        "--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; \
filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n--BOUNDARY--\r\n");
    ("multipart/form-data; boundary=BOUNDARY".to_owned(), body)
}

async fn upload(sim: &Simulator, token: &str, file: &[u8]) -> Value {
    let (ct, body) = multipart(file);
    let headers = [("access_token", token), ("content-type", ct.as_str())];
    call(sim, "POST", "/v2.0/oa/upload/image", &headers, body)
        .await
        .1
}

#[tokio::test]
async fn image_upload_limits_and_use() {
    let sim = sim();
    let token = access_token(&sim).await;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[7u8; 1000]);
    let ok = upload(&sim, &token, &png).await;
    assert_eq!(ok["error"], 0, "{ok}");
    let id = ok["data"]["attachment_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    png.resize(1024 * 1024 + 1, 0);
    assert_eq!(upload(&sim, &token, &png).await["error"], -210);
    assert_eq!(upload(&sim, &token, b"GIF89a....").await["error"], -201);

    interacted(&sim, "9", 0).await;
    let media = |aid: &str| {
        json!({"recipient": {"user_id": "9"}, "message": {"attachment": {"type": "template",
            "payload": {"template_type": "media",
                "elements": [{"media_type": "image", "attachment_id": aid}]}}}})
        .to_string()
    };
    assert_eq!(send_cs(&sim, &token, &media(&id)).await["error"], 0);
    assert_eq!(send_cs(&sim, &token, &media("123")).await["error"], -100);
}

async fn upload_to(sim: &Simulator, token: &str, path: &str, file: &[u8], name: &str) -> Value {
    let (ct, body) = multipart_named(file, name);
    let headers = [("access_token", token), ("content-type", ct.as_str())];
    call(sim, "POST", path, &headers, body).await.1
}

#[tokio::test]
async fn gif_and_file_uploads_answer_like_the_image_upload() {
    let sim = sim();
    let token = access_token(&sim).await;
    let gif_path = "/v2.0/oa/upload/gif";
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&[1u8; 2000]);
    let ok = upload_to(&sim, &token, gif_path, &gif, "a.gif").await;
    assert_eq!(ok["error"], 0, "{ok}");
    let gif_id = ok["data"]["attachment_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!gif_id.is_empty());
    // Not a GIF; over 5 MB; no token.
    let png = b"\x89PNG\r\n\x1a\n....";
    assert_eq!(
        upload_to(&sim, &token, gif_path, png, "a.gif").await["error"],
        -201
    );
    let mut big = gif.clone();
    big.resize(5 * 1024 * 1024 + 1, 0);
    assert_eq!(
        upload_to(&sim, &token, gif_path, &big, "a.gif").await["error"],
        -210
    );
    assert_eq!(
        upload_to(&sim, "nope", gif_path, &gif, "a.gif").await["error"],
        -216
    );

    let file_path = "/v2.0/oa/upload/file";
    let pdf = b"%PDF-1.7 ...";
    let ok = upload_to(&sim, &token, file_path, pdf, "don-trinh-bao.pdf").await;
    assert_eq!(ok["error"], 0, "{ok}");
    assert!(
        ok["data"]["token"].as_str().is_some_and(|t| !t.is_empty()),
        "{ok}"
    );
    assert!(ok["data"].get("attachment_id").is_none());
    for name in ["a.docx", "b.DOC", "c.csv"] {
        assert_eq!(
            upload_to(&sim, &token, file_path, pdf, name).await["error"],
            0,
            "{name}"
        );
    }
    assert_eq!(
        upload_to(&sim, &token, file_path, pdf, "x.exe").await["error"],
        -201
    );
    let mut big = pdf.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    assert_eq!(
        upload_to(&sim, &token, file_path, &big, "a.pdf").await["error"],
        -210
    );

    // The uploaded GIF can be sent as a gif media element.
    interacted(&sim, "9", 0).await;
    let media =
        json!({"recipient": {"user_id": "9"}, "message": {"attachment": {"type": "template",
        "payload": {"template_type": "media", "elements": [{"media_type": "gif",
            "attachment_id": gif_id, "width": 100, "height": 100}]}}}})
        .to_string();
    assert_eq!(send_cs(&sim, &token, &media).await["error"], 0);
}

#[tokio::test]
async fn unknown_paths_get_zalos_error_envelope() {
    let sim = sim();
    for (method, path) in [
        ("POST", "/v3.0/oa/message/transaction"),
        ("GET", "/v2.0/oa/getprofile"),
        ("GET", "/nothing/here"),
    ] {
        let (status, body) = call(&sim, method, path, &[], Vec::new()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"], -209, "{path}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn tags_and_user_detail() {
    let sim = sim();
    let token = access_token(&sim).await;
    let h = [
        ("access_token", token.as_str()),
        ("content-type", "application/json"),
    ];
    let tag = |user: &str, name: &str| json!({"user_id": user, "tag_name": name}).to_string();
    let path = "/v2.0/oa/tag/tagfollower";
    let (_, unknown) = call(&sim, "POST", path, &h, tag("5551234567", "báo tin")).await;
    assert_eq!(unknown["error"], -201);

    interacted(&sim, "5551234567", 0).await;
    for name in ["báo tin", "khu phố 3"] {
        let (_, r) = call(&sim, "POST", path, &h, tag("5551234567", name)).await;
        assert_eq!(r["error"], 0);
    }
    let (_, tags) = call(&sim, "GET", "/v2.0/oa/tag/gettagsofoa", &h, "").await;
    assert_eq!(tags["data"], json!(["báo tin", "khu phố 3"]));

    let detail_uri = "/v3.0/oa/user/detail?data=%7B%22user_id%22%3A%225551234567%22%7D";
    let (status, detail) = call(&sim, "GET", detail_uri, &h, "").await;
    assert_eq!(status, StatusCode::OK);
    let d = &detail["data"];
    assert_eq!(d["display_name"], "Cư dân 4567");
    assert_eq!(d["user_is_follower"], false);
    assert_eq!(
        d["tags_and_notes_info"]["tag_names"],
        json!(["báo tin", "khu phố 3"])
    );
    let date = d["user_last_interaction_date"].as_str().unwrap_or_default();
    assert_eq!(date.len(), 10);
    assert_eq!(&date[2..3], "/");

    let untag = "/v2.0/oa/tag/rmfollowerfromtag";
    let (_, r) = call(&sim, "POST", untag, &h, tag("5551234567", "báo tin")).await;
    assert_eq!(r["error"], 0);
    let rm = json!({"tag_name": "khu phố 3"}).to_string();
    let (_, r) = call(&sim, "POST", "/v2.0/oa/tag/rmtag", &h, rm.clone()).await;
    assert_eq!(r["error"], 0);
    let (_, r) = call(&sim, "POST", "/v2.0/oa/tag/rmtag", &h, rm).await;
    assert_eq!(r["error"], -201);
    let (_, detail) = call(&sim, "GET", detail_uri, &h, "").await;
    assert_eq!(
        detail["data"]["tags_and_notes_info"]["tag_names"],
        json!([])
    );
    let (_, bad) = call(&sim, "GET", "/v3.0/oa/user/detail?data=oops", &h, "").await;
    assert_eq!(bad["error"], -201);
    let (_, no_token) = call(&sim, "GET", "/v2.0/oa/tag/gettagsofoa", &[], "").await;
    assert_eq!(no_token["error"], -216);
}

#[tokio::test]
async fn serve_runs_on_a_real_listener_and_shuts_down() {
    let sim = sim();
    let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
        panic!("cannot bind");
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let shutdown = tokio_util::sync::CancellationToken::new();
    let server = tokio::spawn(sim.clone().serve(listener, shutdown.clone()));
    let client = reqwest::Client::new();
    let refreshed: Value = match client
        .post(format!("http://{addr}/v4/oa/access_token"))
        .header("secret_key", "sandbox-app-secret")
        .form(&[
            ("app_id", sim.config().app_id.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", "sandbox-bootstrap-refresh-token"),
        ])
        .send()
        .await
    {
        Ok(resp) => resp.json().await.unwrap_or(Value::Null),
        Err(e) => panic!("{e}"),
    };
    assert!(refreshed["access_token"].is_string(), "{refreshed}");
    shutdown.cancel();
    assert!(matches!(server.await, Ok(Ok(()))));
}

#[test]
fn interaction_dates_are_vietnam_calendar_days() {
    // Checked with `date -u -d @$((seconds + 25200)) +%d/%m/%Y` (fixed UTC+7; tzdata would give
    // Saigon's UTC+8 of before 1975 for the first two).
    for (ms, date) in [
        (0, "01/01/1970"),
        (-25_201_000, "31/12/1969"), // before the epoch, in Vietnam too
        (1_795_887_000_000, "29/11/2026"), // 17:30 UTC is 00:30 the next day
        (1_709_225_999_000, "29/02/2024"), // last second of a leap day
        (1_709_226_000_000, "01/03/2024"),
        (4_107_517_199_000, "28/02/2100"), // 2100 is not a leap year
        (4_107_517_200_000, "01/03/2100"),
    ] {
        assert_eq!(vn_date(ms), date, "{ms}");
    }
}
