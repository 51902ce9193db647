//! The OA access-token manager: bootstraps from `zalo.refresh_token`, keeps the pair sealed in
//! the database, refreshes ahead of expiry and when Zalo refuses a token, and never spends a
//! refresh token twice — a mutex inside the process, a locked row across processes
//! (docs/PLATFORM.md §5.2: refresh tokens are single-use).

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Mutex, RwLock};

use crate::store::{Store, StoredTokens};
use crate::time::Timestamp;
use crate::vault::Vault;
use crate::zalo::client::ZaloClient;

/// An access token in memory.
#[derive(Clone)]
pub struct AccessToken {
    /// The token.
    pub token: SecretString,
    /// Expiry, ms.
    pub expires_at: Timestamp,
    /// Refresh generation it came from.
    pub generation: i64,
}

/// Hands out access tokens.
pub struct TokenManager {
    store: Store,
    vault: Vault,
    client: ZaloClient,
    bootstrap_refresh: SecretString,
    margin: Duration,
    current: RwLock<Option<AccessToken>>,
    refresh_lock: Mutex<()>,
}

/// Refreshing failed.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Zalo refused or could not be reached.
    #[error("token refresh failed: {0}")]
    Refresh(#[from] crate::zalo::error::ApiError),
    /// The database failed.
    #[error("token storage failed: {0}")]
    Store(#[from] sqlx::Error),
    /// A stored token could not be opened with the configured identity key.
    #[error("stored token cannot be opened; was privacy.identity_key changed?")]
    Sealed,
}

impl TokenManager {
    /// Builds the manager; nothing is fetched until a token is needed.
    pub fn new(
        store: Store,
        vault: Vault,
        client: ZaloClient,
        bootstrap_refresh: SecretString,
        refresh_margin: Duration,
    ) -> Arc<TokenManager> {
        Arc::new(TokenManager {
            store,
            vault,
            client,
            bootstrap_refresh,
            margin: refresh_margin,
            current: RwLock::new(None),
            refresh_lock: Mutex::new(()),
        })
    }

    /// A token that is not about to expire, refreshing first if needed.
    pub async fn access_token(&self) -> Result<AccessToken, TokenError> {
        if let Some(token) = self.current.read().await.as_ref() {
            if !self.expiring(token) {
                return Ok(token.clone());
            }
        }
        self.refresh(None).await
    }

    /// Zalo refused `rejected` (`-216`/`-220`): get a different, valid token.
    pub async fn token_rejected(&self, rejected: &AccessToken) -> Result<AccessToken, TokenError> {
        self.refresh(Some(rejected.generation)).await
    }

    fn expiring(&self, token: &AccessToken) -> bool {
        token.expires_at.since(Timestamp::now()) < self.margin
    }

    /// Returns a usable token, spending the refresh token only if neither this process nor
    /// another one already replaced the token (`rejected_generation`) or it is about to expire.
    async fn refresh(&self, rejected_generation: Option<i64>) -> Result<AccessToken, TokenError> {
        let _serialised = self.refresh_lock.lock().await;
        let usable =
            |t: &AccessToken| Some(t.generation) != rejected_generation && !self.expiring(t);
        if let Some(token) = self.current.read().await.as_ref().filter(|t| usable(t)) {
            return Ok(token.clone());
        }
        let mut section = self.store.begin_token_refresh().await?;
        let stored = section.load().await?;
        if let Some(stored) = &stored {
            let token = self.open(stored)?;
            if usable(&token) {
                section.release().await?;
                *self.current.write().await = Some(token.clone());
                return Ok(token);
            }
        }
        let refresh_token = match &stored {
            Some(stored) => self
                .vault
                .open_string(&stored.refresh_token)
                .map_err(|_| TokenError::Sealed)?,
            None => self.bootstrap_refresh.expose_secret().to_owned(),
        };
        let pair = match self.client.refresh_token(&refresh_token).await {
            Ok(pair) => pair,
            Err(err) => {
                metrics::counter!("ketnoi_token_refreshes_total", "result" => "failed")
                    .increment(1);
                tracing::error!(error = %err, "access token refresh failed");
                return Err(err.into());
            }
        };
        let generation = stored.as_ref().map(|s| s.generation + 1).unwrap_or(1);
        let now = Timestamp::now();
        let row = StoredTokens {
            access_token: self
                .vault
                .seal(pair.access_token.expose_secret().as_bytes()),
            refresh_token: self
                .vault
                .seal(pair.refresh_token.expose_secret().as_bytes()),
            access_expires_at: now.plus(pair.expires_in),
            generation,
        };
        // The old refresh token is spent now: the new pair must be on disk before anything uses it.
        if let Err(err) = section.save(&row, now).await {
            tracing::error!(error = %err, "refreshed token pair could not be stored; the OA may need re-authorisation");
            return Err(err.into());
        }
        metrics::counter!("ketnoi_token_refreshes_total", "result" => "ok").increment(1);
        tracing::info!(generation, "access token refreshed");
        let token = AccessToken {
            token: pair.access_token,
            expires_at: row.access_expires_at,
            generation,
        };
        *self.current.write().await = Some(token.clone());
        Ok(token)
    }

    fn open(&self, stored: &StoredTokens) -> Result<AccessToken, TokenError> {
        let token = self
            .vault
            .open_string(&stored.access_token)
            .map_err(|_| TokenError::Sealed)?;
        Ok(AccessToken {
            token: token.into(),
            expires_at: stored.access_expires_at,
            generation: stored.generation,
        })
    }
}
