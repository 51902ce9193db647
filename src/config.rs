//! The typed settings tree: `config/default.toml`, then an optional file layer, then
//! `KETNOI__SECTION__KEY` environment variables; validated once at start-up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The sandbox secrets shipped in `config/default.toml`; production must replace every one.
/// A Zalo id: all digits, so an environment variable (`KETNOI__ZALO__APP_ID=4318…`) reaches
/// us as a number — figment types env values by their look. Accepted either way.
#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(u64),
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        match id {
            Id::Text(text) => text,
            Id::Number(n) => n.to_string(),
        }
    }
}

fn id_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Id::deserialize(d).map(String::from)
}

fn id_strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Vec::<Id>::deserialize(d).map(|ids| ids.into_iter().map(String::from).collect())
}

/// Zalo's OA API quota per app and minute (docs/PLATFORM.md §7, "Rate limit").
pub const ZALO_CALLS_PER_MINUTE: u32 = 4000;
const SANDBOX_IDENTITY_KEY: &str = "c2FuZGJveC1vbmx5LWtleS1kby1ub3QtdXNlLSEhISE=";
const SANDBOX_OA_SECRET: &str = "sandbox-oa-secret-key";
const SANDBOX_APP_SECRET: &str = "sandbox-app-secret";
/// Shortest production secret accepted (Zalo's OA and app secret keys are about 20 characters).
const MIN_SECRET_CHARS: usize = 16;

/// Every setting of the service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Webhook server.
    pub server: ServerSettings,
    /// Operations listener (`/metrics`), never public.
    pub ops: OpsSettings,
    /// The station's web console.
    pub console: ConsoleSettings,
    /// Database connection.
    pub database: DatabaseSettings,
    /// Zalo identities, secrets and endpoints.
    pub zalo: ZaloSettings,
    /// The embedded simulator (sandbox mode).
    pub sim: SimSettings,
    /// Inbox and outbox workers.
    pub workers: WorkerSettings,
    /// Officer bootstrap.
    pub officers: OfficerSettings,
    /// Encryption of residents' identities.
    pub privacy: PrivacySettings,
    /// Conversation behaviour.
    pub bot: BotSettings,
    /// The station's contact details and neighbourhoods.
    pub station: StationSettings,
    /// First-response targets.
    pub service_levels: ServiceLevelSettings,
}

/// `[service_levels]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevelSettings {
    /// Target for urgent cases, minutes.
    pub urgent_first_response_minutes: u64,
    /// Target for ordinary cases, hours.
    pub ordinary_first_response_hours: u64,
    /// How often overdue cases are looked for.
    pub check_interval_secs: u64,
    /// Days within which an open case should be resolved; 0: no target.
    #[serde(default)]
    pub resolution_days: u64,
    /// How many days before that target the assignee is warned.
    #[serde(default)]
    pub resolution_warning_days: u64,
}

impl ServiceLevelSettings {
    /// The resolution target and when, before it, the assignee is warned; `None` without one.
    pub fn resolution(&self) -> Option<(std::time::Duration, std::time::Duration)> {
        const DAY: u64 = 86_400;
        (self.resolution_days > 0).then(|| {
            let target = self.resolution_days * DAY;
            let warn = target.saturating_sub(self.resolution_warning_days * DAY);
            (
                std::time::Duration::from_secs(target),
                std::time::Duration::from_secs(warn),
            )
        })
    }

    /// The first-response target for a case.
    pub fn target(&self, urgent: bool) -> std::time::Duration {
        let minutes = if urgent {
            self.urgent_first_response_minutes
        } else {
            self.ordinary_first_response_hours * 60
        };
        std::time::Duration::from_secs(minutes * 60)
    }
}

