//! `/web`: a single-use link that logs the officer into the station's web console. The token
//! travels only in the Zalo message; the database keeps its SHA-256, so the link works once,
//! for [`LINK_LIFETIME`], and a copy of the database opens nothing.

use std::time::Duration;

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Console;
use crate::access::{CommandName, Outcome};
use crate::conversation::{Reply, Turn};
use crate::store::OfficerRow;

/// How long a `/web` link may be opened.
pub const LINK_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// A fresh random secret (256 bits), URL-safe: login tokens and session ids.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a login token or a session id. The secrets are random 256-bit values, so
/// an unkeyed hash suffices.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl Console {
    pub(super) async fn web(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
    ) -> sqlx::Result<Vec<Reply>> {
        let token = new_secret();
        turn.store
            .add_login_token(
                turn.tx,
                &secret_hash(&token),
                &officer.user_key,
                turn.now,
                turn.now.plus(LINK_LIFETIME),
            )
            .await?;
        self.audit(turn, officer, CommandName::Web, None, Outcome::Ok, None)
            .await?;
        let url = format!("{}/login/{token}", self.web_url);
        let text = self.texts.officer.web_link.render(&[("url", &url)]);
        Ok(vec![self.say(turn, text)])
    }
}
