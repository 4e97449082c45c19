//! Presets (TOML) are parsed, never evaluated: any input loads or gives an error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::ui::Preset;

fuzz_target!(|s: &str| {
    if let Ok(p) = Preset::parse(s)
        && let Ok(text) = p.to_toml()
    {
        assert!(Preset::parse(&text).is_ok());
    }
});