/// `[bot]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotSettings {
    /// Idle time after which a dialogue starts over.
    pub dialogue_idle_minutes: u64,
    /// Classifier confidence below which the bot asks instead of guessing.
    pub clarify_below: f32,
    /// Emergency probability from which a message that did not read as an emergency still gets
    /// the call buttons and the question "is it happening now?" (recall before precision).
    pub danger_check_above: f32,
    /// News items per page.
    pub news_page_size: u32,
    /// Flood control: more messages than this from one resident within `burst_window_secs`
    /// are still handled (a report keeps what they add) but answered only once, with "Đã nhận,
    /// xin chờ…", so one resident cannot spend the station's call budget. Emergencies are
    /// always answered.
    pub burst_messages: u32,
    /// The window of `burst_messages`.
    pub burst_window_secs: u64,
    /// More reports than this from one resident within an hour are merged into their latest
    /// open case (officers see it on the timeline) instead of opening new cases.
    pub reports_per_hour: u32,
    /// Seed example news in sandbox mode.
    pub seed_news_in_sandbox: bool,
}

/// `[station]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationSettings {
    /// Station name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// Phone number.
    pub phone: String,
    /// Opening hours.
    pub hours: String,
    /// The picture on Zalo's contact form (https), e.g. the station's emblem; none: the form
    /// goes without one.
    #[serde(default)]
    pub contact_form_image_url: Option<String>,
    /// Khu phố.
    #[serde(default)]
    pub areas: Vec<AreaSettings>,
}

/// One `[[station.areas]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaSettings {
    /// Display name, e.g. "Khu phố 1".
    pub name: String,
    /// Other ways residents write it (matched without diacritics).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The area officer's name and rank.
    pub officer_name: String,
    /// The area officer's phone.
    pub officer_phone: String,
    /// The khu phố's Zalo security group (an OA-owned GMF group id), if it has one; `/group
    /// link` in Zalo sets or replaces it at run time.
    #[serde(default)]
    pub group_id: Option<String>,
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address the webhook server binds.
    pub listen: String,
    /// Largest accepted webhook body in bytes.
    pub body_limit_bytes: usize,
    /// Whole-request deadline.
    pub request_timeout_ms: u64,
    /// Longest wait for a request's headers on an open connection (idle ones included).
    pub header_timeout_ms: u64,
    /// Oldest accepted event timestamp, in seconds before now.
    pub max_event_age_secs: u64,
    /// Furthest accepted event timestamp, in seconds after now.
    pub max_event_future_secs: u64,
}

/// `[ops]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpsSettings {
    /// Address of the operations listener: `/metrics`, `/healthz`, `/readyz`. Keep it on a
    /// private interface: metrics show when reports of each kind arrive.
    pub listen: String,
}

/// `[console]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleSettings {
    /// Address of the console's listener; the webhook listener serves none of the console.
    pub listen: String,
    /// The console's address as officers' browsers reach it, without a trailing slash: the
    /// start of the `/web` login links. `https://` makes the session cookie `Secure`.
    pub public_url: String,
}

impl ConsoleSettings {
    /// Whether the session cookie must only travel over TLS.
    pub fn secure_cookie(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// `[database]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; secret because it may carry a password.
    pub url: SecretString,
    /// Pool size.
    pub max_connections: u32,
}

/// `[zalo]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZaloSettings {
    /// Zalo application id (first term of the webhook MAC).
    #[serde(deserialize_with = "id_string")]
    pub app_id: String,
    /// Official Account id.
    #[serde(deserialize_with = "id_string")]
    pub oa_id: String,
    /// OA Secret Key signing webhook events.
    pub oa_secret_key: SecretString,
    /// Older OA secret keys still accepted during rotation.
    #[serde(default)]
    pub previous_oa_secret_keys: Vec<SecretString>,
    /// App Secret Key for the OAuth endpoint and `appsecret_proof`.
    pub app_secret: SecretString,
    /// Bootstrap refresh token.
    pub refresh_token: SecretString,
    /// OA API base URL.
    pub api_base: String,
    /// OAuth base URL.
    pub oauth_base: String,
    /// Whether to send `appsecret_proof`.
    pub send_appsecret_proof: bool,
    /// Deadline for one outbound call.
    pub request_timeout_ms: u64,
    /// Refresh the access token when less than this remains.
    pub refresh_margin_secs: u64,
    /// Ceiling on OA API calls per minute of the whole app (shared by processes on PostgreSQL).
    pub rate_limit_per_minute: u32,
    /// The purchased GMF asset (`asset_id`) `/group create` makes khu phố groups with; empty:
    /// the OA has none.
    #[serde(default)]
    pub gmf_asset_id: String,
    /// How often the member count and the state of each khu phố group are read from Zalo
    /// (`getgroup`).
    pub group_sync_minutes: u64,
}

