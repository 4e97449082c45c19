//! Opens the Socket Tester window with no launch options (for screenshots and manual tries).

fn main() -> eframe::Result<()> {
    socket_tester::ui::run(None)
}
