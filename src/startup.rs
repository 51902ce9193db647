//! Wires the application together: binds the listeners (and, in sandbox mode, the one the
//! stand-in Zalo is served on), connects and migrates the database, starts the server and the
//! workers, and stops them in order on shutdown.
//!
//! The library does not know the simulator (`crates/zalo-sim`): in sandbox mode the caller
//! serves it on the listener bound here ([`Application::serve_sandbox`]), as `ketnoi serve` and
//! the tests do.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::access::{AuditAction, Outcome, Role};
use crate::bot::procedures::Catalogue;
use crate::bot::Bot;
use crate::config::{default_config_dir, Settings};
use crate::conversation::texts::Texts;
use crate::conversation::BotConfig;
use crate::dispatch::Dispatcher;
use crate::http::{self, AppState, WebhookConfig};
use crate::officers::sla::Sla;
use crate::officers::Console;
use crate::pipeline::call_budget::CallLimiter;
use crate::pipeline::delivery::{DeliveryWorker, RetryPolicy};
use crate::pipeline::inbox::InboxWorker;
use crate::pipeline::token::TokenManager;
use crate::store::Store;
use crate::time::Timestamp;
use crate::vault::Vault;
use crate::zalo::client::{ClientConfig, ZaloClient};

/// A built, not yet running, application.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    ops_listener: TcpListener,
    ops_address: SocketAddr,
    console_listener: TcpListener,
    console_address: SocketAddr,
    officers: Console,
    sandbox: Option<Sandbox>,
    settings: Settings,
    store: Store,
    vault: Vault,
    client: ZaloClient,
    bot: Arc<Dispatcher>,
    texts: Texts,
    /// The procedures, for the web console's catalogue page (the bot has its own copy).
    catalogue: Catalogue,
}

/// Sandbox mode's stand-in for Zalo, as the library sees it: the listener bound at `sim.listen`,
/// which the bot's Zalo URLs point at, until [`Application::serve_sandbox`] hands it over, and
/// then what serves it.
struct Sandbox {
    address: SocketAddr,
    listener: Option<TcpListener>,
    server: Option<PlatformServer>,
}

/// Serves the sandbox platform until the shutdown token it is given is cancelled.
type PlatformServer =
    Box<dyn FnOnce(CancellationToken) -> BoxFuture<'static, std::io::Result<()>> + Send>;

