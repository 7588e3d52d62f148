//! The checks behind every fuzz target, shared with the stable replay test
//! (`tests/suite/fuzz_corpus.rs` includes this file), so a crash once found stays
//! fixed. This file and the corpora (`tests/fuzz/corpus/<target>/`) live
//! under `tests/` so the published crate's tests have them; the targets in
//! `fuzz/` include this file by path. Each function takes the raw fuzz input and panics on a violated
//! invariant.
#![allow(dead_code)]

use std::borrow::Cow;

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Utc};
use clicktodial::{
    check_callback_url, expand, ActionPlan, CallContext, Callback, CallbackPolicy,
    ClickToDialRequest, Lint, LintKind, RequestErrorKind, ResultCode, Screenpop, SfdcCreate,
    SystemData, Template, Token, TokenValues, TransactionCode, UserData,
};

/// Runs the check named like a fuzz target (and its corpus directory).
pub fn run(target: &str, data: &[u8]) -> bool {
    match target {
        "userdata" => userdata(data),
        "request" => request(data),
        "expand" => expand_differential(data),
        "callback_form" => callback_form(data),
        "injection" => injection(data),
        "callback_url" => callback_url(data),
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
            one_line(&err.to_string());
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
        one_line(&d.to_string());
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
    for err in parsed.iter().filter_map(|r| r.as_ref().err()) {
        one_line(&err.to_string());
    }
    for req in parsed.into_iter().flatten() {
        let url = req
            .to_url("https://vcc-na4.8x8.com/AGUI/")
            .expect("a parsed request builds a link");
        let back = ClickToDialRequest::from_url(&url).expect("a built link parses");
        assert_eq!(back, req, "to_url then from_url changed the request");
        let _ = req.dial_string();
    }
    if let Err(err) = ClickToDialRequest::from_url(input) {
        one_line(&err.to_string());
    }
    // Errors and lenient findings point into the text they were read from,
    // on character boundaries; the lenient read refuses only what the
    // strict one refuses for the dial parameters.
    let placed = |text: &str, span: Option<std::ops::Range<usize>>| {
        if let Some(span) = span {
            assert!(text.get(span).is_some(), "a span outside the text");
        }
    };
    if let Err(err) = ClickToDialRequest::from_query(query) {
        placed(query, err.span());
    }
    match ClickToDialRequest::from_query_and_form_lenient(query, form) {
        Ok((req, findings)) => {
            let _ = (req.number(), req.extension());
            for f in findings {
                one_line(&f.to_string());
                placed(if f.in_body() { form } else { query }, f.span());
            }
        }
        Err(err) => {
            one_line(&err.to_string());
            placed(if err.in_body() { form } else { query }, err.span());
        }
    }
    let map = clicktodial::LinkMap::new(input);
    for p in map.params() {
        assert!(input.get(p.name_span()).is_some() && input.get(p.value_span()).is_some());
    }
    // Lints of the link as given point into it; template lints into the
    // template.
    for text in [query, input] {
        if let Ok(lints) = ClickToDialRequest::lint_link(text) {
            check_link_lints(&lints, text);
        }
    }
    check_link_lints(&clicktodial::LinkTemplate::lint_text(input), input);
}

/// Lints of a text given as a whole (`lint_link`, `lint_text`): as
/// [`check_lints`], and every link span inside the text, every
/// `ctl_userdata` span inside that parameter's decoded value.
pub fn check_link_lints(lints: &[Lint], text: &str) {
    let map = clicktodial::LinkMap::new(text);
    let userdata = map.value("ctl_userdata");
    for lint in lints {
        if let Some(span) = lint.link_span() {
            assert!(
                text.get(span.clone()).is_some(),
                "link span {span:?} outside the text"
            );
        }
        if lint.span().is_some() {
            assert_eq!(lint.parameter(), Some("ctl_userdata"), "{lint:?}");
        }
    }
    check_lints(lints, userdata);
}

/// Error messages are one line (the crate's rule: "Errors say what was wrong and
/// where, in one line"): outside text in them is escaped.
pub fn one_line(message: &str) {
    assert!(
        !message
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')),
        "an error message that is not one line: {message:?}"
    );
}

// ---- expand ----------------------------------------------------------------

/// The value of `token` in `ctx`, written the obvious way with chrono's own
/// formatting (the crate formats into a fixed buffer instead).
pub fn reference_value(ctx: &CallContext, token: Token) -> String {
    use chrono::{Offset, TimeZone};
    // A time in the tenant zone, or in UTC with `+0000` when the shifted time
    // leaves chrono's range (see the CallContext docs).
    let tenant = |t: DateTime<Utc>, fmt: &str| {
        let offset = ctx.tenant_tz.offset_from_utc_datetime(&t.naive_utc()).fix();
        match t.naive_utc().checked_add_offset(offset) {
            Some(_) => t.with_timezone(&offset).format(fmt).to_string(),
            None => t.format(&fmt.replace("%z", "+0000")).to_string(),
        }
    };
    let last = ctx.transaction_codes.last();
    match token {
        Token::CallerId => ctx.caller_id.clone(),
        Token::TransactionId => ctx.transaction_id.clone(),
        Token::InteractionGuid => ctx.interaction_guid.clone(),
        Token::Notes => ctx.notes.clone(),
        Token::CallAnsweredTime => ctx.answered_at.map_or(0, |t| t.timestamp()).to_string(),
        // A call never answered was not established: no hang-up values.
        Token::CallHangupTime => ctx
            .answered_at
            .and(ctx.hangup_at)
            .map_or(0, |t| t.timestamp())
            .to_string(),
        Token::CallAnsweredTenantTime => ctx
            .answered_at
            .map(|t| tenant(t, "%Y/%m/%d %H:%M:%S %z"))
            .unwrap_or_default(),
        Token::CallHangupTenantTime => ctx
            .answered_at
            .and(ctx.hangup_at)
            .map(|t| tenant(t, "%Y/%m/%d %H:%M:%S %z"))
            .unwrap_or_default(),
        Token::CallDuration => {
            let secs = match (ctx.answered_at, ctx.hangup_at) {
                (Some(a), Some(h)) => h.timestamp().saturating_sub(a.timestamp()).max(0),
                _ => 0,
            };
            format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
        }
        Token::Equal => "=".to_owned(),
        Token::Year => tenant(ctx.now, "%Y"),
        Token::Month => tenant(ctx.now, "%m"),
        Token::Date => tenant(ctx.now, "%d"),
        Token::Hours => tenant(ctx.now, "%H"),
        Token::Minutes => tenant(ctx.now, "%M"),
        Token::Seconds => tenant(ctx.now, "%S"),
        Token::TransactionCodes => ctx
            .transaction_codes
            .iter()
            .map(|c| format!("{}:{}", c.list_name, c.short_code))
            .collect::<Vec<_>>()
            .join(","),
        Token::LastTclListName => last.map(|c| c.list_name.clone()).unwrap_or_default(),
        Token::LastTclCodeDesc => last.map(|c| c.description.clone()).unwrap_or_default(),
        Token::LastTclCodeShort => last.map(|c| c.short_code.clone()).unwrap_or_default(),
        _ => panic!("a token the reference does not know: {token:?}"),
    }
}

/// The obvious expander: scan the characters; at a `$`, try each of the
/// twenty names followed by `$`; otherwise the character is literal. Text a
/// token brings in is appended, never scanned. Returns the tokens found too.
pub fn reference_expand(input: &str, ctx: &CallContext) -> (String, Vec<Token>) {
    let mut out = String::new();
    let mut tokens = Vec::new();
    let mut rest = input;
    while let Some(c) = rest.chars().next() {
        if c == '$' {
            let after = &rest[1..];
            let found = Token::ALL
                .iter()
                .copied()
                .find(|t| after.starts_with(t.name()) && after[t.name().len()..].starts_with('$'));
            if let Some(t) = found {
                out.push_str(&reference_value(ctx, t));
                tokens.push(t);
                rest = &after[t.name().len() + 1..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (out, tokens)
}

/// A time from Unix seconds, folded into chrono's range.
fn time(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0)
        .or_else(|| DateTime::from_timestamp(secs % 100_000_000_000, 0))
        .unwrap_or_default()
}

fn zone(index: u64) -> chrono_tz::Tz {
    let zones = &chrono_tz::TZ_VARIANTS;
    zones[(index % zones.len() as u64) as usize]
}

/// A context whose values are hostile: `$`, token names, `]`, `|`, escapes.
pub fn rich_context() -> CallContext {
    CallContext {
        caller_id: "$caller_id$".into(),
        transaction_id: "T-$notes$-]|[".into(),
        interaction_guid: "g|u]i[d%5D%7C$".into(),
        answered_at: Some(time(1_705_341_600)),
        hangup_at: Some(time(1_705_341_870)),
        now: time(1_709_262_000),
        tenant_tz: chrono_tz::America::Los_Angeles,
        transaction_codes: vec![
            TransactionCode {
                list_name: "Sales|x".into(),
                short_code: "W$ON]".into(),
                description: "Closed $equal$ won".into(),
            },
            TransactionCode {
                list_name: "Sup]port".into(),
                short_code: "$".into(),
                description: "$lastTclCodeDesc$ %25".into(),
            },
        ],
        notes: "said $ ][ctl_action|create] $transaction_id$ $".into(),
    }
}

/// `expand`: the input is a template, optionally followed by lines that
/// replace the rich context's fields: caller id, transaction id, interaction
/// guid, notes, transaction codes (`list:short:description` joined by `,`),
/// then `answered hangup now zone` as integers (`-` for no call time).
/// `expand` and `Template` agree with the reference expander; `expand`
/// borrows when there is no token; substituted text is never expanded again.
pub fn expand_differential(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = input.split('\n');
    let template = lines.next().unwrap_or("");
    let ctx = context_from_lines(lines);
    check_expand(template, &ctx);
}

/// The rich context with fields replaced by `lines`, as `expand` reads them.
pub fn context_from_lines<'a>(lines: impl Iterator<Item = &'a str>) -> CallContext {
    let mut ctx = rich_context();
    for (i, line) in lines.enumerate() {
        match i {
            0 => ctx.caller_id = line.to_owned(),
            1 => ctx.transaction_id = line.to_owned(),
            2 => ctx.interaction_guid = line.to_owned(),
            3 => ctx.notes = line.to_owned(),
            4 => {
                ctx.transaction_codes = line
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(|c| {
                        let mut parts = c.splitn(3, ':');
                        let mut next = || parts.next().unwrap_or("").to_owned();
                        TransactionCode {
                            list_name: next(),
                            short_code: next(),
                            description: next(),
                        }
                    })
                    .collect()
            }
            5 => {
                let mut numbers = line.split_whitespace();
                let mut next = || numbers.next().and_then(|n| n.parse::<i64>().ok());
                ctx.answered_at = next().map(time);
                ctx.hangup_at = next().map(time);
                ctx.now = next().map(time).unwrap_or_default();
                ctx.tenant_tz = zone(next().unwrap_or(0).unsigned_abs());
            }
            _ => break,
        }
    }
    ctx
}

/// The expansion checks for one value and context.
pub fn check_expand(input: &str, ctx: &CallContext) {
    let (expected, tokens) = reference_expand(input, ctx);
    let got = expand(input, ctx);
    assert_eq!(got, expected, "expand differs from the reference");
    if tokens.is_empty() {
        assert!(
            matches!(got, Cow::Borrowed(_)),
            "no token, yet not borrowed"
        );
    }
    let template = Template::compile(input);
    assert_eq!(template.expand(ctx), expected, "Template differs");
    assert_eq!(template.tokens().collect::<Vec<_>>(), tokens);
    assert_eq!(template.to_string(), input);
    let mut out = String::from("kept|");
    template.expand_into(ctx, &mut out);
    assert_eq!(out, format!("kept|{expected}"));
    // One cache for two templates gives each the same text as a fresh one.
    let mut values = TokenValues::new(ctx);
    let (mut a, mut b) = (String::new(), String::new());
    template.expand_with(&mut values, &mut a);
    template.expand_with(&mut values, &mut b);
    assert_eq!((a.as_str(), b.as_str()), (&*expected, &*expected));
    for t in tokens {
        assert_eq!(ctx.value(t), reference_value(ctx, t), "value of {t:?}");
    }
}

// ---- callback_form -----------------------------------------------------------

/// `callback_form`: `from_form` never panics; a parsed callback's `to_form`
/// parses back to it. The input also builds callbacks (lenient data, the
/// input as error string and as record id) that must round trip.
pub fn callback_form(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match Callback::from_form(input) {
        Ok(cb) => {
            let body = cb.to_form();
            let back = Callback::from_form(&body).expect("a written body parses");
            assert_eq!(back, cb, "to_form then from_form changed the callback");
            assert_eq!(
                back.to_form(),
                body,
                "the written body is not a fixed point"
            );
        }
        Err(err) => {
            assert!(err.offset() <= input.len(), "offset past the body: {err}");
            one_line(&err.to_string());
        }
    }
    let (userdata, _) = UserData::parse_lenient(input);
    for code in [ResultCode::Success, ResultCode::Fail, ResultCode::Ignore] {
        round_trip_callback(&Callback::new(userdata.clone(), code, input));
    }
    let cb = Callback::success(userdata, input);
    assert_eq!(cb.new_record_id(), Some(input));
    round_trip_callback(&cb);
}

fn round_trip_callback(cb: &Callback) {
    let body = cb.to_form();
    let back = Callback::from_form(&body).expect("a written body parses");
    assert_eq!(&back, cb, "to_form then from_form changed the callback");
    assert_eq!(back.new_record_id(), cb.new_record_id());
}

/// Every lint message is one line and at most `Lint::MAX_MESSAGE_LEN` bytes;
/// a span lies inside `text` on character boundaries (none without text).
pub fn check_lints(lints: &[Lint], text: Option<&str>) {
    let mut per_kind = std::collections::HashMap::new();
    for lint in lints {
        one_line(&lint.message);
        assert!(
            lint.message.len() <= Lint::MAX_MESSAGE_LEN,
            "a lint message of {} bytes",
            lint.message.len()
        );
        *per_kind.entry(lint.kind).or_insert(0usize) += 1;
        match (lint.span(), text) {
            (Some(span), Some(text)) => assert!(
                text.get(span.clone()).is_some(),
                "span {span:?} outside the text"
            ),
            (Some(span), None) => panic!("a span {span:?} on data with no text"),
            (None, _) => {}
        }
    }
    for (kind, n) in per_kind {
        assert!(n <= Lint::MAX_PER_KIND + 1, "{n} lints of {kind:?}");
    }
}

// ---- injection ---------------------------------------------------------------

/// Pieces the fuzzer would take long to find on its own.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "|",
    "%",
    "%5D",
    "%5d",
    "%5B",
    "%7C",
    "%7c",
    "%25",
    "%%",
    "$",
    "$$",
    "$notes$",
    "$caller_id$",
    "$transaction_id$",
    "$interaction_guid$",
    "$transaction_codes$",
    "$lastTclCodeDesc$",
    "$lastTclListName$",
    "$lastTclCodeShort$",
    "$equal$",
    "$callDuration$",
    "$callAnsweredTenantTT$",
    "$call_hangup_time$",
    "$year$",
    "&",
    "=",
    "+",
    " ",
    "\n",
    "\t",
    "\r",
    "ctl_",
    "ctl_newRecordId",
    "CTL_NEWRECORDID",
    "ctl_action",
    "ctl_intType",
    "create",
    "sfdc",
    "ObjectType",
    "ctl_callbackUrl",
    "http://127.0.0.1/",
    "https://crm.example.com/cb?x=",
    "][ctl_action|create]",
    "resultCode=FAIL",
    "&ctl_userdata=",
    "\"",
    "\\",
    "\u{2028}",
    "é",
    "\u{FFFD}",
    "\0",
];

#[derive(Debug, Arbitrary)]
enum Piece {
    Text(String),
    Fragment(u8),
}

/// Text built from arbitrary strings and hostile fragments.
#[derive(Debug, Arbitrary)]
struct Text(Vec<Piece>);

impl Text {
    fn build(&self) -> String {
        let mut s = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => s.push_str(t),
                Piece::Fragment(i) => s.push_str(FRAGMENTS[usize::from(*i) % FRAGMENTS.len()]),
            }
        }
        s
    }
}

