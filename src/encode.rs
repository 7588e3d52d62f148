//! The encoders the payloads share, and the one form writer.
//!
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

/// Text handed to one of the payload writers: as it is, or already encoded
/// by that writer's own encoder. [`CompiledLink`](crate::CompiledLink)
/// encodes what is the same on every call once, with the same encoder the
/// writer would use, and hands it over `Encoded`; a payload's layout gives
/// its constants `Encoded` where encoding leaves them as they are (a unit
/// test holds it to that). The layout of each payload is written once, in
/// its writer, so the step-by-step path and the compiled one cannot differ.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Given<'a> {
    /// To be encoded by the writer.
    Plain(&'a str),
    /// Encoded already, by the writer's encoder.
    Encoded(&'a str),
}

impl<'a> Given<'a> {
    /// The text as given (plain or encoded).
    pub(crate) fn as_given(self) -> &'a str {
        match self {
            Given::Plain(text) | Given::Encoded(text) => text,
        }
    }

    /// Appends the text, through `encode` when it is plain.
    #[inline]
    pub(crate) fn write_with(self, out: &mut String, encode: impl FnOnce(&mut String, &str)) {
        match self {
            Given::Plain(text) => encode(out, text),
            Given::Encoded(text) => out.push_str(text),
        }
    }
}

/// Appends `text` form-encoded (`application/x-www-form-urlencoded`), as
/// `url`'s form serializer encodes a name or a value.
pub(crate) fn push_form_encoded(out: &mut String, text: &str) {
    out.extend(url::form_urlencoded::byte_serialize(text.as_bytes()));
}

/// The one form writer: `name=value&…` in the order given. Names are the
/// crate's own field names, which form encoding leaves as they are (a unit
/// test holds every payload's names to that), so they are written as they
/// are; values are encoded unless given [`Given::Encoded`].
#[inline]
pub(crate) fn write_form<'a>(
    out: &mut String,
    fields: impl IntoIterator<Item = (&'static str, Given<'a>)>,
) {
    for (i, (name, value)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        value.write_with(out, push_form_encoded);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Asserts that form encoding leaves each field's name, and each value
    /// given [`Given::Encoded`], as it is (what a payload's layout relies
    /// on when it writes its names and constants as they are).
    pub(crate) fn assert_plain_form_fields(fields: &[(&str, Given<'_>)]) {
        let texts = fields.iter().flat_map(|(name, value)| match value {
            Given::Encoded(constant) => vec![*name, *constant],
            Given::Plain(_) => vec![*name],
        });
        for text in texts {
            let mut encoded = String::new();
            push_form_encoded(&mut encoded, text);
            assert_eq!(encoded, text);
        }
    }

    #[test]
    fn forms_are_written_as_url_writes_them() {
        let fields = [
            ("a", Given::Plain("x y&z=é")),
            ("b", Given::Encoded("%5B")),
            ("c", Given::Plain("")),
        ];
        let mut out = String::new();
        write_form(&mut out, fields);
        assert_eq!(out, "a=x+y%26z%3D%C3%A9&b=%5B&c=");
        let want = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("a", "x y&z=é")
            .append_pair("b", "[")
            .append_pair("c", "")
            .finish();
        assert_eq!(out, want);
    }
}
