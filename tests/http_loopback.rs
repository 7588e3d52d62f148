//! The HTTP edge over real HTTP on 127.0.0.1: axum servers on port 0, a
//! reqwest client, the crate's `to_http` requests sent as they are and its
//! readers on the receiving side. Every wait is bounded and every server
//! stops itself at the end of its test.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, post};
use axum::{Form, Router};
use chrono::{TimeZone, Utc};
use clicktodial::http;
use clicktodial::url::Url;
use clicktodial::{
    ActionPlan, CallContext, Callback, ClickToDialRequest, CreateOutcome, PlaceCall, ResultCode,
    Screenpop, UserData, MAX_BODY_LEN,
};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

const LIMIT: Duration = Duration::from_secs(20);

/// A server on 127.0.0.1:0 running `app` until `stop` fires.
struct Server {
    base: Url,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(app: Router) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Server {
            base: Url::parse(&format!("http://{addr}")).unwrap(),
            stop: Some(stop),
            task,
        }
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap()
    }

    async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(LIMIT, &mut self.task)
            .await
            .expect("the server stops within the limit")
            .expect("the server task did not panic")
            .expect("the server ran without an I/O error");
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(LIMIT)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Sends a request built by the crate, as it is; the status and the body.
async fn send(client: &reqwest::Client, req: http::Request<Vec<u8>>) -> (u16, Vec<u8>) {
    let req = reqwest::Request::try_from(req).expect("a complete request");
    let answer = client.execute(req).await.expect("the server answers");
    let status = answer.status().as_u16();
    (status, answer.bytes().await.unwrap().to_vec())
}

// ---- the callback --------------------------------------------------------

/// `/form`: axum's `Form<Callback>`. `/raw`: the whole request handed to
/// `Callback::from_http`, any method.
fn receiver(tx: mpsc::Sender<(&'static str, Callback)>) -> Router {
    async fn form(
        State(tx): State<mpsc::Sender<(&'static str, Callback)>>,
        Form(cb): Form<Callback>,
    ) -> StatusCode {
        let _ = tx.send(("form", cb)).await;
        StatusCode::NO_CONTENT
    }
    async fn raw(
        State(tx): State<mpsc::Sender<(&'static str, Callback)>>,
        req: Request,
    ) -> axum::response::Response {
        let (parts, body) = req.into_parts();
        let Ok(body) = axum::body::to_bytes(body, MAX_BODY_LEN + 1).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
        };
        let req = http::Request::from_parts(parts, body);
        match Callback::from_http(&req) {
            Ok(cb) => {
                let _ = tx.send(("raw", cb)).await;
                StatusCode::NO_CONTENT.into_response()
            }
            Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        }
    }
    Router::new()
        .route("/form", post(form))
        .route("/raw", any(raw))
        .with_state(tx)
}

#[tokio::test]
async fn callback_arrives_through_axum_form_and_from_http() {
    tokio::time::timeout(LIMIT * 2, async {
        let (tx, mut rx) = mpsc::channel(8);
        let server = Server::start(receiver(tx)).await;
        let client = client();

        let data = UserData::parse(
            "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]\
             [Subject|Call 8312345 (00:07:31) & more = 100%][Note|a+b c]",
        )
        .unwrap();
        let sent = Callback::success(data, "00T5e00000AbCdEAAX");
        for path in ["/form", "/raw"] {
            let (status, body) = send(&client, sent.to_http(&server.url(path))).await;
            assert_eq!(status, 204, "{path}: {}", String::from_utf8_lossy(&body));
            let (via, got) = rx.recv().await.expect("the callback arrived");
            assert_eq!(via, &path[1..]);
            assert_eq!(got, sent);
            assert_eq!(got.new_record_id(), Some("00T5e00000AbCdEAAX"));
            assert_eq!(
                got.ctl_userdata.get("Subject"),
                Some("Call 8312345 (00:07:31) & more = 100%")
            );
        }

        let failed = Callback::fail(UserData::parse("[id|1]").unwrap(), "INVALID_FIELD: x");
        let (status, _) = send(&client, failed.to_http(&server.url("/form"))).await;
        assert_eq!(status, 204);
        let (_, got) = rx.recv().await.unwrap();
        assert_eq!(
            (got.result_code, got.error_string.as_str()),
            (ResultCode::Fail, "INVALID_FIELD: x")
        );

        // Bad bodies: axum's Form refuses what from_form refuses; from_http
        // says why in one line.
        let bad = |path: &str, body: &'static str| {
            let mut req = failed.to_http(&server.url(path));
            *req.body_mut() = body.as_bytes().to_vec();
            req
        };
        let (status, _) = send(&client, bad("/form", "resultCode=success")).await;
        assert_eq!(
            status, 422,
            "axum's Form answers 422 for a body serde refuses"
        );
        let (status, body) =
            send(&client, bad("/raw", "ctl_userdata=%5Bx&resultCode=IGNORE")).await;
        assert_eq!(status, 400);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "callback body: ctl_userdata: unterminated pair: no closing `]` at byte 0"
        );
        let (status, body) = send(&client, bad("/raw", "errorString=x")).await;
        assert_eq!(status, 400);
        assert!(String::from_utf8(body)
            .unwrap()
            .contains("missing field `resultCode`"));

        // Wrong method, wrong content type, too large, not UTF-8.
        let get = http::Request::get(server.url("/raw").as_str())
            .body(Vec::new())
            .unwrap();
        let (status, body) = send(&client, get).await;
        assert_eq!(status, 400);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "HTTP method `GET` is not allowed (expected POST)"
        );
        let mut json = bad("/raw", "{}");
        json.headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        let (status, body) = send(&client, json).await;
        assert_eq!(status, 400);
        assert!(String::from_utf8(body)
            .unwrap()
            .contains("`application/json`"));
        let mut big = bad("/raw", "");
        *big.body_mut() = vec![b'x'; MAX_BODY_LEN + 1];
        let (status, body) = send(&client, big).await;
        assert_eq!(status, 400);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            format!(
                "body of {} bytes is over the limit of {MAX_BODY_LEN} bytes",
                MAX_BODY_LEN + 1
            )
        );
        let mut latin1 = bad("/raw", "");
        *latin1.body_mut() = b"resultCode=FAIL&errorString=caf\xe9".to_vec();
        let (status, body) = send(&client, latin1).await;
        assert_eq!(status, 400);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "body is not UTF-8 (invalid byte at offset 31)"
        );

        server.shut_down().await;
        assert!(rx.recv().await.is_none(), "nothing else arrived");
    })
    .await
    .expect("the test finishes within its limit");
}

