//! Fault tests of the outbox `serve` sends through, on loopback, every wait
//! bounded: a flaky receiver, `kill -9` with deliveries pending, signatures
//! at `receive`, stores that are corrupt, unusable or full, and (with
//! `--ignored`, once `redis-server` is installed) two simulators sharing one
//! Redis queue.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Server;
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);
const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap()
}

fn make_call(serve: &Server, callback: &str) -> reqwest::Url {
    reqwest::Url::parse_with_params(
        &format!("{}/AGUI/make_call.php", serve.url),
        [
            ("phone", "6502022222"),
            ("ctl_userdata", &format!("[ctl_callbackUrl|{callback}]")),
        ],
    )
    .unwrap()
}

/// A port nothing listens on (now).
fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

/// Reads `receive`'s lines (one per processed callback) until `n` or `wait`.
fn processed(receive: &mut Server, n: usize, wait: Duration) -> Vec<Value> {
    let deadline = Instant::now() + wait;
    let mut out = Vec::new();
    while out.len() < n {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        match receive.next_line(left) {
            Some(line) => out.push(serde_json::from_str(&line).unwrap()),
            None => break,
        }
    }
    out
}

fn ids(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["webhookId"].as_str().expect("a webhook id").to_owned())
        .collect()
}

/// A front that forwards every request to `receive` and then answers 503
/// for the first `fail` requests (as if the answer were lost), 200 after.
async fn flaky_front(target: String, fail: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let (target, log) = (target.clone(), log.clone());
            async move {
                let id = headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let mut forward = client().post(format!("{target}{}", uri.path()));
                for (name, value) in &headers {
                    if name != "host" && name != "content-length" {
                        forward = forward.header(name, value);
                    }
                }
                let _ = forward.body(body.to_vec()).send().await;
                let n = {
                    let mut seen = log.lock().unwrap();
                    seen.push(id);
                    seen.len()
                };
                if n <= fail {
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                } else {
                    axum::http::StatusCode::OK
                }
            }
        },
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_twice_then_200_is_three_attempts_of_one_id_processed_once() {
    let mut receive = Server::start("receive", &["--verify-secret", SECRET]);
    let (front, seen) = flaky_front(receive.url.clone(), 2).await;
    let serve = Server::start(
        "serve",
        &[
            "--allow-private-callbacks",
            "--sign-secret",
            SECRET,
            "--retry-delays",
            "0.2,0.2,0.2",
        ],
    );
    let answer = client()
        .get(make_call(&serve, &format!("{front}/cb")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let lines = processed(&mut receive, 1, WAIT);
    assert_eq!(lines.len(), 1, "processed once");
    let deadline = Instant::now() + WAIT;
    while seen.lock().unwrap().len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let attempts = seen.lock().unwrap().clone();
    assert_eq!(attempts.len(), 3, "three attempts: {attempts:?}");
    assert!(attempts
        .iter()
        .all(|id| id == &attempts[0] && id.starts_with("msg_callback_")));
    assert_eq!(ids(&lines), [attempts[0].clone()]);
    assert_eq!(
        receive
            .drain_log(Duration::from_millis(300))
            .iter()
            .filter(|l| l.contains("duplicate"))
            .count(),
        2,
        "the two retries are reported as duplicates"
    );
    assert!(processed(&mut receive, 1, Duration::from_millis(300)).is_empty());
}

#[tokio::test]
async fn a_bad_signature_is_401_with_the_reason_in_the_log() {
    let mut receive = Server::start("receive", &["--verify-secret", SECRET]);
    let form = "ctl_userdata=%5Bid%7C1%5D&resultCode=IGNORE&errorString=";
    let unsigned = client()
        .post(format!("{}/cb", receive.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    let now = chrono::Utc::now().timestamp().to_string();
    let wrong = client()
        .post(format!("{}/cb", receive.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("webhook-id", "msg_1")
        .header("webhook-timestamp", &now)
        .header(
            "webhook-signature",
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        )
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let log = receive.drain_log(Duration::from_millis(500)).to_vec();
    assert!(
        log.iter().any(|l| l.contains("webhook-header-missing")),
        "{log:#?}"
    );
    assert!(
        log.iter().any(|l| l.contains("webhook-signature-mismatch")),
        "{log:#?}"
    );
    assert!(
        !log.iter().any(|l| l.contains("C2FVsBQ")),
        "no secret in the log"
    );
    assert!(receive.next_line(Duration::from_millis(200)).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_with_200_pending_then_a_restart_delivers_all_200() {
    let queue = common::private_queue();
    let port = free_port();
    let callback = format!("http://127.0.0.1:{port}/cb");
    let args = [
        "--allow-private-callbacks",
        "--sign-secret",
        SECRET,
        "--retry-delays",
        "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
        "--max-calls-per-minute",
        "1000",
    ];
    let env = [("CLICKTODIAL_QUEUE", queue.as_str())];
    let mut serve = Server::start_with_env("serve", &args, &env);
    for _ in 0..200 {
        let answer = client()
            .get(make_call(&serve, &callback))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    let deadline = Instant::now() + WAIT;
    while serve.log.iter().filter(|l| l.contains("call done")).count() < 200 {
        assert!(Instant::now() < deadline, "the 200 calls end");
        serve.drain_log(Duration::from_millis(100));
    }
    // The receiver is down: attempts fail and are queued again.
    serve
        .wait_log("not delivered", WAIT)
        .expect("an attempt fails");
    serve.kill();

    let listen = format!("127.0.0.1:{port}");
    let mut receive = Server::start_on("receive", &listen, &["--verify-secret", SECRET], &[]);
    let _serve = Server::start_with_env("serve", &args, &env);
    let lines = processed(&mut receive, 200, Duration::from_secs(60));
    let unique: HashSet<String> = ids(&lines).into_iter().collect();
    assert_eq!(lines.len(), 200, "all 200 arrive, each processed once");
    assert_eq!(unique.len(), 200);
    remove_queue(&queue);
}

/// Removes a `sqlite://` queue's directory.
fn remove_queue(queue: &str) {
    if let Some(dir) = queue
        .strip_prefix("sqlite://")
        .and_then(|p| std::path::Path::new(p).parent())
    {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn a_corrupt_or_unusable_store_is_a_clear_error_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("clicktodial-bad-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let corrupt = dir.join("corrupt.db");
    std::fs::write(&corrupt, vec![0x42; 16 * 1024]).unwrap();
    for queue in [
        format!("sqlite://{}", corrupt.display()),
        // A directory where the file should be.
        format!("sqlite://{}", dir.display()),
        "sqlite:///proc/clicktodial/outbox.db".to_owned(),
        "ftp://example.com/queue".to_owned(),
    ] {
        let out = std::process::Command::new(common::BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--queue", &queue])
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{queue}: {stderr}");
        assert!(stderr.starts_with("error: "), "{queue}: {stderr}");
        assert!(!stderr.contains("panicked"), "{queue}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        let listed = std::process::Command::new(common::BIN)
            .args(["deliveries", "list", "--queue", &queue])
            .output()
            .unwrap();
        assert_eq!(listed.status.code(), Some(2), "{queue}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_store_is_reported_and_nothing_crashes() {
    // A size-limited file: the shell's file-size limit (4 MiB), with the
    // signal it would send ignored, so a write past it fails as a full
    // disk does.
    let queue = common::private_queue();
    let script = format!(
        "trap '' XFSZ; ulimit -f 4096; exec '{}' serve --listen 127.0.0.1:0 \
         --allow-private-callbacks --max-calls-per-minute 1000 --retry-delays 600",
        common::BIN
    );
    let mut child = std::process::Command::new("bash")
        .args(["-c", &script])
        .env("CLICKTODIAL_QUEUE", &queue)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut url).unwrap();
    let url = url.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::BufReader::new(stderr), &mut text);
        text
    });
    // Nothing listens at the callback: every delivery stays pending.
    let callback = format!("http://127.0.0.1:{}/cb", free_port());
    let big = "x".repeat(50_000);
    let mut statuses = HashMap::new();
    for _ in 0..80 {
        let form = [(
            "ctl_userdata",
            format!("[note|{big}][ctl_callbackUrl|{callback}]"),
        )];
        let answer = client()
            .post(format!("{url}/AGUI/make_call.php?phone=6502022222"))
            .form(&form)
            .send()
            .await
            .unwrap();
        *statuses.entry(answer.status().as_u16()).or_insert(0) += 1;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Still answering after the store filled up.
    let answer = client().get(format!("{url}/")).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(child.try_wait().unwrap(), None, "serve still runs");
    let _ = child.kill();
    let _ = child.wait();
    let log = log.join().unwrap();
    assert_eq!(statuses.get(&200), Some(&80), "{statuses:?}");
    // Reported where it was met: a call's deliveries not queued, or the
    // sender's write failing (it starts again).
    assert!(
        log.lines().any(|l| l.contains("error=\"store\"")
            && (l.contains("not queued") || l.contains("starts again"))),
        "the full store is reported: {log}"
    );
    assert!(!log.contains("panicked"), "{log}");
    remove_queue(&queue);
}

/// Starts `redis-server` on a free loopback port, nothing saved; stopped on
/// drop.
struct Redis {
    child: std::process::Child,
    port: u16,
}

impl Redis {
    fn start() -> Redis {
        let port = free_port();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed (.ci/run installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server starts");
            std::thread::sleep(Duration::from_millis(50));
        }
        Redis { child, port }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; .ci/run installs it and runs this"]
async fn two_serves_on_one_redis_deliver_1000_each_processed_once() {
    let redis = Redis::start();
    let queue = format!("redis://127.0.0.1:{}/0", redis.port);
    let mut receive = Server::start("receive", &["--verify-secret", SECRET]);
    let args = [
        "--allow-private-callbacks",
        "--sign-secret",
        SECRET,
        "--retry-delays",
        "1,1,1,1,1",
        "--max-calls-per-minute",
        "100000",
    ];
    let env = [("CLICKTODIAL_QUEUE", queue.as_str())];
    let mut first = Server::start_with_env("serve", &args, &env);
    let second = Server::start_with_env("serve", &args, &env);
    let callback = format!("{}/cb", receive.url);
    for i in 0..1000 {
        if i == 500 {
            // Stopping one midway (Ctrl-C) loses none: what it queued is
            // sent by the other.
            first
                .interrupt(Duration::from_secs(10))
                .expect("serve stops");
        }
        let serve = if i < 500 && i % 2 == 0 {
            &first
        } else {
            &second
        };
        let answer = client()
            .get(make_call(serve, &callback))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    let lines = processed(&mut receive, 1000, Duration::from_secs(90));
    let unique: HashSet<String> = ids(&lines).into_iter().collect();
    assert_eq!(lines.len(), 1000, "all 1000 processed");
    assert_eq!(unique.len(), 1000, "each once");
    drop(second);
    drop(redis);
}
