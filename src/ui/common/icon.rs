//! The window icon: `assets/icon-256.png`, built into the binary.

/// The app icon for `ViewportBuilder::with_icon`, decoded from the PNG embedded at build
/// time. `None` only if that PNG could not be decoded (then the window keeps eframe's
/// default icon).
pub fn app_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(include_bytes!("../../../assets/icon-256.png")).ok()
}

#[cfg(test)]
mod tests {
    use super::app_icon;

    #[test]
    fn icon_decodes_to_256_square_rgba() {
        let icon = app_icon().expect("the embedded icon decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    }
}
