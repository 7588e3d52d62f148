//! The server loop both servers run, and its stop on Ctrl-C or SIGTERM.
//! Both handle at most [`MAX_IN_FLIGHT`] requests at once (more wait their
//! turn) and give each at most [`REQUEST_TIMEOUT`], so that their memory
//! stays bounded however many clients come.

pub mod guard;

use anyhow::Context as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::sync::Semaphore;
use tower_http::timeout::TimeoutLayer;

/// Requests handled at once by one server; more wait for a turn.
pub const MAX_IN_FLIGHT: usize = 32;

/// The most a request may take, its wait for a turn included (then 408).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `request` when one of the turns is free.
pub(crate) async fn in_turn(
    State(turns): State<Arc<Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    // The semaphore is never closed, so a turn always comes.
    let _turn = turns.acquire().await;
    next.run(request).await
}

/// The one way both servers run: a runtime of `workers` threads, bound to
/// `listen`, the router `app` builds for the address it got, the address
/// printed as the first line, until Ctrl-C.
pub fn listen_until_stopped(
    listen: std::net::SocketAddr,
    workers: usize,
    app: impl FnOnce(std::net::SocketAddr) -> anyhow::Result<axum::Router>,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let local = listener.local_addr()?;
        let turns = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        let app = app(local)?
            .layer(middleware::from_fn_with_state(turns, in_turn))
            .layer(TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                REQUEST_TIMEOUT,
            ));
        let stop = shutdown();
        crate::output::print(&format!("http://{local}\n"));
        if !local.ip().is_loopback() {
            tracing::warn!(%local, "listening beyond loopback");
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
            .context("server")?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Ctrl-C (or SIGTERM). The handlers are installed when this is called
/// (inside the runtime), not when the future is first polled: call it
/// before printing the address, so a signal sent as soon as the address is
/// read stops the server cleanly instead of killing it.
pub fn shutdown() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (mut int, mut term) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let int = async {
                match int.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            };
            let term = async {
                match term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = int => {},
                () = term => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("stopping");
    }
}

/// Why a request body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Over the limit: 413.
    TooLarge,
    /// Not a well-formed body (a broken chunked encoding, a connection
    /// that ended inside it): 400.
    Malformed,
}

impl BodyError {
    pub fn status(self) -> axum::http::StatusCode {
        match self {
            BodyError::TooLarge => axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::Malformed => axum::http::StatusCode::BAD_REQUEST,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            BodyError::TooLarge => "the body is too large",
            BodyError::Malformed => "the body is malformed (a broken chunked encoding?)",
        }
    }
}

/// A request body read whole, up to `limit` bytes: a longer one is
/// [`BodyError::TooLarge`] (and no more of it is read), a broken one
/// [`BodyError::Malformed`].
pub async fn read_body(
    mut body: axum::body::Body,
    limit: usize,
) -> Result<axum::body::Bytes, BodyError> {
    use axum::body::HttpBody as _;
    let mut out = Vec::new();
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = frame.map_err(|_| BodyError::Malformed)?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit - out.len() {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out.into())
}

pub(crate) fn error(status: axum::http::StatusCode, message: impl Into<String>) -> Response {
    use axum::response::IntoResponse as _;
    let body = serde_json::json!({ "error": message.into() });
    (status, axum::Json(body)).into_response()
}
