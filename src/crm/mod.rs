//! CRM link templates (the `crm` room, beside `request`): Salesforce custom links whose merge fields
//! (`{!Account.Phone}`) the CRM fills per record.
//!
//! The vendor's Example 1 is such a template: `phone={!Account.Phone}`,
//! `[WhatId|{!Account.Id}]`. A [`LinkTemplate`] reads one as an
//! administrator pastes it (the vendor's wrapped lines included), keeps its
//! merge fields as Salesforce must see them (never percent-encoded, in the
//! phone and in values), writes the text to paste into the custom link's
//! URL ([`LinkTemplate::to_salesforce`]), and fills it with a sample record
//! exactly as Salesforce would ([`fill_link_template`]), so the link can be
//! tried against real-looking records before it ships.
//!
//! # How Salesforce fills a custom link
//!
//! A custom link (or button) whose *Content Source* is *URL* has an
//! *Encoding* setting (`EncodingKey` of the `WebLink` object, "Encoding of
//! parameters on the URL link"; Salesforce's default, and what this module
//! follows, is Unicode UTF-8). When the link is clicked, Salesforce puts
//! each merge field's value into the URL encoded with that setting, and
//! leaves the text typed around the merge fields as it is. Salesforce's
//! *Formulas Operators and Functions* reference says so in its note on
//! `URLENCODE`: "Custom buttons and links with URL content sources have
//! separate encoding settings. If you use the URLENCODE function to encode
//! a custom button or link that has an encoding setting specified,
//! Salesforce first encodes the URL according to the custom button or link
//! setting, then encodes the result. For example, if the URL in a custom
//! link contains a space and its encoding setting is UTF8, Salesforce first
//! encodes the space to a plus sign (+), then the URLENCODE function
//! converts the plus sign to its character code, %2B." (quoted in
//! <https://life-improver.com/salesforce/salesforce-proper-urlencoding-of-spaces-in-formulas-syntax/>,
//! where `{!Account.Name}` gives `ABC+Telecom+Ltd.`,
//! `{!URLENCODE(Account.Name)}` gives `ABC%2BTelecom%2BLtd.` and
//! `{!SUBSTITUTE(Account.Name,' ','%20')}` gives `ABC%2520Telecom%2520Ltd.`).
//! The UTF-8 setting encodes as HTML forms do: letters, digits and
//! `. - * _` stay, a space becomes `+`, every other byte `%XX`. The other
//! functions for custom links are documented by Salesforce too:
//! [`HTMLENCODE`](https://help.salesforce.com/apex/HTViewHelpDoc?id=platform.customize_functions_htmlencode.htm)
//! and [`JSENCODE`](https://help.salesforce.com/apex/HTViewHelpDoc?id=platform.customize_functions_jsencode.htm)
//! encode for HTML and JavaScript, not for URLs, and have no use here.
//!
//! So a record value reaches the contact center as it was in the record:
//! `&`, `#`, `+`, `%` and spaces are safe from the URL's point of view. But
//! the value then lands inside `ctl_userdata`, whose grammar ends a value
//! at its first `]` and reads `%5D` `%5B` `%7C` `%25` as escapes: an
//! account named `Acme [EU] & Sons` would end its pair early.
//!
//! # How a template protects record values
//!
//! `URLENCODE` cannot help: with the link's encoding applied on top, its
//! result arrives encoded twice (`%20` arrives as the text `%20`, and
//! `ctl_userdata` would read `%5D` in it as `]` but keep `%20`). Instead,
//! [`LinkTemplate::to_salesforce`] wraps each plain merge field in a
//! `ctl_userdata` or `extTransactionData` value as
//!
//! ```text
//! {!SUBSTITUTE(SUBSTITUTE(Account.Name, "%", "%25"), "]", "%5D")}
//! ```
//!
//! (in a name, also `"|"` to `"%7C"`): Salesforce then sends `%255D` for a
//! `]`, the contact center's URL decoding gives `%5D`, and `ctl_userdata`'s
//! escape gives back the `]`; `%` goes first so that the `%` of a `%5D`
//! already in the record survives. Merge fields whose last name part ends
//! in `Id` (`Account.Id`, `OwnerId`) hold Salesforce record ids, letters
//! and digits only, and are left plain; so is any merge field that is
//! already an expression (the administrator's own `SUBSTITUTE`). Merge
//! fields in the phone and the other parameters need no protection (the
//! link encoding takes care of `&` and `#`).
//!
//! # What the filler evaluates
//!
//! Field references (`Account.Name`, `$User.Email`, matched exactly, then
//! ignoring ASCII case), string literals in `"…"` or `'…'` (with `\`
//! escapes), and the text functions `SUBSTITUTE(text, old, new)`,
//! `URLENCODE(text)` (RFC 3986: everything but letters, digits and
//! `- . _ ~` as `%XX`), `BLANKVALUE(text, substitute)` and `TRIM(text)`,
//! names in any case. Anything else (operators such as `&`, other
//! functions) is an error with its place; so is a field the sample record
//! does not have (the CRM could not fill it). Every problem is reported, not
//! only the first, each with its byte range in the template text.

pub(crate) mod errors;
pub(crate) mod fill;
pub(crate) mod formula;
pub(crate) mod template;
