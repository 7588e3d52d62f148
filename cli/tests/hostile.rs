//! Hostile traffic against `serve` and `receive`: each attack that once got
//! through, as a loopback regression test. The servers are child processes
//! on 127.0.0.1 port 0; the attackers (raw HTTP, endless answers, a proxy
//! that must never be used) are in-process listeners on loopback. Every
//! wait is bounded, and every server is held to the log and memory rules of
//! `common` when it is dropped.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{make_call, Server};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(15);

fn client() -> reqwest::Client {
    common::client(WAIT)
}

/// `GET url` with `headers`.
async fn get(url: impl reqwest::IntoUrl, headers: &[(&str, &str)]) -> reqwest::Response {
    send(client().get(url), headers).await
}

/// `POST url` with a JSON body and `headers`.
async fn post_json(
    url: impl reqwest::IntoUrl,
    body: &Value,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    send(client().post(url).json(body), headers).await
}

/// `POST url` with a form body and `headers`.
async fn post_form(
    url: impl reqwest::IntoUrl,
    body: impl Into<reqwest::Body>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let form = client()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    send(form, headers).await
}

async fn send(mut request: reqwest::RequestBuilder, headers: &[(&str, &str)]) -> reqwest::Response {
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// `request` sent as raw bytes to `server`; the whole answer (the request
/// should say `Connection: close`).
fn raw(server: &Server, request: &str) -> String {
    let mut stream = TcpStream::connect(server.url.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn status(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

fn host(server: &Server) -> String {
    server.url.trim_start_matches("http://").to_owned()
}

/// How many log lines so far contain `needle` (waiting `wait` for more).
fn count(server: &mut Server, needle: &str, wait: Duration) -> usize {
    server
        .drain_log(wait)
        .iter()
        .filter(|l| l.contains(needle))
        .count()
}

// ---- Host and Origin (issue 26, 1-3 and 8) ----------------------------------------

#[test]
fn two_host_headers_are_400() {
    let serve = Server::start("serve", &[]);
    let h = host(&serve);
    let answer = raw(
        &serve,
        &format!(
            "GET /api/examples HTTP/1.1\r\nHost: {h}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(status(&answer), 400, "{answer}");
    let one = raw(
        &serve,
        &format!("GET /api/examples HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status(&one), 200, "{one}");
}

#[test]
fn an_absolute_form_target_is_checked_like_host() {
    let mut serve = Server::start("serve", &[]);
    let h = host(&serve);
    for target in [
        "http://evil.example/api/examples".to_owned(),
        format!("http://evil.example:{}/api/examples", serve.port()),
        format!("http://user@{h}/api/examples"),
        format!("https://{h}/api/examples"),
    ] {
        let answer = raw(
            &serve,
            &format!("GET {target} HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(status(&answer), 403, "{target}: {answer}");
        assert!(answer.contains(&format!("use http://{h}")), "{answer}");
    }
    let logged = serve.drain_log(Duration::from_millis(200));
    let refused = logged
        .iter()
        .filter(|l| l.contains("the absolute-form target is not this simulator's address"))
        .count();
    assert_eq!(refused, 4, "{logged:#?}");
    let own = raw(
        &serve,
        &format!("GET http://{h}/api/examples HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status(&own), 200, "{own}");
}

#[tokio::test]
async fn an_origin_of_another_machine_is_cross_site_on_every_route() {
    let serve = Server::start("serve", &[]);
    let port = serve.port();
    for origin in [
        format!("http://203.0.113.5:{port}"),
        format!("http://[2001:db8::1]:{port}"),
        format!("http://[::1]:{port}"),
        "null".to_owned(),
    ] {
        let lint = post_json(
            format!("{}/api/lint", serve.url),
            &serde_json::json!({"link": "phone=1"}),
            &[("origin", origin.as_str())],
        )
        .await;
        assert_eq!(lint.status(), 403, "lint from {origin}");
        let get = get(make_call(&serve, "[a|1]"), &[("origin", origin.as_str())]).await;
        assert_eq!(get.status(), 403, "make_call GET from {origin}");
        let post = post_form(
            format!("{}/AGUI/make_call.php", serve.url),
            "phone=6502022222",
            &[("origin", origin.as_str())],
        )
        .await;
        assert_eq!(post.status(), 403, "make_call POST from {origin}");
        let place = post_json(
            format!("{}/api/v1/tenants/acme/calls", serve.url),
            &serde_json::json!({"number": "6502022222"}),
            &[("origin", origin.as_str())],
        )
        .await;
        assert_eq!(place.status(), 403, "call API from {origin}");
    }
    for origin in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ] {
        let lint = post_json(
            format!("{}/api/lint", serve.url),
            &serde_json::json!({"link": "phone=1"}),
            &[("origin", origin.as_str())],
        )
        .await;
        assert_eq!(lint.status(), 200, "lint from {origin}");
    }
}

#[tokio::test]
async fn receive_refuses_a_cross_site_origin() {
    let mut receive = Server::start("receive", &[]);
    let form = "resultCode=SUCCESS&errorString=&ctl_userdata=%5Ba%7C1%5D";
    for headers in [
        &[("origin", "https://evil.example")][..],
        &[("origin", "null")],
        &[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "no-cors"),
            ("sec-fetch-dest", "empty"),
        ],
    ] {
        let answer = post_form(format!("{}/cb", receive.url), form, headers).await;
        assert_eq!(answer.status(), 403, "{headers:?}");
    }
    assert!(
        receive.next_line(Duration::from_millis(300)).is_none(),
        "nothing printed"
    );
    // A server's POST (no Origin) is a callback.
    let answer = post_form(format!("{}/cb", receive.url), form, &[]).await;
    assert_eq!(answer.status(), 200);
    assert!(receive.next_line(WAIT).is_some());
}

// ---- Cross-site pages (issue 27, 2) ------------------------------------------------

#[tokio::test]
async fn a_cross_site_image_places_no_call_a_navigation_does() {
    let mut serve = Server::start("serve", &[]);
    for (mode, dest) in [
        ("no-cors", "image"),
        ("no-cors", "script"),
        ("no-cors", "style"),
        ("navigate", "iframe"),
        ("cors", "empty"),
    ] {
        let answer = get(
            make_call(&serve, "[a|1]"),
            &[
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", mode),
                ("sec-fetch-dest", dest),
            ],
        )
        .await;
        assert_eq!(answer.status(), 403, "{mode} {dest}");
    }
    // Headers sent twice: every value counts; two Origins are refused.
    let port = serve.port();
    let own = format!("http://127.0.0.1:{port}");
    for headers in [
        &[
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "no-cors"),
        ][..],
        &[("origin", own.as_str()), ("origin", "http://evil.example")],
    ] {
        let answer = get(make_call(&serve, "[a|1]"), headers).await;
        assert_eq!(answer.status(), 403, "{headers:?}");
    }
    assert_eq!(
        count(&mut serve, "call placed", Duration::from_millis(300)),
        0
    );
    // A CRM opening the link in a tab: a top-level navigation.
    let answer = get(
        make_call(&serve, "[a|1]"),
        &[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-dest", "document"),
            ("sec-fetch-user", "?1"),
        ],
    )
    .await;
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    assert!(answer["transactionId"].is_string());
}

// ---- Bounded answers (issue 26, 4) -------------------------------------------------

/// A loopback server that answers every request with 200 and a body that
/// says 512 MB and never ends (until the peer hangs up or `WAIT` passes).
fn endless_answers() -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    listener.set_nonblocking(false).unwrap();
    std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + WAIT;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 536870912\r\n\r\n",
                );
                let chunk = vec![b'x'; 64 * 1024];
                while std::time::Instant::now() < deadline {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
            });
            if std::time::Instant::now() > deadline {
                break;
            }
        }
    });
    (url, served)
}

#[tokio::test]
async fn every_answer_read_is_cut_at_64_kib() {
    let (endless, served) = endless_answers();
    let mut serve = Server::start(
        "serve",
        &[
            "--allow-private-callbacks",
            "--sfdc-url",
            &endless,
            "--sfdc-token",
            "t0ken",
            "--screenpop-url",
            &format!("{endless}/pop"),
        ],
    );
    let userdata = format!(
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|x]\
         [ctl_launchopt|true][ctl_callbackUrl|{endless}/cb]"
    );
    let answer = get(make_call(&serve, &userdata), &[]).await;
    assert_eq!(answer.status(), 200);
    serve.wait_log("call done", WAIT).expect("the call ends");
    // The create, then the screenpop and the callback it queues.
    assert_eq!(
        count(&mut serve, "the answer was cut", WAIT),
        3,
        "{:#?}",
        serve.log
    );
    assert_eq!(served.load(Ordering::SeqCst), 3);
    let kb = serve.peak_rss_kb();
    eprintln!("peak memory of serve after three endless answers: {kb:?} KiB");
    // The 64 MB rule is checked when `serve` is dropped.
}

// ---- No call loop (issue 26, 3) ----------------------------------------------------

#[tokio::test]
async fn a_callback_or_screenpop_to_the_simulator_itself_is_refused() {
    let serve_port = {
        // The port is only known once the server runs: start it, then point
        // its screenpop at itself through a second start on a fixed port.
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        port
    };
    let own = format!("http://127.0.0.1:{serve_port}");
    let mut child = std::process::Command::new(common::BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{serve_port}")])
        .arg("--allow-private-callbacks")
        .args([
            "--screenpop-url",
            &format!("{own}/AGUI/make_call.php?phone=1"),
        ])
        // The help's example: creates at the simulator's own mock.
        .args(["--sfdc-url", &own, "--sfdc-token", "any"])
        .env("RUST_LOG", "info")
        .env("CLICKTODIAL_QUEUE", common::private_queue())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let log = child.stderr.take().unwrap();
    let lines = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::BufReader::new(log).read_to_string(&mut text);
        text
    });
    // Wait for the server.
    let deadline = std::time::Instant::now() + WAIT;
    while TcpStream::connect(("127.0.0.1", serve_port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    for callback in [
        format!("{own}/AGUI/make_call.php?phone=6502022222"),
        format!("http://localhost:{serve_port}/agui/MAKE_CALL.php?phone=1"),
        format!("{own}/api/v1/tenants/acme/calls"),
    ] {
        let userdata = format!(
            "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|x]\
             [ctl_launchopt|true][ctl_callbackUrl|{callback}]"
        );
        let url = reqwest::Url::parse_with_params(
            &format!("{own}/AGUI/make_call.php"),
            [("phone", "6502022222"), ("ctl_userdata", &userdata)],
        )
        .unwrap();
        let answer = get(url, &[]).await;
        assert_eq!(answer.status(), 200);
    }
    std::thread::sleep(Duration::from_millis(1500));
    let _ = child.kill();
    let _ = child.wait();
    let log = lines.join().unwrap();
    let placed = log.lines().filter(|l| l.contains("call placed")).count();
    assert_eq!(placed, 3, "only the three calls made here: {log}");
    let refused = log.lines().filter(|l| l.contains("(a call loop)")).count();
    assert_eq!(refused, 6, "three callbacks and three screenpops: {log}");
    let created = log
        .lines()
        .filter(|l| l.contains("mock Salesforce: record created"))
        .count();
    assert_eq!(created, 3, "the creates reach the own mock: {log}");
    let success = log.lines().filter(|l| l.contains("SUCCESS")).count();
    assert_eq!(success, 3, "{log}");
}

#[tokio::test]
async fn a_request_from_a_simulator_places_no_call() {
    let mut other = Server::start("serve", &[]);
    let mut serve = Server::start("serve", &["--allow-private-callbacks"]);
    // By hand: the header alone stops a call.
    let answer = get(
        make_call(&other, "[a|1]"),
        &[("x-clicktodial-simulator", "1")],
    )
    .await;
    assert_eq!(answer.status(), 508);
    let answer = post_json(
        format!("{}/api/v1/tenants/acme/calls", other.url),
        &serde_json::json!({"number": "6502022222"}),
        &[("x-clicktodial-simulator", "1")],
    )
    .await;
    assert_eq!(answer.status(), 508);
    // Two simulators: one's callback at the other's make_call.php.
    let userdata = format!(
        "[ctl_callbackUrl|{}/AGUI/make_call.php?phone=6502022222]",
        other.url
    );
    let answer = get(make_call(&serve, &userdata), &[]).await;
    assert_eq!(answer.status(), 200);
    let delivered = serve.wait_log("delivered", WAIT).expect("sent");
    assert!(delivered.contains("status=508"), "{delivered}");
    assert_eq!(
        count(&mut other, "call placed", Duration::from_millis(300)),
        0
    );
}

#[tokio::test]
async fn placed_calls_are_rate_limited() {
    let mut serve = Server::start("serve", &["--max-calls-per-minute", "2"]);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = get(make_call(&serve, "[a|1]"), &[]).await;
        if answer.status() == 429 {
            let retry: u64 = answer.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&retry), "{retry}");
        }
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429]);
    assert_eq!(
        count(&mut serve, "call placed", Duration::from_millis(300)),
        2
    );
    assert_eq!(count(&mut serve, "rate limit", Duration::ZERO), 1);
    let usage = common::run(&["serve", "--max-calls-per-minute", "0"], "");
    assert_eq!(usage.code, 2, "{}", usage.stderr);
}

