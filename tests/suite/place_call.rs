//! `PlaceCall`: built from a click-to-dial request, written as the JSON 8x8's
//! "Place Call For Agent" API takes.

use clicktodial::{ClickToDialRequest, PlaceCall, UserData};
use proptest::prelude::*;
use serde_json::Value;

#[test]
fn from_request_takes_every_pair_in_order_tokens_unexpanded() {
    let req = ClickToDialRequest::from_query(
        "prefix=9&phone=%2B1+(650)+292-8880&callerId=&dialplan_id=12\
         &ctl_userdata=[ctl_action|create][s|$transaction_id$][s|later][ctl_callbackUrl|https://crm.example.com/cb]\
         &extTransactionData=[extRecordId|001A][extRecordType|Account]",
    )
    .unwrap();
    let call = PlaceCall::from_request(&req, "ag1");
    assert_eq!(call.prefix, "9");
    assert_eq!(call.number, "16502928880");
    assert_eq!(format!("{}{}", call.prefix, call.number), req.dial_string());
    assert_eq!(call.caller_id, "");
    assert_eq!((call.queue_id, call.dialplan_id), (None, Some(12)));
    assert!(!call.force_call);
    let names: Vec<&str> = call.ctl_user_data.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ctl_action", "s", "s", "ctl_callbackUrl"]);
    assert_eq!(call.ctl_user_data[1].1, "$transaction_id$");
    assert_eq!(
        call.ext_transaction_data,
        [
            ("extRecordId".to_string(), "001A".to_string()),
            ("extRecordType".to_string(), "Account".to_string())
        ]
    );
    let json: Value = serde_json::from_str(&call.to_json()).unwrap();
    assert_eq!(json["callerId"], "", "always sent, even empty");
    assert_eq!(json["dialplanId"], "12");
    assert!(json.get("queueId").is_none(), "omitted when None");
}

/// The vendor's example body reads as a `PlaceCall` and writes back as the
/// same JSON.
#[cfg(feature = "serde")]
#[test]
fn serde_reads_and_writes_the_vendors_example() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/8x8/place_call_request.json"
    ))
    .unwrap();
    let call: PlaceCall = serde_json::from_str(&text).unwrap();
    assert_eq!(call.queue_id, Some(598));
    assert_eq!(call.dialplan_id, Some(12));
    assert!(call.force_call);
    assert_eq!(
        call.ctl_user_data[1],
        ("DueDate".into(), "2022-12-25".into())
    );
    let vendor: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&call).unwrap(), vendor);
    assert_eq!(serde_json::to_string(&call).unwrap(), call.to_json());
    // An id as a JSON number is read too; as text that is no number, it is an error.
    let number = text.replace(r#""598""#, "598");
    assert_eq!(
        serde_json::from_str::<PlaceCall>(&number).unwrap().queue_id,
        Some(598)
    );
    assert!(serde_json::from_str::<PlaceCall>(&text.replace(r#""598""#, r#""q""#)).is_err());
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>(),
            2 => prop::sample::select(vec!['"', '\\', '\n', '\u{0}', '\u{2028}', '{', '}', ',', ':']),
        ],
        0..10,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((text(), text()), 0..4)
}

proptest! {
    #[test]
    fn to_json_is_json_with_every_field(
        agent_id in text(), prefix in text(), number in text(), caller_id in text(),
        queue_id in any::<Option<u64>>(), dialplan_id in any::<Option<u64>>(),
        force_call in any::<bool>(), ext in pairs(), ctl in pairs(),
    ) {
        let call = PlaceCall {
            agent_id, prefix, number, caller_id, queue_id, dialplan_id, force_call,
            ext_transaction_data: ext, ctl_user_data: ctl,
        };
        let json: Value = serde_json::from_str(&call.to_json()).unwrap();
        prop_assert_eq!(&json["agentId"], &Value::from(call.agent_id.as_str()));
        prop_assert_eq!(&json["prefix"], &Value::from(call.prefix.as_str()));
        prop_assert_eq!(&json["number"], &Value::from(call.number.as_str()));
        prop_assert_eq!(&json["callerId"], &Value::from(call.caller_id.as_str()));
        prop_assert_eq!(json.get("queueId").cloned(), call.queue_id.map(|v| Value::from(v.to_string())));
        prop_assert_eq!(json.get("dialplanId").cloned(), call.dialplan_id.map(|v| Value::from(v.to_string())));
        prop_assert_eq!(&json["forceCall"], &Value::from(call.force_call));
        for (key, list) in [("extTransactionData", &call.ext_transaction_data), ("ctlUserData", &call.ctl_user_data)] {
            let want: Vec<Value> = list
                .iter()
                .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
                .collect();
            prop_assert_eq!(&json[key], &Value::from(want));
        }
        // With serde, the type's serde is this wire JSON: the same value,
        // the same bytes (serde_json leaves U+2028 and U+2029 as they are,
        // where `to_json` escapes them for JavaScript), and read back whole.
        #[cfg(feature = "serde")]
        {
            prop_assert_eq!(&serde_json::to_value(&call).unwrap(), &json);
            let serde_text = serde_json::to_string(&call).unwrap();
            if !serde_text.contains(['\u{2028}', '\u{2029}']) {
                prop_assert_eq!(&serde_text, &call.to_json());
            }
            let back: PlaceCall = serde_json::from_str(&call.to_json()).unwrap();
            prop_assert_eq!(back, call);
        }
    }

    #[test]
    fn number_is_the_dial_string_without_the_prefix(
        prefix in proptest::option::of("[0-9]{0,3}"),
        phone in "[0-9 +().-]{0,12}[0-9]",
        data in prop::collection::vec(("[a-z]{1,3}", "[a-z$]{0,4}"), 0..3),
    ) {
        let mut req = ClickToDialRequest::new(phone);
        req.prefix = prefix;
        let mut userdata = UserData::new();
        for (n, v) in &data {
            userdata.push(n.clone(), v.clone()).unwrap();
        }
        req.userdata = Some(userdata);
        let call = PlaceCall::from_request(&req, "a");
        prop_assert_eq!(format!("{}{}", call.prefix, call.number), req.dial_string());
        prop_assert!(call.number.bytes().all(|b| b.is_ascii_digit()));
        prop_assert_eq!(call.ctl_user_data, data);
    }
}

#[test]
fn the_tenant_is_one_path_segment_whatever_it_holds() {
    assert_eq!(
        PlaceCall::path("acmecorp01"),
        "/api/v1/tenants/acmecorp01/calls"
    );
    // A segment of dots alone would mean "this" or "the parent".
    assert_eq!(PlaceCall::path(".."), "/api/v1/tenants/%2E%2E/calls");
    assert_eq!(PlaceCall::path("."), "/api/v1/tenants/%2E/calls");
    // Dots among other characters are plain text.
    assert_eq!(
        PlaceCall::path("acme.corp"),
        "/api/v1/tenants/acme.corp/calls"
    );
    assert_eq!(
        PlaceCall::path("../x?y"),
        "/api/v1/tenants/..%2Fx%3Fy/calls"
    );
}
