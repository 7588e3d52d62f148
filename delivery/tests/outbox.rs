//! The outbox against a scripted loopback receiver: statuses, retries,
//! Retry-After, 410, dead letters and replay, the create before the
//! callback, signatures, and stores that cannot be used.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use clicktodial::chrono::Utc;
use clicktodial::signing::{CallRequest, Verifier, WebhookId, WebhookSecret};
use clicktodial::{Callback, UserData};
use clicktodial_delivery::connect::Connector;
use clicktodial_delivery::{
    CallDeliveries, Job, Kind, Outbox, QueueUrl, RetrySchedule, Sender, State,
};
use tokio::sync::oneshot;

#[derive(Clone, Debug)]
struct Seen {
    at: Instant,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// One scripted answer: status, headers, body.
type Answer = (u16, Vec<(&'static str, String)>, String);

/// A receiver that answers from a script (the last answer repeats) and
/// records every request.
#[derive(Clone)]
struct Receiver {
    script: Arc<Mutex<Vec<Answer>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    base: String,
}

impl Receiver {
    async fn start(script: Vec<Answer>) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let r = Receiver {
            script: Arc::new(Mutex::new(script)),
            seen: Arc::new(Mutex::new(Vec::new())),
            base,
        };
        let state = r.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    state.seen.lock().unwrap().push(Seen {
                        at: Instant::now(),
                        path: uri.path().to_owned(),
                        headers,
                        body: body.to_vec(),
                    });
                    let (status, headers, body) = {
                        let mut script = state.script.lock().unwrap();
                        if script.len() > 1 {
                            script.remove(0)
                        } else {
                            script[0].clone()
                        }
                    };
                    let mut answer = (StatusCode::from_u16(status).unwrap(), body).into_response();
                    for (name, value) in headers {
                        answer.headers_mut().insert(name, value.parse().unwrap());
                    }
                    answer
                }
            },
        );
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        r
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    async fn wait_for(&self, n: usize, limit: Duration) -> Vec<Seen> {
        let started = Instant::now();
        while self.seen().len() < n && started.elapsed() < limit {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.seen()
    }
}

fn store_url(name: &str) -> (QueueUrl, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "clicktodial-delivery-{name}-{}-{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    ));
    let path = dir.join("outbox.db");
    (QueueUrl::Sqlite(path.clone()), dir)
}

fn quick(delays_ms: &[u64]) -> Sender {
    let schedule = RetrySchedule::new(
        delays_ms
            .iter()
            .map(|&ms| Duration::from_millis(ms))
            .collect(),
    )
    .jitter(0.0);
    Sender::new(
        Connector::default()
            .allow_private(true)
            .attempt_timeout(Duration::from_secs(2)),
        schedule,
    )
    .unwrap()
}

fn callback_job(url: &str, transaction_id: &str) -> Job {
    let cb = Callback::ignore(UserData::parse("[id|42]").unwrap());
    let req = cb.to_http(&clicktodial::url::Url::parse(url).unwrap());
    Job::new(
        Kind::Callback,
        WebhookId::for_call(transaction_id, CallRequest::Callback),
        req,
    )
    .unwrap()
}

/// Runs the outbox's sender until `until` says so or `limit` passes.
async fn run_while<F, Fut>(outbox: &Outbox, sender: Sender, until: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (tx, rx) = oneshot::channel::<()>();
    let worker = {
        let outbox = outbox.clone();
        tokio::spawn(async move {
            outbox
                .run(sender, async move {
                    let _ = rx.await;
                })
                .await
        })
    };
    until().await;
    let _ = tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_twice_then_200_is_three_attempts_with_one_signed_id() {
    let receiver = Receiver::start(vec![
        (503, vec![], String::new()),
        (503, vec![], String::new()),
        (200, vec![], String::new()),
    ])
    .await;
    let (url, dir) = store_url("503");
    let outbox = Outbox::open(&url).await.unwrap();
    let secret = WebhookSecret::from_bytes(&[3; 32]).unwrap();
    outbox
        .enqueue(callback_job(&format!("{}/cb", receiver.base), "T503").signed(true))
        .await
        .unwrap();
    let sender = quick(&[100, 100, 100]).sign_with(Some(secret.clone()));
    run_while(&outbox, sender, || async {
        receiver.wait_for(3, Duration::from_secs(20)).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    })
    .await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    let id = WebhookId::for_call("T503", CallRequest::Callback);
    let verifier = Verifier::new(secret);
    for s in &seen {
        let mut req = clicktodial::http::Request::post("/cb")
            .body(s.body.clone())
            .unwrap();
        *req.headers_mut() = s.headers.clone();
        assert_eq!(verifier.verify_request(&req, Utc::now()), Ok(id.clone()));
    }
    let stats = outbox.stats().await.unwrap();
    assert_eq!(
        (stats.pending, stats.running, stats.dead),
        (0, 0, 0),
        "{stats:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_410_is_dead_at_once_and_replay_sends_it_again() {
    let receiver = Receiver::start(vec![
        (410, vec![], String::new()),
        (200, vec![], String::new()),
    ])
    .await;
    let (url, dir) = store_url("410");
    let outbox = Outbox::open(&url).await.unwrap();
    outbox
        .enqueue(callback_job(&format!("{}/cb", receiver.base), "T410"))
        .await
        .unwrap();
    run_while(&outbox, quick(&[50, 50, 50]), || async {
        receiver.wait_for(1, Duration::from_secs(20)).await;
        // Time for a second attempt, were there one.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    })
    .await;
    assert_eq!(receiver.seen().len(), 1);
    let dead = outbox.list(State::Dead, 10).await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(
        dead[0].webhook_id,
        WebhookId::for_call("T410", CallRequest::Callback).as_str()
    );
    assert_eq!(outbox.stats().await.unwrap().dead, 1);

    assert_eq!(outbox.replay().await.unwrap(), 1);
    assert!(outbox.list(State::Dead, 10).await.unwrap().is_empty());
    run_while(&outbox, quick(&[50]), || async {
        receiver.wait_for(2, Duration::from_secs(20)).await;
    })
    .await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].headers.get("content-type"),
        seen[1].headers.get("content-type")
    );
    assert!(outbox.purge().await.unwrap() >= 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_2_waits_two_seconds() {
    let receiver = Receiver::start(vec![
        (429, vec![("retry-after", "2".into())], String::new()),
        (200, vec![], String::new()),
    ])
    .await;
    let (url, dir) = store_url("429");
    let outbox = Outbox::open(&url).await.unwrap();
    outbox
        .enqueue(callback_job(&format!("{}/cb", receiver.base), "T429"))
        .await
        .unwrap();
    run_while(&outbox, quick(&[10, 10]), || async {
        receiver.wait_for(2, Duration::from_secs(20)).await;
    })
    .await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at - seen[0].at;
    assert!(gap >= Duration::from_secs(2), "{gap:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_a_failure_and_the_last_failure_is_dead() {
    let receiver = Receiver::start(vec![(
        302,
        vec![("location", "http://127.0.0.1:9/elsewhere".into())],
        String::new(),
    )])
    .await;
    let (url, dir) = store_url("302");
    let outbox = Outbox::open(&url).await.unwrap();
    outbox
        .enqueue(callback_job(&format!("{}/cb", receiver.base), "T302"))
        .await
        .unwrap();
    run_while(&outbox, quick(&[50]), || async {
        receiver.wait_for(2, Duration::from_secs(20)).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    })
    .await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2, "two attempts, nothing followed: {seen:?}");
    assert!(seen.iter().all(|s| s.path == "/cb"));
    assert_eq!(outbox.list(State::Dead, 10).await.unwrap().len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_create_goes_first_and_its_record_id_reaches_the_callback() {
    let receiver = Receiver::start(vec![
        (
            201,
            vec![("content-type", "application/json".into())],
            r#"{"id":"00T5e00000AbCdE","success":true,"errors":[]}"#.into(),
        ),
        (200, vec![], String::new()),
    ])
    .await;
    let data = UserData::parse(
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|Call]\
         [ctl_callbackUrl|http://127.0.0.1/cb]",
    )
    .unwrap()
    .into_owned();
    let plan = clicktodial::ActionPlan::new(&data);
    let create = plan.sfdc_create(&data).unwrap();
    let instance = clicktodial::url::Url::parse(&receiver.base).unwrap();
    let create = create.to_http(&instance, "v59.0", "tok3n").unwrap();
    let callback = clicktodial::url::Url::parse(&format!("{}/cb", receiver.base)).unwrap();
    let jobs = CallDeliveries::new(data.clone(), data, "T201")
        .create(Some(create))
        .callback(Some(callback))
        .jobs()
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert!(!format!("{jobs:?}").contains("tok3n"));
    let (url, dir) = store_url("create");
    let outbox = Outbox::open(&url).await.unwrap();
    for job in jobs {
        outbox.enqueue(job).await.unwrap();
    }
    run_while(&outbox, quick(&[50]), || async {
        receiver.wait_for(2, Duration::from_secs(20)).await;
    })
    .await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].path, "/services/data/v59.0/sobjects/Task/");
    assert_eq!(seen[1].path, "/cb");
    let form = String::from_utf8(seen[1].body.clone()).unwrap();
    let cb = Callback::from_form(&form).unwrap();
    assert_eq!(cb.new_record_id(), Some("00T5e00000AbCdE"));
    assert_eq!(cb.result_code, clicktodial::ResultCode::Success);
    // The token went to Salesforce only.
    assert!(seen[1].headers.get("authorization").is_none());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn the_store_file_is_private_and_bad_stores_are_clear_errors() {
    let (url, dir) = store_url("perm");
    let _outbox = Outbox::open(&url).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("outbox.db");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);
    }

    let corrupt = dir.join("corrupt.db");
    std::fs::write(&corrupt, vec![0x5a; 8192]).unwrap();
    let err = Outbox::open(&QueueUrl::Sqlite(corrupt)).await.unwrap_err();
    assert_eq!(err.code(), "store-open");
    assert!(err.to_string().contains("corrupt.db"), "{err}");
    assert!(!err.to_string().contains('\n'));

    let missing_dir = QueueUrl::Sqlite("/proc/no-such-dir/outbox.db".into());
    let err = Outbox::open(&missing_dir).await.unwrap_err();
    assert_eq!(err.code(), "store-open", "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_redis_url_never_shows_its_password() {
    let url: QueueUrl = "redis://user:pa55word@127.0.0.1:1/0".parse().unwrap();
    assert!(!url.to_string().contains("pa55word"));
    assert!(!format!("{url:?}").contains("pa55word"));
    // Nothing listens on port 1: a clear error, without the password.
    let err = Outbox::open(&url).await.unwrap_err();
    assert_eq!(err.code(), "store-open");
    assert!(!err.to_string().contains("pa55word"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_that_hangs_times_out_and_the_last_one_is_dead() {
    // A peer that accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cb", listener.local_addr().unwrap());
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let held = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            held.lock().unwrap().push(socket);
        }
    });
    let (queue, dir) = store_url("hang");
    let outbox = Outbox::open(&queue).await.unwrap();
    outbox.enqueue(callback_job(&url, "THANG")).await.unwrap();
    let sender = Sender::new(
        Connector::default()
            .allow_private(true)
            .attempt_timeout(Duration::from_millis(300)),
        RetrySchedule::new(vec![Duration::from_millis(100)]).jitter(0.0),
    )
    .unwrap();
    let started = Instant::now();
    run_while(&outbox, sender, || async {
        while outbox.stats().await.unwrap().dead == 0 && started.elapsed() < Duration::from_secs(20)
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert_eq!(outbox.list(State::Dead, 10).await.unwrap().len(), 1);
    assert_eq!(
        accepted.lock().unwrap().len(),
        2,
        "two attempts, each cut at its timeout"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    std::fs::remove_dir_all(dir).unwrap();
}