// ---- Logs (issue 26, 4; issue 27, 1) -----------------------------------------------

#[test]
fn the_log_rules_catch_forged_lines_and_raw_escapes() {
    use common::{has_raw_control, written_by_the_logger};
    let good = "2026-12-02T07:16:19.123456Z  INFO clicktodial::serve: call placed";
    assert!(!has_raw_control(good.as_bytes()) && written_by_the_logger(good));
    assert!(has_raw_control(b"tenant=acme\x1b[31m"));
    assert!(has_raw_control("a\u{85}b".as_bytes()));
    assert!(has_raw_control(b"a\rb"));
    assert!(!written_by_the_logger(
        "FORGED  INFO clicktodial::serve: call placed"
    ));
}

#[tokio::test]
async fn values_from_requests_are_logged_sanitised() {
    let mut receive = Server::start("receive", &[]);
    let mut serve = Server::start(
        "serve",
        &[
            "--allow-private-callbacks",
            "--tenant-user",
            "u",
            "--tenant-token",
            "t",
        ],
    );
    // The tenant of the call API's path (refused: no auth).
    let answer = post_json(
        format!(
            "{}/api/v1/tenants/acme%0A2026-01-01T00:00:00Z%20FORGED%1b%5b31m/calls",
            serve.url
        ),
        &serde_json::json!({"number": "6502022222"}),
        &[],
    )
    .await;
    assert_eq!(answer.status(), 401);
    // The sObject of the mock Salesforce path.
    let answer = post_json(
        format!(
            "{}/services/data/v59.0/sobjects/Task%0AFORGED%1b%5b31m%c2%85/",
            serve.url
        ),
        &serde_json::json!({"Subject": "x"}),
        &[],
    )
    .await;
    assert_eq!(answer.status(), 201);
    // A callback URL with decoded query names and a bare token.
    let userdata = format!(
        "[ctl_callbackUrl|{}/cb/Xy7kQ9mZ2vL4pR8sT1uW3aB5?a%250AFORGED=1&SECRETBARE]",
        receive.url
    );
    let answer = get(make_call(&serve, &userdata), &[]).await;
    assert_eq!(answer.status(), 200);
    receive.next_line(WAIT).expect("the callback arrives");
    let delivered = serve.wait_log("delivered", WAIT).expect("delivered");
    assert!(delivered.contains("/cb/…?…"), "{delivered}");
    // A path at receive.
    let answer = post_form(
        format!("{}/cb%1b%5b31m%0AFORGED", receive.url),
        "resultCode=BOGUS",
        &[],
    )
    .await;
    assert_eq!(answer.status(), 400);
    for server in [&mut serve, &mut receive] {
        let log = server.drain_log(Duration::from_millis(300)).join("\n");
        for secret in ["SECRETBARE", "Xy7kQ9mZ2vL4pR8sT1uW3aB5", "\u{1b}", "\u{85}"] {
            assert!(!log.contains(secret), "{secret:?} in {log}");
        }
        assert!(log
            .lines()
            .all(|l| !l.starts_with("FORGED") && !l.starts_with("2026-01-01")));
    }
    // Forged lines and raw escapes would also fail the drop checks.
}

