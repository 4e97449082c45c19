//! The fonts the window adds to egui's own: a wide symbol font and a CJK font (the first
//! one found on this machine, or `SOCKET_TESTER_CJK_FONT`), as fallbacks, so 收到啦我反馈
//! shows instead of boxes.

/// Font files tried, in order, for Chinese/Japanese/Korean text: (path, face index).
const CJK_FONTS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    (
        "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
        0,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
    ("/usr/share/fonts/google-droid/DroidSansFallback.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
];

/// Adds a CJK font (the first one found on this machine, or the file named by
/// `SOCKET_TESTER_CJK_FONT`) as a fallback for proportional and monospace text.
/// Returns false when none was found; the window then runs with boxes for such text.
pub fn install_cjk_font(ctx: &egui::Context) -> bool {
    // A wide symbol font first (U+FFFD, ☺, box drawing…) when one is around.
    for path in SYMBOL_FONTS {
        if let Some(data) = read_font(path, 0) {
            ctx.add_font(fallback("symbol-fallback", data));
            break;
        }
    }
    let from_env = std::env::var("SOCKET_TESTER_CJK_FONT").ok();
    let env_entry = from_env.as_deref().map(|p| (p, 0u32));
    for (path, index) in env_entry.into_iter().chain(CJK_FONTS.iter().copied()) {
        let Some(data) = read_font(path, index) else {
            continue;
        };
        ctx.add_font(fallback("cjk-fallback", data));
        return true;
    }
    false
}

/// Fonts with many symbols, tried as a fallback before the CJK font.
const SYMBOL_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu-sans-mono-fonts/DejaVuSansMono.ttf",
];

fn read_font(path: &str, index: u32) -> Option<egui::FontData> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let mut data = egui::FontData::from_owned(bytes);
    data.index = index;
    Some(data)
}

fn fallback(name: &str, data: egui::FontData) -> egui::epaint::text::FontInsert {
    use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    FontInsert::new(
        name,
        data,
        vec![
            InsertFontFamily {
                family: egui::FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: egui::FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    )
}
