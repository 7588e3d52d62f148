//! Connection safety: the one implementation of the request-forgery policy
//! for everything this workspace sends.
//!
//! - **Names are resolved here**, and every address is checked against the
//!   library's table of non-public addresses (loopback, private, link-local,
//!   unique-local, mapped and embedded forms): a name with no public address
//!   is refused, so a hostile DNS answer cannot steer a callback to an
//!   internal service. IP-literal hosts are checked the same way before any
//!   connection.
//! - **No redirects** (a redirect is a failed attempt, never followed),
//!   **no proxy** (the environment's proxy variables are ignored).
//! - **Timeouts**: a connect timeout and a timeout for each whole attempt.
//! - **Bounded answers**: at most [`MAX_ANSWER_LEN`] bytes of an answer's
//!   body are read; the rest is dropped with the connection.
//!
//! [`Connector::allow_private`] lifts the address check (local development
//! and tests on loopback only).

use std::error::Error as StdError;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use clicktodial::{check_callback_url, CallbackPolicy};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

use crate::error::{one_line, DeliveryError};

/// The most of an answer's body that is read: 64 KiB (a Salesforce create
/// answer is well under 1 KiB).
pub const MAX_ANSWER_LEN: usize = 64 * 1024;

/// Whether `ip` is a public address, by the library's callback table.
///
/// # Example
///
/// ```
/// use clicktodial_delivery::connect::is_public;
/// assert!(is_public("8.8.8.8".parse().unwrap()));
/// assert!(!is_public("127.0.0.1".parse().unwrap()));
/// assert!(!is_public("::ffff:10.0.0.1".parse().unwrap()));
/// ```
pub fn is_public(ip: IpAddr) -> bool {
    let url = match ip {
        IpAddr::V4(v4) => format!("http://{v4}/"),
        IpAddr::V6(v6) => format!("http://[{v6}]/"),
    };
    check_callback_url(&url, &CallbackPolicy::default()).is_ok()
}

/// The resolver refused every address of a name.
#[derive(Debug)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` resolves to no public address (refused)",
            clicktodial::redact::sanitize(&self.0)
        )
    }
}

impl StdError for Refused {}

/// Resolves with the system resolver, then keeps the public addresses only.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(Refused(host)) as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// A URL as logs and listings show it: through the library's redactor
/// ([`clicktodial::redact::url`]: no user info, no query values, no
/// secret-looking path segments) and sanitiser (no control characters, at
/// most 300 characters).
///
/// # Example
///
/// ```
/// use clicktodial_delivery::connect::redact;
/// let url = url::Url::parse("https://u:pw@crm.example.com:8443/cb?token=s3cret#f").unwrap();
/// // A secret-looking query name is hidden too.
/// assert_eq!(redact(&url), "https://crm.example.com:8443/cb?…");
/// let url = url::Url::parse("https://crm.example.com/cb?transaction=8312345").unwrap();
/// assert_eq!(redact(&url), "https://crm.example.com/cb?transaction=…");
/// ```
pub fn redact(url: &Url) -> String {
    let shown = clicktodial::redact::url(url.as_str());
    clicktodial::redact::sanitize(&shown)
        .max_chars(300)
        .to_string()
}

/// How requests are sent: timeouts, and whether private addresses are
/// allowed.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use clicktodial_delivery::connect::Connector;
///
/// let connector = Connector::default().attempt_timeout(Duration::from_secs(5));
/// let client = connector.client()?;
/// # Ok::<(), clicktodial_delivery::DeliveryError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Connector {
    connect_timeout: Duration,
    attempt_timeout: Duration,
    allow_private: bool,
}

impl Default for Connector {
    fn default() -> Self {
        Connector {
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(15),
            allow_private: false,
        }
    }
}

impl Connector {
    /// The longest a whole attempt may take (connect, send, answer); 15 s
    /// by default.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use clicktodial_delivery::connect::Connector;
    /// let c = Connector::default().attempt_timeout(Duration::from_millis(500));
    /// ```
    pub fn attempt_timeout(mut self, timeout: Duration) -> Connector {
        self.attempt_timeout = timeout;
        self.connect_timeout = self.connect_timeout.min(timeout);
        self
    }

    /// Whether private and loopback addresses may be reached (local
    /// development and tests only); `false` by default.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial_delivery::connect::Connector;
    /// let local = Connector::default().allow_private(true);
    /// assert!(local.allows_private());
    /// ```
    pub fn allow_private(mut self, allow: bool) -> Connector {
        self.allow_private = allow;
        self
    }

    /// Whether private addresses may be reached.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial_delivery::connect::Connector;
    /// assert!(!Connector::default().allows_private());
    /// ```
    pub fn allows_private(&self) -> bool {
        self.allow_private
    }

    /// The per-attempt timeout.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use clicktodial_delivery::connect::Connector;
    /// assert_eq!(Connector::default().timeout(), Duration::from_secs(15));
    /// ```
    pub fn timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// A client with this policy: no redirects, no proxy, the timeouts,
    /// and unless private addresses are allowed, the [`PublicOnly`]
    /// resolver.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial_delivery::connect::Connector;
    /// let client = Connector::default().client()?;
    /// # Ok::<(), clicktodial_delivery::DeliveryError>(())
    /// ```
    pub fn client(&self) -> Result<reqwest::Client, DeliveryError> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(self.connect_timeout)
            .timeout(self.attempt_timeout)
            .user_agent(concat!("clicktodial-delivery/", env!("CARGO_PKG_VERSION")));
        if !self.allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        builder
            .build()
            .map_err(|e| DeliveryError::Client(one_line(&e.without_url())))
    }

    /// Refuses a URL whose host is a non-public IP literal (names are
    /// checked by the resolver when they are looked up).
    pub(crate) fn check_literal(&self, url: &Url) -> Result<(), String> {
        if self.allow_private {
            return Ok(());
        }
        let ip = match url.host() {
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
            _ => return Ok(()),
        };
        if is_public(ip) {
            Ok(())
        } else {
            Err(format!("`{ip}` is not a public address (refused)"))
        }
    }
}

/// Whether a send error came from the policy (the resolver refused).
pub(crate) fn refused_by_policy(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        if cause.is::<Refused>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Reads at most [`MAX_ANSWER_LEN`] bytes of an answer's body, and whether
/// it was cut there.
pub(crate) async fn read_bounded(mut answer: reqwest::Response) -> Result<(Vec<u8>, bool), String> {
    let mut body = Vec::new();
    while let Some(chunk) = answer
        .chunk()
        .await
        .map_err(|e| one_line(&e.without_url()))?
    {
        let room = MAX_ANSWER_LEN - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_checked_unless_private_is_allowed() {
        let c = Connector::default();
        let local = Url::parse("http://127.0.0.1:9/cb").unwrap();
        assert!(c.check_literal(&local).is_err());
        assert!(c
            .check_literal(&Url::parse("http://[::1]/").unwrap())
            .is_err());
        assert!(c
            .check_literal(&Url::parse("http://8.8.8.8/").unwrap())
            .is_ok());
        assert!(c
            .check_literal(&Url::parse("http://crm.example.com/").unwrap())
            .is_ok());
        assert!(c.allow_private(true).check_literal(&local).is_ok());
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_of_loopback_addresses() {
        let name: Name = "localhost".parse().unwrap();
        let error = match PublicOnly.resolve(name).await {
            Ok(_) => panic!("localhost resolved to a public address"),
            Err(e) => e,
        };
        assert!(error.to_string().contains("no public address"), "{error}");
    }
}
