//! `cargo run -p clicktodial-web --bin build-page [-- --out DIR] [--wasm-opt] [--all-zones]`
//!
//! Builds the page that needs no server, under `target/page/` by default:
//!
//! - `clicktodial.html`: one self-contained file (script, styles and the
//!   `.wasm` inlined) that works opened from disk;
//! - `static/`: the same page as separate files for a static file server.
//!
//! Steps: `cargo build` of this package's library for
//! `wasm32-unknown-unknown` with the `wasm-release` profile and the zones of
//! [`clicktodial_web::zones`] (every zone with `--all-zones`); `wasm-bindgen
//! --target no-modules` (its version must be the `wasm-bindgen` of
//! `Cargo.lock`); `wasm-opt -Oz` with `--wasm-opt` (off by default: it makes the
//! `.wasm` 8 % smaller but its gzip-compressed form, which the page
//! carries, 3 % larger; see BENCHMARKS.md); then the assembly
//! ([`clicktodial_web::page`]). Set-up once:
//!
//! ```text
//! rustup target add wasm32-unknown-unknown
//! cargo install wasm-bindgen-cli --version <the wasm-bindgen version in Cargo.lock>
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clicktodial_web::page::{single_file, static_files, Engine, WASM_FILE};

const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
/// chrono-tz's build-time filter of its zones.
const ZONE_FILTER: &str = "CHRONO_TZ_TIMEZONE_FILTER";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("build-page: {e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("web/ is in the workspace")
        .to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|d| if d.is_absolute() { d } else { root.join(d) })
        .unwrap_or_else(|| root.join("target"))
}

struct Options {
    out: PathBuf,
    wasm_opt: bool,
    /// The zones the .wasm carries (a regular expression over IANA names).
    zones: String,
}

fn options(root: &Path) -> Result<Options, String> {
    let mut out = target_dir(root).join("page");
    let mut wasm_opt = false;
    let mut zones = clicktodial_web::zones::KEPT.to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => {
                out = PathBuf::from(args.next().ok_or("--out needs a directory")?);
            }
            "--wasm-opt" => wasm_opt = true,
            "--all-zones" => zones = ".*".to_owned(),
            "-h" | "--help" => {
                println!(
                    "usage: build-page [--out DIR] [--wasm-opt] [--all-zones]\n\
                     writes DIR/clicktodial.html and DIR/static/ (DIR: target/page)"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    Ok(Options {
        out,
        wasm_opt,
        zones,
    })
}

fn run_tool(command: &mut Command, what: &str, fix: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("{what} does not start ({e}): {fix}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// The version of `name` that Cargo.lock holds.
fn locked_version(root: &Path, name: &str) -> Result<String, String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let entry = format!("name = \"{name}\"\nversion = \"");
    let at = lock
        .find(&entry)
        .ok_or_else(|| format!("Cargo.lock has no {name}"))?
        + entry.len();
    let len = lock[at..].find('"').ok_or("Cargo.lock is not readable")?;
    Ok(lock[at..at + len].to_owned())
}

fn check_wasm_bindgen(root: &Path) -> Result<(), String> {
    let version = locked_version(root, "wasm-bindgen")?;
    let install =
        format!("install it with `cargo install wasm-bindgen-cli --version {version} --locked`");
    let out = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .map_err(|e| format!("wasm-bindgen does not start ({e}): {install}"))?;
    let said = String::from_utf8_lossy(&out.stdout);
    if said.split_whitespace().nth(1) != Some(version.as_str()) {
        return Err(format!(
            "`wasm-bindgen --version` says `{}`, Cargo.lock has {version}: {install}",
            said.trim()
        ));
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let root = workspace();
    let options = options(&root)?;
    let target = target_dir(&root);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run_tool(
        Command::new(cargo)
            .current_dir(&root)
            .env(ZONE_FILTER, &options.zones)
            .args([
                "build",
                "-p",
                "clicktodial-web",
                "--lib",
                "--target",
                TARGET,
                "--profile",
                PROFILE,
            ]),
        "cargo build (wasm)",
        &format!("run `rustup target add {TARGET}`"),
    )?;
    let built = target
        .join(TARGET)
        .join(PROFILE)
        .join("clicktodial_web.wasm");

    check_wasm_bindgen(&root)?;
    let bindgen = options.out.join("bindgen");
    run_tool(
        Command::new("wasm-bindgen")
            .args([
                "--target",
                "no-modules",
                "--no-typescript",
                "--remove-name-section",
                "--remove-producers-section",
                "--out-dir",
            ])
            .arg(&bindgen)
            .arg(&built),
        "wasm-bindgen",
        "see `build-page --help`",
    )?;
    let wasm_path = bindgen.join(WASM_FILE);
    let optimised = options.wasm_opt;
    if optimised {
        let out = bindgen.join("optimised.wasm");
        run_tool(
            Command::new("wasm-opt")
                // The features the module uses are read from it: enabling
                // them all lets wasm-opt write proposals browsers refuse.
                .args(["-Oz", "--strip-debug", "--strip-producers"])
                .arg(&wasm_path)
                .arg("-o")
                .arg(&out),
            "wasm-opt",
            "install it with `cargo install wasm-opt --locked`, or leave out --wasm-opt",
        )?;
        std::fs::rename(&out, &wasm_path).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let engine = Engine {
        glue: String::from_utf8(read(&bindgen.join("clicktodial_web.js"))?)
            .map_err(|_| "wasm-bindgen's glue is not UTF-8".to_owned())?,
        wasm: read(&wasm_path)?,
    };

    let dir = options.out.join("static");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, content) in static_files(&engine).map_err(|e| e.to_string())? {
        let path = dir.join(name);
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let single = single_file(&engine).map_err(|e| e.to_string())?;
    let path = options.out.join("clicktodial.html");
    std::fs::write(&path, &single).map_err(|e| format!("{}: {e}", path.display()))?;

    println!(
        "{}: {} bytes (the .wasm: {} bytes{})",
        path.display(),
        single.len(),
        engine.wasm.len(),
        if optimised {
            ", after wasm-opt -Oz"
        } else {
            ""
        },
    );
    println!("{}: the same page as separate files", dir.display());
    Ok(())
}
