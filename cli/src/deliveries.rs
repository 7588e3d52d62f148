//! `clicktodial deliveries list|replay|purge [--queue URL]`: what is in the
//! outbox `serve` sends through, and the repairs: dead deliveries queued
//! again, or removed.
//!
//! Also the queue's default place: `clicktodial/outbox.db` under the
//! user's data directory (`$XDG_DATA_HOME`, else `~/.local/share`).

use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clicktodial_delivery::{Outbox, QueueUrl, State};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
    /// The outbox: `sqlite://PATH` or `redis://HOST:PORT` (default: the
    /// SQLite file `serve` uses by default).
    #[arg(
        long,
        value_name = "URL",
        env = "CLICKTODIAL_QUEUE",
        hide_env_values = true,
        global = true
    )]
    pub queue: Option<String>,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Action {
    /// The counts by state, then the pending, running and dead deliveries
    /// (kind, webhook id, attempt, URL without secrets), one a line.
    List {
        /// At most this many of each state.
        #[arg(long, value_name = "N", default_value_t = 100)]
        limit: usize,
    },
    /// Queues every dead delivery again (same webhook id, a first attempt).
    Replay,
    /// Removes the dead deliveries and the finished attempts.
    Purge,
}

/// The queue URL given, or the default file under the data directory.
pub fn queue_url(given: Option<&str>) -> anyhow::Result<QueueUrl> {
    match given {
        Some(text) => text.parse().context("--queue"),
        None => {
            let base = std::env::var_os("XDG_DATA_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
                .context(
                    "no data directory (neither XDG_DATA_HOME nor HOME is set): give --queue",
                )?;
            Ok(QueueUrl::Sqlite(base.join("clicktodial").join("outbox.db")))
        }
    }
}

/// Opens the outbox from synchronous code running on a multi-threaded
/// runtime (the servers' set-up).
pub fn open_in_place(url: &QueueUrl) -> anyhow::Result<Outbox> {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(Outbox::open(url)))
        .context("cannot open the delivery queue")
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let url = queue_url(args.queue.as_deref())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async move {
        let outbox = Outbox::open(&url).await?;
        match args.action {
            Action::List { limit } => {
                let stats = outbox.stats().await?;
                let oldest = stats
                    .oldest_pending
                    .map_or("-".to_owned(), |d| format!("{} s", d.as_secs()));
                crate::output::print(&format!(
                    "{url}: pending {}, running {}, done {}, dead {}, oldest pending {oldest}\n",
                    stats.pending, stats.running, stats.done, stats.dead
                ));
                for state in [State::Pending, State::Running, State::Dead] {
                    for entry in outbox.list(state, limit).await? {
                        crate::output::print(&format!(
                            "{:<8} {:<9} {} attempt {} {}\n",
                            entry.state,
                            entry.kind,
                            entry.webhook_id,
                            entry.attempt,
                            clicktodial::redact::sanitize(&entry.url).max_chars(300)
                        ));
                    }
                }
            }
            Action::Replay => {
                let n = outbox.replay().await?;
                crate::output::print(&format!("{n} dead deliveries queued again\n"));
            }
            Action::Purge => {
                let n = outbox.purge().await?;
                crate::output::print(&format!("{n} entries removed\n"));
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
