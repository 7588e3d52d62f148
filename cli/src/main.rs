//! `clicktodial`: lint, explain, simulate and build 8x8 click-to-dial links,
//! and a local contact-center simulator (`serve`) with a callback receiver
//! (`receive`) to test against.
//!
//! `main` is wiring only: parse the arguments, run the command, map its
//! outcome to an exit status (0 clean, 1 findings, 2 not a link or a usage
//! error).

#![forbid(unsafe_code)]

mod build;
mod deliveries;
mod explain;
mod lint;
mod outbound;
mod output;
mod page;
mod queue;
mod receive;
mod render;
mod serve;
mod server;
mod simulate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Lint, explain and simulate 8x8 Contact Center click-to-dial links, and run
/// a local contact center to test links and callback receivers against.
#[derive(Debug, Parser)]
#[command(name = "clicktodial", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every problem in a link, rendered like a compiler diagnostic.
    Lint(lint::Args),
    /// The dial string, the parameters, system and user data, the action
    /// plan and the tokens of a link.
    Explain(explain::Args),
    /// A finished call over a link: the expanded data, the Salesforce
    /// create, the screenpop and the callback.
    Simulate(simulate::Args),
    /// A correctly encoded link, or a CRM custom-link template.
    Build(build::Args),
    /// Fills a custom-link template's merge fields as the CRM would.
    Fill(build::FillArgs),
    /// A local contact-center simulator: answers make_call.php and 8x8's
    /// JSON call API, then sends the create, the screenpop and the callback.
    Serve(serve::Args),
    /// The CRM side: prints each callback POST it receives as one JSON line.
    Receive(receive::Args),
    /// The outbox `serve` sends through: list, replay the dead, purge.
    Deliveries(deliveries::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let servers = matches!(cli.command, Command::Serve(_) | Command::Receive(_));
    init_logging(if servers { "info" } else { "warn" });
    let outcome = match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Build(args) => build::run(args),
        Command::Fill(args) => build::run_fill(args),
        Command::Serve(args) => serve::run(args),
        Command::Receive(args) => receive::run(args),
        Command::Deliveries(args) => deliveries::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to standard error (standard output is the command's data);
/// `RUST_LOG` overrides the level.
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
