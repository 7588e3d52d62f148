//! JSON forms of the library's types, shared by `explain`, `simulate`,
//! `serve` and the `/api/*` routes.

use clicktodial::{ActionPlan, ClickToDialRequest, LaunchMode, UserData};
use serde_json::{json, Value};

pub fn pairs<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Array(it.map(|(n, v)| json!([n, v])).collect())
}

pub fn mode_str(m: LaunchMode) -> &'static str {
    match m {
        LaunchMode::Edit => "edit",
        _ => "read-only",
    }
}

pub fn plan_json(plan: &ActionPlan) -> Value {
    json!({
        "create": plan.create.as_ref().map(|c| json!({
            "integration": c.integration.as_str(),
            "object_type": c.object_type,
        })),
        "ignored": plan.ignored,
        "screenpop": plan.screenpop.as_ref().map(|s| json!({
            "mode": mode_str(s.mode),
            "parent_id": s.parent_id,
            "record_name": s.record_name,
        })),
        "callback_url": plan.callback_url,
    })
}

/// The parameters of a request as `[name, value]` pairs, in the order the
/// library writes them.
pub fn parameters(req: &ClickToDialRequest) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(p) = &req.prefix {
        out.push(("prefix".to_owned(), p.clone()));
    }
    out.push(("phone".to_owned(), req.phone.clone()));
    if let Some(c) = &req.caller_id {
        out.push(("callerId".to_owned(), c.clone()));
    }
    if let Some(d) = req.dialplan_id {
        out.push(("dialplan_id".to_owned(), d.to_string()));
    }
    if let Some(q) = req.queue_id {
        out.push(("queue_id".to_owned(), q.to_string()));
    }
    if let Some(u) = &req.userdata {
        out.push(("ctl_userdata".to_owned(), u.to_string()));
    }
    if let Some(e) = &req.ext_transaction_data {
        out.push(("extTransactionData".to_owned(), e.data().to_string()));
    }
    out.extend(req.extra.iter().cloned());
    out
}

pub fn userdata(req: &ClickToDialRequest) -> UserData<'static> {
    req.userdata.clone().unwrap_or_default()
}