impl Application {
    /// Binds, connects, migrates. In sandbox mode the stand-in Zalo's listener is bound too and
    /// the bot's Zalo URLs point at it, whatever the port; [`Application::webhook_url`] is where
    /// that platform is to post residents' events.
    pub async fn build(mut settings: Settings) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.server.listen)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot listen on server.listen={}: {e}",
                    settings.server.listen
                )
            })?;
        let address = listener.local_addr()?;
        let ops_listener = TcpListener::bind(&settings.ops.listen).await.map_err(|e| {
            anyhow::anyhow!("cannot listen on ops.listen={}: {e}", settings.ops.listen)
        })?;
        let ops_address = ops_listener.local_addr()?;
        let console_listener = TcpListener::bind(&settings.console.listen)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot listen on console.listen={}: {e}",
                    settings.console.listen
                )
            })?;
        let console_address = console_listener.local_addr()?;
        if settings.sim.enabled
            && settings.officers.chief_id.trim().is_empty()
            && !settings.sim.default_chief.is_empty()
        {
            settings.officers.chief_id = settings.sim.default_chief.clone();
            if settings.officers.on_call.is_empty() {
                settings.officers.on_call = vec![settings.sim.default_chief.clone()];
            }
        }
        let sandbox = if settings.sim.enabled {
            let sim_listener = TcpListener::bind(&settings.sim.listen).await.map_err(|e| {
                anyhow::anyhow!("cannot listen on sim.listen={}: {e}", settings.sim.listen)
            })?;
            let sim_address = sim_listener.local_addr()?;
            let base = format!("http://{sim_address}");
            settings.zalo.api_base = base.clone();
            settings.zalo.oauth_base = base;
            // The simulator sells no assets; any id stands for one, so `/group create` works.
            if settings.zalo.gmf_asset_id.is_empty() {
                settings.zalo.gmf_asset_id = SANDBOX_GMF_ASSET.to_owned();
            }
            Some(Sandbox {
                address: sim_address,
                listener: Some(sim_listener),
                server: None,
            })
        } else {
            None
        };
        let store = Store::connect(
            settings.database.url.expose_secret(),
            settings.database.max_connections,
        )
        .await?;
        store.migrate().await?;
        if sandbox.is_some() {
            store.forget_tokens().await?;
        }
        if store.backend() == crate::store::Backend::Sqlite {
            store.release_all_leases().await?;
        }
        let vault = Vault::new(&settings.identity_key()?);
        let client = ZaloClient::new(ClientConfig {
            api_base: settings.zalo.api_base.clone(),
            oauth_base: settings.zalo.oauth_base.clone(),
            app_id: settings.zalo.app_id.clone(),
            app_secret: settings.zalo.app_secret.clone(),
            send_appsecret_proof: settings.zalo.send_appsecret_proof,
            timeout: Duration::from_millis(settings.zalo.request_timeout_ms),
        });
        let config_dir = default_config_dir();
        let catalogue = Catalogue::load(&config_dir.join("procedures.toml"))?;
        let out_of_scope = crate::bot::out_of_scope::OutOfScope::load(&config_dir)?;
        let texts = Texts::load(&config_dir)?;
        let config = BotConfig::from_settings(&settings);
        let console = Console::new(
            texts.clone(),
            config.clone(),
            settings.service_levels.clone(),
            settings.console.public_url.clone(),
        );
        let bot = Dispatcher::new(
            Bot::new(texts.clone(), catalogue.clone(), out_of_scope, config),
            console.clone(),
        );
        bot.warm_up();
        let bot = Arc::new(bot);
        bootstrap_chief(&store, &vault, &settings.officers.chief_id).await?;
        crate::conversation::groups::adopt_configured_groups(&store, &settings.station.areas)
            .await?;
        if sandbox.is_some() && settings.bot.seed_news_in_sandbox {
            crate::seed::sandbox_news(&store).await?;
        }
        Ok(Application {
            listener,
            address,
            ops_listener,
            ops_address,
            console_listener,
            console_address,
            officers: console,
            sandbox,
            settings,
            store,
            vault,
            client,
            bot,
            texts,
            catalogue,
        })
    }

    /// The webhook server's address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The operations listener's address (`/metrics`).
    pub fn ops_address(&self) -> SocketAddr {
        self.ops_address
    }

    /// The web console's address (`console.listen`).
    pub fn console_address(&self) -> SocketAddr {
        self.console_address
    }

    /// Where Zalo (or the stand-in) posts events to this application.
    pub fn webhook_url(&self) -> String {
        format!("http://{}/webhook/zalo", self.address)
    }

    /// The chief registered from settings (in sandbox mode `sim.default_chief` by default).
    pub fn sandbox_chief(&self) -> Option<&str> {
        let chief = self.settings.officers.chief_id.trim();
        (self.sandbox.is_some() && !chief.is_empty()).then_some(chief)
    }

    /// In sandbox mode, the address of the stand-in Zalo the bot talks to.
    pub fn sandbox_address(&self) -> Option<SocketAddr> {
        self.sandbox.as_ref().map(|sandbox| sandbox.address)
    }

    /// In sandbox mode, hands the stand-in Zalo's listener to `serve`, which `run` then runs
    /// among the service's tasks: it gets the same shutdown token and must return once that is
    /// cancelled, and its failure shuts the service down like any task's. Outside sandbox mode,
    /// or called twice, it is an error.
    pub fn serve_sandbox<F, Fut>(&mut self, serve: F) -> anyhow::Result<()>
    where
        F: FnOnce(TcpListener, CancellationToken) -> Fut + Send + 'static,
        Fut: Future<Output = std::io::Result<()>> + Send + 'static,
    {
        let sandbox = self
            .sandbox
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("not in sandbox mode (sim.enabled is false)"))?;
        let listener = sandbox
            .listener
            .take()
            .ok_or_else(|| anyhow::anyhow!("the sandbox platform is already served"))?;
        sandbox.server = Some(Box::new(move |stop| Box::pin(serve(listener, stop))));
        Ok(())
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Runs until `shutdown` fires: stops taking requests, lets in-flight requests and the
    /// workers' current items finish, then closes the database.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let Application {
            listener,
            ops_listener,
            console_listener,
            officers,
            sandbox,
            settings,
            store,
            vault,
            client,
            bot,
            texts,
            catalogue,
            ..
        } = self;
        // The bot must not run in sandbox mode with nothing answering as Zalo.
        let platform = match sandbox {
            Some(Sandbox {
                server: None,
                address,
                ..
            }) => anyhow::bail!("sandbox mode, but nothing serves Zalo at {address}"),
            Some(Sandbox { server, .. }) => server,
            None => None,
        };
        let inbox_ready = Arc::new(Notify::new());
        let outbox_ready = Arc::new(Notify::new());
        let workers = &settings.workers;
        let tokens = TokenManager::new(
            store.clone(),
            vault.clone(),
            client.clone(),
            settings.zalo.refresh_token.clone(),
            Duration::from_secs(settings.zalo.refresh_margin_secs),
        );
        let state = AppState::new(
            webhook_config(&settings),
            store.clone(),
            vault.clone(),
            inbox_ready.clone(),
            crate::telemetry::metrics_handle(),
        );
        let ops_router = http::ops_router(state.clone());
        let console_router = crate::console::router(crate::console::ConsoleState::new(
            store.clone(),
            vault.clone(),
            officers,
            texts.clone(),
            settings.service_levels.clone(),
            settings.station.clone(),
            catalogue,
            settings.console.secure_cookie(),
            outbox_ready.clone(),
        ));
        let router = http::router(
            state,
            settings.server.body_limit_bytes,
            Duration::from_millis(settings.server.request_timeout_ms),
        );

        let mut tasks = JoinSet::new();
        if let Some(platform) = platform {
            let stop = shutdown.clone();
            tasks.spawn(async move { platform(stop).await.map_err(anyhow::Error::from) });
        }
        let header_timeout = Duration::from_millis(settings.server.header_timeout_ms);
        for (listener, router) in [
            (ops_listener, ops_router),
            (console_listener, console_router),
            (listener, router),
        ] {
            let stop = shutdown.clone();
            tasks.spawn(async move {
                let Ok(()) = http::serve::serve(listener, router, header_timeout, stop).await;
                Ok(())
            });
        }

        let process = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
        let clock = crate::time::system_clock();
        let groups_changed = Arc::new(tokio::sync::Notify::new());
        let inbox = InboxWorker {
            store: store.clone(),
            vault: vault.clone(),
            bot,
            inbox_ready,
            outbox_ready: outbox_ready.clone(),
            lease: Duration::from_secs(workers.lease_secs),
            poll: Duration::from_millis(workers.poll_interval_ms),
            max_attempts: workers.max_event_attempts,
            clock: clock.clone(),
            groups_changed: groups_changed.clone(),
        };
        // On SQLite every event's transaction goes through the one connection, so extra inbox
        // workers only queue behind each other and in front of the webhook's commits
        // (measured: 2307 events/s with 4, 3619 with 1, closed loop, 64 connections).
        let inbox_workers = match store.backend() {
            crate::store::Backend::Sqlite => 1,
            crate::store::Backend::Postgres => workers.inbox_workers,
        };
        for n in 0..inbox_workers {
            let (worker, stop) = (inbox.clone(), shutdown.clone());
            let id = format!("{process}-in{n}");
            tasks.spawn(async move {
                worker.run(id, stop).await;
                Ok(())
            });
        }
        let vault_for_sla = vault.clone();
        let sla_outbox_ready = outbox_ready.clone();
        let delivery = DeliveryWorker {
            store: store.clone(),
            vault,
            client,
            tokens,
            // Several processes share a PostgreSQL database, and Zalo's quota is per app.
            limiter: match store.backend() {
                crate::store::Backend::Sqlite => {
                    CallLimiter::local(settings.zalo.rate_limit_per_minute)
                }
                crate::store::Backend::Postgres => {
                    CallLimiter::shared(settings.zalo.rate_limit_per_minute, store.clone())
                }
            },
            outbox_ready,
            policy: RetryPolicy {
                max_attempts: workers.max_attempts,
                base: Duration::from_millis(workers.backoff_base_ms),
                max: Duration::from_millis(workers.backoff_max_ms),
                lease: Duration::from_secs(workers.lease_secs),
                poll: Duration::from_millis(workers.poll_interval_ms),
            },
            unrecorded: Default::default(),
            clock: clock.clone(),
            texts: texts.clone(),
        };
        let group_sync = crate::pipeline::group_sync::GroupSync {
            store: store.clone(),
            client: delivery.client.clone(),
            tokens: delivery.tokens.clone(),
            limiter: delivery.limiter.clone(),
            clock: clock.clone(),
            changed: groups_changed,
        };
        let every = Duration::from_secs(settings.zalo.group_sync_minutes.max(1) * 60);
        tasks.spawn(group_sync.run(every, shutdown.clone()));
        for n in 0..workers.outbox_workers {
            let (worker, stop) = (delivery.clone(), shutdown.clone());
            let id = format!("{process}-out{n}");
            tasks.spawn(async move {
                worker.run(id, stop).await;
                Ok(())
            });
        }
        tasks.spawn(prune_loop(
            store.clone(),
            workers.retention_secs,
            shutdown.clone(),
        ));
        let retention = crate::pipeline::retention::Retention {
            store: store.clone(),
            period: Duration::from_secs(settings.privacy.retention_days * 86_400),
            clock: clock.clone(),
        };
        tasks.spawn(retention.run(crate::pipeline::retention::INTERVAL, shutdown.clone()));
        let sla = Sla {
            store: store.clone(),
            vault: vault_for_sla,
            texts,
            service: settings.service_levels.clone(),
            on_call_fallback: settings.officers.on_call.clone(),
            outbox_ready: sla_outbox_ready,
            clock,
        };
        let interval = Duration::from_secs(settings.service_levels.check_interval_secs.max(1));
        tasks.spawn(sla.run(interval, shutdown.clone()));

        let mut first_error = None;
        while let Some(joined) = tasks.join_next().await {
            let result = joined.map_err(anyhow::Error::from).and_then(|r| r);
            if let Err(err) = result {
                tracing::error!(error = %err, "a service task failed; shutting down");
                shutdown.cancel();
                first_error.get_or_insert(err);
            }
        }
        store.close().await;
        tracing::info!("stopped cleanly");
        first_error.map_or(Ok(()), Err)
    }
}

