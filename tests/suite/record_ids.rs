//! Record ids: a `ctl_newRecordId` the tenant passes never survives, on
//! any outcome; the system's is appended only after a create.

use clicktodial::{ActionPlan, Callback, CreateOutcome, LintKind, ResultCode, UserData};

// ---- record ids -------------------------------------------------------------

#[test]
fn a_forged_record_id_never_survives_fail_or_ignore() {
    let forged = "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][ctl_newRecordId|forged]";
    let data = UserData::parse(forged).unwrap();
    let plan = ActionPlan::new(&data);
    for (outcome, code) in [
        (CreateOutcome::Failed("boom".into()), ResultCode::Fail),
        (CreateOutcome::NotRun, ResultCode::Fail),
        (CreateOutcome::Created("00T1".into()), ResultCode::Success),
    ] {
        let done = plan.finish(data.clone(), outcome);
        assert_eq!(done.result_code, code);
        let ids: Vec<_> = done
            .ctl_userdata
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("ctl_newRecordId"))
            .map(|(_, v)| v)
            .collect();
        if code == ResultCode::Success {
            assert_eq!(ids, ["00T1"]);
            assert_eq!(done.new_record_id(), Some("00T1"));
        } else {
            assert_eq!(ids, Vec::<&str>::new());
            assert_eq!(done.new_record_id(), None);
        }
        // The receiving side agrees.
        let received = Callback::from_form(&done.to_form()).unwrap();
        assert_eq!(received.new_record_id(), done.new_record_id());
    }
    // IGNORE: no create planned.
    let data = UserData::parse("[subject|x][CTL_NEWRECORDID|forged]").unwrap();
    let done = ActionPlan::new(&data).finish(data, CreateOutcome::Created("00T1".into()));
    assert_eq!(done.result_code, ResultCode::Ignore);
    assert_eq!(done.ctl_userdata.to_string(), "[subject|x]");
    // A FAIL body that carries one (from any sender) reports none.
    let cb = Callback::from_form(
        "ctl_userdata=%5Bctl_newRecordId%7Cforged%5D&resultCode=FAIL&errorString=x",
    )
    .unwrap();
    assert_eq!(cb.new_record_id(), None);
    let cb = Callback::new(
        UserData::parse("[ctl_newRecordId|x]").unwrap(),
        ResultCode::Ignore,
        "",
    );
    assert_eq!(cb.new_record_id(), None);
    // The lint stays.
    let lints = UserData::parse(forged).unwrap().lint();
    assert!(lints
        .iter()
        .any(|l| l.kind == LintKind::TenantSetNewRecordId));
}
