//! `ClickToDialRequest::to_url` writes what reads back the same, or
//! refuses it.

use clicktodial::{ClickToDialRequest, RequestErrorKind};

// ---- to_url round trips or refuses ------------------------------------------

#[test]
fn to_url_refuses_what_cannot_round_trip() {
    for (extra, name) in [
        (vec![(" utm".to_string(), "a".to_string())], " utm"),
        (vec![("utm\t".into(), "a".into())], "utm\t"),
        (
            vec![("utm".into(), "a".into()), ("utm".into(), "b".into())],
            "utm",
        ),
        (vec![("".into(), "a".into())], ""),
        (vec![("  ".into(), "a".into())], "  "),
        (vec![("phone".into(), "2".into())], "phone"),
        (
            vec![("ctl_userdata".into(), "[a|b]".into())],
            "ctl_userdata",
        ),
    ] {
        let mut req = ClickToDialRequest::new("1");
        req.extra = extra;
        let err = req.to_url("https://vcc-na4.8x8.com").unwrap_err();
        match err.kind() {
            RequestErrorKind::ExtraParameter { name: got, .. } => assert_eq!(got, name),
            other => panic!("{name:?}: {other:?}"),
        }
        let shown = err.to_string();
        assert!(!shown.contains('\t') && !shown.contains('\n'), "{shown}");
    }
    // What it accepts, it round-trips exactly.
    let mut req = ClickToDialRequest::new("1");
    req.extra = vec![
        ("utm source".into(), " a+b ".into()),
        ("z".into(), "".into()),
    ];
    let url = req.to_url("https://vcc-na4.8x8.com").unwrap();
    assert_eq!(ClickToDialRequest::from_url(&url).unwrap(), req);
}
