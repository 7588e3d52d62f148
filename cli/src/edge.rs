//! The HTTP edge: the requests the contact center sends and the answers it
//! reads, as `http` types. No I/O here (`outbound` sends).
//
// replaced by clicktodial::... (issue 12): the library's feature `http` has
// each of these with the same shape; swap the calls and delete this module.

use clicktodial::{Callback, CreateOutcome, Screenpop, SfdcCreate};
use http::{header, HeaderValue, Method, Request};
use url::Url;

pub const FORM: &str = "application/x-www-form-urlencoded";

fn form_post(url: &Url, body: String) -> Result<Request<Vec<u8>>, String> {
    Request::builder()
        .method(Method::POST)
        .uri(url.as_str())
        .header(header::CONTENT_TYPE, FORM)
        .body(body.into_bytes())
        .map_err(|e| format!("cannot build the request: {e}"))
}

/// replaced by clicktodial::Callback::to_http (issue 12)
pub fn callback_to_http(callback: &Callback, url: &Url) -> Result<Request<Vec<u8>>, String> {
    form_post(url, callback.to_form())
}

/// replaced by clicktodial::Screenpop::to_http (issue 12)
pub fn screenpop_to_http(pop: &Screenpop, url: &Url) -> Result<Request<Vec<u8>>, String> {
    form_post(url, pop.to_form())
}

/// replaced by clicktodial::SfdcCreate::to_http (issue 12)
pub fn sfdc_to_http(
    create: &SfdcCreate,
    instance: &Url,
    api_version: &str,
    access_token: &str,
) -> Result<Request<Vec<u8>>, String> {
    let url = instance
        .join(&create.path(api_version))
        .map_err(|e| format!("--sfdc-url: {e}"))?;
    let mut bearer = HeaderValue::from_str(&format!("Bearer {access_token}"))
        .map_err(|_| "--sfdc-token is not a valid header value".to_owned())?;
    bearer.set_sensitive(true);
    Request::builder()
        .method(Method::POST)
        .uri(url.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, bearer)
        .body(create.to_json().into_bytes())
        .map_err(|e| format!("cannot build the request: {e}"))
}

/// replaced by clicktodial::CreateOutcome::from_sfdc_response (issue 12)
pub fn outcome_from_sfdc(status: u16, body: &[u8]) -> CreateOutcome {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    if matches!(status, 200 | 201) {
        if let Some(id) = json
            .as_ref()
            .filter(|j| j["success"] == true)
            .and_then(|j| j["id"].as_str())
        {
            return CreateOutcome::Created(id.to_owned());
        }
    }
    let errors: Vec<String> = json
        .as_ref()
        .and_then(|j| j.as_array())
        .into_iter()
        .flatten()
        .map(|e| {
            format!(
                "{}: {}",
                e["errorCode"].as_str().unwrap_or("?"),
                e["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    if errors.is_empty() {
        CreateOutcome::Failed(format!("Salesforce answered {status}"))
    } else {
        CreateOutcome::Failed(format!(
            "Salesforce answered {status}: {}",
            errors.join("; ")
        ))
    }
}

/// replaced by clicktodial::Callback::from_http (issue 12)
pub fn callback_from_http(content_type: Option<&str>, body: &[u8]) -> Result<Callback, String> {
    let form = content_type
        .and_then(|c| c.split(';').next())
        .is_some_and(|c| c.trim().eq_ignore_ascii_case(FORM));
    if !form {
        return Err(format!("a callback is a POST with Content-Type {FORM}"));
    }
    let body = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_owned())?;
    Callback::from_form(body).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_answers() {
        assert_eq!(
            outcome_from_sfdc(201, br#"{"id":"00T1","success":true,"errors":[]}"#),
            CreateOutcome::Created("00T1".into())
        );
        assert_eq!(
            outcome_from_sfdc(
                400,
                br#"[{"message":"bad field","errorCode":"INVALID_FIELD"}]"#
            ),
            CreateOutcome::Failed("Salesforce answered 400: INVALID_FIELD: bad field".into())
        );
        assert_eq!(
            outcome_from_sfdc(201, b"not json"),
            CreateOutcome::Failed("Salesforce answered 201".into())
        );
    }

    #[test]
    fn the_bearer_token_is_sensitive_and_a_bad_one_is_refused() {
        let create = SfdcCreate {
            sobject: "Task".into(),
            fields: vec![("Subject".into(), "x".into())],
        };
        let base = Url::parse("https://example.my.salesforce.com").unwrap();
        let req = sfdc_to_http(&create, &base, "v59.0", "tok").unwrap();
        assert!(req.headers()[header::AUTHORIZATION].is_sensitive());
        assert_eq!(req.uri().path(), "/services/data/v59.0/sobjects/Task/");
        assert!(sfdc_to_http(&create, &base, "v59.0", "a\nb").is_err());
    }

    #[test]
    fn a_callback_needs_a_form() {
        assert!(callback_from_http(Some("text/plain"), b"resultCode=IGNORE").is_err());
        let cb = callback_from_http(
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            b"ctl_userdata=%5Ba%7Cb%5D&resultCode=IGNORE&errorString=",
        )
        .unwrap();
        assert_eq!(cb.ctl_userdata.get("a"), Some("b"));
    }
}
