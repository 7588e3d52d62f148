//! The page's static builds, assembled from its one source (`web/page/`) and
//! the engine (the `.wasm` and wasm-bindgen's `no-modules` glue):
//!
//! - [`static_files`]: `index.html`, `app.css`, `app.js`, `engine.js` (the
//!   glue and the `.wasm`, gzip-compressed, as base64) and the `.wasm`
//!   itself, for any static file server;
//! - [`single_file`]: one HTML file with the styles, the scripts and the
//!   `.wasm` inlined, which works opened from disk (`file://`) with no
//!   server and no network.
//!
//! Both carry a Content-Security-Policy in a `<meta>` element: nothing from
//! another place, no network at all (`connect-src 'none'`: the `.wasm` is
//! read from a script, never fetched), no inline handler; inline script
//! and style only by their SHA-256 hashes. `'wasm-unsafe-eval'` lets the
//! page compile its own WebAssembly and nothing else (no `eval`).

use std::fmt;

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The page's HTML, as `serve` shows it.
pub const INDEX: &str = include_str!("../page/index.html");
/// The page's script: one script, two backends (`serve`'s `/api/*`, or the
/// engine when a static build loads it first).
pub const SCRIPT: &str = include_str!("../page/app.js");
/// The page's styles.
pub const STYLE: &str = include_str!("../page/app.css");

/// The name of the `.wasm` in the static build (wasm-bindgen's name).
pub const WASM_FILE: &str = "clicktodial_web_bg.wasm";

/// The engine of a static build.
#[derive(Debug, Clone)]
pub struct Engine {
    /// wasm-bindgen's JavaScript for `--target no-modules`: it defines the
    /// global `wasm_bindgen`.
    pub glue: String,
    /// The WebAssembly module.
    pub wasm: Vec<u8>,
}

/// Why a build cannot be assembled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// The page's source no longer holds a tag the build replaces.
    MissingTag(&'static str),
    /// A file to be inlined holds text that would end its element early
    /// (`</script` in a script, `</style` in a style).
    Unclosable(&'static str),
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::MissingTag(tag) => write!(f, "web/page/index.html has no `{tag}`"),
            PageError::Unclosable(what) => {
                write!(f, "{what} holds text that would close its element early")
            }
        }
    }
}

impl std::error::Error for PageError {}

const META_CHARSET: &str = r#"<meta charset="utf-8">"#;
const STYLE_TAG: &str = r#"<link rel="stylesheet" href="app.css">"#;
const SCRIPT_TAG: &str = r#"<script src="app.js" defer></script>"#;
const ENGINE_FILE: &str = "engine.js";

/// The Content-Security-Policy of the files [`static_files`] writes.
pub const STATIC_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; connect-src 'none'; img-src 'none'; base-uri 'none'; form-action 'none'";

/// `bytes` gzip-compressed (best compression).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The engine as one classic script: the glue, then the `.wasm`,
/// gzip-compressed and base64-encoded, decoded, unpacked by the browser's
/// `DecompressionStream` and instantiated (asynchronously: browsers refuse
/// to compile a large module synchronously). `globalThis.clicktodialEngine`
/// is the promise of the ready engine the page's script waits for.
pub fn engine_script(engine: &Engine) -> String {
    let packed = base64::engine::general_purpose::STANDARD.encode(gzip(&engine.wasm));
    format!(
        "{glue}\n(() => {{\n  \"use strict\";\n  const text = \"{packed}\";\n  \
         const packed = typeof Uint8Array.fromBase64 === \"function\"\n    \
         ? Uint8Array.fromBase64(text)\n    \
         : Uint8Array.from(atob(text), (c) => c.charCodeAt(0));\n  \
         const wasm = new Blob([packed]).stream().pipeThrough(new DecompressionStream(\"gzip\"));\n  \
         globalThis.clicktodialEngine = new Response(wasm).arrayBuffer()\n    \
         .then((bytes) => wasm_bindgen({{ module_or_path: bytes }}))\n    \
         .then(() => wasm_bindgen);\n}})();\n",
        glue = engine.glue.trim_end(),
    )
}

/// `'sha256-…'`: the CSP source that allows exactly this inline element's text.
pub fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn replace_once(html: &str, tag: &'static str, with: &str) -> Result<String, PageError> {
    if !html.contains(tag) {
        return Err(PageError::MissingTag(tag));
    }
    Ok(html.replacen(tag, with, 1))
}

fn with_csp(html: &str, csp: &str) -> Result<String, PageError> {
    replace_once(
        html,
        META_CHARSET,
        &format!("{META_CHARSET}\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"),
    )
}

