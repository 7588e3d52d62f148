//! The outbox: a queue URL opened on SQLite or Redis through apalis, the
//! worker that sends, and what a user can watch and repair.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use apalis::layers::WorkerBuilderExt as _;
use apalis::prelude::*;
use chrono::Utc;
use clicktodial::signing::{WebhookId, WebhookSecret};
use clicktodial::CreateOutcome;

use crate::connect::{read_bounded, refused_by_policy, Connector};
use crate::error::{one_line, DeliveryError};
use crate::job::{Job, Kind};
use crate::schedule::{RetrySchedule, Verdict};

/// The apalis queue the deliveries live in.
pub const QUEUE: &str = "clicktodial.deliveries";

/// Where the outbox lives: `sqlite://PATH` (one file, no server; a relative
/// path is relative to the working directory, `sqlite:///abs/path` is
/// absolute) or `redis://[user:password@]host:port[/db]` (and `rediss://`
/// for TLS) for several senders on several machines.
///
/// `Display` never shows a Redis password.
///
/// # Example
///
/// ```
/// use clicktodial_delivery::QueueUrl;
///
/// let local: QueueUrl = "sqlite:///var/lib/clicktodial/outbox.db".parse()?;
/// assert_eq!(local, QueueUrl::Sqlite("/var/lib/clicktodial/outbox.db".into()));
/// let shared: QueueUrl = "redis://:s3cret@10.0.0.5:6379/0".parse()?;
/// assert_eq!(shared.to_string(), "redis://10.0.0.5:6379/0");
/// # Ok::<(), clicktodial_delivery::DeliveryError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueueUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A Redis server (the URL as given, credentials included).
    Redis(String),
}

impl fmt::Debug for QueueUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QueueUrl({self})")
    }
}

impl fmt::Display for QueueUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            QueueUrl::Redis(url) => match url::Url::parse(url) {
                Ok(mut u) => {
                    let _ = u.set_password(None);
                    let _ = u.set_username("");
                    f.write_str(u.as_str())
                }
                Err(_) => f.write_str("redis://(unreadable)"),
            },
        }
    }
}

impl FromStr for QueueUrl {
    type Err = DeliveryError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(path) = text.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DeliveryError::QueueUrl(
                    "`sqlite://` needs a file path (sqlite://outbox.db)".into(),
                ));
            }
            return Ok(QueueUrl::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("redis://") || text.starts_with("rediss://") {
            url::Url::parse(text).map_err(|e| {
                DeliveryError::QueueUrl(format!("the Redis URL cannot be read: {e}"))
            })?;
            return Ok(QueueUrl::Redis(text.to_owned()));
        }
        Err(DeliveryError::QueueUrl(
            "expected sqlite://PATH or redis://HOST:PORT".into(),
        ))
    }
}

#[derive(Clone)]
enum Store {
    #[cfg(feature = "sqlite")]
    Sqlite(apalis_sqlite::SqliteStorage<Job>),
    #[cfg(feature = "redis")]
    Redis(apalis_redis::RedisStorage<Job>),
}

/// How often a worker says it is alive; a worker silent for two of these
/// (killed, or its machine lost) has its in-flight deliveries queued again.
const HEARTBEAT: Duration = Duration::from_secs(3);

/// A durable outbox of [`Job`]s on SQLite or Redis (apalis queues), with
/// the sender that works through it.
///
/// # Example
///
/// ```no_run
/// use clicktodial_delivery::{Outbox, Sender};
///
/// # async fn run() -> Result<(), clicktodial_delivery::DeliveryError> {
/// let outbox = Outbox::open(&"sqlite://outbox.db".parse()?).await?;
/// // …queue jobs with outbox.enqueue(job), from any process sharing the store…
/// let sender = Sender::new(Default::default(), Default::default())?;
/// outbox.run(sender, std::future::pending()).await?; // or a shutdown signal
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    shown: String,
}

impl fmt::Debug for Outbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Outbox({})", self.shown)
    }
}

