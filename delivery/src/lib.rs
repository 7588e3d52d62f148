//! # clicktodial-delivery
//!
//! A durable outbox for the requests a click-to-dial call produces: the
//! Salesforce create, the screenpop and the callback. Each is stored before
//! it is sent, retried on the Standard Webhooks schedule, optionally signed
//! (Standard Webhooks v1, through [`clicktodial::signing`]), and survives a
//! restart. It is a separate crate: users of the `clicktodial` library
//! never compile it.
//!
//! ## The queue
//!
//! The queue engine is [apalis](https://docs.rs/apalis) 1.0:
//!
//! - **embedded** (`sqlite://PATH`): one SQLite file through
//!   `apalis-sqlite`, no server; the file is created with mode 0600;
//! - **distributed** (`redis://HOST:PORT`): a Redis server through
//!   `apalis-redis`; several senders on several machines share the queue
//!   and each delivery is taken by one of them. The same code: only the URL
//!   changes.
//!
//! ```no_run
//! use clicktodial_delivery::{Outbox, Sender};
//!
//! # async fn run() -> Result<(), clicktodial_delivery::DeliveryError> {
//! let outbox = Outbox::open(&"sqlite://outbox.db".parse()?).await?;
//! // Beyond one machine: Outbox::open(&"redis://10.0.0.5:6379".parse()?)
//! let sender = Sender::new(Default::default(), Default::default())?;
//! outbox.run(sender, std::future::pending()).await?;
//! # Ok(()) }
//! ```
//!
//! ## What happens to a delivery
//!
//! | answer | what follows |
//! |---|---|
//! | 2xx | done |
//! | 410 | dead at once: the endpoint is gone |
//! | 429, 502, 503, 504 | again after the schedule's delay or the answer's `Retry-After`, whichever is later (at most a day) |
//! | a redirect (never followed), any other status, no connection, a timeout | again after the schedule's delay |
//! | refused by the connection policy | dead at once |
//! | a Salesforce create's 4xx other than 408 and 429 | final: the answer's error goes to the callback (`FAIL`) |
//!
//! After the last attempt a delivery is **dead**: listed by
//! [`Outbox::list`], queued again by [`Outbox::replay`], removed by
//! [`Outbox::purge`]. Every attempt of a delivery carries the same webhook
//! id ([`clicktodial::signing::WebhookId::for_call`]), so a receiver that
//! remembers ids processes each once, even when a sender dies between
//! sending and recording (delivery is at least once).
//!
//! The create goes first; its answer, read by
//! [`clicktodial::CreateOutcome::from_sfdc_response`], decides the result
//! code and the record id carried by the screenpop and the callback, which
//! are queued when the create ends ([`CallDeliveries`]).
//!
//! ## Safety
//!
//! Connections follow [`connect`]'s policy (names resolved here, non-public
//! addresses refused for callbacks, no redirects, no proxy, bounded
//! answers). Nothing secret is logged: log lines carry the kind, the
//! webhook id, the URL without user info or query values, the attempt, the
//! status and the time taken. How credentials are stored is described
//! in [`Job`]'s module notes below.
//!
//! ## Watching
//!
//! [`Outbox::stats`] counts entries by [`State`] and gives the age of the
//! oldest delivery not yet sent; [`Stats::emit`] writes the same as a
//! `tracing` event, which [`Outbox::run`] does every 30 seconds.
//!
//! ## At rest
#![doc = include_str!("at_rest.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod connect;
mod error;
mod job;
mod outbox;
#[cfg(feature = "redis")]
mod redis_admin;
mod schedule;

pub use error::DeliveryError;
pub use job::{CallDeliveries, Job, Kind, ScreenpopTarget};
pub use outbox::{Listed, Outbox, QueueUrl, Sender, State, Stats, QUEUE};
pub use schedule::{parse_retry_after, RetrySchedule, Verdict, MAX_RETRY_AFTER};