#[tokio::test]
async fn a_refused_link_is_logged_by_name_and_span_never_quoted() {
    let mut serve = Server::start("serve", &[]);
    let url = format!(
        "{}/AGUI/make_call.php?phone=6502022222&ctl_userdata=[Password|hunter2hunter2][x",
        serve.url
    );
    let answer = get(&url, &[]).await;
    assert_eq!(answer.status(), 400);
    let answer: Value = answer.json().await.unwrap();
    assert!(
        !answer["error"].as_str().unwrap().contains("hunter2"),
        "{answer}"
    );
    let line = serve
        .wait_log("make_call.php refused", WAIT)
        .expect("logged");
    assert!(
        line.contains("parameter=") && line.contains("ctl_userdata"),
        "{line}"
    );
    assert!(line.contains("span="), "{line}");
    let log = serve.drain_log(Duration::from_millis(200)).join("\n");
    for part in ["hunter2", "unter2", "%5d%5bx", "Password|"] {
        assert!(!log.contains(part), "{part} in {log}");
    }
}

// ---- The Salesforce create and proxies (issue 26, 9; issue 27, 3) ------------------

#[test]
fn sfdc_url_without_a_token_refuses_to_start_and_says_why() {
    let out = common::run(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--sfdc-url",
            "http://127.0.0.1:1",
        ],
        "",
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--sfdc-token"), "{}", out.stderr);
    let help = common::run(&["serve", "--help"], "");
    assert!(
        help.stdout
            .contains("--sfdc-url http://127.0.0.1:8088 --sfdc-token any"),
        "{}",
        help.stdout
    );
}