// ---- the make_call.php request ------------------------------------------------

#[tokio::test]
async fn make_call_request_arrives_through_query_and_from_http() {
    tokio::time::timeout(LIMIT * 2, async {
        let (tx, mut rx) = mpsc::channel(8);
        async fn query(
            State(tx): State<mpsc::Sender<ClickToDialRequest>>,
            axum::extract::Query(req): axum::extract::Query<ClickToDialRequest>,
        ) -> StatusCode {
            let _ = tx.send(req).await;
            StatusCode::NO_CONTENT
        }
        async fn raw(
            State(tx): State<mpsc::Sender<ClickToDialRequest>>,
            req: Request,
        ) -> axum::response::Response {
            let (parts, body) = req.into_parts();
            let body: Bytes = axum::body::to_bytes(body, MAX_BODY_LEN)
                .await
                .unwrap_or_default();
            match ClickToDialRequest::from_http(&http::Request::from_parts(parts, body)) {
                Ok(req) => {
                    let _ = tx.send(req).await;
                    StatusCode::NO_CONTENT.into_response()
                }
                Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
            }
        }
        let app = Router::new()
            .route("/query/AGUI/make_call.php", any(query))
            .route("/raw/AGUI/make_call.php", any(raw))
            .with_state(tx);
        let server = Server::start(app).await;
        let client = client();

        let mut link = ClickToDialRequest::new("(650) 292-8880");
        link.prefix = Some("1".into());
        link.queue_id = Some(598);
        link.userdata = Some("[subject|call $caller_id$][note|a&b=c]".parse().unwrap());
        for base in ["/query", "/raw"] {
            // to_url takes https only; the loopback server speaks http.
            let https_base = server.url(base).as_str().replacen("http:", "https:", 1);
            let url = link
                .to_url(&https_base)
                .unwrap()
                .replacen("https:", "http:", 1);
            let (status, body) =
                send(&client, http::Request::get(url).body(Vec::new()).unwrap()).await;
            assert_eq!(status, 204, "{base}: {}", String::from_utf8_lossy(&body));
            assert_eq!(rx.recv().await.unwrap(), link);
        }

        // POST: the form's ctl_userdata wins over the query's.
        let post = http::Request::post(
            server
                .url("/raw/AGUI/make_call.php?phone=6502928880&ctl_userdata=%5Ba%7Cq%5D")
                .as_str(),
        )
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(b"ctl_userdata=%5Ba%7Cpost%5D".to_vec())
        .unwrap();
        let (status, _) = send(&client, post).await;
        assert_eq!(status, 204);
        assert_eq!(
            rx.recv().await.unwrap().userdata.unwrap().get("a"),
            Some("post")
        );

        // A merge field the CRM left: the Query extractor refuses it (400),
        // from_http names the parameter.
        let bad = "AGUI/make_call.php?phone=%7B!Account.Phone%7D";
        let get = |path: String| http::Request::get(path).body(Vec::new()).unwrap();
        let (status, _) = send(
            &client,
            get(server.url(&format!("/query/{bad}")).to_string()),
        )
        .await;
        assert_eq!(status, 400);
        let (status, body) =
            send(&client, get(server.url(&format!("/raw/{bad}")).to_string())).await;
        assert_eq!(status, 400);
        assert!(String::from_utf8(body).unwrap().contains("`phone`"));
        let put = http::Request::put(server.url("/raw/AGUI/make_call.php?phone=1").as_str())
            .body(Vec::new())
            .unwrap();
        let (status, body) = send(&client, put).await;
        assert_eq!(status, 400);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "HTTP method `PUT` is not allowed (expected GET or POST)"
        );

        server.shut_down().await;
    })
    .await
    .expect("the test finishes within its limit");
}

