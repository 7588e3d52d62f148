//! The checks behind every fuzz target, shared with the stable replay test
//! (`tests/fuzz_corpus.rs` includes this file), so a crash once found stays
//! fixed. Each function takes the raw fuzz input and panics on a violated
//! invariant.
#![allow(dead_code)]

use clicktodial::{ClickToDialRequest, SystemData, UserData};

/// Runs the check named like a fuzz target (and its corpus directory).
pub fn run(target: &str, data: &[u8]) -> bool {
    match target {
        "userdata" => userdata(data),
        "request" => request(data),
        _ => return false,
    }
    true
}

/// `userdata`: strict and lenient agree; lenient never fails; Display then
/// parse gives the same pairs.
pub fn userdata(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (lenient, diags) = UserData::parse_lenient(input);
    match UserData::parse(input) {
        Ok(strict) => {
            assert_eq!(lenient, strict, "lenient and strict differ");
            assert!(diags.is_empty(), "diagnostics on valid input: {diags:?}");
        }
        Err(err) => {
            assert!(err.offset() <= input.len());
            let first = diags.first().expect("lenient reports the strict error");
            assert_eq!(first.kind(), err.kind());
            // Every pair strict accepted before its error, lenient returns.
            let before = input.get(..first.span().start).expect("span on a boundary");
            let prefix = UserData::parse(before).expect("text before the first error parses");
            assert!(prefix.len() <= lenient.len());
            assert!(prefix.iter().zip(lenient.iter()).all(|(a, b)| a == b));
        }
    }
    let mut last = 0;
    for d in &diags {
        let span = d.span();
        assert!(last <= span.start && span.start < span.end && span.end <= input.len());
        assert!(input.is_char_boundary(span.start) && input.is_char_boundary(span.end));
        last = span.end;
    }
    let text = lenient.to_string();
    let back = UserData::parse(&text).expect("the canonical form parses");
    assert_eq!(back, lenient, "Display then parse changed the pairs");
    assert_eq!(
        back.to_string(),
        text,
        "the canonical form is not a fixed point"
    );
    let (system, _) = SystemData::from_userdata_lenient(&lenient);
    assert_eq!(system, lenient.system());
}

/// `request`: the input is a query, then optionally a line break and a POST
/// body. Parsing never panics; a parsed request's link parses back to it.
pub fn request(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (query, form) = input.split_once('\n').unwrap_or((input, ""));
    let parsed = [
        ClickToDialRequest::from_query(query),
        ClickToDialRequest::from_query_and_form(query, form),
    ];
    for req in parsed.into_iter().flatten() {
        let url = req
            .to_url("https://vcc-na4.8x8.com/AGUI/")
            .expect("a parsed request builds a link");
        let back = ClickToDialRequest::from_url(&url).expect("a built link parses");
        assert_eq!(back, req, "to_url then from_url changed the request");
        let _ = req.dial_string();
    }
    let _ = ClickToDialRequest::from_url(input);
}
