//! With the `serde` feature, every data type goes to JSON and back.
#![cfg(feature = "serde")]

use clicktodial::{ClickToDialRequest, ExtTransactionData, SystemData, UserData};

#[test]
fn userdata_is_a_list_of_pairs() {
    let data = UserData::parse("[a|1][ctl_action|create][b|x%5Dy]").unwrap();
    let json = serde_json::to_string(&data).unwrap();
    assert_eq!(json, r#"[["a","1"],["ctl_action","create"],["b","x]y"]]"#);
    let back: UserData<'static> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, data);
    // An empty name is refused, as `push` refuses it.
    assert!(serde_json::from_str::<UserData<'static>>(r#"[["","1"]]"#).is_err());
}

#[test]
fn request_and_system_data_round_trip() {
    let req = ClickToDialRequest::from_query(
        "prefix=1&phone=6502928880&queue_id=7&ctl_userdata=[ctl_action|create][ctl_launchopt|true]\
         &extTransactionData=[extRecordId|42]&z=1",
    )
    .unwrap();
    let json = serde_json::to_string(&req).unwrap();
    // The wire form: the vendor's parameter names, texts (since the HTTP
    // edge; before, Rust field names and a list of pairs).
    assert_eq!(
        json,
        r#"{"prefix":"1","phone":"6502928880","queue_id":"7","ctl_userdata":"[ctl_action|create][ctl_launchopt|true]","extTransactionData":"[extRecordId|42]","z":"1"}"#
    );
    let back: ClickToDialRequest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, req);

    let system = req.userdata.as_ref().unwrap().system();
    let back: SystemData = serde_json::from_str(&serde_json::to_string(&system).unwrap()).unwrap();
    assert_eq!(back, system);

    let ext = ExtTransactionData::parse("[extRecordId|42]").unwrap();
    let back: ExtTransactionData<'static> =
        serde_json::from_str(&serde_json::to_string(&ext).unwrap()).unwrap();
    assert_eq!(back.record_id(), Some("42"));
}

#[test]
fn template_is_its_source() {
    use clicktodial::{CallContext, Template};
    let template = Template::compile("Call $transaction_id$ at $hours$:$minutes$");
    let json = serde_json::to_string(&template).unwrap();
    assert_eq!(json, r#""Call $transaction_id$ at $hours$:$minutes$""#);
    let back: Template = serde_json::from_str(&json).unwrap();
    assert_eq!(back, template);
    assert_eq!(back.expand(&CallContext::default()), "Call  at 00:00");
}

/// The vendor's enums travel as the vendor's words (their `as_str`), and
/// read back as the system data reader reads them.
#[test]
fn vendor_enums_are_the_vendors_words() {
    use clicktodial::{Action, ActionPlan, Integration, LaunchMode, ResultCode};
    let words = [
        (serde_json::to_value(Action::Create).unwrap(), "create"),
        (
            serde_json::to_value(Action::Other("Delete".into())).unwrap(),
            "Delete",
        ),
        (serde_json::to_value(Integration::Sfdc).unwrap(), "sfdc"),
        (
            serde_json::to_value(Integration::Other("zendesk".into())).unwrap(),
            "zendesk",
        ),
        (serde_json::to_value(LaunchMode::Edit).unwrap(), "edit"),
        (
            serde_json::to_value(LaunchMode::ReadOnly).unwrap(),
            "readonly",
        ),
        (serde_json::to_value(ResultCode::Ignore).unwrap(), "IGNORE"),
        (
            serde_json::to_value(clicktodial::Token::CallAnsweredTenantTime).unwrap(),
            "callAnsweredTenantTT",
        ),
    ];
    for (json, word) in words {
        assert_eq!(json, serde_json::Value::from(word));
    }
    assert_eq!(
        serde_json::from_str::<Action>(r#""CREATE""#).unwrap(),
        Action::Create
    );
    assert_eq!(
        serde_json::from_str::<Integration>(r#""Zendesk""#).unwrap(),
        Integration::Other("Zendesk".into())
    );
    assert_eq!(
        serde_json::from_str::<LaunchMode>(r#""Edit""#).unwrap(),
        LaunchMode::Edit
    );
    assert_eq!(
        serde_json::from_str::<LaunchMode>(r#""readonly""#).unwrap(),
        LaunchMode::ReadOnly
    );
    // A plan's JSON names the vendor's words, and reads back.
    let data = UserData::parse(
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][ctl_launchopt|true][ctl_launchext|edit]",
    )
    .unwrap();
    let plan = ActionPlan::new(&data);
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["create"]["integration"], "sfdc");
    assert_eq!(json["screenpop"]["mode"], "edit");
    let back: ActionPlan = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn screenpop_serialization_skips_the_password() {
    let pop = clicktodial::Screenpop {
        agent_id: "agent7".into(),
        password: "hunter2".into(),
        ..clicktodial::Screenpop::default()
    };
    let json = serde_json::to_string(&pop).unwrap();
    assert!(!json.contains("hunter2"), "{json}");
    assert!(!json.contains("password"), "{json}");
    let back: clicktodial::Screenpop = serde_json::from_str(&json).unwrap();
    assert_eq!(back.password, "");
    assert_eq!(back.agent_id, "agent7");
    // A password given in the input is read.
    let with: clicktodial::Screenpop = serde_json::from_str(
        r#"{"ctl_userdata":"","agent_id":"a","username":"u","password":"pw","account":"","role":""}"#,
    )
    .unwrap();
    assert_eq!(with.password, "pw");
    assert!(!format!("{with:?}").contains("pw\""));
}
