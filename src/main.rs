//! Starts Socket Tester: parses the command line, then opens the window, runs headless,
//! exports a record, or replays one.

use clap::Parser;
use socket_tester::cli::{Cli, RoleCommand};

fn main() {
    socket_tester::sys::limit_software_renderer();
    socket_tester::sys::tune_allocator();
    socket_tester::sys::raise_fd_limit();
    let cli = Cli::parse();
    if let Some(RoleCommand::Export {
        input,
        to,
        encoding,
        skip_bad,
        lang,
        utc,
        no_bom,
    }) = &cli.command
    {
        let lang = lang.unwrap_or_else(socket_tester::i18n::Lang::detect);
        std::process::exit(socket_tester::log::export::run_cli(
            input,
            to,
            *encoding,
            socket_tester::i18n_export::describe_fn(lang),
            *skip_bad,
            &socket_tester::i18n_export::export_style(lang, *utc, *no_bom),
        ));
    }
    if let Some(RoleCommand::Replay {
        input,
        to,
        speed,
        side,
        check,
        reply_timeout,
        client,
        skip_bad,
    }) = &cli.command
    {
        let args = socket_tester::replay::ReplayArgs {
            input,
            to,
            speed: *speed,
            side: *side,
            check: *check,
            client: *client,
            timeout: *reply_timeout,
            skip_bad: *skip_bad,
        };
        std::process::exit(socket_tester::replay::run_cli(&args));
    }
    if let Some(RoleCommand::Run {
        file,
        to,
        junit,
        record,
        connections,
        ramp,
    }) = &cli.command
    {
        std::process::exit(socket_tester::sequence::cli::run_cli(
            &socket_tester::sequence::cli::RunArgs {
                file,
                to: to.as_deref(),
                junit: junit.as_deref(),
                record: record.as_deref(),
                connections: *connections,
                ramp: *ramp,
            },
        ));
    }
    if let Some(RoleCommand::Relay(args)) = &cli.command
        && args.headless
    {
        std::process::exit(socket_tester::headless::relay::run_cli(args));
    }
    // A bad preset stops here, before anything opens.
    let preset = match &cli.preset {
        Some(path) => match socket_tester::ui::load_preset(path) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("error: bad preset: {e}");
                std::process::exit(2);
            }
        },
        None => None,
    };
    let launch = match &cli.command {
        None => None,
        Some(cmd) => match cmd.to_launch() {
            Ok(l) => Some((l, cmd.common().is_some_and(|c| c.headless))),
            Err(e) => {
                eprintln!("error: {}", e.0);
                std::process::exit(2);
            }
        },
    };
    match launch {
        Some((l, true)) => std::process::exit(socket_tester::headless::run(l)),
        other => {
            if let Err(e) = socket_tester::ui::run_with_preset(other.map(|(l, _)| l), preset) {
                eprintln!("socket-tester: cannot open the window: {e}");
                std::process::exit(1);
            }
        }
    }
}