/// `[sim]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSettings {
    /// Start the simulator in-process and point the bot at it.
    pub enabled: bool,
    /// Address the simulator binds.
    pub listen: String,
    /// In sandbox mode with no `officers.chief_id`, this simulated user is the chief and on
    /// call, so an emergency reaches someone out of the box. Empty: no default chief.
    #[serde(default)]
    pub default_chief: String,
}

/// `[workers]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerSettings {
    /// Concurrent event processors.
    pub inbox_workers: usize,
    /// Concurrent delivery senders.
    pub outbox_workers: usize,
    /// Lease on a claimed row.
    pub lease_secs: u64,
    /// Idle poll interval.
    pub poll_interval_ms: u64,
    /// Delivery attempts before a message is failed.
    pub max_attempts: u32,
    /// Attempts at processing an event before it is dead-lettered (kept, counted, and the
    /// resident's later events go on).
    pub max_event_attempts: u32,
    /// First retry delay.
    pub backoff_base_ms: u64,
    /// Largest retry delay.
    pub backoff_max_ms: u64,
    /// How long processed events and their dedupe keys are kept.
    pub retention_secs: u64,
}

/// `[officers]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerSettings {
    /// Zalo user id of the first chief.
    #[serde(default, deserialize_with = "id_string")]
    pub chief_id: String,
    /// Zalo user ids paged for emergencies.
    #[serde(default, deserialize_with = "id_strings")]
    pub on_call: Vec<String>,
}

/// `[privacy]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// Base64 of 32 random bytes.
    pub identity_key: SecretString,
    /// Days a closed case keeps its reporter's identity and what they wrote; afterwards only
    /// its statistics stay (`pipeline::retention`).
    pub retention_days: u64,
}

