//! The guard every request to the servers passes, before any handler.
//!
//! `serve` ([`same_origin`]):
//! - exactly one `Host` header (two are 400, RFC 9112 §3.2), naming this
//!   simulator ([`own_host`], against DNS rebinding); an absolute-form
//!   target (`GET http://host:port/…`) is held to the same rule;
//! - and, like `receive` ([`not_cross_site`]), [`cross_site`]: an `Origin`,
//!   when sent, must be this server's own ([`own_authority`]: the listen
//!   address or `localhost`, with the listen port; any other IP literal is
//!   another machine), and a cross-site request that is not a top-level
//!   navigation is refused by its `Sec-Fetch-*` headers (an `<img>` or a
//!   `fetch` from another page sends no `Origin` on a GET).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use clicktodial::redact::sanitize;

use super::error;

/// `host` split into its name (brackets of an IPv6 literal removed) and
/// its port (80, http's, when none is written, as browsers write it);
/// `None` when the port is not digits.
fn split_authority(authority: &str) -> Option<(&str, u16)> {
    let (name, port) = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']')? {
            (name, "") => (name, "80"),
            (name, after) => (name, after.strip_prefix(':')?),
        },
        None => authority.rsplit_once(':').unwrap_or((authority, "80")),
    };
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((name, port.parse().ok()?))
}

/// Whether `authority` (`host:port`) is this server's own: the listen
/// address or `localhost`, with the listen port. Listening on every
/// address (`0.0.0.0`, `[::]`), a loopback address is its own too.
pub fn own_authority(authority: &str, listen: SocketAddr) -> bool {
    let Some((name, port)) = split_authority(authority) else {
        return false;
    };
    if port != listen.port() {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let Ok(ip) = name.parse::<IpAddr>() else {
        return false;
    };
    let (ip, own) = (ip.to_canonical(), listen.ip().to_canonical());
    ip == own || own.is_unspecified() && ip.is_loopback()
}

/// Whether a `Host` (or an absolute-form target's authority) names this
/// server: [`own_authority`], or, listening on every address, any IP
/// literal with the listen port (IP literals cannot be rebound; the
/// machine's own addresses are not known). A name that is not ours is
/// refused (DNS rebinding).
pub fn own_host(host: &str, listen: SocketAddr) -> bool {
    own_authority(host, listen)
        || listen.ip().is_unspecified()
            && split_authority(host)
                .is_some_and(|(name, port)| port == listen.port() && name.parse::<IpAddr>().is_ok())
}

/// A refused request: its status, what the log says, what the answer says.
pub struct Refusal {
    pub status: StatusCode,
    pub log: &'static str,
    pub message: String,
}

impl Refusal {
    fn new(status: StatusCode, log: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            log,
            message: message.into(),
        }
    }
}

/// The `Host` rule of `serve`: one `Host` header, this simulator's, and an
/// absolute-form target's authority this simulator's too.
pub(crate) fn host(headers: &HeaderMap, uri: &Uri, listen: SocketAddr) -> Result<(), Refusal> {
    let mut hosts = headers.get_all(header::HOST).iter();
    let (Some(given), None) = (hosts.next(), hosts.next()) else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "refused: not exactly one Host header",
            "a request must carry exactly one Host header",
        ));
    };
    let wrong = || {
        Refusal::new(
            StatusCode::FORBIDDEN,
            "refused: Host is not this simulator's address",
            format!(
                "the Host header is not this simulator's address: use http://{}",
                display_listen(listen)
            ),
        )
    };
    if !given.to_str().is_ok_and(|h| own_host(h, listen)) {
        return Err(wrong());
    }
    if let Some(authority) = uri.authority() {
        let plain = uri.scheme_str() == Some("http") && !authority.as_str().contains('@');
        if !plain || !own_host(authority.as_str(), listen) {
            return Err(Refusal {
                log: "refused: the absolute-form target is not this simulator's address",
                ..wrong()
            });
        }
    }
    Ok(())
}

/// `127.0.0.1:8088` (a loopback address for an unspecified one).
fn display_listen(listen: SocketAddr) -> String {
    match listen.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => format!("127.0.0.1:{}", listen.port()),
        IpAddr::V6(v6) if v6.is_unspecified() => format!("[::1]:{}", listen.port()),
        _ => listen.to_string(),
    }
}

/// The `Sec-Fetch-*` destinations that only embed (never a top-level
/// navigation).
const EMBEDDING: &[&str] = &[
    "audio", "embed", "font", "frame", "iframe", "image", "manifest", "object", "script", "style",
    "track", "video", "worker",
];