/// A loopback listener that counts connections and answers none: a proxy
/// that must never be used.
fn proxy_trap() -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (url, hits)
}

#[tokio::test]
async fn sends_ignore_proxy_settings_and_the_help_example_works() {
    let (proxy, hits) = proxy_trap();
    let mut receive = Server::start("receive", &[]);
    // The mock, started without a token: it takes any (the help's example).
    let salesforce = Server::start("serve", &[]);
    let env = [
        ("HTTP_PROXY", proxy.as_str()),
        ("http_proxy", proxy.as_str()),
        ("HTTPS_PROXY", proxy.as_str()),
        ("ALL_PROXY", proxy.as_str()),
        ("all_proxy", proxy.as_str()),
        ("NO_PROXY", ""),
        ("CLICKTODIAL_SFDC_TOKEN", "any"),
    ];
    let mut serve = Server::start_with_env(
        "serve",
        &[
            "--allow-private-callbacks",
            "--sfdc-url",
            &salesforce.url,
            "--screenpop-url",
            &format!("{}/pop", receive.url),
        ],
        &env,
    );
    let userdata = format!(
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|x]\
         [ctl_callbackUrl|{}/cb]",
        receive.url
    );
    let answer = get(make_call(&serve, &userdata), &[]).await;
    assert_eq!(answer.status(), 200);
    let line = receive.next_line(WAIT).expect("the callback arrives");
    let callback: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(callback["resultCode"], "SUCCESS", "{line}");
    assert!(callback["newRecordId"]
        .as_str()
        .unwrap()
        .starts_with("00Tmock"));
    serve.wait_log("call done", WAIT).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the proxy was used");
}