/// A setting that stops start-up, named by its key.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The layers could not be read or do not fit the tree.
    #[error("configuration error: {0}")]
    Load(#[from] Box<figment::Error>),
    /// A value is present but unusable.
    #[error("invalid setting `{key}`: {reason}")]
    Invalid {
        /// Dotted key, e.g. `database.url` or `zalo.previous_oa_secret_keys[0]`.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
}

fn invalid(key: impl Into<String>, reason: impl Into<String>) -> SettingsError {
    SettingsError::Invalid {
        key: key.into(),
        reason: reason.into(),
    }
}

impl Settings {
    /// Loads `config/default.toml` (next to the binary's working directory), an optional extra
    /// file, then the environment; validates the result.
    pub fn load(extra: Option<&Path>) -> Result<Settings, SettingsError> {
        Self::load_from(&default_config_dir(), extra, true)
    }

    /// Loads from an explicit config directory; `use_env` is off in tests that must not see the
    /// caller's environment.
    pub fn load_from(
        config_dir: &Path,
        extra: Option<&Path>,
        use_env: bool,
    ) -> Result<Settings, SettingsError> {
        let mut figment = Figment::new().merge(Toml::file_exact(config_dir.join("default.toml")));
        if let Some(extra) = extra {
            figment = figment.merge(Toml::file_exact(extra));
        }
        if use_env {
            figment = figment.merge(Env::prefixed("KETNOI__").split("__"));
        }
        let settings: Settings = figment.extract().map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks every value that can be checked without the network.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !self.sim.enabled {
            self.server.listen_addr()?;
        }
        let url = self.database.url.expose_secret();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            return Err(invalid(
                "database.url",
                "must start with sqlite: or postgres:",
            ));
        }
        if self.database.max_connections == 0 {
            return Err(invalid("database.max_connections", "must be at least 1"));
        }
        for (key, value) in [
            ("zalo.app_id", &self.zalo.app_id),
            ("zalo.oa_id", &self.zalo.oa_id),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(key, "must not be empty"));
            }
        }
        for (key, secret) in [
            ("zalo.oa_secret_key", &self.zalo.oa_secret_key),
            ("zalo.app_secret", &self.zalo.app_secret),
            ("zalo.refresh_token", &self.zalo.refresh_token),
        ] {
            if secret.expose_secret().trim().is_empty() {
                return Err(invalid(key, "must not be empty"));
            }
        }
        for (key, base) in [
            ("zalo.api_base", &self.zalo.api_base),
            ("zalo.oauth_base", &self.zalo.oauth_base),
        ] {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(invalid(key, "must be an http(s) URL"));
            }
        }
        // Zalo allows 4000 OA API calls a minute per app (docs/PLATFORM.md §7). A simulator has no
        // such quota, so load runs against one may lift the ceiling to measure the pipeline
        // itself; against Zalo's own host the ceiling holds.
        let against_zalo = self.zalo.api_base.contains("zalo.me");
        if self.zalo.rate_limit_per_minute == 0
            || (against_zalo && self.zalo.rate_limit_per_minute > ZALO_CALLS_PER_MINUTE)
        {
            return Err(invalid(
                "zalo.rate_limit_per_minute",
                "must be 1..=4000 against Zalo (its per-app limit)",
            ));
        }
        if self.server.body_limit_bytes < 1024 {
            return Err(invalid("server.body_limit_bytes", "must be at least 1024"));
        }
        if self.workers.inbox_workers == 0 || self.workers.outbox_workers == 0 {
            return Err(invalid(
                "workers.inbox_workers",
                "worker counts must be at least 1",
            ));
        }
        if self.service_levels.resolution_days > 0
            && self.service_levels.resolution_warning_days >= self.service_levels.resolution_days
        {
            return Err(invalid(
                "service_levels.resolution_warning_days",
                "must be less than resolution_days",
            ));
        }
        if self.privacy.retention_days == 0 {
            return Err(invalid(
                "privacy.retention_days",
                "must be at least 1 (a closed case is kept that many days)",
            ));
        }
        if self.workers.retention_secs < self.server.max_event_age_secs {
            return Err(invalid(
                "workers.retention_secs",
                "must be at least server.max_event_age_secs, or replays could slip past dedupe",
            ));
        }
        if !(0.0..=1.0).contains(&self.bot.clarify_below) {
            return Err(invalid("bot.clarify_below", "must be between 0 and 1"));
        }
        if !(0.0..=1.0).contains(&self.bot.danger_check_above) {
            return Err(invalid("bot.danger_check_above", "must be between 0 and 1"));
        }
        if self.bot.burst_messages == 0 || self.bot.burst_window_secs == 0 {
            return Err(invalid(
                "bot.burst_messages",
                "burst_messages and burst_window_secs must be more than 0",
            ));
        }
        if self.bot.reports_per_hour == 0 {
            return Err(invalid("bot.reports_per_hour", "must be more than 0"));
        }
        if self.bot.news_page_size == 0 || self.bot.news_page_size > 5 {
            return Err(invalid("bot.news_page_size", "must be 1..=5"));
        }
        if self.station.name.trim().is_empty() || self.station.phone.trim().is_empty() {
            return Err(invalid(
                "station.name",
                "station name and phone must be set",
            ));
        }
        self.identity_key()?;
        self.refuse_nonsense()?;
        if !self.sim.enabled {
            self.refuse_sandbox_secrets()?;
        }
        Ok(())
    }

    /// Production secrets are checked alike, the previous OA keys included: a key an attacker
    /// can guess (empty, a sandbox value, short) lets them forge events, and a forged event can
    /// claim to come from the chief.
    fn refuse_sandbox_secrets(&self) -> Result<(), SettingsError> {
        let reason = "still the public sandbox value; production needs its own";
        if self.privacy.identity_key.expose_secret() == SANDBOX_IDENTITY_KEY {
            return Err(invalid("privacy.identity_key", reason));
        }
        if self.identity_key()?.iter().all(|b| *b == 0) {
            return Err(invalid("privacy.identity_key", "must not be all zeros"));
        }
        let mut secrets = vec![
            ("zalo.oa_secret_key".to_owned(), &self.zalo.oa_secret_key),
            ("zalo.app_secret".to_owned(), &self.zalo.app_secret),
        ];
        for (i, key) in self.zalo.previous_oa_secret_keys.iter().enumerate() {
            secrets.push((format!("zalo.previous_oa_secret_keys[{i}]"), key));
        }
        for (key, secret) in secrets {
            let value = secret.expose_secret();
            if value == SANDBOX_OA_SECRET || value == SANDBOX_APP_SECRET {
                return Err(invalid(key, reason));
            }
            if value.trim() != value {
                return Err(invalid(key, "has spaces at the start or end"));
            }
            if value.chars().count() < MIN_SECRET_CHARS {
                return Err(invalid(
                    key,
                    format!("is shorter than {MIN_SECRET_CHARS} characters"),
                ));
            }
        }
        Ok(())
    }

    /// Values that cannot work whatever the mode: zero timeouts, leases, attempts.
    fn refuse_nonsense(&self) -> Result<(), SettingsError> {
        let positive = [
            ("server.request_timeout_ms", self.server.request_timeout_ms),
            ("server.header_timeout_ms", self.server.header_timeout_ms),
            ("zalo.request_timeout_ms", self.zalo.request_timeout_ms),
            ("workers.lease_secs", self.workers.lease_secs),
            ("workers.poll_interval_ms", self.workers.poll_interval_ms),
            ("workers.max_attempts", u64::from(self.workers.max_attempts)),
            (
                "workers.max_event_attempts",
                u64::from(self.workers.max_event_attempts),
            ),
            ("workers.backoff_base_ms", self.workers.backoff_base_ms),
            ("bot.dialogue_idle_minutes", self.bot.dialogue_idle_minutes),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(invalid(*key, "must be more than 0"));
        }
        if self.workers.backoff_max_ms < self.workers.backoff_base_ms {
            return Err(invalid(
                "workers.backoff_max_ms",
                "must be at least workers.backoff_base_ms",
            ));
        }
        // An empty previous key would let anyone sign an event, sandbox or not.
        for (i, key) in self.zalo.previous_oa_secret_keys.iter().enumerate() {
            if key.expose_secret().trim().is_empty() {
                return Err(invalid(
                    format!("zalo.previous_oa_secret_keys[{i}]"),
                    "must not be empty",
                ));
            }
        }
        if self.ops.listen.parse::<SocketAddr>().is_err() {
            return Err(invalid(
                "ops.listen",
                format!("`{}` is not host:port", self.ops.listen),
            ));
        }
        if self.console.listen.parse::<SocketAddr>().is_err() {
            return Err(invalid(
                "console.listen",
                format!("`{}` is not host:port", self.console.listen),
            ));
        }
        let public = &self.console.public_url;
        if !(public.starts_with("http://") || public.starts_with("https://"))
            || public.ends_with('/')
        {
            return Err(invalid(
                "console.public_url",
                "must be an http(s) URL without a trailing slash",
            ));
        }
        Ok(())
    }

    /// The decoded 32-byte identity key.
    pub fn identity_key(&self) -> Result<[u8; 32], SettingsError> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(self.privacy.identity_key.expose_secret().trim())
            .map_err(|_| invalid("privacy.identity_key", "must be base64"))?;
        raw.try_into()
            .map_err(|_| invalid("privacy.identity_key", "must decode to exactly 32 bytes"))
    }

    /// All OA secret keys accepted for webhook verification, current first.
    pub fn oa_secret_keys(&self) -> Vec<&str> {
        std::iter::once(&self.zalo.oa_secret_key)
            .chain(&self.zalo.previous_oa_secret_keys)
            .map(|s| s.expose_secret())
            .collect()
    }
}