/// The static build: `(file name, content)` for each file, `index.html`
/// first.
///
/// # Example
///
/// ```
/// use clicktodial_web::page::{static_files, Engine};
///
/// let engine = Engine { glue: "let wasm_bindgen;".into(), wasm: b"\0asm".to_vec() };
/// let files = static_files(&engine).unwrap();
/// let index = String::from_utf8(files[0].1.clone()).unwrap();
/// assert!(index.contains("connect-src 'none'"));
/// assert!(files.iter().any(|(name, _)| name == "engine.js"));
/// ```
pub fn static_files(engine: &Engine) -> Result<Vec<(String, Vec<u8>)>, PageError> {
    let html = with_csp(INDEX, STATIC_CSP)?;
    let html = replace_once(
        &html,
        SCRIPT_TAG,
        &format!("<script src=\"{ENGINE_FILE}\" defer></script>\n{SCRIPT_TAG}"),
    )?;
    if !html.contains(STYLE_TAG) {
        return Err(PageError::MissingTag(STYLE_TAG));
    }
    Ok(vec![
        ("index.html".to_owned(), html.into_bytes()),
        ("app.css".to_owned(), STYLE.as_bytes().to_vec()),
        ("app.js".to_owned(), SCRIPT.as_bytes().to_vec()),
        (ENGINE_FILE.to_owned(), engine_script(engine).into_bytes()),
        (WASM_FILE.to_owned(), engine.wasm.clone()),
    ])
}

/// The single self-contained HTML file.
///
/// # Example
///
/// ```
/// use clicktodial_web::page::{single_file, Engine};
///
/// let engine = Engine { glue: "let wasm_bindgen;".into(), wasm: b"\0asm".to_vec() };
/// let html = single_file(&engine).unwrap();
/// assert!(html.contains("connect-src 'none'"));
/// assert!(!html.contains("src=\"app.js\""));
/// ```
pub fn single_file(engine: &Engine) -> Result<String, PageError> {
    let script = engine_script(engine);
    for (what, text) in [("the engine", script.as_str()), ("app.js", SCRIPT)] {
        if text.to_ascii_lowercase().contains("</script") || text.contains("<!--") {
            return Err(PageError::Unclosable(what));
        }
    }
    if STYLE.to_ascii_lowercase().contains("</style") {
        return Err(PageError::Unclosable("app.css"));
    }
    let csp = format!(
        "default-src 'none'; script-src {} {} 'wasm-unsafe-eval'; style-src {}; \
         connect-src 'none'; img-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(&script),
        csp_hash(SCRIPT),
        csp_hash(STYLE),
    );
    let html = with_csp(INDEX, &csp)?;
    let html = replace_once(&html, STYLE_TAG, &format!("<style>{STYLE}</style>"))?;
    replace_once(
        &html,
        SCRIPT_TAG,
        &format!("<script>{script}</script>\n<script>{SCRIPT}</script>"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine {
            glue: "let wasm_bindgen = (function () { return {}; })();".into(),
            wasm: vec![0, b'a', b's', b'm', 1, 0, 0, 0, 0xff],
        }
    }

    /// The text of every inline `<tag>` element of `html`.
    fn inline(html: &str, tag: &str) -> Vec<String> {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        html.match_indices(&open)
            .map(|(at, _)| {
                let body = &html[at + open.len()..];
                body[..body.find(&close).expect("closed")].to_owned()
            })
            .collect()
    }

    #[test]
    fn every_inline_element_is_allowed_by_its_hash_and_nothing_else_is_inline() {
        let html = single_file(&engine()).unwrap();
        let csp_at = html.find("Content-Security-Policy").unwrap();
        let csp = &html[csp_at..csp_at + html[csp_at..].find('>').unwrap()];
        let scripts = inline(&html, "script");
        let styles = inline(&html, "style");
        assert_eq!(scripts.len(), 2);
        assert_eq!(styles.len(), 1);
        for text in scripts.iter().chain(&styles) {
            assert!(csp.contains(&csp_hash(text)), "{csp}");
        }
        assert_eq!(html.matches("<script").count(), 2, "no other script");
        assert!(
            !html.contains(" src=") && !html.contains(" href="),
            "no file is loaded"
        );
        assert!(csp.contains("connect-src 'none'") && csp.contains("default-src 'none'"));
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
        // The CSP comes before any script or style, so it governs them.
        assert!(csp_at < html.find("<script").unwrap() && csp_at < html.find("<style").unwrap());
    }

    #[test]
    fn the_engine_carries_the_wasm_bytes_exactly() {
        use std::io::Read as _;
        let script = engine_script(&engine());
        assert!(script.starts_with("let wasm_bindgen"));
        let text = script
            .split("const text = \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the packed .wasm");
        let packed = base64::engine::general_purpose::STANDARD
            .decode(text)
            .expect("base64");
        let mut wasm = Vec::new();
        flate2::read::GzDecoder::new(&packed[..])
            .read_to_end(&mut wasm)
            .expect("gzip");
        assert_eq!(wasm, engine().wasm);
    }

    #[test]
    fn the_static_build_loads_its_own_files_only() {
        let files = static_files(&engine()).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["index.html", "app.css", "app.js", "engine.js", WASM_FILE]
        );
        let index = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(index.contains(STATIC_CSP));
        let engine_at = index.find("src=\"engine.js\"").unwrap();
        assert!(
            engine_at < index.find("src=\"app.js\"").unwrap(),
            "the engine first"
        );
        assert!(!index.contains("<style") && index.matches("<script").count() == 2);
    }

    #[test]
    fn a_script_that_would_close_its_element_is_refused() {
        let mut bad = engine();
        bad.glue.push_str("\"</SCRIPT>\"");
        assert_eq!(
            single_file(&bad).unwrap_err(),
            PageError::Unclosable("the engine")
        );
    }

    #[test]
    fn the_hash_is_the_base64_of_the_sha256() {
        // sha256("") is e3b0c442…, base64 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=.
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