#[derive(Debug, Arbitrary)]
struct Context {
    caller_id: Text,
    transaction_id: Text,
    interaction_guid: Text,
    notes: Text,
    codes: Vec<(Text, Text, Text)>,
    answered_at: Option<i64>,
    hangup_at: Option<i64>,
    now: i64,
    zone: u16,
}

#[derive(Debug, Arbitrary)]
struct Injection {
    /// Some: the data starts with `[ctl_action|create][ctl_intType|sfdc]`
    /// and this `ObjectType` (`Task` when empty), so the SFDC create is
    /// reached.
    create: Option<Text>,
    pairs: Vec<(Text, Text)>,
    context: Context,
    error_string: Text,
    record_id: Text,
    agent_id: Text,
    username: Text,
    password: Text,
    account: Text,
    role: Text,
}

/// `injection`: arbitrary pairs and an arbitrary hostile context, end to end.
/// Expanding keeps every name and the count and expands each value as the
/// reference does; the expanded data's text parses back to the same pairs;
/// the callback body round trips; the screenpop body decodes back to that
/// text; the SFDC create holds exactly the user fields; nothing panics.
pub fn injection(data: &[u8]) {
    let Ok(input) = Injection::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let c = &input.context;
    let ctx = CallContext {
        caller_id: c.caller_id.build(),
        transaction_id: c.transaction_id.build(),
        interaction_guid: c.interaction_guid.build(),
        answered_at: c.answered_at.map(time),
        hangup_at: c.hangup_at.map(time),
        now: time(c.now),
        tenant_tz: zone(u64::from(c.zone)),
        transaction_codes: c
            .codes
            .iter()
            .map(|(l, s, d)| TransactionCode {
                list_name: l.build(),
                short_code: s.build(),
                description: d.build(),
            })
            .collect(),
        notes: c.notes.build(),
    };

    let mut userdata = UserData::new();
    let mut pairs = Vec::new();
    let create = input.create.as_ref().map(|object_type| {
        let object_type = Some(object_type.build()).filter(|t| !t.is_empty());
        [
            ("ctl_action".to_owned(), "create".to_owned()),
            ("ctl_intType".to_owned(), "sfdc".to_owned()),
            (
                "ObjectType".to_owned(),
                object_type.unwrap_or("Task".to_owned()),
            ),
        ]
    });
    let built = input.pairs.iter().map(|(n, v)| (n.build(), v.build()));
    for (name, value) in create.into_iter().flatten().chain(built) {
        let pushed = userdata.push(name.clone(), value.clone());
        assert_eq!(
            pushed.is_err(),
            name.is_empty(),
            "push refuses only an empty name"
        );
        if pushed.is_ok() {
            pairs.push((name, value));
        }
    }
    assert_eq!(userdata.len(), pairs.len());
    check_lints(&userdata.lint(), None);
    let _ = userdata.system();

    // Expansion: same names, same count, each value as the reference has it.
    let expanded = userdata.expand(&ctx);
    assert_eq!(
        expanded.len(),
        pairs.len(),
        "expansion changed the pair count"
    );
    for ((name, value), (got_name, got_value)) in pairs.iter().zip(expanded.iter()) {
        assert_eq!(got_name, name, "expansion changed a name");
        assert_eq!(
            got_value,
            reference_expand(value, &ctx).0,
            "expanded value differs"
        );
        assert_eq!(got_value, expand(value, &ctx));
    }

    // The text of the expanded data parses back to the same pairs, strictly
    // and leniently; the context cannot add, end or change a pair.
    let text = expanded.to_string();
    let back = UserData::parse(&text).expect("the expanded data's text parses");
    assert_eq!(
        back, expanded,
        "Display then parse changed the expanded pairs"
    );
    let (lenient, diags) = UserData::parse_lenient(&text);
    assert!(diags.is_empty(), "diagnostics on written text: {diags:?}");
    assert_eq!(lenient, expanded);
    assert_eq!(back.system(), expanded.system());
    check_lints(&expanded.lint(), None);
    // Parsed from text, the lints point into that text.
    check_lints(&back.lint(), Some(&text));

    // The callback body round trips, for every code and after a create.
    let error_string = input.error_string.build();
    for code in [ResultCode::Success, ResultCode::Fail, ResultCode::Ignore] {
        round_trip_callback(&Callback::new(expanded.clone(), code, error_string.clone()));
    }
    let record_id = input.record_id.build();
    let created = Callback::success(expanded.clone(), record_id.clone());
    assert_eq!(created.new_record_id(), Some(record_id.as_str()));
    let kept = expanded
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("ctl_newRecordId"))
        .count();
    assert_eq!(created.ctl_userdata.len(), kept + 1);
    round_trip_callback(&created);
    // FAIL and IGNORE never carry a record id, whatever the data held.
    for cb in [
        Callback::fail(expanded.clone(), error_string.clone()),
        Callback::ignore(expanded.clone()),
    ] {
        assert_eq!(cb.new_record_id(), None);
        assert_eq!(cb.ctl_userdata.len(), kept);
        round_trip_callback(&cb);
    }

    // The screenpop body decodes back to its fields, CtlUserData to the data.
    let pop = Screenpop {
        agent_id: input.agent_id.build(),
        username: input.username.build(),
        password: input.password.build(),
        account: input.account.build(),
        role: input.role.build(),
        ..Screenpop::for_userdata(&expanded)
    };
    assert_eq!(pop.ctl_userdata, text);
    let body = pop.to_form();
    let decoded: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let fields: Vec<(String, String)> = pop
        .fields()
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(
        decoded, fields,
        "the screenpop body does not decode to its fields"
    );
    let popped = UserData::parse(&decoded[0].1).expect("CtlUserData parses");
    assert_eq!(popped, expanded);
    let no_password = Screenpop {
        password: String::new(),
        ..pop.clone()
    };
    assert_eq!(
        format!("{pop:?}"),
        format!("{no_password:?}"),
        "Debug shows the password"
    );

    // The SFDC create: exactly the user fields, valid JSON with the last values.
    if let Some(create) = SfdcCreate::from_userdata(&expanded) {
        let expected: Vec<(String, String)> = expanded
            .user_fields()
            .filter(|(n, _)| *n != "ObjectType")
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(create.fields, expected);
        let json: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&create.to_json()).expect("to_json writes a JSON object");
        for (name, _) in &create.fields {
            let last = create.fields.iter().rev().find(|(n, _)| n == name).unwrap();
            assert_eq!(
                json.get(name).and_then(|v| v.as_str()),
                Some(last.1.as_str())
            );
        }
        assert_eq!(json.len(), {
            let mut names: Vec<&String> = create.fields.iter().map(|(n, _)| n).collect();
            names.sort();
            names.dedup();
            names.len()
        });
        let path = create.path("v59.0");
        assert!(path.starts_with("/services/data/v59.0/sobjects/") && path.ends_with('/'));
        assert_eq!(
            path.matches('/').count(),
            6,
            "the sObject left its segment: {path}"
        );
    }

    // The expanded callback URL is checked without a panic.
    if let Some(url) = expanded.system().callback_url {
        let _ = check_callback_url(&url, &CallbackPolicy::default());
        let _ = check_callback_url(
            &url,
            &CallbackPolicy {
                require_https: true,
                allow_private_hosts: true,
            },
        );
    }
}

