//! The committed JSON Schemas (`report/schema/*.json`) are the schemas of
//! the report structs: this test fails when one is out of date. Write them
//! anew with `UPDATE_SCHEMAS=1 cargo test -p clicktodial-report --test schema`.

use std::path::Path;

#[test]
fn the_committed_schemas_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (file, write) in clicktodial_report::SCHEMAS {
        let path = dir.join(file);
        let fresh = write();
        if update {
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != fresh {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; run UPDATE_SCHEMAS=1 cargo test -p clicktodial-report --test schema"
    );
}

#[test]
fn a_schema_names_the_camel_case_keys_and_no_snake_case_one() {
    let explain = clicktodial_report::schema_json("explain").unwrap();
    for key in [
        "dialString",
        "readAs",
        "userData",
        "extTransactionData",
        "callbackUrl",
    ] {
        assert!(explain.contains(&format!("\"{key}\"")), "{key}");
    }
    for key in ["dial_string", "user_data", "callback_url", "read_as"] {
        assert!(!explain.contains(&format!("\"{key}\"")), "{key}");
    }
    let simulate = clicktodial_report::schema_json("simulate").unwrap();
    assert!(simulate.contains("\"resultCode\"") && simulate.contains("\"callbackError\""));
}