/// A delivery's state in the outbox.
///
/// # Example
///
/// ```
/// use clicktodial_delivery::State;
/// assert_eq!(State::Dead.to_string(), "dead");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Waiting for its time (a first attempt, or a retry).
    Pending,
    /// Taken by a sender, being sent.
    Running,
    /// An attempt that ended: delivered, or handed to its next attempt.
    Done,
    /// No further attempt: the last failed, the endpoint answered 410, or
    /// the connection policy refused it. [`Outbox::replay`] queues it again.
    Dead,
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            State::Pending => "pending",
            State::Running => "running",
            State::Done => "done",
            State::Dead => "dead",
        })
    }
}

#[cfg(feature = "sqlite")]
fn statuses(state: State) -> &'static [Status] {
    match state {
        State::Pending => &[Status::Pending],
        State::Running => &[Status::Queued, Status::Running],
        State::Done => &[Status::Done],
        State::Dead => &[Status::Failed, Status::Killed],
    }
}

/// One entry of [`Outbox::list`]: what a person needs to decide, never a
/// header or a body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Listed {
    /// The entry's state.
    pub state: State,
    /// Which request.
    pub kind: Kind,
    /// The webhook id.
    pub webhook_id: String,
    /// The attempt (1-based).
    pub attempt: u32,
    /// The URL without user info or query values.
    pub url: String,
    /// When it was first queued (Unix milliseconds).
    pub queued_at_ms: i64,
}

/// Counts by state and the age of the oldest delivery not yet sent.
///
/// # Example
///
/// ```
/// use clicktodial_delivery::Stats;
/// let stats = Stats::default();
/// assert_eq!(stats.pending + stats.running + stats.dead, 0);
/// assert_eq!(stats.oldest_pending, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Waiting for their time.
    pub pending: u64,
    /// Being sent.
    pub running: u64,
    /// Attempts that ended (delivered, or followed by a retry).
    pub done: u64,
    /// Dead: no further attempt until replayed.
    pub dead: u64,
    /// How long the oldest pending or running delivery has waited since it
    /// was first queued.
    pub oldest_pending: Option<Duration>,
}

impl Stats {
    /// Emits the counts as one `tracing` event (target
    /// `clicktodial_delivery::stats`, level INFO).
    ///
    /// # Example
    ///
    /// ```
    /// clicktodial_delivery::Stats::default().emit();
    /// ```
    pub fn emit(&self) {
        tracing::info!(
            target: "clicktodial_delivery::stats",
            pending = self.pending,
            running = self.running,
            done = self.done,
            dead = self.dead,
            oldest_pending_ms = self.oldest_pending.map(|d| d.as_millis() as u64),
            "outbox"
        );
    }
}

#[cfg(feature = "sqlite")]
const PAGE: u32 = 500;
#[cfg(feature = "sqlite")]
const MAX_PAGES: u32 = 400;

impl Outbox {
    /// Opens (creating if need be) the store at `url`.
    ///
    /// A new SQLite file is created with mode 0600 (its directory 0700 if
    /// it is created too); a file that is not a SQLite database, or cannot
    /// be written, is an [`DeliveryError::Open`] error, as is a Redis
    /// server that does not answer.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use clicktodial_delivery::Outbox;
    /// let dir = std::env::temp_dir().join(format!("outbox-doc-{}", std::process::id()));
    /// let outbox = Outbox::open(&format!("sqlite://{}/o.db", dir.display()).parse()?).await?;
    /// assert_eq!(outbox.stats().await?.pending, 0);
    /// # std::fs::remove_dir_all(dir)?; Ok(()) }
    /// ```
    pub async fn open(url: &QueueUrl) -> Result<Outbox, DeliveryError> {
        let shown = url.to_string();
        let open_err = |reason: String| DeliveryError::Open {
            store: shown.clone(),
            reason,
        };
        let store = match url {
            #[cfg(feature = "sqlite")]
            QueueUrl::Sqlite(path) => Store::Sqlite(open_sqlite(path).await.map_err(open_err)?),
            #[cfg(feature = "redis")]
            QueueUrl::Redis(text) => {
                let conn = tokio::time::timeout(
                    Duration::from_secs(10),
                    apalis_redis::connect(text.as_str()),
                )
                .await
                .map_err(|_| open_err("no answer within 10 s".into()))?
                .map_err(|e| open_err(one_line(&e)))?;
                let config = apalis_redis::Config::default()
                    .queue(QUEUE)
                    .heartbeat_interval(HEARTBEAT)
                    .missed_heartbeats(2);
                Store::Redis(apalis_redis::RedisStorage::new(conn).with_config(config))
            }
            #[allow(unreachable_patterns)]
            _ => return Err(open_err("this build has no engine for it".into())),
        };
        Ok(Outbox { store, shown })
    }