// ---- callback_url --------------------------------------------------------------

/// The tenant's scheme, host, port and query keys, as the URL parser reads
/// them.
fn target(url: &url::Url) -> (String, Option<String>, Option<u16>, Vec<String>) {
    (
        url.scheme().to_owned(),
        url.host_str().map(str::to_owned),
        url.port_or_known_default(),
        url.query_pairs().map(|(k, _)| k.into_owned()).collect(),
    )
}

/// `callback_url`: the first line is a `ctl_callbackUrl` template, the next
/// lines replace the context's fields as for `expand`. An expanded callback
/// URL keeps the tenant's scheme, host, port and query keys (those of the
/// template with every token read as `x`); a refusal is one line; the lint
/// reports a misplaced token exactly when the expansion refuses one.
pub fn callback_url(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = input.split('\n');
    let template = lines.next().unwrap_or("");
    let ctx = context_from_lines(lines);
    let mut userdata = UserData::new();
    userdata
        .push("ctl_callbackUrl", template)
        .expect("a name that is not empty");
    let plan = ActionPlan::new(&userdata);
    let lax = CallbackPolicy {
        allow_private_hosts: true,
        ..CallbackPolicy::default()
    };
    let misplaced_lint = userdata
        .lint()
        .iter()
        .any(|l| l.kind == LintKind::CallbackUrlToken);
    check_lints(&userdata.lint(), None);
    let Some(result) = plan.callback(&ctx, &lax) else {
        assert!(template.trim().is_empty(), "no callback for {template:?}");
        return;
    };
    let _ = plan.callback(&ctx, &CallbackPolicy::default());
    let mut plain = template.to_owned();
    for t in Token::ALL {
        plain = plain.replace(&format!("${}$", t.name()), "x");
    }
    match result {
        Ok(url) => {
            assert!(
                !misplaced_lint,
                "the lint refuses what the expansion took: {template:?}"
            );
            let tenant = url::Url::parse(&plain)
                .unwrap_or_else(|e| panic!("{template:?} expands to {url} but reads as {e}"));
            assert_eq!(
                target(&url),
                target(&tenant),
                "call data changed where the callback goes: {template:?} -> {url}"
            );
        }
        Err(err) => {
            one_line(&err.to_string());
            if let RequestErrorKind::CallbackToken { part, .. } = err.kind() {
                assert_eq!(
                    misplaced_lint,
                    !part.starts_with("path"),
                    "lint and expansion disagree on {template:?}: {err}"
                );
            }
        }
    }
}
