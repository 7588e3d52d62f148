//! Sending: every request of a finished call goes through the outbox
//! (`clicktodial-delivery`), whose sender holds the one implementation of
//! the request-forgery policy (names resolved and checked, no redirects, no
//! proxy, bounded answers). What stays here is the simulator's own rule:
//! every send carries [`SIMULATOR_HEADER`] (a simulator places no call for
//! a request that carries it), and a send to this simulator's own
//! call-placing routes is refused ([`connect::loops_back`]) as a call loop.

use std::net::SocketAddr;
use std::sync::Arc;

use clicktodial::signing::WebhookSecret;
use clicktodial_delivery::connect::Connector;
use clicktodial_delivery::{Outbox, RetrySchedule, Sender};

/// The header every send of the simulator carries. A request that carries
/// it places no call (so two simulators, or one and itself, cannot loop).
pub const SIMULATOR_HEADER: &str = "x-clicktodial-simulator";

/// The simulator's own rule on where a send may go.
pub mod connect {
    use std::net::{IpAddr, SocketAddr};

    use url::Url;

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

/// Starts the outbox's sender on this runtime: until Ctrl-C, callbacks to
/// public addresses only unless `--allow-private-callbacks`, signed with
/// `secret` when given, never to this simulator's own call routes.
pub fn start_sender(
    outbox: &Outbox,
    args: &crate::serve::Args,
    secret: Option<WebhookSecret>,
    own: SocketAddr,
) -> anyhow::Result<()> {
    let connector = Connector::default().allow_private(args.allow_private_callbacks);
    let schedule = match &args.retry_delays {
        Some(delays) => RetrySchedule::new(delays.clone()),
        None => RetrySchedule::default(),
    };
    let sender = Sender::new(connector, schedule)?
        .sign_with(secret)
        .with_header(
            http::HeaderName::from_static(SIMULATOR_HEADER),
            http::HeaderValue::from_static(env!("CARGO_PKG_VERSION")),
        )
        .guard(Arc::new(move |url| {
            Box::pin(async move {
                if connect::loops_back(&url, own).await {
                    Err(
                        "this is the simulator's own make_call.php or call API (a call loop)"
                            .into(),
                    )
                } else {
                    Ok(())
                }
            })
        }));
    let outbox = outbox.clone();
    let stop = crate::server::shutdown();
    tokio::spawn(async move {
        if let Err(e) = outbox.run(sender, stop).await {
            tracing::error!(error = e.code(), reason = %clicktodial::redact::sanitize(&e.to_string()).max_chars(300), "the sender stopped");
        }
    });
    Ok(())
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
    async fn the_own_make_call_loops_back_however_reached() {
        let own: SocketAddr = "127.0.0.1:9".parse().unwrap();
        for url in [
            "http://127.0.0.1:9/AGUI/make_call.php?phone=1",
            "http://localhost:9/agui/make_call.php",
            "http://[::ffff:127.0.0.1]:9/api/v1/tenants/t/calls",
        ] {
            assert!(
                connect::loops_back(&url::Url::parse(url).unwrap(), own).await,
                "{url}"
            );
        }
        let other = url::Url::parse("http://127.0.0.1:10/AGUI/make_call.php").unwrap();
        assert!(!connect::loops_back(&other, own).await);
    }
}
