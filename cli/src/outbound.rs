//! Sending: one reqwest client for the URLs the operator configured
//! (Salesforce, screenpop) and one for callback URLs, which come from the
//! link and so from outside. Both: timeouts, no redirects, no proxy. The
//! callback client checks every address a name resolves to and connects
//! only to public ones (IP-literal hosts never reach a resolver: the
//! library's `check_callback_url` refuses the private ones first).
//!
//! A send is retried only when no connection was made, so a create is never
//! sent twice. Every send carries [`SIMULATOR_HEADER`] (a simulator places
//! no call for a request that carries it), a send to this simulator's own
//! call-placing routes is refused ([`connect::loops_back`]), and an answer
//! is read as a stream and cut at [`MAX_ANSWER`] bytes. Every delivery is
//! logged through the library's redactor and sanitiser
//! ([`clicktodial::redact`]): no user info, no query values, no
//! secret-looking path segments, no control characters.
//!
//! Where a send may connect (the request-forgery policy) is all in
//! [`connect`].

use std::error::Error as StdError;
use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clicktodial::redact::sanitize;

pub use connect::PublicOnly;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(15);
const ATTEMPTS: u32 = 3;

/// The most of an answer (a callback receiver's, a screenpop's,
/// Salesforce's) that is read; the rest is not read, and the cut is logged.
pub const MAX_ANSWER: usize = 64 * 1024;

/// The header every send of the simulator carries. A request that carries
/// it places no call (so two simulators, or one and itself, cannot loop).
pub const SIMULATOR_HEADER: &str = "x-clicktodial-simulator";

/// Characters of an error or a URL a log line shows at most.
const LOGGED: usize = 300;

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

/// Where a send may connect: the request-forgery policy, in one place.
///
/// - Callback URLs come from links: their names are resolved by
///   [`PublicOnly`], which keeps public addresses only ([`is_public`], the
///   library's own table); IP literals are checked by the library's
///   `check_callback_url` before any send.
/// - No send may reach this simulator's own call-placing routes
///   ([`loops_back`]): a link whose callback is its own `make_call.php`
///   would place calls without end.
pub mod connect {
    use std::error::Error as StdError;
    use std::fmt;
    use std::net::{IpAddr, SocketAddr};

    use clicktodial::{check_callback_url, CallbackPolicy};
    use reqwest::dns::{Addrs, Name, Resolve, Resolving};
    use url::Url;

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
    pub(super) struct Refused(String);

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

    /// Whether `path` names a route that places a call: `make_call.php`
    /// or 8x8's call API, however it is spelled (percent-escapes, case,
    /// doubled slashes).
    pub fn places_a_call(path: &str) -> bool {
        let decoded = percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .to_ascii_lowercase();
        let mut collapsed = String::with_capacity(decoded.len());
        for c in decoded.chars() {
            if !(c == '/' && collapsed.ends_with('/')) {
                collapsed.push(c);
            }
        }
        collapsed.contains("make_call.php") || collapsed.starts_with("/api/v1/tenants/")
    }

    /// Whether a connection to `ip` reaches a server listening on `own`'s
    /// address (the port is compared by the caller).
    pub fn reaches(ip: IpAddr, own: IpAddr) -> bool {
        let (ip, own) = (ip.to_canonical(), own.to_canonical());
        ip == own || ip.is_unspecified() || own.is_unspecified() && ip.is_loopback()
    }

