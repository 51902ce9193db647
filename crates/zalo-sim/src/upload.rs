//! The upload endpoints (docs/PLATFORM.md §6, §7), multipart field `file` each:
//! `POST /v2.0/oa/upload/image`, jpg or png up to 1 MB → `data.attachment_id`;
//! `POST /v2.0/oa/upload/gif`, a GIF up to 5 MB → `data.attachment_id`;
//! `POST /v2.0/oa/upload/file`, PDF, DOC, DOCX (T1 adds CSV) up to 5 MB → `data.token`.
//! The small subset of multipart/form-data needed here is parsed
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
/// Files and GIFs (§7; chatwoot's `FILE_LIMIT`).
const FILE_LIMIT: usize = 5 * 1024 * 1024;
/// Document types the file upload takes, by the part's file name (CSV has no magic bytes).
const FILE_TYPES: &[&str] = &["pdf", "doc", "docx", "csv"];

pub(crate) async fn upload_image(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = upload(&sim, &headers, &body, Upload::Image);
    sim.respond(result)
}

pub(crate) async fn upload_gif(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = upload(&sim, &headers, &body, Upload::Gif);
    sim.respond(result)
}

pub(crate) async fn upload_file(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = upload(&sim, &headers, &body, Upload::File);
    sim.respond(result)
}

#[derive(Clone, Copy, PartialEq)]
enum Upload {
    Image,
    Gif,
    File,
}

fn upload(sim: &Simulator, headers: &HeaderMap, body: &[u8], what: Upload) -> ApiResult {
    sim.authorize(headers)?;
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(boundary_of)
        .ok_or_else(|| ApiError::invalid("file: expected multipart/form-data"))?;
    let (part_headers, file) =
        form_part(body, &boundary, "file").ok_or_else(|| ApiError::missing("file"))?;
    if file.is_empty() {
        return Err(ApiError::invalid("file"));
    }
    match what {
        Upload::Image if file.len() > IMAGE_LIMIT => {
            return Err(ApiError::exceeds("file (max 1 MB)"))
        }
        Upload::Image if !(is_jpeg(file) || is_png(file)) => {
            return Err(ApiError::invalid("file: only jpg and png are accepted"))
        }
        Upload::Gif | Upload::File if file.len() > FILE_LIMIT => {
            return Err(ApiError::exceeds("file (max 5 MB)"))
        }
        Upload::Gif if !is_gif(file) => {
            return Err(ApiError::invalid("file: only gif is accepted"))
        }
        Upload::File => {
            let extension = file_name(part_headers)
                .and_then(|name| name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()));
            if !extension.is_some_and(|e| FILE_TYPES.contains(&e.as_str())) {
                return Err(ApiError::invalid(
                    "file: only pdf, doc, docx and csv are accepted",
                ));
            }
        }
        _ => {}
    }
    let mut state = sim.state();
    let id = state.next_id();
    if what == Upload::File {
        // Files are sent by `payload.token`, not by attachment id (§3.2).
        return Ok(
            json!({ "token": format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(id.as_bytes())) }),
        );
    }
    state.attachments.insert(id.clone());
    Ok(json!({ "attachment_id": id }))
}

fn is_gif(b: &[u8]) -> bool {
    b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a")
}

/// `filename="…"` of a part's Content-Disposition.
fn file_name(part_headers: &str) -> Option<&str> {
    let (_, rest) = part_headers.split_once("filename=\"")?;
    rest.split_once('"').map(|(name, _)| name)
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
#[cfg(test)]
fn form_field<'a>(body: &'a [u8], boundary: &str, name: &str) -> Option<&'a [u8]> {
    form_part(body, boundary, name).map(|(_, data)| data)
}

/// The headers and content of the part named `name`, if any.
fn form_part<'a>(body: &'a [u8], boundary: &str, name: &str) -> Option<(&'a str, &'a [u8])> {
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
            return Some((part_headers, data));
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
