//! The `ketnoi` command: `serve`, `sim`, `classify`, `migrate`.
//!
//! The simulator is started here, not in the library: `serve` in sandbox mode and `sim` both
//! play Zalo with the identities and secrets of the settings ([`sim_config`]).

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;

use ketnoi::config::Settings;
use ketnoi::startup::Application;
use zalo_sim::{SimConfig, Simulator};

#[derive(Parser)]
#[command(
    name = "ketnoi",
    version,
    about = "Zalo Official Account bot of a ward police station"
)]
struct Cli {
    /// Extra settings file layered over config/default.toml.
    #[arg(long, global = true, env = "KETNOI_CONFIG")]
    config: Option<PathBuf>,
    /// Log as JSON lines.
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the webhook server and the workers (and, in sandbox mode, the Zalo simulator).
    Serve,
    /// Run the Zalo simulator alone.
    Sim {
        /// Address to listen on (default: sim.listen).
        #[arg(long, global = true)]
        listen: Option<String>,
        /// Webhook URL to post resident events to (default: http://<server.listen>/webhook/zalo).
        #[arg(long)]
        webhook: Option<String>,
        #[command(subcommand)]
        action: Option<SimAction>,
    },
    /// Classify messages from stdin (plain lines or JSONL with a `text` field), one JSON line
    /// each; with --eval, print accuracy, macro-F1, the confusion matrix and procedure accuracy.
    Classify {
        /// A labelled JSONL file ({"text","intent","procedure"}) to evaluate against.
        #[arg(long)]
        eval: Option<PathBuf>,
    },
    /// Apply database migrations and exit.
    Migrate,
}