// ---- the screenpop, the Salesforce create, the 8x8 call ------------------------

const TOKEN: &str = "00Dxx0000001gEH!AQ4AQFk.mock.token";
const SUCCESS: &str = include_str!("data/sfdc/create_success.json");
const MISSING: &str = include_str!("data/sfdc/required_field_missing.json");
const INVALID_SESSION: &str = include_str!("data/sfdc/invalid_session.json");
const CALL_OK: &str = include_str!("data/8x8/place_call_response.json");
const CALL_FAULT: &str = include_str!("data/8x8/place_call_fault.json");

/// A mock Salesforce (documented answers), screenpop receiver and 8x8 call
/// API. Screenpop forms go to `pops`.
fn mock(pops: mpsc::Sender<Vec<(String, String)>>) -> Router {
    async fn create(headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
        if auth != Some(&format!("Bearer {TOKEN}")) {
            return (StatusCode::UNAUTHORIZED, INVALID_SESSION.to_owned());
        }
        assert_eq!(headers["content-type"], "application/json");
        let record: serde_json::Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return (StatusCode::BAD_REQUEST, "[]".into()),
        };
        if record.get("Subject").is_none() {
            return (StatusCode::BAD_REQUEST, MISSING.to_owned());
        }
        (StatusCode::CREATED, SUCCESS.to_owned())
    }
    async fn broken() -> (StatusCode, &'static str) {
        (
            StatusCode::BAD_GATEWAY,
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n</html>",
        )
    }
    async fn pop(
        State(pops): State<mpsc::Sender<Vec<(String, String)>>>,
        Form(fields): Form<Vec<(String, String)>>,
    ) -> StatusCode {
        let _ = pops.send(fields).await;
        StatusCode::OK
    }
    async fn call(headers: HeaderMap, body: Bytes) -> (StatusCode, &'static str) {
        // base64("acmecorp01:t0ken")
        if headers["authorization"] != "Basic YWNtZWNvcnAwMTp0MGtlbg==" {
            return (StatusCode::UNAUTHORIZED, "{\"message\":\"Unauthorized\"}");
        }
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        if body["agentId"] == "busy" {
            return (StatusCode::BAD_REQUEST, CALL_FAULT);
        }
        (StatusCode::OK, CALL_OK)
    }
    Router::new()
        .route("/services/data/v59.0/sobjects/Task/", post(create))
        .route("/services/data/v59.0/sobjects/Broken/", post(broken))
        .route("/screenpop", post(pop))
        .route("/api/v1/tenants/acmecorp01/calls", post(call))
        .with_state(pops)
}

