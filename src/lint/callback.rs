//! Lints of `ctl_callbackUrl`: plain `http`, tokens and merge fields where
//! call data would decide where the callback goes, user info never quoted.

use std::ops::Range;

use super::values::{secret_until, value_summary, Place};
use super::{Lint, LintKind, Lints};
use crate::error::Shown;
use crate::payload::policy::misplaced_token;
use crate::request::link;
use crate::url_parts::UrlParts;
use crate::userdata::Pair;

/// The `ctl_callbackUrl` that counts: plain http, and tokens where call data
/// may not go.
pub(super) fn callback_url(lints: &mut Lints<'_>, pair: &Pair<'_>) {
    let url = pair.value();
    let place = Place::of(pair);
    if UrlParts::of(url).scheme_is("http") {
        lints.push(LintKind::InsecureCallbackUrl, place.pair.clone(), || {
            format!(
                "`ctl_callbackUrl` `{}` uses plain http, so the call data travels unencrypted; use https",
                Shown(&redact_userinfo(url))
            )
        });
    }
    callback_query_names(lints, pair, &place);
    callback_host_merge_field(lints, pair, &place);
    if let Some(m) = misplaced_token(url) {
        let span = place.in_value(url, m.range.clone());
        // Before the last `@` (a token's `$` is none): maybe user info.
        let hidden = url.get(m.range.start..).is_some_and(|r| r.contains('@'));
        lints.push(LintKind::CallbackUrlToken, span, || {
            let token = if hidden {
                "a token (not shown)".to_owned()
            } else {
                format!("`${}$`", m.token.name())
            };
            format!(
                "`ctl_callbackUrl`: {token} is in the {}, and call data may not decide where a \
                 callback goes, so the callback is refused; put tokens in the path or a query value",
                m.part
            )
        });
    }
}

/// Query parameters of `ctl_callbackUrl` whose names, decoded, have white
/// space around them (Example 3 as printed: `callback?%20%20transaction=`).
pub(super) fn callback_query_names(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let url = pair.value();
    let Some(query) = link::url_query(url) else {
        return;
    };
    let secret = secret_until(pair.name(), url);
    let mut count = 0;
    link::split(url, query, |name_span, _| {
        let name = link::decode(url, name_span.clone(), false, None);
        let trimmed = name.trim();
        if trimmed.is_empty() || trimmed == name {
            return;
        }
        count += 1;
        if count > Lint::MAX_PER_VALUE {
            return;
        }
        let hidden = name_span.start < secret;
        let span = place.in_value(url, name_span.clone());
        lints.push(LintKind::WhiteSpaceInParameterName, span, || {
            if hidden {
                return "`ctl_callbackUrl`: a query parameter (not shown: the URL may hold a \
                        password) has white space around its name; remove it"
                    .to_owned();
            }
            format!(
                "`ctl_callbackUrl`: the query parameter `{}` has white space around its name, as \
                 a wrapped line leaves, so the callback's receiver gets no `{}`; write `{}`",
                Shown(&name),
                Shown(trimmed),
                Shown(trimmed)
            )
        });
    });
    value_summary(
        lints,
        LintKind::WhiteSpaceInParameterName,
        pair.name(),
        place,
        count,
    );
}

/// A CRM merge field in the host (or port) of `ctl_callbackUrl`.
pub(super) fn callback_host_merge_field(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let url = pair.value();
    let Some(Range {
        start: host,
        end: authority_end,
    }) = UrlParts::of(url).host(url)
    else {
        return;
    };
    let bytes = url.as_bytes();
    let Some(start) = bytes
        .get(host..authority_end)
        .and_then(|h| memchr::memmem::find(h, b"{!"))
        .map(|i| host + i)
    else {
        return;
    };
    let end = memchr::memchr(b'}', bytes.get(start..).unwrap_or_default())
        .map_or(authority_end, |e| start + e + 1);
    // Before the last `@` (a `{` is none): maybe user info.
    let hidden = url.get(start..).is_some_and(|r| r.contains('@'));
    let field = url.get(start..end).unwrap_or("{!");
    let span = place.in_value(url, start..end);
    lints.push(LintKind::MergeFieldInCallbackHost, span, || {
        let field = if hidden {
            "a merge field (not shown)".to_owned()
        } else {
            format!("the merge field `{}`", Shown(field))
        };
        format!(
            "`ctl_callbackUrl`: {field} is in the URL's host, so a CRM record would choose where \
             the call data is posted; write the host itself and put record values in the path \
             or a query value"
        )
    });
}

/// A URL as shown in a message: through the crate's one redactor,
/// [`crate::redact::url`].
pub(super) fn redact_userinfo(text: &str) -> String {
    crate::redact::url(text)
}