    fn store_err(&self, error: &(dyn std::error::Error + 'static)) -> DeliveryError {
        DeliveryError::Store {
            store: self.shown.clone(),
            reason: one_line(error),
        }
    }

    /// Queues a job (durably: when this returns, the job survives a crash).
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use clicktodial::signing::WebhookId;
    /// use clicktodial_delivery::{Job, Kind, Outbox};
    /// # let dir = std::env::temp_dir().join(format!("outbox-doc-q-{}", std::process::id()));
    /// let outbox = Outbox::open(&format!("sqlite://{}/o.db", dir.display()).parse()?).await?;
    /// let req = clicktodial::http::Request::post("https://crm.example.com/cb").body(b"a=1".to_vec())?;
    /// outbox.enqueue(Job::new(Kind::Callback, WebhookId::new("msg_1")?, req)?).await?;
    /// assert_eq!(outbox.stats().await?.pending, 1);
    /// # std::fs::remove_dir_all(dir)?; Ok(()) }
    /// ```
    pub async fn enqueue(&self, job: Job) -> Result<(), DeliveryError> {
        push(&self.store, job)
            .await
            .map_err(|e| self.store_err(&*e))
    }

    /// Queues several jobs at once (one transaction on SQLite, one round
    /// trip on Redis): all of them, or none on an error.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use clicktodial::signing::WebhookId;
    /// use clicktodial_delivery::{Job, Kind, Outbox};
    /// # let dir = std::env::temp_dir().join(format!("outbox-doc-qa-{}", std::process::id()));
    /// let outbox = Outbox::open(&format!("sqlite://{}/o.db", dir.display()).parse()?).await?;
    /// let jobs = (0..3)
    ///     .map(|i| {
    ///         let req = clicktodial::http::Request::post("https://crm.example.com/cb").body(Vec::new())?;
    ///         Ok(Job::new(Kind::Callback, WebhookId::new(format!("msg_{i}"))?, req)?)
    ///     })
    ///     .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
    /// outbox.enqueue_all(jobs).await?;
    /// assert_eq!(outbox.stats().await?.pending, 3);
    /// # std::fs::remove_dir_all(dir)?; Ok(()) }
    /// ```
    pub async fn enqueue_all(&self, jobs: Vec<Job>) -> Result<(), DeliveryError> {
        push_all(&self.store, jobs)
            .await
            .map_err(|e| self.store_err(&*e))
    }

    /// Counts by state, and the age of the oldest delivery not yet sent.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use clicktodial_delivery::Outbox;
    /// # let dir = std::env::temp_dir().join(format!("outbox-doc-s-{}", std::process::id()));
    /// let outbox = Outbox::open(&format!("sqlite://{}/o.db", dir.display()).parse()?).await?;
    /// let stats = outbox.stats().await?;
    /// stats.emit();
    /// assert_eq!(stats.dead, 0);
    /// # std::fs::remove_dir_all(dir)?; Ok(()) }
    /// ```
    pub async fn stats(&self) -> Result<Stats, DeliveryError> {
        let now = Utc::now().timestamp_millis();
        let mut stats = Stats::default();
        let mut oldest: Option<i64> = None;
        for state in [State::Pending, State::Running, State::Done, State::Dead] {
            let entries = self.entries(state, None).await?;
            let n = entries.len() as u64;
            match state {
                State::Pending => stats.pending = n,
                State::Running => stats.running = n,
                State::Done => stats.done = n,
                State::Dead => stats.dead = n,
            }
            if matches!(state, State::Pending | State::Running) {
                for (_, job) in &entries {
                    oldest = Some(oldest.map_or(job.queued_at_ms, |o| o.min(job.queued_at_ms)));
                }
            }
        }
        stats.oldest_pending =
            oldest.map(|t| Duration::from_millis(u64::try_from(now - t).unwrap_or(0)));
        Ok(stats)
    }

    /// The entries in `state` (at most `limit`), newest first.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use clicktodial_delivery::{Outbox, State};
    /// # let dir = std::env::temp_dir().join(format!("outbox-doc-l-{}", std::process::id()));
    /// let outbox = Outbox::open(&format!("sqlite://{}/o.db", dir.display()).parse()?).await?;
    /// assert!(outbox.list(State::Dead, 100).await?.is_empty());
    /// # std::fs::remove_dir_all(dir)?; Ok(()) }
    /// ```
    pub async fn list(&self, state: State, limit: usize) -> Result<Vec<Listed>, DeliveryError> {
        let entries = self.entries(state, Some(limit)).await?;
        Ok(entries
            .into_iter()
            .take(limit)
            .map(|(_, job)| Listed {
                state,
                kind: job.kind(),
                webhook_id: job.webhook_id().to_owned(),
                attempt: job.attempt(),
                url: job.shown_url(),
                queued_at_ms: job.queued_at_ms(),
            })
            .collect())
    }

    async fn entries(
        &self,
        state: State,
        limit: Option<usize>,
    ) -> Result<Vec<(String, Job)>, DeliveryError> {
        entries(&self.store, state, limit)
            .await
            .map_err(|e| self.store_err(&*e))
    }

    /// Queues every dead delivery again as a fresh first attempt (same
    /// webhook id), and removes the dead entries; the number replayed.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use clicktodial_delivery::Outbox;
    /// # let dir = std::env::temp_dir().join(format!("outbox-doc-r-{}", std::process::id()));
    /// let outbox = Outbox::open(&format!("sqlite://{}/o.db", dir.display()).parse()?).await?;
    /// assert_eq!(outbox.replay().await?, 0);
    /// # std::fs::remove_dir_all(dir)?; Ok(()) }
    /// ```
    pub async fn replay(&self) -> Result<usize, DeliveryError> {
        let dead = self.entries(State::Dead, None).await?;
        let now = Utc::now().timestamp_millis();
        for (id, job) in &dead {
            push(&self.store, job.replayed(now))
                .await
                .map_err(|e| self.store_err(&*e))?;
            remove(&self.store, id)
                .await
                .map_err(|e| self.store_err(&*e))?;
        }
        Ok(dead.len())
    }

    /// Removes the dead entries and the finished attempts; the number
    /// removed. Pending deliveries stay.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use clicktodial_delivery::Outbox;
    /// # let dir = std::env::temp_dir().join(format!("outbox-doc-p-{}", std::process::id()));
    /// let outbox = Outbox::open(&format!("sqlite://{}/o.db", dir.display()).parse()?).await?;
    /// assert_eq!(outbox.purge().await?, 0);
    /// # std::fs::remove_dir_all(dir)?; Ok(()) }
    /// ```
    pub async fn purge(&self) -> Result<usize, DeliveryError> {
        let mut n = 0;
        for state in [State::Dead, State::Done] {
            for (id, _) in self.entries(state, None).await? {
                remove(&self.store, &id)
                    .await
                    .map_err(|e| self.store_err(&*e))?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Works through the outbox until `stop` completes: `concurrency`
    /// deliveries at a time (from [`Sender`]), each retried on the
    /// schedule. Stats are emitted as `tracing` events every 30 s.
    ///
    /// Several processes may run on the same store: each delivery is taken
    /// by one of them, and those a stopped or killed process held are
    /// queued again after two missed heartbeats (6 s).
    pub async fn run(
        &self,
        sender: Sender,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), DeliveryError> {
        let runner = Arc::new(Runner {
            sender,
            store: self.store.clone(),
        });
        let name = format!(
            "clicktodial-{}-{:x}",
            std::process::id(),
            Utc::now().timestamp_micros()
        );
        let watcher = {
            let outbox = self.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    if let Ok(stats) = outbox.stats().await {
                        stats.emit();
                    }
                }
            })
        };
        // A store error (a full disk, a lost connection) stops apalis'
        // worker: it is reported and started again, until `stop`.
        let stop = futures::FutureExt::shared(Box::pin(stop));
        let mut restarts = 0u64;
        let result = loop {
            restarts += 1;
            let this = format!("{name}-{restarts}");
            let result = run_worker(&self.store, this, runner.clone(), stop.clone()).await;
            if futures::FutureExt::now_or_never(stop.clone()).is_some() {
                break result;
            }
            match result {
                Ok(()) => break Ok(()),
                Err(e) => {
                    let error = self.store_err(&*e);
                    tracing::error!(
                        error = error.code(),
                        reason = %error,
                        "the sender failed; it starts again in 1 s"
                    );
                    tokio::select! {
                        _ = stop.clone() => break Ok(()),
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        };
        watcher.abort();
        result.map_err(|e| self.store_err(&*e))
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[cfg(feature = "sqlite")]
async fn open_sqlite(path: &Path) -> Result<apalis_sqlite::SqliteStorage<Job>, String> {
    use apalis_sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteStorage};
    use sqlx_options::*;

    create_private_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10));
    // apalis' setup turns `synchronous` off on the connection it uses:
    // run it on a connection of its own, then open the working pool.
    {
        let setup = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| one_line(&e))?;
        SqliteStorage::setup(&setup)
            .await
            .map_err(|e| one_line(&e))?;
        setup.close().await;
    }
    // One connection: SQLite takes one writer at a time, and writers
    // waiting on each other's lock sleep in SQLite's busy handler.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options.synchronous(SqliteSynchronous::Normal))
        .await
        .map_err(|e| one_line(&e))?;
    // Writable? (A read-only file opens, then fails on the first write.)
    sqlx_query("BEGIN IMMEDIATE; COMMIT;", &pool).await?;
    let config = apalis_sqlite::Config::default()
        .queue(QUEUE)
        .heartbeat_interval(HEARTBEAT)
        .missed_heartbeats(2)
        .batch_size(128);
    Ok(SqliteStorage::new(&pool).with_config(config))
}

#[cfg(feature = "sqlite")]
mod sqlx_options {
    pub(super) use apalis_sqlite::SqlitePool;
    pub(super) use sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};

    pub(super) async fn sqlx_query(sql: &'static str, pool: &SqlitePool) -> Result<(), String> {
        sqlx::raw_sql(sql)
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(|e| super::one_line(&e))
    }
}

/// Creates the store file readable and writable by its owner only (and
/// its directory, if missing, by its owner only). An existing file is left
/// as it is.
#[cfg(feature = "sqlite")]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn task_for(job: Job) -> Task<Job> {
    let at = u64::try_from(job.not_before_ms / 1000).unwrap_or(0);
    TaskBuilder::new(job)
        .max_attempts(1)
        .run_at_timestamp(at)
        .build()
}