/// The cross-site rule of both servers:
/// - an `Origin`, when sent, is this server's own ([`own_authority`]) or
///   the `Host` the request was sent to; `null` and other sites are not;
/// - a request the browser says is not `same-origin` (nor `none`, typed
///   by the user): `cross-site`, or `same-site` (another port of the same
///   host), is refused unless it is a top-level navigation: its
///   `Sec-Fetch-Mode` (when sent) is `navigate` and its `Sec-Fetch-Dest` is
///   not one that embeds (`image`, `script`, `style`, `iframe`, …). Every
///   value counts when a header is sent twice; two `Origin`s are refused.
pub fn cross_site(headers: &HeaderMap, listen: SocketAddr) -> Result<(), Refusal> {
    let mut origins = headers.get_all(header::ORIGIN).iter();
    if let Some(origin) = origins.next() {
        let authority = origin.to_str().ok().and_then(|o| o.strip_prefix("http://"));
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let same = authority.is_some_and(|a| {
            own_authority(a, listen)
                || host.is_some_and(|h| own_host(h, listen) && h.eq_ignore_ascii_case(a))
        });
        // Two `Origin`s say nothing for sure: refused.
        if !same || origins.next().is_some() {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "refused: a cross-site request (the Origin is another site)",
                "cross-site requests are refused (the Origin is not this server)",
            ));
        }
    }
    // Every value of each header, in lower case (a header sent twice, or
    // a list, counts with all its values).
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .flat_map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .split(',')
                    .map(|p| p.trim().to_ascii_lowercase())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    // `same-origin` and `none` (typed, a bookmark) are this server's own;
    // any other value is taken as another site's.
    let other_site = values("sec-fetch-site")
        .iter()
        .any(|s| s != "same-origin" && s != "none");
    if other_site {
        let navigation = values("sec-fetch-mode").iter().all(|m| m == "navigate");
        let embeds = values("sec-fetch-dest")
            .iter()
            .any(|d| EMBEDDING.contains(&d.as_str()));
        if !navigation || embeds {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "refused: a cross-site request that is not a top-level navigation",
                "cross-site requests are refused unless they are top-level navigations",
            ));
        }
    }
    Ok(())
}

pub(crate) fn refused(refusal: Refusal, headers: &HeaderMap) -> Response {
    let shown = |name: header::HeaderName| {
        headers
            .get(&name)
            .map(|v| sanitize(&String::from_utf8_lossy(v.as_bytes())).to_string())
            .unwrap_or_default()
    };
    tracing::warn!(
        host = %shown(header::HOST),
        origin = %shown(header::ORIGIN),
        "{}",
        refusal.log
    );
    error(refusal.status, refusal.message)
}

/// `receive`'s guard: [`cross_site`] (a callback comes from a server, which
/// sends no `Origin`; a browser page may not post one).
pub async fn not_cross_site(
    State(listen): State<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    match cross_site(request.headers(), listen) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            let response = refused(refusal, request.headers());
            (response.status(), "cross-site requests are refused\n").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn own_authorities() {
        let listen = at("127.0.0.1:8088");
        assert!(own_authority("127.0.0.1:8088", listen));
        assert!(own_authority("LOCALHOST:8088", listen));
        assert!(own_authority("[::ffff:127.0.0.1]:8088", listen));
        assert!(!own_authority("127.0.0.1:8089", listen));
        assert!(!own_authority("203.0.113.5:8088", listen));
        assert!(!own_authority("[2001:db8::1]:8088", listen));
        assert!(!own_authority("[::1]:8088", listen));
        assert!(!own_authority("evil.example.com:8088", listen));
        assert!(!own_authority("127.0.0.1", listen));
        assert!(!own_authority("127.0.0.1:", listen));
        assert!(!own_authority("[::ffff:127.0.0.1]", listen));
        // Port 80 is not written.
        let http = at("127.0.0.1:80");
        assert!(own_authority("127.0.0.1", http));
        assert!(own_authority("localhost", http));
        assert!(own_authority("[::ffff:127.0.0.1]", http));
        assert!(own_authority("127.0.0.1:80", http));
        assert!(!own_authority("[::ffff:127.0.0.1]x", http));
        assert!(!own_authority("127.0.0.1:+8088", listen));
        assert!(!own_authority("127.1:8088", listen));
        let any = at("0.0.0.0:8088");
        assert!(own_authority("127.0.0.1:8088", any));
        assert!(own_authority("[::1]:8088", any));
        assert!(!own_authority("203.0.113.5:8088", any));
        assert!(own_host("203.0.113.5:8088", any));
        assert!(!own_host("203.0.113.5:8088", listen));
        assert!(!own_host("evil.example:8088", any));
    }

    #[test]
    fn the_address_a_refusal_points_to() {
        assert_eq!(display_listen(at("127.0.0.1:8088")), "127.0.0.1:8088");
        assert_eq!(display_listen(at("0.0.0.0:8088")), "127.0.0.1:8088");
        assert_eq!(display_listen(at("[::]:8088")), "[::1]:8088");
        assert_eq!(display_listen(at("[::1]:8088")), "[::1]:8088");
        assert_eq!(display_listen(at("192.0.2.7:80")), "192.0.2.7:80");
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn cross_site_rules() {
        let listen = at("127.0.0.1:8088");
        let ok = |pairs: &[(&str, &str)]| cross_site(&headers(pairs), listen).is_ok();
        assert!(ok(&[]));
        assert!(ok(&[("origin", "http://127.0.0.1:8088")]));
        assert!(ok(&[
            ("origin", "http://localhost:8088"),
            ("host", "127.0.0.1:8088")
        ]));
        assert!(!ok(&[("origin", "http://203.0.113.5:8088")]));
        assert!(!ok(&[("origin", "null")]));
        assert!(!ok(&[("origin", "https://evil.example")]));
        // A top-level navigation from another site: the way a CRM opens a link.
        assert!(ok(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-dest", "document")
        ]));
        assert!(!ok(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "no-cors"),
            ("sec-fetch-dest", "image")
        ]));
        assert!(!ok(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-dest", "script")
        ]));
        assert!(!ok(&[
            ("sec-fetch-site", "same-site"),
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-dest", "iframe")
        ]));
        assert!(ok(&[
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-mode", "cors")
        ]));
    }
}