// ---- Smaller points (issue 27, 4) --------------------------------------------------

#[tokio::test]
async fn the_basic_auth_scheme_is_case_insensitive() {
    let serve = Server::start(
        "serve",
        &["--tenant-user", "tenant1", "--tenant-token", "s3cret"],
    );
    let url = format!("{}/api/v1/tenants/acme/calls", serve.url);
    let body = serde_json::json!({"number": "6502022222"});
    // base64("tenant1:s3cret")
    let credentials = "dGVuYW50MTpzM2NyZXQ=";
    for scheme in ["Basic", "basic", "BASIC"] {
        let answer = post_json(
            &url,
            &body,
            &[("authorization", format!("{scheme} {credentials}").as_str())],
        )
        .await;
        assert_eq!(answer.status(), 200, "{scheme}");
    }
    // base64("tenant1:s3creX")
    let answer = post_json(
        &url,
        &body,
        &[("authorization", "basic dGVuYW50MTpzM2NyZVg=")],
    )
    .await;
    assert_eq!(answer.status(), 401);
}

#[test]
fn a_malformed_chunked_body_is_400() {
    let serve = Server::start("serve", &[]);
    let receive = Server::start("receive", &[]);
    let form = "application/x-www-form-urlencoded";
    let json = "application/json";
    for (server, path, kind) in [
        (&serve, "/AGUI/make_call.php", form),
        (&serve, "/api/v1/tenants/acme/calls", json),
        (&serve, "/services/data/v59.0/sobjects/Task/", json),
        (&serve, "/api/lint", json),
        (&receive, "/cb", form),
    ] {
        let h = host(server);
        for body in ["zz\r\nphone=1\r\n0\r\n\r\n", "5\r\nphone=1\r\n0\r\n\r\n"] {
            let answer = raw(
                server,
                &format!(
                    "POST {path} HTTP/1.1\r\nHost: {h}\r\nContent-Type: {kind}\r\n\
                     Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{body}"
                ),
            );
            assert_eq!(status(&answer), 400, "{path} {body:?}: {answer}");
        }
    }
}

