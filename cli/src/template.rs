//! CRM custom-link templates: a link with `{!Object.Field}` merge fields
//! left for the CRM to fill, and filling one as the CRM would.
//
// replaced by clicktodial's Salesforce custom-link templates with merge-field
// fill (issue 13): `salesforce` and `fill` become calls into the library,
// and the encoder below goes.

use std::ops::Range;

use clicktodial::{ClickToDialRequest, UserData};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte outside `A-Z a-z 0-9 - . _ ~` is escaped, as the library's
/// `to_url` does.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The merge fields of `text`: `{!Name}` ranges and their trimmed names.
fn merge_fields(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("{!").map(|i| at + i) {
        let Some(close) = text[open..].find('}').map(|i| open + i) else {
            break;
        };
        out.push((open..close + 1, text[open + 2..close].trim()));
        at = close + 1;
    }
    out
}

/// Percent-encodes `text` for a query value, leaving merge fields as they
/// are (the CRM encodes the values it puts there).
fn encode_keeping_fields(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, _) in merge_fields(text) {
        out.extend(utf8_percent_encode(&text[at..range.start], COMPONENT));
        out.push_str(&text[range.clone()]);
        at = range.end;
    }
    out.extend(utf8_percent_encode(&text[at..], COMPONENT));
    out
}

/// The parts of a link.
#[derive(Debug, Clone, Default)]
pub struct LinkParts {
    pub base: String,
    pub phone: String,
    pub prefix: Option<String>,
    pub caller_id: Option<String>,
    pub data: Option<String>,
}

/// A Salesforce custom link (content source URL): the link with its merge
/// fields intact. Parts without a merge field are checked as the library
/// checks a request.
pub fn salesforce(parts: &LinkParts) -> Result<String, String> {
    let base = url::Url::parse(parts.base.trim()).map_err(|e| format!("--base: {e}"))?;
    if base.scheme() != "https" {
        return Err("--base: the click-to-dial API accepts https only".to_owned());
    }
    let host = base.host_str().ok_or("--base: no host")?;
    let mut out = format!("https://{host}");
    if let Some(port) = base.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str("/AGUI/make_call.php");
    let mut check = ClickToDialRequest::new(fill_sample(&parts.phone, "6505550142"));
    check.prefix = parts.prefix.as_deref().map(|p| fill_sample(p, "1"));
    check.caller_id = parts.caller_id.as_deref().map(|c| fill_sample(c, "1"));
    check.validate().map_err(|e| e.to_string())?;
    let data = parts
        .data
        .as_deref()
        .map(|d| {
            UserData::parse(d)
                .map(|u| u.to_string())
                .map_err(|e| format!("--data: {e}"))
        })
        .transpose()?;
    let mut sep = '?';
    let params = [
        ("prefix", parts.prefix.as_deref()),
        ("phone", Some(parts.phone.as_str())),
        ("callerId", parts.caller_id.as_deref()),
        ("ctl_userdata", data.as_deref()),
    ];
    for (name, value) in params {
        if let Some(value) = value {
            out.push(sep);
            sep = '&';
            out.push_str(name);
            out.push('=');
            out.push_str(&encode_keeping_fields(value));
        }
    }
    Ok(out)
}

/// `text` with each merge field replaced by `sample`, to check the rest.
fn fill_sample(text: &str, sample: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (range, _) in merge_fields(text) {
        out.push_str(&text[at..range.start]);
        out.push_str(sample);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A template filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub link: String,
    /// Merge fields with no value given (left in the link as they were).
    pub missing: Vec<String>,
    /// Values given for fields the template does not have.
    pub unused: Vec<String>,
}

/// Fills `template` as the CRM does: each `{!Object.Field}` (names match in
/// any letter case) becomes its value, percent-encoded.
pub fn fill(template: &str, fields: &[(String, String)]) -> Filled {
    let mut link = String::with_capacity(template.len());
    let mut missing = Vec::new();
    let mut used = vec![false; fields.len()];
    let mut at = 0;
    for (range, name) in merge_fields(template) {
        link.push_str(&template[at..range.start]);
        match fields
            .iter()
            .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(i) => {
                used[i] = true;
                link.extend(utf8_percent_encode(&fields[i].1, COMPONENT));
            }
            None => {
                link.push_str(&template[range.clone()]);
                if !missing
                    .iter()
                    .any(|m: &String| m.eq_ignore_ascii_case(name))
                {
                    missing.push(name.to_owned());
                }
            }
        }
        at = range.end;
    }
    link.push_str(&template[at..]);
    let unused = fields
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|((n, _), _)| n.clone())
        .filter(|n| {
            !fields
                .iter()
                .zip(&used)
                .any(|((m, _), u)| *u && m.eq_ignore_ascii_case(n))
        })
        .collect();
    Filled {
        link,
        missing,
        unused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendor_template_round_trips_through_fill() {
        let parts = LinkParts {
            base: "https://vcc-na4.8x8.com".into(),
            phone: "{!Account.Phone}".into(),
            prefix: Some(String::new()),
            caller_id: Some("5251990".into()),
            data: Some("[WhatId|{!Account.Id}][subject|call $transaction_id$]".into()),
        };
        let template = salesforce(&parts).unwrap();
        assert_eq!(
            template,
            "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=&phone={!Account.Phone}\
             &callerId=5251990&ctl_userdata=%5BWhatId%7C{!Account.Id}%5D%5Bsubject%7Ccall%20%24transaction_id%24%5D"
        );
        let filled = fill(
            &template,
            &[
                ("account.phone".into(), "(650) 555-0142".into()),
                ("Account.Id".into(), "001A000001XyZab".into()),
                ("Contact.Id".into(), "x".into()),
            ],
        );
        assert!(filled.link.contains("phone=%28650%29%20555-0142&"));
        assert!(filled.link.contains("%7C001A000001XyZab%5D"));
        assert!(filled.missing.is_empty());
        assert_eq!(filled.unused, ["Contact.Id"]);
        let req = ClickToDialRequest::from_url(&filled.link).unwrap();
        assert_eq!(req.dial_string(), "6505550142");
        assert_eq!(req.userdata.unwrap().get("WhatId"), Some("001A000001XyZab"));
    }

    #[test]
    fn missing_fields_stay_and_are_named_once() {
        let f = fill("x={!A.b}&y={!a.B}&z={!C", &[]);
        assert_eq!(f.link, "x={!A.b}&y={!a.B}&z={!C");
        assert_eq!(f.missing, ["A.b"]);
    }

    #[test]
    fn a_bad_literal_phone_is_refused() {
        let parts = LinkParts {
            base: "https://h.example.com".into(),
            phone: "call me".into(),
            ..LinkParts::default()
        };
        assert!(salesforce(&parts).unwrap_err().contains("phone"));
    }
}
