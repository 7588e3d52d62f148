//! Building a link: [`ClickToDialRequest::to_url`], every value
//! percent-encoded, refusing what would not read back the same.

use percent_encoding::{utf8_percent_encode, AsciiSet};

use super::{
    ClickToDialRequest, CALLER_ID, CTL_USERDATA, DIALPLAN_ID, EXT_TRANSACTION_DATA, PHONE, PREFIX,
    QUEUE_ID,
};
use crate::encode::UNRESERVED;
use crate::error::{RequestError, RequestErrorKind};

/// Every byte outside `A-Z a-z 0-9 - . _ ~` is encoded.
const COMPONENT: &AsciiSet = UNRESERVED;

/// `<prefix>/AGUI/make_call.php` for a base URL's path: the path is cut at
/// `/AGUI` (any case), and a last segment that names a file (`login.php`) is
/// dropped; what is left is kept as a prefix (a tenant behind a proxy).
fn base_path(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let mut keep = match lower.find("/agui") {
        // Lowercasing ASCII keeps every byte's place, and `/` is ASCII.
        Some(i) => &path[..i],
        None => path,
    };
    if let Some((dir, file)) = keep.rsplit_once('/') {
        if file.contains('.') {
            keep = dir;
        }
    }
    format!("{}/AGUI/make_call.php", keep.trim_end_matches('/'))
}

/// `extra` as `to_url` can write it: names that read back as themselves,
/// each once, none a known parameter.
fn check_extra(extra: &[(String, String)]) -> Result<(), RequestError> {
    let known = [
        PREFIX,
        PHONE,
        CALLER_ID,
        DIALPLAN_ID,
        QUEUE_ID,
        CTL_USERDATA,
        EXT_TRANSACTION_DATA,
    ];
    let mut seen = std::collections::HashSet::new();
    for (name, _) in extra {
        let reason = if name.trim().is_empty() {
            "the name is empty"
        } else if name.trim() != name {
            "white space around the name"
        } else if known.contains(&name.as_str()) {
            "it is a known parameter (set the field instead)"
        } else if !seen.insert(name.as_str()) {
            "the name is given twice"
        } else {
            continue;
        };
        return Err(RequestErrorKind::ExtraParameter {
            name: name.clone(),
            reason,
        }
        .into());
    }
    Ok(())
}

impl ClickToDialRequest {
    /// Builds the link under `<base>/AGUI/make_call.php`. `base` is the
    /// tenant's `https` URL (its login URL will do: a path from `/AGUI` on, in
    /// any case, or a last segment naming a file such as `login.php`, is
    /// replaced; any other path is kept as a prefix; user info is dropped). The request is validated
    /// first, so a link this returns parses back to an equal request.
    ///
    /// What could not round trip is refused rather than changed:
    /// an [`extra`](ClickToDialRequest::extra) name that is empty, has white
    /// space around it (parsing trims names), is given twice (parsing keeps
    /// the last) or is a known parameter (parsing reads it into its field)
    /// is [`RequestErrorKind::ExtraParameter`], which names it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, UserData};
    ///
    /// let mut req = ClickToDialRequest::new("6502928880");
    /// req.userdata = Some(UserData::parse("[subject|call $caller_id$]")?.into_owned());
    /// let url = req.to_url("https://vcc-na4.8x8.com/AGUI/login.php")?;
    /// assert_eq!(
    ///     url,
    ///     "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=6502928880\
    ///      &ctl_userdata=%5Bsubject%7Ccall%20%24caller_id%24%5D"
    /// );
    /// assert_eq!(ClickToDialRequest::from_url(&url)?, req);
    ///
    /// req.extra = vec![(" utm".into(), "a".into())];
    /// let err = req.to_url("https://vcc-na4.8x8.com").unwrap_err();
    /// assert_eq!(err.to_string(), "extra parameter ` utm` cannot round trip: white space around the name");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_url(&self, base: &str) -> Result<String, RequestError> {
        self.validate()?;
        check_extra(&self.extra)?;
        let mut url = url::Url::parse(base.trim())
            .map_err(|e| RequestError::new(RequestErrorKind::InvalidUrl(e)))?;
        if url.scheme() != "https" {
            return Err(RequestErrorKind::NotHttps(url.scheme().to_owned()).into());
        }
        let path = base_path(url.path());
        url.set_path(&path);
        // Credentials never go into a link.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_query(None);
        url.set_fragment(None);

        let mut out = String::from(url.as_str());
        let mut sep = '?';
        let mut param = |name: &str, value: &str| {
            out.push(sep);
            sep = '&';
            out.extend(utf8_percent_encode(name, COMPONENT));
            out.push('=');
            out.extend(utf8_percent_encode(value, COMPONENT));
        };
        let known = [
            (PREFIX, self.prefix.clone()),
            (PHONE, Some(self.phone.clone())),
            (CALLER_ID, self.caller_id.clone()),
            (DIALPLAN_ID, self.dialplan_id.map(|v| v.to_string())),
            (QUEUE_ID, self.queue_id.map(|v| v.to_string())),
            (
                CTL_USERDATA,
                self.userdata.as_ref().map(ToString::to_string),
            ),
            (
                EXT_TRANSACTION_DATA,
                self.ext_transaction_data.as_ref().map(ToString::to_string),
            ),
        ];
        for (name, value) in &known {
            if let Some(value) = value {
                param(name, value);
            }
        }
        for (name, value) in &self.extra {
            param(name, value);
        }
        Ok(out)
    }
}
