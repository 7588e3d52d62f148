//! The guard every request to `serve` passes: its `Host` must be this
//! simulator's address (DNS rebinding), and an `Origin`, when sent, this
//! simulator (cross-site requests).

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::{error, Shared};

/// `localhost:PORT` or an IP literal with this server's port: a name that
/// is not ours (DNS rebinding) is refused; IP literals cannot be rebound.
fn own_host(host: &str, port: u16) -> bool {
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    if p.parse::<u16>().ok() != Some(port) {
        return false;
    }
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

pub(super) async fn same_origin(
    State(app): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| own_host(h, app.port)) {
        tracing::warn!("refused: Host is not this simulator's address");
        return error(
            StatusCode::FORBIDDEN,
            format!(
                "the Host header is not this simulator's address: use http://127.0.0.1:{}",
                app.port
            ),
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|h| own_host(h, app.port));
        if !same {
            tracing::warn!("refused: a cross-site request");
            return error(
                StatusCode::FORBIDDEN,
                "cross-site requests are refused (the Origin is not this simulator)",
            );
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_hosts() {
        assert!(own_host("127.0.0.1:8088", 8088));
        assert!(own_host("localhost:8088", 8088));
        assert!(own_host("[::1]:8088", 8088));
        assert!(!own_host("127.0.0.1:8089", 8088));
        assert!(!own_host("evil.example.com:8088", 8088));
        assert!(!own_host("127.0.0.1", 8088));
    }
}
