//! What can go wrong calling Zalo, and what the delivery worker should do about each case
//! (the error table of docs/PLATFORM.md §5.5).

/// A failed OA API or OAuth call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// Zalo answered with a non-zero `error` in its envelope (usually with HTTP 200).
    #[error("zalo error {code}: {message}")]
    Zalo {
        /// Zalo's negative error code.
        code: i64,
        /// Zalo's message.
        message: String,
    },
    /// A non-2xx HTTP status without a Zalo envelope.
    #[error("http status {0}")]
    Http(u16),
    /// No answer within the deadline.
    #[error("timed out")]
    Timeout,
    /// Connection-level failure.
    #[error("network error: {0}")]
    Network(String),
    /// An answer that is not a Zalo envelope.
    #[error("unexpected response: {0}")]
    InvalidResponse(String),
}

/// What to do after an [`ApiError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Transient: try again later with backoff (`-32`, 5xx, timeouts, network).
    Retry,
    /// The access token was refused: refresh it and retry once (`-216`, `-220`).
    RefreshToken,
    /// The resident is outside the customer-service window: keep the message until they write
    /// again (`-230`, `-232`).
    Park,
    /// Anything else will not get better by retrying.
    Fail,
}

impl ApiError {
    /// Classifies the error.
    pub fn disposition(&self) -> Disposition {
        match self {
            ApiError::Zalo { code: -32, .. } => Disposition::Retry,
            ApiError::Zalo {
                code: -216 | -220, ..
            } => Disposition::RefreshToken,
            ApiError::Zalo {
                code: -230 | -232, ..
            } => Disposition::Park,
            ApiError::Zalo { .. } => Disposition::Fail,
            ApiError::Http(status) if *status >= 500 || *status == 429 => Disposition::Retry,
            ApiError::Http(_) => Disposition::Fail,
            ApiError::Timeout | ApiError::Network(_) => Disposition::Retry,
            // A garbled answer is most likely a proxy or outage page: worth another try.
            ApiError::InvalidResponse(_) => Disposition::Retry,
        }
    }

    /// A short label for metrics: the Zalo code, `http_<status>`, `timeout`, `network`, `invalid`.
    pub fn metric_code(&self) -> String {
        match self {
            ApiError::Zalo { code, .. } => code.to_string(),
            ApiError::Http(status) => format!("http_{status}"),
            ApiError::Timeout => "timeout".into(),
            ApiError::Network(_) => "network".into(),
            ApiError::InvalidResponse(_) => "invalid".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zalo(code: i64) -> ApiError {
        ApiError::Zalo {
            code,
            message: String::new(),
        }
    }

    #[test]
    fn error_table_maps_to_actions() {
        assert_eq!(zalo(-32).disposition(), Disposition::Retry);
        assert_eq!(zalo(-216).disposition(), Disposition::RefreshToken);
        assert_eq!(zalo(-220).disposition(), Disposition::RefreshToken);
        assert_eq!(zalo(-230).disposition(), Disposition::Park);
        assert_eq!(zalo(-232).disposition(), Disposition::Park);
        for code in [-201, -210, -213, -233, -240, -242] {
            assert_eq!(zalo(code).disposition(), Disposition::Fail, "{code}");
        }
        assert_eq!(ApiError::Http(503).disposition(), Disposition::Retry);
        assert_eq!(ApiError::Http(400).disposition(), Disposition::Fail);
        assert_eq!(ApiError::Timeout.disposition(), Disposition::Retry);
    }
}
