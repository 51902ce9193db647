//! `POST /v2.0/oa/upload/image` (docs/PLATFORM.md §6, §7): multipart field `file`, jpg or png up
//! to 1 MB → `data.attachment_id`. The small subset of multipart/form-data needed here is parsed
//! by hand: axum's `multipart` feature, enabled here, would be enabled for the bot too (features
//! unify across the workspace).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use serde_json::json;

use crate::platform::{ApiError, ApiResult};
use crate::Simulator;

const IMAGE_LIMIT: usize = 1024 * 1024;

pub(crate) async fn upload_image(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = handle_upload(&sim, &headers, &body);
    sim.respond(result)
}

fn handle_upload(sim: &Simulator, headers: &HeaderMap, body: &[u8]) -> ApiResult {
    sim.authorize(headers)?;
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(boundary_of)
        .ok_or_else(|| ApiError::invalid("file: expected multipart/form-data"))?;
    let file = form_field(body, &boundary, "file").ok_or_else(|| ApiError::missing("file"))?;
    if file.is_empty() {
        return Err(ApiError::invalid("file"));
    }
    if file.len() > IMAGE_LIMIT {
        return Err(ApiError::exceeds("file (max 1 MB)"));
    }
    if !(is_jpeg(file) || is_png(file)) {
        return Err(ApiError::invalid("file: only jpg and png are accepted"));
    }
    let mut state = sim.state();
    let id = state.next_id();
    state.attachments.insert(id.clone());
    Ok(json!({ "attachment_id": id }))
}

fn is_jpeg(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xD8, 0xFF])
}

fn is_png(b: &[u8]) -> bool {
    b.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// `multipart/form-data; boundary=XYZ` → `XYZ`.
fn boundary_of(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    if !parts
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// The content of the part named `name`, if any.
fn form_field<'a>(body: &'a [u8], boundary: &str, name: &str) -> Option<&'a [u8]> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let wanted = format!("name=\"{name}\"");
    let mut rest = &body[find(body, delimiter)? + delimiter.len()..];
    loop {
        // After a delimiter: "--" ends the body, otherwise CRLF and the part's headers.
        if rest.starts_with(b"--") {
            return None;
        }
        let headers_end = find(rest, b"\r\n\r\n")?;
        let part_headers = std::str::from_utf8(&rest[..headers_end]).ok()?;
        let content = &rest[headers_end + 4..];
        let end = find(content, delimiter)?;
        // The CRLF before the next delimiter belongs to the framing, not the content.
        let data = content[..end]
            .strip_suffix(b"\r\n")
            .unwrap_or(&content[..end]);
        let is_wanted = part_headers.lines().any(|l| {
            l.to_ascii_lowercase().starts_with("content-disposition:") && l.contains(&wanted)
        });
        if is_wanted {
            return Some(data);
        }
        rest = &content[end + delimiter.len()..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_multipart_body() {
        let body = b"--xx\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nhi\r\n\
--xx\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nDATA\r\n--xx--\r\n";
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"xx\"").as_deref(),
            Some("xx")
        );
        let file = form_field(body, "xx", "file").unwrap_or_default();
        assert!(is_png(file));
        assert!(file.ends_with(b"DATA"));
        assert_eq!(form_field(body, "xx", "other"), Some(&b"hi"[..]));
        assert_eq!(form_field(body, "xx", "missing"), None);
        assert_eq!(boundary_of("application/json"), None);
    }
}