// ---- Memory under many large requests at once --------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_large_requests_at_once_stay_within_memory() {
    let serve = Server::start("serve", &[]);
    // The largest link the page's routes read (64 KiB of body); one over is 413.
    let link = |pairs: usize| {
        format!(
            "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata={}",
            "[a|b]".repeat(pairs)
        )
    };
    let too_large = post_json(
        format!("{}/api/simulate", serve.url),
        &serde_json::json!({ "link": link(14_000) }),
        &[],
    )
    .await;
    assert_eq!(too_large.status(), 413);
    let body = Arc::new(serde_json::json!({ "link": link(13_000) }));
    // Each is CPU work of a fraction of a second (debug build), one at a
    // time: the client waits longer than usual.
    let patient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let tasks: Vec<_> = ["lint", "explain", "simulate"]
        .iter()
        .cycle()
        .take(24)
        .map(|route| {
            let request = patient
                .post(format!("{}/api/{route}", serve.url))
                .json(&*body);
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    for task in tasks {
        let status = task.await.unwrap();
        assert!([200, 408].contains(&status), "{status}");
    }
    eprintln!(
        "peak memory of serve after 24 large requests at once: {:?} KiB",
        serve.peak_rss_kb()
    );
    // The 64 MB rule is checked when `serve` is dropped.
}

// ---- receive's limits ---------------------------------------------------------------

#[tokio::test]
async fn receive_reads_at_most_64_kib_and_says_why() {
    let receive = Server::start("receive", &[]);
    let url = format!("{}/cb", receive.url);
    let form = |len: usize| format!("resultCode=IGNORE&x={}", "a".repeat(len - 20));
    // 64 KiB exactly: read (and a callback).
    let answer = post_form(&url, form(64 * 1024), &[]).await;
    assert_eq!(answer.status(), 200);
    // One byte over, and far over: 413.
    for len in [64 * 1024 + 1, 1024 * 1024] {
        let answer = post_form(&url, form(len), &[]).await;
        assert_eq!(answer.status(), 413, "{len}");
    }
    let answer = client()
        .post(&url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 415);
}
