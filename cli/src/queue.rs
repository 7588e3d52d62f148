//! The delivery queue that `serve` sends through and `deliveries` repairs:
//! its URL, by default `clicktodial/outbox.db` under the user's data
//! directory (`$XDG_DATA_HOME`, else `~/.local/share`).

use std::path::PathBuf;

use anyhow::Context as _;
use clicktodial_delivery::{Outbox, QueueUrl};

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
