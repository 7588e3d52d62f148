//! The Public Suffix List as data, for WebAssembly.
//!
//! Natively the callback host policy asks the `psl` crate. That crate
//! compiles the list into nested matches: about 0.9 MB of WebAssembly code,
//! more than the whole page that runs this library in a browser may weigh.
//! There the same rules are read from their text (`public_suffix_rules.txt`:
//! the `data/rules.txt` of the `psl` version in `Cargo.lock`, its line ends
//! as `\n`; 0.15 MB, 44 KB gzip-compressed) into a tree on first use, and
//! walked as the `psl` crate walks its own. Tests compare the two on every
//! rule and on random names, so they cannot drift apart: when `psl` is
//! updated, they fail until the text is copied from the new version.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The rules, one a line: `name`, `*.name` (a wildcard) or `!name` (an
/// exception), in lowercase, labels in Unicode.
const RULES: &str = include_str!("public_suffix_rules.txt");

/// The rules as a tree of labels, read from the right (`com`, then
/// `example`), as the `psl` crate walks them: a label the tree names is
/// followed before a wildcard is, and a wildcard ends the walk.
#[derive(Default)]
struct Node {
    /// A rule ends here: what was walked is a suffix.
    rule: bool,
    /// An exception ends here: what was walked is not a suffix, its parent is.
    exception: bool,
    /// `*` under this node: any one more label is a suffix.
    wildcard: bool,
    children: HashMap<String, Node>,
}

/// `name` with each Unicode label as its ASCII (punycode) form, as a parsed
/// URL's host has it; `None` when it is not a domain name.
fn ascii(name: &str) -> Option<String> {
    if name.is_ascii() {
        return Some(name.to_owned());
    }
    match url::Host::parse(name) {
        Ok(url::Host::Domain(d)) => Some(d),
        _ => None,
    }
}

fn tree() -> &'static Node {
    static TREE: OnceLock<Node> = OnceLock::new();
    TREE.get_or_init(|| {
        let mut root = Node::default();
        for line in RULES.lines().map(str::trim) {
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            let (exception, name) = match line.strip_prefix('!') {
                Some(name) => (true, name),
                None => (false, line),
            };
            let (wildcard, name) = match name.strip_prefix("*.") {
                Some(name) => (true, name),
                None => (false, name),
            };
            let Some(name) = ascii(name) else { continue };
            let mut node = &mut root;
            for label in name.rsplit('.') {
                node = node.children.entry(label.to_owned()).or_default();
            }
            if wildcard {
                node.wildcard = true;
            } else if exception {
                node.exception = true;
            } else {
                node.rule = true;
            }
        }
        root
    })
}

/// Whether `name` (lowercase ASCII, as a parsed URL's host) has a
/// registrable domain under a suffix the list names: the answer of
/// `psl::domain(name).is_some_and(|d| d.suffix().is_known())`, byte for
/// byte (a final `.` is the root's; the domain is at least one byte and a
/// dot longer than the suffix).
pub(crate) fn domain_is_known(name: &str) -> bool {
    let (body, fqdn) = match name.strip_suffix('.') {
        Some(body) => (body, true),
        None => (name, false),
    };
    // How many labels, from the right, the suffix found so far has.
    let mut suffix = None;
    let mut node = tree();
    for (walked, label) in body.rsplit('.').enumerate() {
        if let Some(child) = node.children.get(label) {
            if child.exception {
                suffix = Some(walked);
                break;
            }
            if child.rule {
                suffix = Some(walked + 1);
            }
            node = child;
        } else {
            if node.wildcard {
                suffix = Some(walked + 1);
            }
            break;
        }
    }
    let Some(labels) = suffix.filter(|&n| n >= 1) else {
        return false;
    };
    let start = body
        .rmatch_indices('.')
        .nth(labels - 1)
        .map_or(0, |(at, _)| at + 1);
    let suffix_len = body.len() - start + usize::from(fqdn);
    name.len() >= suffix_len + 2
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn by_psl(name: &str) -> bool {
        psl::domain(name.as_bytes()).is_some_and(|d| d.suffix().is_known())
    }

    /// Every rule, its parent, and names one and two labels under it (a
    /// wildcard's star as a label), each as the `psl` crate reads it.
    #[test]
    fn every_rule_reads_as_the_psl_crate_reads_it() {
        let mut checked = 0;
        for line in RULES.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let bare = line.trim_start_matches('!').replace('*', "star");
            let Some(rule) = ascii(&bare) else {
                panic!("rule `{line}` is not a domain name");
            };
            let parent = rule.split_once('.').map(|(_, p)| p.to_owned());
            for name in [
                Some(rule.clone()),
                parent,
                Some(format!("x.{rule}")),
                Some(format!("y.x.{rule}")),
            ]
            .into_iter()
            .flatten()
            {
                assert_eq!(
                    domain_is_known(&name),
                    by_psl(&name),
                    "`{name}` (rule `{line}`)"
                );
                checked += 1;
            }
        }
        assert!(checked > 30_000, "{checked}");
    }

    #[test]
    fn names_no_rule_names_and_odd_names_read_as_psl_reads_them() {
        for name in [
            "example.com",
            "com",
            "co.uk",
            "www.co.uk",
            "crm.example",
            "router.lan",
            "a.b.c.nosuchtld",
            "x.ck",
            "www.ck",
            "a.www.ck",
            "ck",
            "foo.blogspot.com",
            "blogspot.com",
            "xn--fiqs8s",
            "a.xn--fiqs8s",
            "",
            "a..com",
            ".com",
            "com.",
            "com..",
            "example.com.",
            ".ck",
            "a.ck.",
            "x.",
            ".",
            "a.b.kawasaki.jp",
            "city.kawasaki.jp",
            "b.city.kawasaki.jp",
        ] {
            assert_eq!(domain_is_known(name), by_psl(name), "`{name}`");
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Labels the rules use (ASCII forms), and a few they do not.
    fn labels() -> &'static [String] {
        static LABELS: OnceLock<Vec<String>> = OnceLock::new();
        LABELS.get_or_init(|| {
            let mut all: Vec<String> = RULES
                .lines()
                .filter_map(|l| ascii(l.trim_start_matches('!').trim_start_matches("*.")))
                .flat_map(|r| r.split('.').map(str::to_owned).collect::<Vec<_>>())
                .collect();
            all.sort();
            all.dedup();
            all.extend(["x", "www", "", "nosuchtld"].map(str::to_owned));
            all
        })
    }

    proptest! {
        #[test]
        fn any_name_of_rule_labels_reads_as_psl_reads_it(
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..6),
            dot in any::<bool>(),
        ) {
            let labels = labels();
            let mut name = picks.iter().map(|i| i.get(labels).as_str()).collect::<Vec<_>>().join(".");
            if dot {
                name.push('.');
            }
            let by_psl = psl::domain(name.as_bytes()).is_some_and(|d| d.suffix().is_known());
            prop_assert_eq!(domain_is_known(&name), by_psl, "`{}`", name);
        }
    }
}
