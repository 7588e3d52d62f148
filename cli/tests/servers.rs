//! End to end: `serve` and `receive` as child processes on 127.0.0.1 port 0,
//! real HTTP requests, the callback that arrives (or must not). Every wait is
//! bounded; the children are killed when a test ends.

mod common;

use std::time::Duration;

use common::{make_call, Server};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(15);

fn client() -> reqwest::Client {
    common::client(WAIT)
}

#[tokio::test]
async fn a_click_to_dial_request_ends_in_a_callback_at_receive() {
    let mut receive = Server::start("receive", &[]);
    let mut serve = Server::start("serve", &["--allow-private-callbacks"]);
    let userdata = format!(
        "[foreign_key|12345678][Transactionid|$interaction_guid$]\
         [ctl_callbackUrl|{}/clicktodial/callback?transaction=$transaction_id$]",
        receive.url
    );
    let answer = client()
        .get(make_call(&serve, &userdata))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    let guid = answer["interactionGuid"].as_str().unwrap().to_owned();
    assert_eq!(answer["dialString"], "16502022222");
    assert!(answer["plan"]["callbackUrl"]
        .as_str()
        .unwrap()
        .starts_with(&receive.url));
    let kinds: Vec<&str> = answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["insecure-callback-url"]);

    let line = receive.next_line(WAIT).expect("the callback arrives");
    let callback: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(callback["resultCode"], "IGNORE");
    assert_eq!(callback["errorString"], "");
    assert_eq!(callback["newRecordId"], Value::Null);
    let pairs = callback["ctl_userdata"].as_array().unwrap();
    assert_eq!(pairs[0], serde_json::json!(["foreign_key", "12345678"]));
    assert_eq!(pairs[1], serde_json::json!(["Transactionid", guid]));
    assert_eq!(pairs.len(), 3);
    let delivered = serve
        .wait_log("delivered", WAIT)
        .expect("the delivery is logged");
    assert!(delivered.contains("delivery=callback"), "{delivered}");
    assert!(
        delivered.contains("/clicktodial/callback?transaction=…"),
        "no query values: {delivered}"
    );
    assert!(
        receive.next_line(Duration::from_millis(300)).is_none(),
        "one callback only"
    );
}

#[tokio::test]
async fn a_loopback_callback_is_refused_without_the_flag() {
    let mut receive = Server::start("receive", &[]);
    let mut serve = Server::start("serve", &[]);
    let port = receive.port();
    for callback in [
        format!("http://127.0.0.1:{port}/cb"),
        format!("http://localhost:{port}/cb"),
        // `]` in a value is written %5D.
        format!("http://[::ffff:127.0.0.1%5D:{port}/cb"),
    ] {
        let userdata = format!("[ctl_callbackUrl|{callback}]");
        let answer = client()
            .get(make_call(&serve, &userdata))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "the call itself is placed");
        // The answer the page shows says at once why the callback will be
        // refused, and what to do.
        let answer: Value = answer.json().await.unwrap();
        let why = &answer["callbackRefused"];
        assert_eq!(why["code"], "callback-private-host", "{answer}");
        assert!(why["help"]
            .as_str()
            .unwrap()
            .contains("--allow-private-callbacks"));
        let done = serve.wait_log("call done", WAIT).expect("the call ends");
        serve.log.retain(|l| l != &done);
    }
    let refused: Vec<&String> = serve
        .log
        .iter()
        .filter(|l| l.contains("callback refused"))
        .collect();
    assert_eq!(refused.len(), 3, "{:#?}", serve.log);
    // Each log line says why, by code and in words, and names the flag.
    for line in &refused {
        assert!(line.contains("callback-private-host"), "{line}");
        assert!(line.contains("is not a public host"), "{line}");
        assert!(line.contains("--allow-private-callbacks"), "{line}");
    }
    assert!(
        receive.next_line(Duration::from_secs(1)).is_none(),
        "nothing arrives"
    );
}

