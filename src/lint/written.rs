//! Lints of a link as written, beyond what its decoded parameters show: a
//! `#` that cuts the link, a misspelled or differently-cased parameter, a
//! raw `+` that every form decoder reads as a space, and a country code
//! dialled twice.

use std::fmt::Write as _;

use super::{At, LintKind, Lints};
use crate::error::Shown;
use crate::request::link::{self, LinkMap, LinkParam};
use crate::request::ClickToDialRequest;

/// The parameters the contact center reads.
pub(crate) const KNOWN: [&str; 7] = [
    "prefix",
    "phone",
    "callerId",
    "dialplan_id",
    "queue_id",
    "ctl_userdata",
    "extTransactionData",
];

/// How many lost names a message lists before "and N more".
const MAX_NAMED: usize = 5;

/// A name as the suggestion compares it: lower case, no white space.
fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The vendor parameter `name` was meant as: the same name in another case
/// or with white space in it, or one within a small edit distance (two
/// edits, and fewer than a third of the name), by `strsim`'s Levenshtein
/// distance over the folded names.
pub(crate) fn nearest_parameter(name: &str) -> Option<&'static str> {
    let name = folded(name);
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    KNOWN
        .iter()
        .map(|k| (strsim::levenshtein(&name, &folded(k)), *k))
        .min()
        .filter(|(d, k)| *d <= 2 && *d * 3 < k.len())
        .map(|(_, k)| k)
}

/// A list of names for a message: at most [`MAX_NAMED`], each sanitised.
fn named(names: &[String]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().take(MAX_NAMED).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "`{}`", Shown(name));
    }
    if names.len() > MAX_NAMED {
        let _ = write!(out, " and {} more", names.len() - MAX_NAMED);
    }
    out
}

/// The names of the `[name|` pairs in `text` (decoded).
fn pair_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for open in memchr::memchr_iter(b'[', text.as_bytes()) {
        let rest = text.get(open + 1..).unwrap_or_default();
        if let Some(bar) = rest.find(['|', '[', ']']) {
            if rest.as_bytes().get(bar) == Some(&b'|') && bar > 0 {
                names.push(rest.get(..bar).unwrap_or_default().trim().to_owned());
            }
        }
    }
    names
}

/// A `#` outside percent-encoding in a whole link: the fragment starts
/// there, and nothing after it is sent.
pub(super) fn unencoded_hash<'m>(lints: &mut Lints<'m>, text: &str, map: &'m LinkMap) {
    if !link::is_whole_url(text) {
        return;
    }
    let Some(hash) = text.find('#') else {
        return;
    };
    let end = text
        .trim_end_matches(|c: char| c <= ' ')
        .len()
        .max(hash + 1);
    let fragment = text.get(hash + 1..end).unwrap_or_default();
    // The parameter the `#` cuts (its value, or its name, ends there).
    let cut = map
        .params()
        .iter()
        .rev()
        .find(|p| p.value_span().end == hash || p.name_span().end == hash);
    let mut pieces = fragment.split('&');
    let first = pieces.next().unwrap_or_default();
    let mut params: Vec<String> = Vec::new();
    let mut pairs: Vec<String> = Vec::new();
    let cut_name = cut.map(|p| p.name().trim());
    let data = |name: &str| matches!(name, "ctl_userdata" | "extTransactionData");
    if cut_name.is_some_and(data) {
        pairs.extend(pair_names(&link::decode(first, 0..first.len(), true, None)));
    }
    for piece in pieces {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let name = link::decode(name, 0..name.len(), true, None);
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        if data(name) {
            pairs.extend(pair_names(&link::decode(value, 0..value.len(), true, None)));
        }
        params.push(name.to_owned());
    }
    let callback = pairs
        .iter()
        .any(|p| p.eq_ignore_ascii_case("ctl_callbackUrl"));
    let mut lost = Vec::new();
    match &cut_name {
        // Text with an `@` may be a URL's user info (a `#` in a password):
        // never quoted.
        Some(name) if first.contains('@') => lost.push(format!(
            "the rest of `{}` (not shown: it may hold a password)",
            Shown(name)
        )),
        Some(name) if !first.is_empty() => lost.push(format!(
            "the rest of `{}` (`{}`)",
            Shown(name),
            Shown(first)
        )),
        _ => {}
    }
    if !pairs.is_empty() {
        lost.push(format!("the pairs {}", named(&pairs)));
    }
    if !params.is_empty() {
        lost.push(format!("the parameters {}", named(&params)));
    }
    let lost = if lost.is_empty() {
        "the rest of the link".to_owned()
    } else {
        lost.join(", ")
    };
    lints.at = At {
        parameter: cut_name,
        userdata: false,
        link: None,
    };
    lints.push_fix(
        LintKind::UnencodedHash,
        hash..hash + 1,
        "%23".to_owned(),
        || {
            format!(
                "a `#` outside percent-encoding starts the URL's fragment, which is never sent, \
                 so the contact center never gets {lost}{}; write `%23`",
                if callback {
                    " (`ctl_callbackUrl` included, so no callback is made)"
                } else {
                    ""
                }
            )
        },
    );
}

