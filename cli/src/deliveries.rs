//! `clicktodial deliveries list|replay|purge [--queue URL]`: what is in the
//! outbox `serve` sends through, and the repairs: dead deliveries queued
//! again, or removed.

use std::process::ExitCode;

use anyhow::Context as _;

use clicktodial_delivery::{Outbox, State};

use crate::queue::queue_url;

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