impl ServerSettings {
    /// The parsed listen address.
    pub fn listen_addr(&self) -> Result<SocketAddr, SettingsError> {
        self.listen.parse().map_err(|_| {
            invalid(
                "server.listen",
                format!("`{}` is not host:port", self.listen),
            )
        })
    }
}

/// `config/` relative to the working directory, falling back to the crate's own folder so tests
/// and `cargo run` from elsewhere still find it.
pub fn default_config_dir() -> PathBuf {
    let here = PathBuf::from("config");
    if here.join("default.toml").exists() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_with(extra: &str) -> Result<Settings, SettingsError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extra.toml");
        std::fs::write(&path, extra).unwrap();
        Settings::load_from(&default_config_dir(), Some(&path), false)
    }

    #[test]
    fn shipped_defaults_load_in_sandbox_mode() {
        let settings = load_with("").unwrap();
        assert!(settings.sim.enabled);
        assert_eq!(settings.server.listen, "127.0.0.1:8080");
        assert_eq!(settings.identity_key().unwrap().len(), 32);
    }

    #[test]
    fn console_settings_default_and_are_checked_by_name() {
        let settings = load_with("").unwrap();
        assert_eq!(settings.console.listen, "127.0.0.1:8081");
        assert_eq!(settings.console.public_url, "http://127.0.0.1:8081");
        assert!(!settings.console.secure_cookie());
        let https =
            load_with("[console]\npublic_url = \"https://banlamviec.example.vn\"\n").unwrap();
        assert!(https.console.secure_cookie());
        for (extra, key) in [
            ("[console]\nlisten = \"localhost\"\n", "console.listen"),
            (
                "[console]\npublic_url = \"banlamviec.example.vn\"\n",
                "console.public_url",
            ),
            (
                "[console]\npublic_url = \"https://x.vn/\"\n",
                "console.public_url",
            ),
        ] {
            let err = load_with(extra).unwrap_err().to_string();
            assert!(err.contains(key), "{extra}: {err}");
        }
    }

    #[test]
    fn production_refuses_the_sandbox_identity_key() {
        let err = load_with("[sim]\nenabled = false\n").unwrap_err();
        assert!(err.to_string().contains("privacy.identity_key"), "{err}");
    }

    /// Production settings with good secrets, plus `extra` lines.
    fn production(extra: &str) -> Result<Settings, SettingsError> {
        load_with(&format!(
            "[sim]\nenabled = false\n[privacy]\nidentity_key = \"{}\"\n[zalo]\napp_id = \"1\"\noa_id = \"2\"\noa_secret_key = \"Abcdefghij0123456789\"\napp_secret = \"Zyxwvutsrq9876543210\"\nrefresh_token = \"r\"\n{extra}",
            base64::engine::general_purpose::STANDARD.encode([7u8; 32])
        ))
    }

    #[test]
    fn production_checks_every_secret_alike_previous_keys_included() {
        assert!(production("").is_ok(), "{:?}", production("").err());
        for (extra, key) in [
            (
                "previous_oa_secret_keys = [\"\"]",
                "zalo.previous_oa_secret_keys[0]",
            ),
            (
                "previous_oa_secret_keys = [\"Abcdefghij0123456789\", \"sandbox-oa-secret-key\"]",
                "zalo.previous_oa_secret_keys[1]",
            ),
            (
                "previous_oa_secret_keys = [\"short\"]",
                "zalo.previous_oa_secret_keys[0]",
            ),
            (
                "previous_oa_secret_keys = [\" Abcdefghij0123456789\"]",
                "zalo.previous_oa_secret_keys[0]",
            ),
        ] {
            let err = production(extra).unwrap_err().to_string();
            assert!(err.contains(key), "{extra}: {err}");
        }
        let zeros = base64::engine::general_purpose::STANDARD.encode([0u8; 32]);
        let err = load_with(&format!(
            "[sim]\nenabled = false\n[privacy]\nidentity_key = \"{zeros}\"\n"
        ))
        .unwrap_err();
        assert!(err.to_string().contains("all zeros"), "{err}");
    }

    #[test]
    fn unknown_keys_and_nonsense_values_are_refused_by_name() {
        let err = load_with("[zalo]\nrequest_timeout_ms = 0\n").unwrap_err();
        assert!(err.to_string().contains("zalo.request_timeout_ms"), "{err}");
        let err = load_with("[workers]\nlease_secs = 0\n").unwrap_err();
        assert!(err.to_string().contains("workers.lease_secs"), "{err}");
        let err = load_with("[zalo]\nrate_limt_per_minute = 100\n").unwrap_err();
        assert!(
            err.to_string().contains("rate_limt_per_minute"),
            "a typo is named: {err}"
        );
        let err = load_with("[databse]\nurl = \"sqlite::memory:\"\n").unwrap_err();
        assert!(err.to_string().contains("databse"), "{err}");
        // Empty previous keys are refused in sandbox mode too.
        let err = load_with("[zalo]\nprevious_oa_secret_keys = [\"\"]\n").unwrap_err();
        assert!(
            err.to_string().contains("previous_oa_secret_keys[0]"),
            "{err}"
        );
    }

    #[test]
    fn invalid_values_name_their_key() {
        let err = load_with("[database]\nurl = \"mysql://x\"\n").unwrap_err();
        assert!(err.to_string().contains("database.url"), "{err}");
        let err = load_with("[privacy]\nidentity_key = \"c2hvcnQ=\"\n").unwrap_err();
        assert!(err.to_string().contains("privacy.identity_key"), "{err}");
        let err = load_with("[zalo]\nrate_limit_per_minute = 5000\n").unwrap_err();
        assert!(
            err.to_string().contains("zalo.rate_limit_per_minute"),
            "{err}"
        );
    }

    #[test]
    fn numeric_ids_from_the_environment_are_read_as_text() {
        // What figment makes of `KETNOI__ZALO__APP_ID=1234567890123456789`: a number.
        let settings = load_with(
            "[zalo]\napp_id = 1234567890123456789\noa_id = 42\n[officers]\nchief_id = 7\non_call = [8, \"9\"]\n",
        )
        .unwrap();
        assert_eq!(settings.zalo.app_id, "1234567890123456789");
        assert_eq!(settings.zalo.oa_id, "42");
        assert_eq!(settings.officers.chief_id, "7");
        assert_eq!(settings.officers.on_call, vec!["8", "9"]);
    }

    #[test]
    fn only_a_simulator_may_lift_the_call_ceiling() {
        let lifted =
            "[zalo]\nrate_limit_per_minute = 600000\napi_base = \"http://127.0.0.1:19090\"\n";
        assert_eq!(
            load_with(lifted).unwrap().zalo.rate_limit_per_minute,
            600_000
        );
        let zero = "[zalo]\nrate_limit_per_minute = 0\napi_base = \"http://127.0.0.1:19090\"\n";
        assert!(load_with(zero).is_err());
    }

    #[test]
    fn secrets_do_not_appear_in_debug_output() {
        let settings = load_with("").unwrap();
        let debug = format!("{settings:?}");
        assert!(!debug.contains("sandbox-oa-secret-key"));
        assert!(!debug.contains("sandbox-app-secret"));
        assert!(!debug.contains(SANDBOX_IDENTITY_KEY));
    }
}