/// Parameters the contact center does not read, but one it does was
/// surely meant (`callerid`, `caller Id`, `Phone`, `ctl_userData`). Other
/// unknown parameters are kept as extras with no finding (CRMs add their
/// own, and the vendor ignores them).
pub(super) fn unknown_parameters<'m>(lints: &mut Lints<'m>, map: &'m LinkMap) {
    for p in map.params() {
        let trimmed = p.name().trim();
        if trimmed.is_empty() || KNOWN.contains(&trimmed) {
            continue;
        }
        let Some(meant) = nearest_parameter(trimmed) else {
            continue;
        };
        let also = map.param(meant).is_some();
        lints.at = At {
            parameter: Some(trimmed),
            userdata: false,
            link: Some(p),
        };
        lints.push_fix(
            LintKind::UnknownParameter,
            p.name_span(),
            meant.to_owned(),
            || {
                let why = if trimmed.eq_ignore_ascii_case(meant) {
                    "names are case-sensitive"
                } else {
                    "it is not a click-to-dial parameter"
                };
                let then = if also {
                    format!(" (`{meant}` is given too, and only `{meant}` is read)")
                } else {
                    String::new()
                };
                format!(
                    "parameter `{}` is ignored ({why}); did you mean `{meant}`?{then}",
                    Shown(p.name())
                )
            },
        );
    }
}

/// Whether the raw `+` at `at` of `text` stands where a number starts: at
/// the start of a value, or of a pair's value (after `|` or `%7C`).
fn starts_a_value(text: &str, param: &LinkParam, at: usize) -> bool {
    let before = text.get(param.value_span().start..at).unwrap_or_default();
    before.trim_end().is_empty()
        || before.ends_with('|')
        || before
            .get(before.len().saturating_sub(3)..)
            .is_some_and(|t| t.eq_ignore_ascii_case("%7C"))
}

/// A raw `+` before a digit that starts a value or a pair's value
/// (`phone=+1650…`, `[Phone|+1650…]`): a space to every form decoder, so
/// the `+` that marks an international number is lost. Elsewhere a `+` is
/// the usual encoding of a space (`650+555+0100`, `Call+2+times`).
pub(super) fn raw_plus<'m>(lints: &mut Lints<'m>, text: &str, map: &'m LinkMap) {
    let bytes = text.as_bytes();
    for p in map.params() {
        let name = p.name().trim();
        let span = p.value_span();
        let raw = bytes.get(span.clone()).unwrap_or_default();
        for i in memchr::memchr_iter(b'+', raw) {
            let at = span.start + i;
            if !bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
                continue;
            }
            if !starts_a_value(text, p, at) {
                continue;
            }
            lints.at = At {
                parameter: Some(name),
                userdata: false,
                link: Some(p),
            };
            lints.push_fix(LintKind::RawPlus, at..at + 1, "%2B".to_owned(), || {
                format!(
                    "`{}`: a raw `+` is read as a space by every form decoder, so `+{}` arrives \
                     without its `+`; write `%2B`",
                    Shown(name),
                    char::from(bytes.get(at + 1).copied().unwrap_or(b'0'))
                )
            });
        }
    }
}

/// Whether `phone` starts with `+` (after white space), or, in the link,
/// with a raw `+` that decoding turned into a space.
fn starts_with_plus(req: &ClickToDialRequest, map: Option<(&str, &LinkMap)>) -> bool {
    if req.phone.trim_start().starts_with('+') {
        return true;
    }
    map.and_then(|(text, map)| {
        let span = map.param("phone")?.value_span();
        Some(text.get(span)?.trim_start().starts_with('+'))
    })
    .unwrap_or(false)
}

/// A `prefix` and a `phone` that starts with `+` and the prefix's digits:
/// the country code is dialled twice. The message states the dial string
/// as [`ClickToDialRequest::dial_string`] makes it.
pub(super) fn country_code_twice<'m>(
    lints: &mut Lints<'m>,
    req: &ClickToDialRequest,
    map: Option<(&str, &'m LinkMap)>,
) {
    let Some(prefix) = req.prefix.as_deref().filter(|p| !p.is_empty()) else {
        return;
    };
    if !starts_with_plus(req, map) || !req.number().starts_with(prefix) {
        return;
    }
    let param = map.and_then(|(_, m)| m.param("prefix"));
    lints.at = At {
        parameter: Some("prefix"),
        userdata: false,
        link: param,
    };
    let span = param.map(LinkParam::value_span);
    let message = || {
        format!(
            "`prefix` `{}` and a `phone` that starts with `+{}`: the country code is dialled \
             twice (the call goes to `{}`); drop the prefix, or the `+{}` from the phone",
            Shown(prefix),
            Shown(prefix),
            req.dial_string(),
            Shown(prefix)
        )
    };
    match span {
        Some(span) => lints.push_fix(LintKind::CountryCodeTwice, span, String::new(), message),
        None => lints.push_placed(LintKind::CountryCodeTwice, None, None, message),
    }
}