    /// Whether `url` is this simulator's own `make_call.php` or call API,
    /// the simulator listening on `own`: by the path, then by every address
    /// the host resolves to (a name for 127.0.0.1 is caught too).
    pub async fn loops_back(url: &Url, own: SocketAddr) -> bool {
        if !places_a_call(url.path()) || url.port_or_known_default() != Some(own.port()) {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        match tokio::net::lookup_host((host, own.port())).await {
            Ok(mut found) => found.any(|a| reaches(a.ip(), own.ip())),
            Err(_) => false,
        }
    }
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
        if cause.is::<connect::Refused>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// At most `limit` bytes of `answer`'s body, read as a stream, and whether
/// it was cut there.
async fn read_bounded(
    mut answer: reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = answer.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// The two clients, and the address of the simulator that sends.
#[derive(Debug, Clone)]
pub struct Outbound {
    trusted: reqwest::Client,
    callbacks: reqwest::Client,
    own: SocketAddr,
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // Never a proxy, whatever HTTP_PROXY, HTTPS_PROXY or ALL_PROXY say.
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .user_agent(concat!("clicktodial-simulator/", env!("CARGO_PKG_VERSION")))
}

impl Outbound {
    /// `allow_private`: callbacks may go to private and loopback addresses
    /// (local development only). `own`: where the sending simulator
    /// listens (no send may place a call there).
    pub fn new(allow_private: bool, own: SocketAddr) -> Result<Self, String> {
        let trusted = builder().build().map_err(describe)?;
        let callbacks = if allow_private {
            trusted.clone()
        } else {
            builder()
                .dns_resolver(std::sync::Arc::new(PublicOnly))
                .build()
                .map_err(describe)?
        };
        Ok(Outbound {
            trusted,
            callbacks,
            own,
        })
    }

    /// Sends `request`; the answer's status and (at most [`MAX_ANSWER`]
    /// bytes of) its body. Logged either way.
    pub async fn send(
        &self,
        what: Delivery,
        request: http::Request<Vec<u8>>,
    ) -> Result<(u16, Vec<u8>), String> {
        let client = match what {
            Delivery::Callback => &self.callbacks,
            Delivery::SfdcCreate | Delivery::Screenpop => &self.trusted,
        };
        let mut request = reqwest::Request::try_from(request).map_err(describe)?;
        request.headers_mut().insert(
            SIMULATOR_HEADER,
            http::HeaderValue::from_static(env!("CARGO_PKG_VERSION")),
        );
        let shown = clicktodial::redact::url(request.url().as_str());
        let shown = sanitize(&shown).max_chars(LOGGED);
        if connect::loops_back(request.url(), self.own).await {
            tracing::warn!(
                delivery = %what,
                url = %shown,
                "refused: this is the simulator's own make_call.php or call API (a call loop)"
            );
            return Err(
                "refused: the URL is this simulator's own make_call.php or call API \
                 (it would place calls without end)"
                    .to_owned(),
            );
        }
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let this = request
                .try_clone()
                .ok_or_else(|| "the request body cannot be sent again".to_owned())?;
            match client.execute(this).await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let body = read_bounded(answer, MAX_ANSWER).await.map_err(describe);
                    if let Ok((_, true)) = body {
                        tracing::warn!(
                            delivery = %what,
                            url = %shown,
                            limit = MAX_ANSWER,
                            "the answer was cut: only its first bytes were read"
                        );
                    }
                    tracing::info!(
                        delivery = %what,
                        url = %shown,
                        status,
                        attempt,
                        ms = started.elapsed().as_millis() as u64,
                        "delivered"
                    );
                    return Ok((status, body?.0));
                }
                // Not connected: nothing was sent, so sending again is safe.
                Err(e) if e.is_connect() && !refused_by_policy(&e) && attempt < ATTEMPTS => {
                    let error = describe(e);
                    tracing::debug!(
                        delivery = %what,
                        url = %shown,
                        attempt,
                        error = %sanitize(&error).max_chars(LOGGED),
                        "retrying"
                    );
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
                        error = %sanitize(&error).max_chars(LOGGED),
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
    fn call_placing_paths_however_spelled() {
        use connect::places_a_call;
        for path in [
            "/AGUI/make_call.php",
            "/agui/MAKE_CALL.PHP",
            "//AGUI//make%5Fcall.php",
            "/api/v1/tenants/acme/calls",
            "/API/v1//tenants/x/calls",
        ] {
            assert!(places_a_call(path), "{path}");
        }
        for path in [
            "/",
            "/cb",
            "/services/data/v59.0/sobjects/Task/",
            "/api/lint",
        ] {
            assert!(!places_a_call(path), "{path}");
        }
    }

    #[test]
    fn addresses_that_reach_the_listener() {
        use connect::reaches;
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert!(reaches(ip("127.0.0.1"), ip("127.0.0.1")));
        assert!(reaches(ip("::ffff:127.0.0.1"), ip("127.0.0.1")));
        assert!(reaches(ip("0.0.0.0"), ip("127.0.0.1")));
        assert!(reaches(ip("::1"), ip("0.0.0.0")));
        assert!(!reaches(ip("127.0.0.2"), ip("127.0.0.1")));
        assert!(!reaches(ip("203.0.113.5"), ip("127.0.0.1")));
    }

    #[tokio::test]
    async fn a_send_to_the_own_make_call_is_refused_before_connecting() {
        let own: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let out = Outbound::new(true, own).unwrap();
        for url in [
            "http://127.0.0.1:9/AGUI/make_call.php?phone=1",
            "http://localhost:9/agui/make_call.php",
            "http://[::ffff:127.0.0.1]:9/api/v1/tenants/t/calls",
        ] {
            let error = out.send(Delivery::Callback, post(url)).await.unwrap_err();
            assert!(
                error.contains("call loop") || error.contains("own make_call.php"),
                "{error}"
            );
        }
    }

    #[test]
    fn public_addresses_by_the_library_table() {
        use connect::is_public;
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
        let out = Outbound::new(true, "127.0.0.1:9".parse().unwrap()).unwrap();
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
        use reqwest::dns::{Name, Resolve as _};
        let name: Name = "localhost".parse().unwrap();
        let error = match PublicOnly.resolve(name).await {
            Ok(_) => panic!("localhost resolved to a public address"),
            Err(e) => e,
        };
        assert!(error.to_string().contains("no public address"), "{error}");
    }
}
