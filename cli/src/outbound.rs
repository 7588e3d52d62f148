//! Sending: one reqwest client for the URLs the operator configured
//! (Salesforce, screenpop) and one for callback URLs, which come from the
//! link and so from outside. Both: timeouts, no redirects, no proxy. The
//! callback client checks every address a name resolves to and connects
//! only to public ones (IP-literal hosts never reach a resolver: the
//! library's `check_callback_url` refuses the private ones first).
//!
//! A send is retried only when no connection was made, so a create is never
//! sent twice. Every delivery is logged without user info, query values,
//! passwords or tokens.

use std::error::Error as StdError;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use clicktodial::{check_callback_url, CallbackPolicy};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(15);
const ATTEMPTS: u32 = 3;

/// What is being delivered (for the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    SfdcCreate,
    Screenpop,
    Callback,
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Delivery::SfdcCreate => "salesforce-create",
            Delivery::Screenpop => "screenpop",
            Delivery::Callback => "callback",
        })
    }
}

/// Whether `ip` is a public address, by the library's own table.
pub fn is_public(ip: IpAddr) -> bool {
    let url = match ip {
        IpAddr::V4(v4) => format!("http://{v4}/"),
        IpAddr::V6(v6) => format!("http://[{v6}]/"),
    };
    check_callback_url(&url, &CallbackPolicy::default()).is_ok()
}

/// The resolver refused every address of a name.
#[derive(Debug)]
struct Refused(String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` resolves to no public address (refused)", self.0)
    }
}

impl StdError for Refused {}

/// Resolves with the system resolver, then keeps the public addresses only.
#[derive(Debug)]
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

/// `scheme://host:port/path?name=…`: no user info, no query values, no
/// fragment.
pub fn redact(url: &Url) -> String {
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(url.path());
    if let Some(query) = url.query() {
        let names: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
            .map(|(n, _)| format!("{n}=…"))
            .collect();
        out.push('?');
        out.push_str(&names.join("&"));
    }
    out
}

/// An error's message and causes, without the URL reqwest puts in it.
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

fn refused_by_policy(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        if cause.is::<Refused>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// The two clients.
#[derive(Debug, Clone)]
pub struct Outbound {
    trusted: reqwest::Client,
    callbacks: reqwest::Client,
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .user_agent(concat!("clicktodial-simulator/", env!("CARGO_PKG_VERSION")))
}

impl Outbound {
    /// `allow_private`: callbacks may go to private and loopback addresses
    /// (local development only).
    pub fn new(allow_private: bool) -> Result<Self, String> {
        let trusted = builder().build().map_err(describe)?;
        let callbacks = if allow_private {
            trusted.clone()
        } else {
            builder()
                .dns_resolver(std::sync::Arc::new(PublicOnly))
                .build()
                .map_err(describe)?
        };
        Ok(Outbound { trusted, callbacks })
    }

    /// Sends `request`; the answer's status and body. Logged either way.
    pub async fn send(
        &self,
        what: Delivery,
        request: http::Request<Vec<u8>>,
    ) -> Result<(u16, Vec<u8>), String> {
        let client = match what {
            Delivery::Callback => &self.callbacks,
            Delivery::SfdcCreate | Delivery::Screenpop => &self.trusted,
        };
        let request = reqwest::Request::try_from(request).map_err(describe)?;
        let shown = redact(request.url());
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let this = request
                .try_clone()
                .ok_or_else(|| "the request body cannot be sent again".to_owned())?;
            match client.execute(this).await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let body = answer.bytes().await.map_err(describe);
                    tracing::info!(
                        delivery = %what,
                        url = %shown,
                        status,
                        attempt,
                        ms = started.elapsed().as_millis() as u64,
                        "delivered"
                    );
                    return Ok((status, body?.to_vec()));
                }
                // Not connected: nothing was sent, so sending again is safe.
                Err(e) if e.is_connect() && !refused_by_policy(&e) && attempt < ATTEMPTS => {
                    tracing::debug!(delivery = %what, url = %shown, attempt, error = %describe(e), "retrying");
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                    attempt += 1;
                }
                Err(e) => {
                    let error = format!(
                        "{} (attempt {attempt}{})",
                        describe(e),
                        if attempt == 1 { "" } else { ", the last" }
                    );
                    tracing::warn!(
                        delivery = %what,
                        url = %shown,
                        attempt,
                        ms = started.elapsed().as_millis() as u64,
                        %error,
                        "not delivered"
                    );
                    return Err(error);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_urls_keep_no_secrets() {
        let url =
            Url::parse("https://user:pw@crm.example.com:8443/cb?token=s3cret&t=1#frag").unwrap();
        assert_eq!(redact(&url), "https://crm.example.com:8443/cb?token=…&t=…");
    }

    #[test]
    fn public_addresses_by_the_library_table() {
        assert!(is_public("8.8.8.8".parse().unwrap()));
        assert!(!is_public("127.0.0.1".parse().unwrap()));
        assert!(!is_public("10.1.2.3".parse().unwrap()));
        assert!(!is_public("::1".parse().unwrap()));
        assert!(!is_public("::ffff:192.168.0.1".parse().unwrap()));
        assert!(is_public("2606:4700::1111".parse().unwrap()));
    }

    fn post(url: &str) -> http::Request<Vec<u8>> {
        http::Request::post(url).body(b"x=1".to_vec()).unwrap()
    }

    #[tokio::test]
    async fn no_connection_is_retried_a_connection_is_not() {
        let out = Outbound::new(true).unwrap();
        // Nothing listens: tried three times.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let url = format!("http://127.0.0.1:{port}/create");
        let error = out
            .send(Delivery::SfdcCreate, post(&url))
            .await
            .unwrap_err();
        assert!(error.ends_with("(attempt 3, the last)"), "{error}");

        // Connected, then the peer hangs up without an answer: the create
        // may have been received, so it is never sent again.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/create", listener.local_addr().unwrap());
        let accepted = tokio::spawn(async move {
            let mut count = 0;
            while let Ok(Ok((mut socket, _))) =
                tokio::time::timeout(Duration::from_secs(2), listener.accept()).await
            {
                count += 1;
                let mut buf = [0u8; 1024];
                let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buf).await;
                drop(socket);
            }
            count
        });
        let error = out
            .send(Delivery::SfdcCreate, post(&url))
            .await
            .unwrap_err();
        assert!(error.ends_with("(attempt 1)"), "{error}");
        assert_eq!(accepted.await.unwrap(), 1);
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