async fn push_all(store: &Store, jobs: Vec<Job>) -> Result<(), BoxError> {
    let tasks = futures::stream::iter(jobs.into_iter().map(task_for));
    match store {
        #[cfg(feature = "sqlite")]
        Store::Sqlite(s) => s.clone().push_all(tasks).await.map_err(Into::into),
        #[cfg(feature = "redis")]
        Store::Redis(r) => r.clone().push_all(tasks).await.map_err(Into::into),
    }
}

async fn push(store: &Store, job: Job) -> Result<(), BoxError> {
    let task = task_for(job);
    match store {
        #[cfg(feature = "sqlite")]
        Store::Sqlite(s) => s.clone().push_task(task).await.map_err(Into::into),
        #[cfg(feature = "redis")]
        Store::Redis(r) => r.clone().push_task(task).await.map_err(Into::into),
    }
}

async fn entries(
    store: &Store,
    state: State,
    limit: Option<usize>,
) -> Result<Vec<(String, Job)>, BoxError> {
    match store {
        #[cfg(feature = "sqlite")]
        Store::Sqlite(s) => {
            let mut out = Vec::new();
            for status in statuses(state) {
                for page in 1..=MAX_PAGES {
                    let filter = Filter {
                        status: Some(status.clone()),
                        page,
                        page_size: Some(PAGE),
                    };
                    let tasks = s.list_tasks(&filter).await?;
                    let n = tasks.len();
                    for task in tasks {
                        let id = task.task_id().map(|t| t.to_string()).unwrap_or_default();
                        // An entry this crate did not write is skipped.
                        if let Ok(job) = serde_json::from_slice::<Job>(&task.args) {
                            out.push((id, job));
                        }
                    }
                    if n < PAGE as usize || limit.is_some_and(|l| out.len() >= l) {
                        break;
                    }
                }
            }
            Ok(out)
        }
        #[cfg(feature = "redis")]
        Store::Redis(r) => crate::redis_admin::entries(r, state).await,
    }
}

