//! The one percent-encoding set the crate writes URLs with: every byte
//! outside RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
//! encoded. Links (`to_url`), a callback URL's token values, 8x8's tenant
//! path segment, Salesforce's version segment and templates all use it, so
//! they cannot disagree on what is safe to leave as it is.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// Every byte outside `A-Z a-z 0-9 - . _ ~` is encoded.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
