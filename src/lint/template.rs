//! Lints of CRM link templates, as pasted: the text before the CRM fills
//! its merge fields ([`LinkTemplate::lint_text`]).
//!
//! The template is read as [`LinkMap`] reads a link, with each merge field
//! masked first (its bytes stand as `x`, so that a `]`, `&` or `|` inside
//! an expression neither ends a pair nor splits a parameter, and every
//! offset stays the template's own). `ctl_userdata` and
//! `extTransactionData` are then read leniently, and each merge field is
//! placed by the pair part (name or value) whose range, mapped back into
//! the template, holds it.

use std::ops::Range;

use super::{At, Lint, LintKind, Lints};
use crate::crm::formula::{merge_fields, MergeField};
use crate::crm::template::LinkTemplate;
use crate::error::Shown;
use crate::request::link::{LinkMap, LinkParam};
use crate::system::known_system_name;
use crate::url_parts::UrlParts;
use crate::userdata::UserData;

/// Where a merge field stands in the template.
#[derive(Clone, Copy, Default)]
struct Role {
    /// In a pair of `ctl_userdata` or `extTransactionData`: the parameter,
    /// the pair's name, and whether the field is in the name.
    data: Option<(&'static str, bool)>,
    /// In the host of `ctl_callbackUrl`.
    callback_host: bool,
}

impl LinkTemplate {
    /// Lints a link template as pasted (the text [`LinkTemplate::parse`]
    /// reads, merge fields and wrapped lines and all), before the CRM fills
    /// it: merge fields written plainly inside `ctl_userdata` or
    /// `extTransactionData` pairs ([`LintKind::UnprotectedMergeField`],
    /// with the protected form to write), `URLENCODE` in a merge field
    /// ([`LintKind::UrlEncodeInCustomLink`]), and a merge field in the host
    /// of `ctl_callbackUrl` ([`LintKind::MergeFieldInCallbackHost`]).
    ///
    /// Each lint is about one merge field: [`Lint::link_span`] is its byte
    /// range in `text`; [`Lint::span`] and [`Lint::parameter`] are `None`.
    /// Text the template reader would refuse is not linted here
    /// ([`LinkTemplate::parse`] reports it). Linear in the text, apart from
    /// a binary search per pair; capped as every lint list is.
    ///
    /// A template written by [`LinkTemplate::to_salesforce`] has none of
    /// these findings.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{LinkTemplate, LintKind};
    ///
    /// let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}\
    ///             &ctl_userdata=[WhatId|{!Account.Id}][subject|Call {!URLENCODE(Account.Name)}]\
    ///             [ctl_callbackUrl|https://{!Account.Site}/cb][note|{!Account.Description}]";
    /// let found: Vec<_> = LinkTemplate::lint_text(text)
    ///     .into_iter()
    ///     .map(|l| (l.kind, &text[l.link_span().unwrap()]))
    ///     .collect();
    /// assert_eq!(
    ///     found,
    ///     [
    ///         (LintKind::UrlEncodeInCustomLink, "{!URLENCODE(Account.Name)}"),
    ///         (LintKind::MergeFieldInCallbackHost, "{!Account.Site}"),
    ///         (LintKind::UnprotectedMergeField, "{!Account.Site}"),
    ///         (LintKind::UnprotectedMergeField, "{!Account.Description}"),
    ///     ]
    /// );
    /// let written = LinkTemplate::parse(text).unwrap().to_salesforce();
    /// assert!(LinkTemplate::lint_text(&written)
    ///     .iter()
    ///     .all(|l| l.kind != LintKind::UnprotectedMergeField));
    /// ```
    pub fn lint_text(text: &str) -> Vec<Lint> {
        let fields = merge_fields(text);
        let mut lints = Lints::new(At::default());
        if fields.is_empty() {
            return lints.finish();
        }
        let mut masked = text.as_bytes().to_vec();
        for field in &fields {
            if let Some(bytes) = masked.get_mut(field.span()) {
                bytes.fill(b'x');
            }
        }
        // Whole merge fields start and end on character boundaries, so the
        // masked bytes are UTF-8; should they not be, nothing is linted.
        let Ok(masked) = String::from_utf8(masked) else {
            return lints.finish();
        };
        let map = LinkMap::new(&masked);
        let mut roles = vec![Role::default(); fields.len()];
        for parameter in ["ctl_userdata", "extTransactionData"] {
            if let Some(param) = map.param(parameter) {
                place_fields(&fields, &mut roles, parameter, param);
            }
        }
        for (field, role) in fields.iter().zip(&roles) {
            lint_field(&mut lints, text, field, *role);
        }
        lints.finish()
    }
}

/// The fields whose spans lie inside `range` of the template.
fn within(fields: &[MergeField], range: &Range<usize>) -> Range<usize> {
    let from = fields.partition_point(|f| f.span().start < range.start);
    let to = fields.partition_point(|f| f.span().start < range.end);
    from..to.max(from)
}

/// Gives the fields inside the pairs of `param` their roles.
fn place_fields(
    fields: &[MergeField],
    roles: &mut [Role],
    parameter: &'static str,
    param: &LinkParam,
) {
    let value = param.value();
    let (data, _) = UserData::parse_lenient(value);
    for pair in data.pairs() {
        let Some(range) = pair.range() else {
            continue;
        };
        let raw = value.get(range.clone()).unwrap_or_default();
        // `[` name `|` value `]`: a name holds no `|`, so the first is the
        // separator.
        let bar = raw.find('|').map_or(range.end, |i| range.start + i);
        // The name's place starts at the pair's `[`, which no merge field
        // (`{!…}`) starts at; the value's ends before the `]` (a pair's `]`
        // is always past its `|`; were it not, the range would be empty).
        let name = param.map(range.start..bar);
        // (`bar * 1` and `bar - 1`, starting the value at its `|` or at the
        // name's last byte, are equivalent mutants: no merge field starts at
        // a `|`, one starting at the name's last byte would already be in
        // the name, and a URL's host is found after its `://` whatever
        // precedes it.)
        let value_range = bar + 1..range.end.saturating_sub(1);
        let in_value = param.map(value_range.clone());
        for (range, in_name) in [(name, true), (in_value, false)] {
            for i in within(fields, &range) {
                if let (Some(role), Some(field)) = (roles.get_mut(i), fields.get(i)) {
                    if field.span().end <= range.end {
                        role.data = Some((parameter, in_name));
                    }
                }
            }
        }
        if parameter == "ctl_userdata" && known_system_name(pair.name()) == Some("ctl_callbackUrl")
        {
            let url = value.get(value_range.clone()).unwrap_or_default();
            if let Some(host) = UrlParts::of(url).host(url) {
                let host = param.map(value_range.start + host.start..value_range.start + host.end);
                for i in within(fields, &host) {
                    if let Some(role) = roles.get_mut(i) {
                        role.callback_host = true;
                    }
                }
            }
        }
    }
}

/// Whether an expression calls `URLENCODE` (any case).
fn calls_urlencode(expression: &str) -> bool {
    let upper = expression.to_ascii_uppercase();
    let mut from = 0;
    while let Some(i) = upper.get(from..).and_then(|r| r.find("URLENCODE")) {
        let after = upper.get(from + i + 9..).unwrap_or_default();
        if after.trim_start().starts_with('(') {
            return true;
        }
        from += i + 9;
    }
    false
}

/// The longest field expression quoted in a fix.
const MAX_FIX_FIELD: usize = 100;

fn lint_field(lints: &mut Lints<'_>, text: &str, field: &MergeField, role: Role) {
    let span = field.span();
    let whole = text.get(span.clone()).unwrap_or_default();
    if calls_urlencode(field.expression()) {
        lints.push_placed(LintKind::UrlEncodeInCustomLink, None, Some(span.clone()), || {
            format!(
                "merge field `{}` uses URLENCODE, but a custom link encodes merge field values \
                 itself, so the value arrives encoded twice (a space as the text `%20`); drop \
                 URLENCODE{}",
                Shown(whole),
                if role.data.is_some() {
                    " and protect the field with SUBSTITUTE as `LinkTemplate::to_salesforce` writes it"
                } else {
                    ""
                }
            )
        });
    }
    if role.callback_host {
        lints.push_placed(
            LintKind::MergeFieldInCallbackHost,
            None,
            Some(span.clone()),
            || {
                format!(
                    "`ctl_callbackUrl`: the merge field `{}` is in the URL's host, so a CRM record \
                     would choose where the call data is posted; write the host itself and put \
                     record values in the path or a query value",
                    Shown(whole)
                )
            },
        );
    }
    let Some((parameter, in_name)) = role.data else {
        return;
    };
    let Some(protected) = field.protected() else {
        return;
    };
    lints.push_placed(LintKind::UnprotectedMergeField, None, Some(span), || {
        let what = if in_name { "a pair's name" } else { "a value" };
        let breaks = if in_name {
            "`]`, `|` or `%`"
        } else {
            "`]` or `%`"
        };
        let fix = if field.expression().len() > MAX_FIX_FIELD {
            "protect it with SUBSTITUTE as `MergeField::protected` shows".to_owned()
        } else if in_name {
            let inner = protected
                .strip_prefix("{!")
                .and_then(|p| p.strip_suffix('}'))
                .unwrap_or(&protected);
            // A plain field's name is letters, digits, `_ . $`: safe to
            // quote whole, so the fix is never cut.
            format!("write `{{!SUBSTITUTE({inner}, \"|\", \"%7C\")}}`")
        } else {
            format!("write `{protected}`")
        };
        format!(
            "merge field `{}` in {what} of `{parameter}` is written plainly, so a record value \
             holding {breaks} would end or change the pair; {fix} (as \
             `LinkTemplate::to_salesforce` does)",
            Shown(whole)
        )
    });
}
