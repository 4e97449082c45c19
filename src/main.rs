//! Starts Socket Tester: parses the command line, then opens the window or runs headless.

use clap::Parser;
use socket_tester::cli::Cli;

fn main() {
    let cli = Cli::parse();
    let launch = match &cli.command {
        None => None,
        Some(cmd) => match cmd.to_launch() {
            Ok(l) => Some((l, cmd.common().headless)),
            Err(e) => {
                eprintln!("error: {}", e.0);
                std::process::exit(2);
            }
        },
    };
    match launch {
        Some((l, true)) => std::process::exit(socket_tester::headless::run(l)),
        other => {
            if let Err(e) = socket_tester::ui::run(other.map(|(l, _)| l)) {
                eprintln!("socket-tester: cannot open the window: {e}");
                std::process::exit(1);
            }
        }
    }
}