async fn remove(store: &Store, id: &str) -> Result<(), BoxError> {
    match store {
        #[cfg(feature = "sqlite")]
        Store::Sqlite(s) => {
            sqlx::query("DELETE FROM Jobs WHERE id = ?1 AND job_type = ?2")
                .bind(id)
                .bind(QUEUE)
                .execute(s.pool())
                .await?;
            Ok(())
        }
        #[cfg(feature = "redis")]
        Store::Redis(r) => crate::redis_admin::remove(r, id).await,
    }
}

/// How often a busy sender asks the store for more work; an idle one asks
/// less and less often, down to once every [`IDLE_POLL`].
const POLL: Duration = Duration::from_millis(1);
/// How often an idle sender asks the store for work.
const IDLE_POLL: Duration = Duration::from_millis(100);

async fn run_worker(
    store: &Store,
    name: String,
    runner: Arc<Runner>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), BoxError> {
    let concurrency = runner.sender.concurrency;
    let stop = async move {
        stop.await;
        Ok::<(), std::io::Error>(())
    };
    // The same worker on whichever engine the store is.
    macro_rules! work_on {
        ($backend:expr) => {
            WorkerBuilder::new(name)
                .backend(
                    $backend
                        .clone()
                        .poll_with_backoff(POLL, BackoffConfig::new(IDLE_POLL)),
                )
                .data(runner)
                .concurrency(concurrency)
                .build(attempt)
                .run_until(stop)
                .await
                .map_err(Into::into)
        };
    }
    match store {
        #[cfg(feature = "sqlite")]
        Store::Sqlite(s) => work_on!(s),
        #[cfg(feature = "redis")]
        Store::Redis(r) => work_on!(r),
    }
}