#[tokio::test]
async fn the_json_call_api_with_basic_auth_and_a_create_at_the_mock_salesforce() {
    let mut receive = Server::start("receive", &[]);
    // One simulator plays Salesforce (its mock route), the other the contact center.
    let salesforce = Server::start("serve", &["--sfdc-token", "t0ken"]);
    let mut serve = Server::start(
        "serve",
        &[
            "--allow-private-callbacks",
            "--sfdc-url",
            &salesforce.url,
            "--sfdc-token",
            "t0ken",
            "--tenant-user",
            "tenant1",
            "--tenant-token",
            "s3cret",
        ],
    );
    let body = serde_json::json!({
        "agentId": "agent42", "prefix": "", "number": "5355566234", "callerId": "5251990",
        "queueId": "598", "forceCall": false, "extTransactionData": [],
        "ctlUserData": [
            {"name": "ctl_action", "value": "create"}, {"name": "ctl_intType", "value": "sfdc"},
            {"name": "ObjectType", "value": "Task"}, {"name": "Subject", "value": "call $caller_id$"},
            {"name": "ctl_callbackUrl", "value": format!("{}/cb", receive.url)}
        ]
    });
    let url = format!("{}/api/v1/tenants/acme/calls", serve.url);
    let refused = client().post(&url).json(&body).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let wrong = client()
        .post(&url)
        .basic_auth("tenant1", Some("nope"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let answer = client()
        .post(&url)
        .basic_auth("tenant1", Some("s3cret"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    assert!(answer["interactionGuid"]
        .as_str()
        .unwrap()
        .starts_with("sim-"));
    assert_eq!(answer["plan"]["create"]["objectType"], "Task");

    let line = receive.next_line(WAIT).expect("the callback arrives");
    let callback: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(callback["resultCode"], "SUCCESS", "{callback}");
    assert!(callback["newRecordId"]
        .as_str()
        .unwrap()
        .starts_with("00Tmock"));
    let pairs = callback["ctl_userdata"].as_array().unwrap();
    assert!(
        pairs.contains(&serde_json::json!(["Subject", "call 5251990"])),
        "{pairs:?}"
    );
    serve.wait_log("call done", WAIT).expect("the call ends");
    assert!(
        !serve
            .log
            .iter()
            .any(|l| l.contains("t0ken") || l.contains("s3cret")),
        "no token in the log: {:#?}",
        serve.log
    );
}

#[tokio::test]
async fn not_an_open_relay_and_validation_errors_are_400() {
    let serve = Server::start("serve", &[]);
    let url = format!("{}/AGUI/make_call.php?phone=6502928880", serve.url);
    let rebound = client()
        .get(&url)
        .header("Host", format!("attacker.example.com:{}", serve.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    let cross_site = client()
        .get(&url)
        .header("Origin", "https://attacker.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let same_site = client()
        .get(&url)
        .header("Origin", serve.url.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), 200);

    let bad = client()
        .get(format!(
            "{}/AGUI/make_call.php?phone=%7B!Account.Phone%7D",
            serve.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["findings"][0]["code"], "invalid-phone");
    // Placed in the query as it arrived (before decoding): the merge
    // field, whole.
    assert_eq!(bad["findings"][0]["in"], "query");
    assert_eq!(bad["findings"][0]["span"], serde_json::json!([6, 26]));

    let posted = client()
        .post(format!("{}/AGUI/make_call.php?phone=6502928880", serve.url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("ctl_userdata=%5Ba%7Cb")
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 400);
    let posted: Value = posted.json().await.unwrap();
    assert_eq!(posted["findings"][0]["code"], "unterminated-pair");
    assert_eq!(posted["findings"][0]["in"], "body");
    assert_eq!(posted["findings"][0]["span"], serde_json::json!([13, 16]));
    let json = client()
        .post(format!("{}/AGUI/make_call.php?phone=6502928880", serve.url))
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 415);
}

#[tokio::test]
async fn the_api_routes_answer_as_the_commands_do() {
    let serve = Server::start("serve", &[]);
    let link = common::vendor("example2.url");
    let lint: Value = common::api(&serve, "lint", serde_json::json!({"link": link})).await;
    let cli = common::run(&["lint", "--format", "json", &link], "");
    assert_eq!(lint, serde_json::from_str::<Value>(&cli.stdout).unwrap());

    let explain: Value = common::api(&serve, "explain", serde_json::json!({"link": link})).await;
    assert_eq!(explain["dialString"], "16502022222");

    let simulate: Value = common::api(
        &serve,
        "simulate",
        serde_json::json!({"now": "2024-03-12T17:11:40Z", "code": ["Sales:WON"]}),
    )
    .await;
    let cli = common::run(
        &[
            "simulate",
            "--format",
            "json",
            "--now",
            "2024-03-12T17:11:40Z",
            "--code",
            "Sales:WON",
        ],
        "",
    );
    assert_eq!(
        simulate,
        serde_json::from_str::<Value>(&cli.stdout).unwrap()
    );

    let fill: Value = common::api(
        &serve,
        "fill",
        serde_json::json!({
            "template": "https://h.example.com/AGUI/make_call.php?phone={!Account.Phone}",
            "fields": {"Account.Phone": "(650) 555-0142"}
        }),
    )
    .await;
    // Filled as Salesforce fills a custom link: a space is `+`.
    assert_eq!(
        fill["link"],
        "https://h.example.com/AGUI/make_call.php?phone=%28650%29+555-0142"
    );
    let cli = common::run(
        &[
            "fill",
            "--format",
            "json",
            "https://h.example.com/AGUI/make_call.php?phone={!Account.Phone}",
            "--field",
            "Account.Phone=(650) 555-0142",
        ],
        "",
    );
    assert_eq!(fill, serde_json::from_str::<Value>(&cli.stdout).unwrap());
}

#[tokio::test]
async fn receive_answers_400_to_a_malformed_callback() {
    let mut receive = Server::start("receive", &[]);
    let post = |body: &'static str| {
        client()
            .post(format!("{}/cb", receive.url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let bad = post("ctl_userdata=%5Ba&resultCode=SUCCESS&errorString=")
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let unknown = post("ctl_userdata=&resultCode=MAYBE&errorString=")
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    assert!(unknown.text().await.unwrap().contains("MAYBE"));
    let ok = post("ctl_userdata=%5Bctl_newRecordId%7C00T1%5D&resultCode=SUCCESS&errorString=")
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let line: Value = serde_json::from_str(&receive.next_line(WAIT).unwrap()).unwrap();
    assert_eq!(line["newRecordId"], "00T1");
    assert_eq!(line["resultCode"], "SUCCESS");
    let get = client()
        .get(format!("{}/cb", receive.url))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_both_servers_cleanly() {
    for command in ["serve", "receive"] {
        let mut server = Server::start(command, &[]);
        let status = server.interrupt(WAIT).expect("it stops");
        assert!(status.success(), "{command}: {status}");
        assert!(
            server.wait_log("stopping", WAIT).is_some(),
            "{command}: {:#?}",
            server.log
        );
    }
}

#[tokio::test]
async fn the_page_and_its_files_come_with_a_strict_policy_and_only_to_its_own_host() {
    let serve = Server::start("serve", &[]);
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/app.css", "text/css"),
    ] {
        let answer = client()
            .get(format!("{}{path}", serve.url))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert!(header("content-type").starts_with(kind), "{path}");
        let csp = header("content-security-policy");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self';"), "{path}: {csp}");
        assert!(!csp.contains("unsafe"), "{path}: {csp}");
        assert_eq!(header("x-content-type-options"), "nosniff");
        let rebound = client()
            .get(format!("{}{path}", serve.url))
            .header("Host", format!("attacker.example.com:{}", serve.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(rebound.status(), 403, "{path} to a rebound name");
    }
    // The page's own fetches: same origin, by IP or by `localhost`.
    for origin in [
        serve.url.clone(),
        format!("http://localhost:{}", serve.port()),
    ] {
        let answer = client()
            .post(format!("{}/api/lint", serve.url))
            .header("Origin", origin.as_str())
            .json(&serde_json::json!({"link": "https://h.example.com/AGUI/make_call.php?phone=1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{origin}");
    }
    let examples: Value = common::get_json(format!("{}/api/examples", serve.url)).await;
    assert!(examples["example2"]
        .as_str()
        .unwrap()
        .contains("[start_time|$call_answered_time]"));
}

/// The callback `receive` printed, with the `ctl_newRecordId` pairs in it.
fn record_ids(callback: &Value) -> Vec<Value> {
    callback["ctl_userdata"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p[0] == "ctl_newRecordId")
        .map(|p| p[1].clone())
        .collect()
}

#[tokio::test]
async fn a_record_id_set_in_the_link_is_never_reported() {
    let mut receive = Server::start("receive", &[]);
    let forged = "[ctl_newRecordId|00Tforged000001]";
    let create = "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|call]";
    let callback = format!("[ctl_callbackUrl|{}/cb]", receive.url);

    // IGNORE: nothing to create; the tenant's id is dropped.
    let serve = Server::start("serve", &["--allow-private-callbacks"]);
    let answer = client()
        .get(make_call(&serve, &format!("{forged}{callback}")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let line = receive
        .next_line(WAIT)
        .expect("the IGNORE callback arrives");
    let ignored: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(ignored["resultCode"], "IGNORE");
    assert_eq!(ignored["newRecordId"], Value::Null);
    assert!(record_ids(&ignored).is_empty(), "{ignored}");

    // FAIL: Salesforce refuses the create (a wrong token at the mock).
    let salesforce = Server::start("serve", &["--sfdc-token", "right"]);
    let failing = Server::start(
        "serve",
        &[
            "--allow-private-callbacks",
            "--sfdc-url",
            &salesforce.url,
            "--sfdc-token",
            "wrong",
        ],
    );
    let answer = client()
        .get(make_call(&failing, &format!("{create}{forged}{callback}")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let line = receive.next_line(WAIT).expect("the FAIL callback arrives");
    let failed: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(failed["resultCode"], "FAIL", "{failed}");
    assert!(
        failed["errorString"]
            .as_str()
            .unwrap()
            .contains("INVALID_SESSION_ID"),
        "{failed}"
    );
    assert_eq!(failed["newRecordId"], Value::Null);
    assert!(record_ids(&failed).is_empty(), "{failed}");

    // SUCCESS: only the system's id, the tenant's dropped.
    let answer = client()
        .get(make_call(&serve, &format!("{create}{forged}{callback}")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let line = receive
        .next_line(WAIT)
        .expect("the SUCCESS callback arrives");
    let created: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(created["resultCode"], "SUCCESS", "{created}");
    let id = created["newRecordId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("00Tsim"), "{created}");
    assert_eq!(record_ids(&created), [Value::from(id)]);
}

#[tokio::test]
async fn the_callback_carries_the_calls_context() {
    let mut receive = Server::start("receive", &[]);
    let serve = Server::start(
        "serve",
        &["--allow-private-callbacks", "--call-seconds", "1"],
    );
    let userdata = format!(
        "[t|$transaction_id$][g|$interaction_guid$][d|$callDuration$]\
         [a|$call_answered_time$][h|$call_hangup_time$][c|$transaction_codes$][n|$notes$]\
         [ctl_callbackUrl|{}/cb]",
        receive.url
    );
    let answer: Value = common::get_json(make_call(&serve, &userdata)).await;
    let transaction = answer["transactionId"].as_str().unwrap().to_owned();
    let guid = answer["interactionGuid"].as_str().unwrap();
    assert!(guid.ends_with("-1"), "the first call: {guid}");
    let line = receive.next_line(WAIT).expect("the callback arrives");
    let callback: Value = serde_json::from_str(&line).unwrap();
    let value = |name: &str| -> String {
        callback["ctl_userdata"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p[0] == name)
            .map(|p| p[1].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(value("t"), transaction);
    assert_eq!(value("g"), guid);
    assert_eq!(value("d"), "00:00:01");
    assert!(!value("a").is_empty() && value("a") != value("h"), "{line}");
    assert!(!value("c").is_empty(), "{line}");
    assert!(!value("n").is_empty(), "{line}");
}