#[tokio::test]
async fn screenpop_and_sfdc_create_against_mock_servers() {
    tokio::time::timeout(LIMIT * 2, async {
        let (tx, mut pops) = mpsc::channel(8);
        let server = Server::start(mock(tx)).await;
        let client = client();

        let req = ClickToDialRequest::from_url(
            "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=6502928880\
             &ctl_userdata=[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]\
             [Subject|Call $transaction_id$ ($callDuration$)][ctl_launchopt|true]",
        )
        .unwrap();
        let data = req.userdata.clone().unwrap();
        let plan = ActionPlan::new(&data);
        let ctx = CallContext {
            transaction_id: "8312345".into(),
            answered_at: Utc.with_ymd_and_hms(2024, 3, 12, 17, 4, 5).single(),
            hangup_at: Utc.with_ymd_and_hms(2024, 3, 12, 17, 11, 36).single(),
            ..CallContext::default()
        };
        let expanded = data.expand(&ctx);

        // The documented success: 201, the id, SUCCESS.
        let create = plan.sfdc_create(&expanded).unwrap();
        let (status, body) = send(&client, create.to_http(&server.base, "v59.0", TOKEN).unwrap()).await;
        assert_eq!(status, 201);
        let outcome = CreateOutcome::from_sfdc_response(status, &body);
        assert_eq!(outcome, CreateOutcome::Created("001D000000IqhSLIAZ".into()));
        let done = plan.finish(expanded.clone(), outcome);
        assert_eq!(done.result_code, ResultCode::Success);
        assert_eq!(done.new_record_id(), Some("001D000000IqhSLIAZ"));

        // The screenpop carries the finished data.
        let pop = Screenpop {
            agent_id: "agent42".into(),
            username: "jdoe".into(),
            password: "hunter2".into(),
            ..Screenpop::for_userdata(&done.ctl_userdata)
        };
        let (status, _) = send(&client, pop.to_http(&server.url("/screenpop"))).await;
        assert_eq!(status, 200);
        let got = pops.recv().await.unwrap();
        let want: Vec<(String, String)> = pop
            .fields()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(got, want);
        assert!(got[0].1.ends_with("[ctl_newRecordId|001D000000IqhSLIAZ]"));

        // A documented error array: FAIL with the code and message.
        let mut no_subject = create.clone();
        no_subject.fields.retain(|(n, _)| n != "Subject");
        let (status, body) = send(&client, no_subject.to_http(&server.base, "v59.0", TOKEN).unwrap()).await;
        let done = plan.finish(expanded.clone(), CreateOutcome::from_sfdc_response(status, &body));
        assert_eq!(done.result_code, ResultCode::Fail);
        assert_eq!(
            done.error_string,
            "Salesforce answered 400: REQUIRED_FIELD_MISSING: Required fields are missing: [Subject]"
        );
        assert_eq!(done.new_record_id(), None);

        // A wrong token: 401, INVALID_SESSION_ID, and the token never shows.
        let (status, body) =
            send(&client, create.to_http(&server.base, "v59.0", "stale-token").unwrap()).await;
        let done = plan.finish(expanded.clone(), CreateOutcome::from_sfdc_response(status, &body));
        assert_eq!(done.result_code, ResultCode::Fail);
        assert_eq!(
            done.error_string,
            "Salesforce answered 401: INVALID_SESSION_ID: Session expired or invalid"
        );

        // An HTML error page from a proxy: FAIL, one line, saying what came.
        let mut broken = create.clone();
        broken.sobject = "Broken".into();
        let (status, body) = send(&client, broken.to_http(&server.base, "v59.0", TOKEN).unwrap()).await;
        let done = plan.finish(expanded, CreateOutcome::from_sfdc_response(status, &body));
        assert_eq!(done.result_code, ResultCode::Fail);
        assert!(done.error_string.starts_with("Salesforce answered 502: body is not JSON"), "{}", done.error_string);
        assert!(done.error_string.contains(r"<html>\r\n<head><title>502 Bad Gateway"), "{}", done.error_string);
        assert!(!done.error_string.contains('\n'));

        // The same call placed server to server with 8x8's JSON API.
        let call = PlaceCall::from_request(&req, "ag0VYyLh0YTsymdbtYIaaaa");
        let send_call = |call: &PlaceCall, user: &str| {
            call.to_http(&server.base, "acmecorp01", user, "t0ken").unwrap()
        };
        let (status, body) = send(&client, send_call(&call, "acmecorp01")).await;
        assert_eq!(
            PlaceCall::interaction_guid(status, &body).unwrap(),
            "int-184a0c5493f-nempJR9b0nXcZbChiZmtZkLCE-phone-00-acmecorp01"
        );
        let busy = PlaceCall { agent_id: "busy".into(), ..call.clone() };
        let (status, body) = send(&client, send_call(&busy, "acmecorp01")).await;
        assert_eq!(
            PlaceCall::interaction_guid(status, &body).unwrap_err().to_string(),
            "8x8 answered 400: Bad Request (Agent=[ag0VYyLh0YTsymdbtYIaaaa] not available to handle interaction)"
        );
        let (status, body) = send(&client, send_call(&call, "someone")).await;
        let err = PlaceCall::interaction_guid(status, &body).unwrap_err().to_string();
        assert_eq!(err, "8x8 answered 401: Unauthorized");
        assert!(!err.contains("t0ken"));

        server.shut_down().await;
        assert!(pops.recv().await.is_none());
    })
    .await
    .expect("the test finishes within its limit");
}
