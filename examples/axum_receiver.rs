//! A CRM-side callback receiver as an axum server, fed one callback by the
//! contact-center side over real HTTP, then stopped.
//!
//! ```text
//! cargo run --example axum_receiver --features http,serde
//! ```
//!
//! The receiver reads the POST with `axum::Form<Callback>` (the `serde`
//! feature's wire form, validated as `Callback::from_form`); the sender
//! builds the request with `Callback::to_http` (the `http` feature) and
//! sends it with reqwest. Everything listens on 127.0.0.1 only, and every
//! wait is bounded.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Form, Router};
use clicktodial::url::Url;
use clicktodial::{Callback, ResultCode, UserData};
use tokio::sync::mpsc;

/// The handler: a malformed body never gets here (axum answers 422 with the
/// parse error); a good one is handed to the rest of the CRM.
async fn callback(
    State(done): State<mpsc::Sender<Callback>>,
    Form(cb): Form<Callback>,
) -> StatusCode {
    match cb.result_code {
        ResultCode::Success => println!(
            "receiver: record created: {}",
            cb.new_record_id().unwrap_or("(none)")
        ),
        ResultCode::Fail => println!("receiver: create failed: {}", cb.error_string),
        _ => println!("receiver: no action was taken"),
    }
    match done.send(cb).await {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The CRM side: one route, on a port the system picks.
    let (done, mut received) = mpsc::channel(1);
    let app = Router::new()
        .route("/clicktodial/callback", post(callback))
        .with_state(done);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiver: listening on http://{addr}/clicktodial/callback");

    // The contact-center side: the call ended and the create succeeded.
    let data = UserData::parse(
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|Call 8312345 (00:07:31)]",
    )?;
    let sent = Callback::success(data, "00T5e00000AbCdEAAX");
    let url = Url::parse(&format!("http://{addr}/clicktodial/callback"))?;
    let request = reqwest::Request::try_from(sent.to_http(&url))?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()?;
    let answer = client.execute(request).await?;
    println!("sender: the receiver answered {}", answer.status());

    let got = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await?
        .ok_or("the receiver stopped before it got the callback")?;
    server.abort();
    if got != sent {
        return Err("the callback that arrived is not the one sent".into());
    }
    println!("done: the callback arrived as sent");
    Ok(())
}
