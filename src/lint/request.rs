//! Lints of a whole request: the link as written, the dial parameters,
//! then its data.

use super::values::{lost_pairs, merge_field, white_space, Place};
use super::{lint_userdata, written};
use super::{At, Lint, LintKind, Lints};
use crate::error::{RequestError, Shown};
use crate::request::link::LinkMap;
use crate::request::phone::split_extension;
use crate::request::ClickToDialRequest;
#[cfg(doc)]
use crate::userdata::UserData;

impl ClickToDialRequest {
    /// Lints the whole request: merge fields left in the dial parameters (a
    /// request built with [`ClickToDialRequest::new`] is not validated) and
    /// a trailing extension in `phone` (it is not dialled), then
    /// `ctl_userdata` (see [`UserData::lint`]), then `extTransactionData`
    /// (merge fields, white space from wrapped lines, lost pairs) and merge
    /// fields left in unknown parameters. Each lint names its
    /// [`parameter`](Lint::parameter).
    ///
    /// The request keeps its parameter names trimmed, so white space around
    /// a parameter's name is seen only by
    /// [`lint_link`](ClickToDialRequest::lint_link).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let req = ClickToDialRequest::from_query(
    ///     "phone=1&ctl_userdata=[WhatId|{!Account.Id}]&extTransactionData=[extRecordId|{!Id}]",
    /// )?;
    /// let kinds: Vec<_> = req.lint().into_iter().map(|l| l.kind).collect();
    /// assert_eq!(kinds, [LintKind::UnexpandedMergeField; 2]);
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn lint(&self) -> Vec<Lint> {
        self.lint_in(None)
    }

    /// Reads a link as given (a whole `https` link, or a query with or
    /// without its `?`) and lints it: everything
    /// [`lint`](ClickToDialRequest::lint) finds, plus white space around
    /// parameter names as written (`make_call.php? prefix=1`), each lint
    /// placed in the link by [`Lint::link_span`] (where it is about one
    /// place) and named by [`Lint::parameter`].
    ///
    /// The link is read as
    /// [`from_url_lenient`](ClickToDialRequest::from_url_lenient) (or
    /// [`from_query_lenient`](ClickToDialRequest::from_query_lenient) for a
    /// query) reads it: a malformed part of `ctl_userdata` does not stop the
    /// lint (those lenient readers report it), but a link they refuse (no
    /// valid `phone`, not `https`) is their error. Linear in the link.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    ///
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?%20prefix=1&phone=650-555-0100%20x12\
    ///             &ctl_userdata=%5Bsubject%7CCall%20Acme%5Bstatus%7Cdone%5D";
    /// let lints = ClickToDialRequest::lint_link(link)?;
    /// let found: Vec<_> = lints
    ///     .iter()
    ///     .map(|l| (l.kind, l.parameter().unwrap(), &link[l.link_span().unwrap()]))
    ///     .collect();
    /// assert_eq!(
    ///     found,
    ///     [
    ///         (LintKind::WhiteSpaceInParameterName, "prefix", "%20prefix"),
    ///         (LintKind::PhoneExtension, "phone", "x12"),
    ///         (LintKind::LostPairInValue, "ctl_userdata", "%5B"),
    ///     ]
    /// );
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn lint_link(link: &str) -> Result<Vec<Lint>, RequestError> {
        let (req, _) = if crate::request::link::is_whole_url(link) {
            ClickToDialRequest::from_url_lenient(link)?
        } else {
            ClickToDialRequest::from_query_lenient(link)?
        };
        let map = LinkMap::new(link);
        Ok(req.lint_in(Some((link, &map))))
    }

    /// Lints the request; with the link it was read from (and its map),
    /// also what only the link as written shows.
    pub(crate) fn lint_in(&self, link: Option<(&str, &LinkMap)>) -> Vec<Lint> {
        let map = link.map(|(_, m)| m);
        let param = |name: &str| map.and_then(|m| m.param(name));
        let mut lints = Lints::new(At::default());
        if let Some((text, map)) = link {
            written::unencoded_hash(&mut lints, text, map);
            written::unknown_parameters(&mut lints, map);
            written::raw_plus(&mut lints, text, map);
        }
        if let Some(map) = map {
            for p in map.params() {
                let trimmed = p.name().trim();
                if trimmed.is_empty() || trimmed == p.name() {
                    continue;
                }
                lints.at = At {
                    parameter: Some(trimmed),
                    userdata: false,
                    link: Some(p),
                };
                lints.push_placed(
                    LintKind::WhiteSpaceInParameterName,
                    None,
                    Some(p.name_span()),
                    || {
                        format!(
                            "parameter `{}` has white space around its name, as a wrapped line \
                             leaves; write `{}` (this crate trims it, other readers may not)",
                            Shown(p.name()),
                            Shown(trimmed)
                        )
                    },
                );
            }
        }
        // A request built by hand has not been through validation.
        let dial = [
            ("phone", Some(self.phone.as_str())),
            ("prefix", self.prefix.as_deref()),
            ("callerId", self.caller_id.as_deref()),
        ];
        for (name, value) in dial {
            if let Some(value) = value {
                lints.at = At {
                    parameter: Some(name),
                    userdata: false,
                    link: param(name),
                };
                merge_field(&mut lints, "parameter", name, value, None);
            }
        }
        lints.at = At {
            parameter: Some("phone"),
            userdata: false,
            link: param("phone"),
        };
        phone_extension(&mut lints, self);
        written::country_code_twice(&mut lints, self, link);
        if let Some(data) = &self.userdata {
            lints.at = At {
                parameter: Some("ctl_userdata"),
                userdata: true,
                link: param("ctl_userdata"),
            };
            lint_userdata(&mut lints, data);
        }
        if let Some(ext) = &self.ext_transaction_data {
            lints.at = At {
                parameter: Some("extTransactionData"),
                userdata: false,
                link: param("extTransactionData"),
            };
            for pair in ext.data().pairs() {
                let place = Place::of(pair);
                merge_field(
                    &mut lints,
                    "extTransactionData",
                    pair.name(),
                    pair.value(),
                    Some(&place),
                );
                white_space(&mut lints, pair, &place);
                lost_pairs(&mut lints, pair, &place);
            }
        }
        for (name, value) in &self.extra {
            lints.at = At {
                parameter: Some(name),
                userdata: false,
                link: param(name),
            };
            merge_field(&mut lints, "parameter", name, value, None);
        }
        lints.finish()
    }
}

/// A trailing extension in `phone`: it is not dialled.
pub(super) fn phone_extension(lints: &mut Lints<'_>, req: &ClickToDialRequest) {
    let phone = req.phone.as_str();
    let (number, Some(extension)) = split_extension(phone) else {
        return;
    };
    // The marker and the digits: from the first non-space after the number
    // to the end of the digits.
    let after = phone.get(number.len()..).unwrap_or_default();
    let lead = after.len() - after.trim_start().len();
    let end = after
        .rfind(extension)
        .map_or(phone.len(), |i| number.len() + i + extension.len());
    let start = (number.len() + lead).min(end);
    lints.push(LintKind::PhoneExtension, Some(start..end), || {
        let digits = req.dial_string();
        format!(
            "`phone` `{}`: the extension `{extension}` is not dialled (the call goes to \
             `{digits}`); the agent dials it once the call is answered, so put it where the \
             agent sees it, e.g. `[extension|{extension}]` in ctl_userdata",
            Shown(phone)
        )
    });
}
