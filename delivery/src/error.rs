//! The one error type of the crate, with stable codes.

/// What went wrong opening, using or running an outbox. Each variant has a
/// stable [`code`](DeliveryError::code). Messages never hold a secret: a
/// Redis URL is shown without its password, request headers and bodies are
/// never shown.
///
/// # Example
///
/// ```
/// use clicktodial_delivery::{DeliveryError, QueueUrl};
///
/// let err = "ftp://x".parse::<QueueUrl>().unwrap_err();
/// assert_eq!(err.code(), "queue-url");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The queue URL is not `sqlite://PATH` or `redis://…`/`rediss://…`.
    #[error("queue URL: {0}")]
    QueueUrl(String),
    /// The store could not be opened or set up (corrupt file, not
    /// writable, server unreachable).
    #[error("the store {store} cannot be opened: {reason}")]
    Open {
        /// The store, shown without credentials.
        store: String,
        /// Why, in one line.
        reason: String,
    },
    /// Reading or writing the store failed (a full disk, a lost
    /// connection).
    #[error("the store {store} failed: {reason}")]
    Store {
        /// The store, shown without credentials.
        store: String,
        /// Why, in one line.
        reason: String,
    },
    /// A request cannot be stored (its method, URI or a header cannot be
    /// sent as given).
    #[error("the {what} request cannot be queued: {reason}")]
    Request {
        /// Which request.
        what: &'static str,
        /// Why, in one line.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("the HTTP client cannot be built: {0}")]
    Client(String),
}

impl DeliveryError {
    /// A stable code for logs and programs.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial_delivery::DeliveryError;
    /// let err = DeliveryError::Client("no TLS".into());
    /// assert_eq!(err.code(), "client");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            DeliveryError::QueueUrl(_) => "queue-url",
            DeliveryError::Open { .. } => "store-open",
            DeliveryError::Store { .. } => "store",
            DeliveryError::Request { .. } => "request",
            DeliveryError::Client(_) => "client",
        }
    }
}

/// An error and its causes on one line, through the library's one
/// sanitiser (`clicktodial::redact::sanitize`: control characters escaped,
/// at most 500 characters).
pub(crate) fn one_line(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    clicktodial::redact::sanitize(&out)
        .max_chars(500)
        .to_string()
}