/// The GMF asset `/group create` uses against the simulator when none is configured.
const SANDBOX_GMF_ASSET: &str = "sandbox-gmf-asset";

fn webhook_config(settings: &Settings) -> WebhookConfig {
    WebhookConfig {
        app_id: settings.zalo.app_id.clone(),
        oa_id: settings.zalo.oa_id.clone(),
        oa_secret_keys: settings
            .oa_secret_keys()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        max_age_ms: settings.server.max_event_age_secs as i64 * 1000,
        max_future_ms: settings.server.max_event_future_secs as i64 * 1000,
        store_deadline: Duration::from_millis(settings.server.request_timeout_ms * 3 / 5),
    }
}

/// Deletes processed events and delivered messages past the retention period, hourly.
async fn prune_loop(
    store: Store,
    retention_secs: u64,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    loop {
        let before = Timestamp::now().minus(Duration::from_secs(retention_secs));
        match (
            store.prune_events(before).await,
            store.prune_outbound(before).await,
        ) {
            (Ok(events), Ok(messages)) if events + messages > 0 => {
                tracing::info!(events, messages, "pruned old rows");
            }
            (Err(err), _) | (_, Err(err)) => tracing::warn!(error = %err, "pruning failed"),
            _ => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = shutdown.cancelled() => return Ok(()),
        }
    }
}

/// Registers `officers.chief_id` as the chief (handle `truong`) if no chief exists yet, so the
/// chief can then manage everyone else by command.
async fn bootstrap_chief(store: &Store, vault: &Vault, chief_id: &str) -> anyhow::Result<()> {
    if chief_id.trim().is_empty() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    let key = vault.user_key(chief_id);
    let has_chief = store.officers(&mut tx).await?.iter().any(|o| o.is_chief());
    if !has_chief {
        let sealed = vault.seal(chief_id.as_bytes());
        store
            .upsert_officer(
                &mut tx,
                &key,
                &sealed,
                "truong",
                "Trưởng Công an phường",
                Role::Chief,
                Timestamp::now(),
            )
            .await?;
        store
            .audit(
                &mut tx,
                "system",
                None,
                AuditAction::BootstrapChief,
                Some("truong"),
                Outcome::Ok,
                None,
                Timestamp::now(),
            )
            .await?;
        tracing::info!("chief registered from officers.chief_id");
    }
    tx.commit().await?;
    Ok(())
}
