//! Lints of the system data: duplicate names, unknown or misspelled
//! `ctl_` names, and what the system pairs ask for together.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use super::callback::callback_url;
use super::values::Place;
use super::{LintKind, Lints};
use crate::error::Shown;
use crate::plan::{ActionPlan, Ignored};
use crate::system::{SystemData, SystemName, SYSTEM_NAMES};
use crate::userdata::{is_system_name, Pair, UserData};

/// A name as the duplicate check compares it: exactly for user data, in any
/// ASCII case for system data (which is matched in any case).
#[derive(Clone, Copy)]
pub(super) struct Key<'a>(&'a str);

impl Key<'_> {
    fn folds(&self) -> bool {
        is_system_name(self.0)
    }
}

// `duplicates` compares names only where their hashes are equal, so `eq`
// decides only on a hash collision: replacing it by `true` is a mutant no
// test can notice (one would need a 64-bit collision under a random key).
impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        if self.folds() {
            self.0.eq_ignore_ascii_case(other.0)
        } else {
            self.0 == other.0
        }
    }
}

impl Eq for Key<'_> {}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.folds() {
            for b in self.0.bytes() {
                state.write_u8(b.to_ascii_lowercase());
            }
            state.write_u8(0xff);
        } else {
            self.0.hash(state);
        }
    }
}

/// Names given more than once: one lint per name, pointing at (and in the
/// order of) the name's second pair. Linear in the pairs, with no copy of
/// any name: the map holds a 64-bit keyed hash of each distinct name and two
/// counters (17 bytes a slot). Two different names with the same hash (odds
/// of 2^-64 a pair, with a key an attacker cannot know) would hide the
/// later name's duplicates; a lint is never reported for names that differ.
pub(super) fn duplicates(lints: &mut Lints<'_>, data: &UserData<'_>) {
    let hasher = RandomState::new();
    // hash -> (index of the first pair with the name, count)
    let mut seen: HashMap<u64, (u32, u32)> = HashMap::with_capacity(data.pairs().len());
    let same = |a: usize, b: &str| data.pairs().get(a).is_some_and(|p| Key(p.name()) == Key(b));
    for (i, pair) in data.pairs().iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        let entry = seen
            .entry(hasher.hash_one(Key(pair.name())))
            .or_insert((i, 0));
        if same(entry.0 as usize, pair.name()) {
            entry.1 = entry.1.saturating_add(1);
        }
    }
    for (i, pair) in data.pairs().iter().enumerate() {
        let Some(entry) = seen.get_mut(&hasher.hash_one(Key(pair.name()))) else {
            continue;
        };
        let (first, count) = *entry;
        if count < 2 || first as usize >= i || !same(first as usize, pair.name()) {
            continue;
        }
        // Reported: the next pairs with this name are skipped.
        entry.1 = 0;
        lints.push(LintKind::DuplicateName, pair.range(), || {
            format!(
                "`{}` is given {count} times; only the last one counts, so remove the others",
                Shown(pair.name())
            )
        });
    }
}

/// Edit distance in any ASCII case (`strsim`'s Levenshtein), for
/// suggesting the known name an unknown one was meant as.
pub(super) fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// The known system name `name` is closest to, within 3 edits.
pub(super) fn nearest_known(name: &str) -> Option<&'static str> {
    SYSTEM_NAMES
        .iter()
        // Names whose lengths differ by more than 3 are more than 3 apart.
        .filter(|k| name.len().abs_diff(k.len()) <= 3)
        .map(|k| (distance(name, k), *k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| k)
}

/// The system data's lints, from the one reading of it
/// ([`SystemData`](crate::SystemData)'s, which says which pair set each
/// field) and the plan made from it, so the linter cannot disagree with what
/// the contact center will do.
pub(super) fn system_data(lints: &mut Lints<'_>, data: &UserData<'_>) {
    let pairs = data.pairs();
    let reading = SystemData::read_with_pairs(data);
    for pair in reading.unknown.iter().filter_map(|&i| pairs.get(i)) {
        let name = pair.name();
        let span = Place::of(pair).in_name(name, 0..name.len());
        lints.push(LintKind::UnknownSystemName, span, || {
            let near = nearest_known(name)
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_else(|| {
                    "; names starting with `ctl_` are system data and never reach the CRM"
                        .to_owned()
                });
            format!("`{}` is not a known system name{near}", Shown(name))
        });
    }
    for pair in reading.refused.iter().filter_map(|&i| pairs.get(i)) {
        lints.push(LintKind::InvalidSystemValue, Place::of(pair).pair, || {
            format!(
                "`{}` takes `true` or `false`; it reads as `false`",
                Shown(pair.name())
            )
        });
    }
    let set_by = |name: SystemName| reading.set_by(name).and_then(|i| pairs.get(i));
    let span = |name: SystemName| set_by(name).and_then(Pair::range);
    let object_type = crate::payload::sfdc::object_type(data).map(str::to_owned);
    let plan = ActionPlan::from_system(&reading.system, object_type);
    if plan.ignored == Some(Ignored::ActionWithoutIntegration) {
        lints.push(
            LintKind::ActionWithoutIntegration,
            span(SystemName::Action),
            || "`ctl_action` without `ctl_intType` is ignored; add `[ctl_intType|sfdc]`".to_owned(),
        );
    }
    if let (Some(ext), None) = (set_by(SystemName::LaunchExt), &plan.screenpop) {
        lints.push(LintKind::LaunchExtWithoutLaunch, ext.range(), || {
            "`ctl_launchext` has no effect unless `ctl_launchopt` is true; add `[ctl_launchopt|true]`"
                .to_owned()
        });
    }
    if let Some(record) = set_by(SystemName::NewRecordId) {
        lints.push(LintKind::TenantSetNewRecordId, record.range(), || {
            "`ctl_newRecordId` is written by the contact center after a create; the one given \
             here is dropped, so remove it"
                .to_owned()
        });
    }
    if let Some(callback) = set_by(SystemName::CallbackUrl) {
        callback_url(lints, callback);
    }
    if plan
        .create
        .as_ref()
        .is_some_and(|c| c.object_type.is_none())
    {
        lints.push(
            LintKind::CreateWithoutObjectType,
            span(SystemName::Action),
            || {
                "`ctl_action=create` for sfdc needs the object to create; add e.g. `[ObjectType|Task]`"
                    .to_owned()
            },
        );
    }
}