/// Who sends: the connection policy, the retry schedule, the signing
/// secret and how many deliveries go at once.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use clicktodial::signing::WebhookSecret;
/// use clicktodial_delivery::{connect::Connector, RetrySchedule, Sender};
///
/// let sender = Sender::new(Connector::default(), RetrySchedule::default())?
///     .sign_with(Some(WebhookSecret::from_bytes(&[7; 32])?))
///     .concurrency(8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Sender {
    trusted: reqwest::Client,
    callbacks: reqwest::Client,
    connector: Connector,
    schedule: RetrySchedule,
    secret: Option<WebhookSecret>,
    concurrency: usize,
    headers: http::HeaderMap,
    guard: Option<Guard>,
}

/// A check every URL passes before it is sent to (see [`Sender::guard`]).
pub type Guard = Arc<
    dyn Fn(url::Url) -> std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send>>
        + Send
        + Sync,
>;

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("connector", &self.connector)
            .field("schedule", &self.schedule)
            .field("signs", &self.secret.is_some())
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl Sender {
    /// A sender with this connection policy and schedule, unsigned, 16
    /// deliveries at a time.
    ///
    /// The policy's address check applies to callbacks (their URL comes
    /// from the link); the create and the screenpop go to URLs the
    /// operator configured, with the same timeouts, no redirects and no
    /// proxy.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial_delivery::Sender;
    /// let sender = Sender::new(Default::default(), Default::default())?;
    /// # Ok::<(), clicktodial_delivery::DeliveryError>(())
    /// ```
    pub fn new(connector: Connector, schedule: RetrySchedule) -> Result<Sender, DeliveryError> {
        Ok(Sender {
            trusted: connector.clone().allow_private(true).client()?,
            callbacks: connector.client()?,
            connector,
            schedule,
            secret: None,
            concurrency: 16,
            headers: http::HeaderMap::new(),
            guard: None,
        })
    }

    /// A header every request carries (a user agent's mark, say); it
    /// replaces one of the same name.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::http::{HeaderName, HeaderValue};
    /// # use clicktodial_delivery::Sender;
    /// let sender = Sender::new(Default::default(), Default::default())?
    ///     .with_header(HeaderName::from_static("x-sent-by"), HeaderValue::from_static("me"));
    /// # Ok::<(), clicktodial_delivery::DeliveryError>(())
    /// ```
    pub fn with_header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Sender {
        self.headers.insert(name, value);
        self
    }

    /// A check every URL passes before each attempt: an `Err` refuses the
    /// delivery (dead at once), with that reason logged. A simulator uses
    /// it to refuse sends to its own call-placing routes.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// # use clicktodial_delivery::Sender;
    /// let sender = Sender::new(Default::default(), Default::default())?.guard(Arc::new(|url| {
    ///     Box::pin(async move {
    ///         if url.path().ends_with("make_call.php") { Err("a call loop".to_owned()) } else { Ok(()) }
    ///     })
    /// }));
    /// # Ok::<(), clicktodial_delivery::DeliveryError>(())
    /// ```
    pub fn guard(mut self, guard: Guard) -> Sender {
        self.guard = Some(guard);
        self
    }

    /// Signs jobs marked [`Job::signed`] with this secret (Standard
    /// Webhooks headers, a fresh timestamp on each attempt, the same id).
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial_delivery::Sender;
    /// let unsigned = Sender::new(Default::default(), Default::default())?.sign_with(None);
    /// # Ok::<(), clicktodial_delivery::DeliveryError>(())
    /// ```
    pub fn sign_with(mut self, secret: Option<WebhookSecret>) -> Sender {
        self.secret = secret;
        self
    }

    /// How many deliveries are sent at once (at least 1).
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial_delivery::Sender;
    /// let one_at_a_time = Sender::new(Default::default(), Default::default())?.concurrency(1);
    /// # Ok::<(), clicktodial_delivery::DeliveryError>(())
    /// ```
    pub fn concurrency(mut self, n: usize) -> Sender {
        self.concurrency = n.max(1);
        self
    }

    /// Sends one attempt of `job`: the verdict, and for a create that was
    /// answered, the answer's status and (bounded) body.
    pub(crate) async fn send(&self, job: &Job) -> (Verdict, Option<(u16, Vec<u8>)>) {
        let mut request = match job.request.to_http() {
            Ok(r) => r,
            Err(e) => return (Verdict::Refused(e), None),
        };
        if job.is_signed() {
            if let (Some(secret), Ok(id)) = (&self.secret, WebhookId::new(job.webhook_id())) {
                secret.sign_request(&mut request, &id, Utc::now());
            }
        }
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        let request = match reqwest::Request::try_from(request) {
            Ok(r) => r,
            Err(e) => return (Verdict::Refused(one_line(&e.without_url())), None),
        };
        if let Some(guard) = &self.guard {
            if let Err(reason) = guard(request.url().clone()).await {
                return (Verdict::Refused(reason), None);
            }
        }
        let client = match job.kind() {
            Kind::Callback => {
                if let Err(e) = self.connector.check_literal(request.url()) {
                    return (Verdict::Refused(e), None);
                }
                &self.callbacks
            }
            _ => &self.trusted,
        };
        match client.execute(request).await {
            Ok(answer) => {
                let status = answer.status().as_u16();
                let retry_after = answer
                    .headers()
                    .get(http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let verdict = if job.kind() == Kind::Create {
                    Verdict::of_create_status(status, retry_after.as_deref())
                } else {
                    Verdict::of_status(status, retry_after.as_deref())
                };
                let body = match read_bounded(answer).await {
                    Ok((body, cut)) => {
                        if cut {
                            tracing::warn!(
                                delivery = %job.kind(),
                                webhook_id = job.webhook_id(),
                                url = %job.shown_url(),
                                limit = crate::connect::MAX_ANSWER_LEN,
                                "the answer was cut: only its first bytes were read"
                            );
                        }
                        body
                    }
                    Err(_) => Vec::new(),
                };
                (verdict, Some((status, body)))
            }
            Err(e) if refused_by_policy(&e) => (Verdict::Refused(one_line(&e.without_url())), None),
            Err(e) if e.is_timeout() => (Verdict::Retry("timed out".into()), None),
            Err(e) => (Verdict::Retry(one_line(&e.without_url())), None),
        }
    }
}

struct Runner {
    sender: Sender,
    store: Store,
}

/// Why an attempt ended the delivery (recorded by the queue as the dead
/// entry's last error).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Dead(String);

/// One attempt: the apalis task function.
async fn attempt(job: Job, runner: Data<Arc<Runner>>) -> Result<(), BoxDynError> {
    // The queue's clock is in seconds; the job's own is in milliseconds.
    let wait = job.not_before_ms - Utc::now().timestamp_millis();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait.unsigned_abs().min(2_000))).await;
    }
    let started = std::time::Instant::now();
    let (verdict, answer) = runner.sender.send(&job).await;
    let status = answer.as_ref().map(|(s, _)| *s);
    let ms = started.elapsed().as_millis() as u64;
    let (kind, id, url, n) = (job.kind(), job.webhook_id(), job.shown_url(), job.attempt());
    let next_delay = match &verdict {
        Verdict::Delivered => {
            tracing::info!(delivery = %kind, webhook_id = id, %url, attempt = n, status, ms, "delivered");
            None
        }
        Verdict::Answered(_) => {
            tracing::warn!(delivery = %kind, webhook_id = id, %url, attempt = n, status, ms, "answered with an error: no further attempt");
            None
        }
        Verdict::Gone => {
            tracing::warn!(delivery = %kind, webhook_id = id, %url, attempt = n, status, ms, "gone (410): no further attempt");
            None
        }
        Verdict::Refused(reason) => {
            tracing::warn!(delivery = %kind, webhook_id = id, %url, attempt = n, %reason, "refused: no further attempt");
            None
        }
        Verdict::Throttled(retry_after) => {
            let delay = runner.sender.schedule.delay(n).map(|d| match retry_after {
                Some(ra) => d.max(*ra),
                None => d,
            });
            tracing::warn!(delivery = %kind, webhook_id = id, %url, attempt = n, status, ms, retry_after_ms = retry_after.map(|d| d.as_millis() as u64), "throttled");
            delay
        }
        Verdict::Retry(reason) => {
            tracing::warn!(delivery = %kind, webhook_id = id, %url, attempt = n, status, ms, %reason, "not delivered");
            runner.sender.schedule.delay(n)
        }
    };
    let finished = !matches!(verdict, Verdict::Throttled(_) | Verdict::Retry(_));
    if let (false, Some(delay)) = (finished, next_delay) {
        let at = Utc::now().timestamp_millis() + delay.as_millis() as i64;
        push(&runner.store, job.next_attempt(at)).await?;
        return Ok(());
    }
    // The delivery is over: delivered, or dead.
    if kind == Kind::Create {
        let outcome = match (&verdict, &answer) {
            (Verdict::Delivered, Some((status, body))) => {
                CreateOutcome::from_sfdc_response(*status, body)
            }
            (_, Some((status, body))) => CreateOutcome::from_sfdc_response(*status, body),
            (Verdict::Refused(reason) | Verdict::Retry(reason), None) => {
                CreateOutcome::Failed(format!("Salesforce not reached: {reason}"))
            }
            _ => CreateOutcome::Failed("Salesforce not reached".into()),
        };
        match job.follow_ups(outcome) {
            Ok((jobs, result)) => {
                tracing::info!(
                    webhook_id = id,
                    result = result.as_str(),
                    follow_ups = jobs.len(),
                    "create answered"
                );
                push_all(&runner.store, jobs).await?;
            }
            Err(reason) => {
                tracing::warn!(webhook_id = id, %reason, "the follow-ups cannot be built")
            }
        }
    }
    match verdict {
        Verdict::Delivered | Verdict::Answered(_) => Ok(()),
        Verdict::Gone => Err(Box::new(Dead("gone (410)".into()))),
        Verdict::Refused(reason) => Err(Box::new(Dead(format!("refused: {reason}")))),
        Verdict::Throttled(_) | Verdict::Retry(_) => {
            tracing::warn!(delivery = %kind, webhook_id = id, %url, attempts = n, "dead: the last attempt failed");
            Err(Box::new(Dead(format!("{n} attempts failed"))))
        }
    }
}