#[derive(Subcommand)]
enum SimAction {
    /// Play Zalo under load: signed events at a fixed rate (open loop) to one or more webhooks,
    /// receiving the bot's replies as the OA API; prints a JSON line and a table.
    Load {
        /// Webhook URLs, comma-separated; events are spread across them.
        #[arg(long, value_delimiter = ',', required = true)]
        webhook: Vec<String>,
        /// Events per second.
        #[arg(long, default_value_t = 100.0)]
        rate: f64,
        /// Seconds to send for.
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
        /// Distinct residents.
        #[arg(long, default_value_t = 100)]
        users: usize,
        /// Event kinds used in turn.
        #[arg(long, value_delimiter = ',', default_value = "text")]
        mix: Vec<String>,
        /// Seconds to wait for the last replies.
        #[arg(long, default_value_t = 10.0)]
        drain: f64,
        /// Closed loop: this many connections sending back to back (overrides --rate).
        #[arg(long, default_value_t = 0)]
        connections: usize,
        /// Redeliver unanswered events on Zalo's ladder divided by this factor (0: never).
        #[arg(long, default_value_t = 100.0)]
        ladder_factor: f64,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    ketnoi::telemetry::init(cli.log_json);
    // Classification needs no settings or database.
    if let Command::Classify { eval } = &cli.command {
        return match classify(eval.as_deref()) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("ketnoi: {err:#}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("ketnoi: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Serve => serve(settings).await,
        Command::Sim {
            listen,
            webhook,
            action,
        } => sim(settings, listen, webhook, action).await,
        Command::Migrate => migrate(settings).await,
        Command::Classify { .. } => unreachable!("handled before settings are loaded"),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ketnoi: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Cancels the token on Ctrl-C or SIGTERM.
fn shutdown_on_signal() -> CancellationToken {
    let token = CancellationToken::new();
    let trigger = token.clone();
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler installs");
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutdown requested; finishing in-flight work");
        trigger.cancel();
    });
    token
}

/// The simulator as Zalo for the app of these settings, posting residents' events to `webhook`.
fn sim_config(settings: &Settings, webhook: Option<String>) -> SimConfig {
    let secret = |s: &SecretString| s.expose_secret().to_owned();
    SimConfig {
        app_id: settings.zalo.app_id.clone(),
        oa_id: settings.zalo.oa_id.clone(),
        oa_secret_key: secret(&settings.zalo.oa_secret_key),
        app_secret: secret(&settings.zalo.app_secret),
        initial_refresh_token: secret(&settings.zalo.refresh_token),
        webhook_url: webhook,
        ..SimConfig::sandbox_defaults()
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    // Taken before `build` consumes the settings; the webhook is known once it has bound.
    let sandbox = settings.sim.enabled.then(|| sim_config(&settings, None));
    let mut app = Application::build(settings).await?;
    if let Some(config) = sandbox {
        let simulator = Simulator::new(SimConfig {
            webhook_url: Some(app.webhook_url()),
            ..config
        });
        app.serve_sandbox(move |listener, stop| simulator.serve(listener, stop))?;
    }
    let (address, webhook) = (app.address(), app.webhook_url());
    tracing::info!(%address, "webhook listening on {webhook}");
    if let Some(sim) = app.sandbox_address() {
        println!("ketnoi is running in SANDBOX mode with the Zalo simulator at http://{sim}");
        println!("Chat with the bot as a resident:");
        println!("  curl -s -XPOST http://{sim}/sim/users/1001/send -H 'content-type: application/json' -d '{{\"text\":\"xin chào\"}}'");
        println!("See what the bot answered:");
        println!("  curl -s 'http://{sim}/sim/messages?user_id=1001'");
        let ops = app.ops_address();
        println!("Webhook: {webhook}   Metrics: http://{ops}/metrics");
        if let Some(chief) = app.sandbox_chief() {
            println!(
                "Officers: user {chief} is the chief and on call (emergencies are paged to them)."
            );
            println!("  Write once as {chief} first (Zalo lets the OA message only users who wrote in the last 7 days):");
            println!("  curl -s -XPOST http://{sim}/sim/users/{chief}/send -H 'content-type: application/json' -d '{{\"text\":\"/help\"}}'");
            println!("  Pages and notices for {chief}: curl -s 'http://{sim}/sim/messages?user_id={chief}'");
        } else {
            println!(
                "Officers: none configured; set officers.chief_id to page someone for emergencies."
            );
        }
    }
    app.run(shutdown_on_signal()).await
}

async fn sim(
    settings: Settings,
    listen: Option<String>,
    webhook: Option<String>,
    action: Option<SimAction>,
) -> anyhow::Result<()> {
    let listen = listen.unwrap_or_else(|| settings.sim.listen.clone());
    let webhook =
        webhook.unwrap_or_else(|| format!("http://{}/webhook/zalo", settings.server.listen));
    let mut config = sim_config(&settings, Some(webhook.clone()));
    // A load run measures the bot's pipeline, which may be allowed more than Zalo's quota
    // against a simulator (see `zalo.rate_limit_per_minute`); `sim` alone plays Zalo whole.
    if matches!(action, Some(SimAction::Load { .. })) {
        config.api_calls_per_minute = None;
    }
    let simulator = Simulator::new(config);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    let Some(SimAction::Load {
        webhook,
        rate,
        duration,
        users,
        mix,
        drain,
        connections,
        ladder_factor,
    }) = action
    else {
        println!(
            "Zalo simulator on http://{} posting events to {webhook}",
            listener.local_addr()?
        );
        simulator.serve(listener, shutdown_on_signal()).await?;
        return Ok(());
    };
    let stop = tokio_util::sync::CancellationToken::new();
    eprintln!(
        "load: OA API on http://{}, {rate} events/s for {duration} s to {webhook:?}",
        listener.local_addr()?
    );
    let serving = tokio::spawn(simulator.clone().serve(listener, stop.clone()));
    let config = zalo_sim::load::LoadConfig {
        webhooks: webhook,
        rate,
        duration: std::time::Duration::from_secs_f64(duration),
        users,
        mix,
        drain: std::time::Duration::from_secs_f64(drain),
        connections,
        ladder_factor,
    };
    let report = zalo_sim::load::run(&simulator, &config).await;
    println!("{}", serde_json::to_string(&report)?);
    eprintln!("{report}");
    stop.cancel();
    let _ = serving.await;
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let store = ketnoi::store::Store::connect(
        settings.database.url.expose_secret(),
        settings.database.max_connections,
    )
    .await?;
    store.migrate().await?;
    println!("migrations applied");
    Ok(())
}

fn classify(eval: Option<&std::path::Path>) -> anyhow::Result<()> {
    use std::io::{BufRead, Write};
    let classifier = ketnoi::lang::shared();
    if let Some(path) = eval {
        let jsonl = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let report = ketnoi::lang::evaluate(classifier, &jsonl).map_err(anyhow::Error::msg)?;
        // A closed pipe (e.g. `| head`) is not an error worth a panic.
        let _ = writeln!(std::io::stdout(), "{report}");
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        // A JSON object with a `text` field, or the line itself.
        let text = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(obj)) => match obj.get("text").and_then(|t| t.as_str()) {
                Some(text) => text.to_owned(),
                None => line.clone(),
            },
            _ => line.clone(),
        };
        let c = classifier.classify(&text);
        // Written by hand to keep docs/DESIGN.md's key order (serde_json sorts object keys).
        writeln!(
            out,
            "{{\"text\":{},\"intent\":\"{}\",\"procedure\":{},\"confidence\":{:.3}}}",
            serde_json::Value::from(text),
            c.intent.as_str(),
            serde_json::to_string(&c.procedure)?,
            c.confidence
        )?;
    }
    Ok(())
}
