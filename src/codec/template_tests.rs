//! Tests of payload templates.

use super::*;
use crate::codec::{EscapeProblem, HexProblem};

fn render(src: &str) -> Vec<u8> {
    Template::parse(src)
        .unwrap()
        .render(&mut TemplateCtx::default())
        .unwrap()
}

#[test]
fn plain_text_and_braces() {
    assert_eq!(render("hello"), b"hello");
    assert_eq!(render("{{a}} {{"), b"{a} {");
    assert_eq!(render(""), b"");
    assert!(!Template::parse("a{{b}}").unwrap().has_variables());
}

#[test]
fn seq_counts_and_pads() {
    let t = Template::parse("n={seq} z={seq:04} s={seq:3}|").unwrap();
    assert!(t.uses_seq());
    let mut ctx = TemplateCtx::default();
    assert_eq!(t.render(&mut ctx).unwrap(), b"n=1 z=0001 s=  1|");
    assert_eq!(t.render(&mut ctx).unwrap(), b"n=2 z=0002 s=  2|");
    ctx.seq = 12345;
    assert_eq!(t.render(&mut ctx).unwrap(), b"n=12345 z=12345 s=12345|");
    assert_eq!(ctx.seq, 12346);
}

#[test]
fn time_and_unix_ms() {
    let out = String::from_utf8(render("{time}|{unix_ms}")).unwrap();
    let (time, ms) = out.split_once('|').unwrap();
    let b = time.as_bytes();
    assert_eq!(b.len(), 12, "{time}");
    assert_eq!((b[2], b[5], b[8]), (b':', b':', b'.'), "{time}");
    let ms: i64 = ms.parse().unwrap();
    assert!((crate::clock::now_us() / 1000 - ms).abs() < 60_000);
}

#[test]
fn rand_and_hex() {
    let out = render("<{rand:16}>{hex:01 02 0xff}");
    assert_eq!(out.len(), 1 + 16 + 1 + 3);
    assert_eq!(&out[17..], &[b'>', 1, 2, 0xff]);
    assert_eq!(render("{rand:0}"), b"");
    let a = render("{rand:32}");
    let b = render("{rand:32}");
    assert_ne!(a, b);
}

#[test]
fn encodings_and_escapes() {
    let t = Template::parse(r"收{seq}\r\n").unwrap();
    let mut ctx = TemplateCtx::new(Encoding::GBK, true);
    assert_eq!(
        t.render(&mut ctx).unwrap(),
        vec![0xca, 0xd5, b'1', b'\r', b'\n']
    );
    let mut ctx = TemplateCtx::new(Encoding::GBK, false);
    assert_eq!(t.render(&mut ctx).unwrap(), b"\xca\xd51\\r\\n");
    let mut ctx = TemplateCtx::new(Encoding::UTF_16LE, false);
    assert_eq!(
        Template::parse("A{seq}").unwrap().render(&mut ctx).unwrap(),
        vec![b'A', 0, b'1', 0]
    );
}

#[test]
fn hex_mode() {
    let t = Template::parse_hex("01 03 {hex:00 00} 00 0A {seq:02}").unwrap();
    let out = t.render(&mut TemplateCtx::default()).unwrap();
    assert_eq!(out, vec![1, 3, 0, 0, 0, 0x0a, b'0', b'1']);
    let e = Template::parse_hex("01 0G").unwrap_err();
    assert_eq!(e.position, 4);
}

#[test]
fn errors_name_the_position() {
    let e = Template::parse("ab{nope}").unwrap_err();
    assert_eq!(e.position, 3);
    assert!(e.to_string().contains("unknown variable {nope}"), "{e}");
    assert!(e.to_string().starts_with("position 4:"), "{e}");
    assert_eq!(e.problem, TemplateProblem::UnknownVariable("nope".into()));
    assert_eq!(
        Template::parse("{rand:70000}").unwrap_err().problem,
        TemplateProblem::RandTooBig {
            n: 70000,
            max: MAX_RAND
        }
    );
    assert_eq!(
        Template::parse("{time:1}").unwrap_err().problem,
        TemplateProblem::NoArgument("time".into())
    );
    assert_eq!(Template::parse("ab{seq").unwrap_err().position, 2);
    assert_eq!(Template::parse("a}b").unwrap_err().position, 1);
    assert_eq!(Template::parse("{seq:x}").unwrap_err().position, 5);
    assert_eq!(Template::parse("{seq:99}").unwrap_err().position, 5);
    assert!(Template::parse("{rand:65536}").is_err());
    assert!(Template::parse("{rand:65535}").is_ok());
    assert!(Template::parse("{rand}").is_err());
    assert!(Template::parse("{time:1}").is_err());
    let e = Template::parse("x{hex:01 0z}").unwrap_err();
    assert_eq!(e.position, 10, "{e}");
    assert_eq!(e.problem, TemplateProblem::Hex(HexProblem::NotDigit('z')));
    let many = "{rand:65535}".repeat(300);
    let e = Template::parse(&many).unwrap_err();
    assert_eq!(e.problem, TemplateProblem::TooLarge { max: MAX_OUTPUT });
    assert!(e.reason().contains("larger"), "{e}");
}

#[test]
fn render_errors_name_the_position() {
    // Position after a folded brace: "{{" counts as two characters of the template.
    let t = Template::parse("{{ab收").unwrap();
    let e = t
        .render(&mut TemplateCtx::new(Encoding::LATIN_1, false))
        .unwrap_err();
    assert_eq!(e.position, 4, "{e}");
    match &e.problem {
        TemplateProblem::Encode(x) => assert_eq!((x.position, x.ch), (4, '收')),
        other => panic!("{other:?}"),
    }
    let t = Template::parse(r"{seq}a\q").unwrap();
    let e = t
        .render(&mut TemplateCtx::new(Encoding::UTF_8, true))
        .unwrap_err();
    assert_eq!(e.position, 6, "{e}");
    assert_eq!(
        e.problem,
        TemplateProblem::Escape(EscapeProblem::Unknown('q'))
    );
    let t = Template::parse(r"{seq}a\n收").unwrap();
    let e = t
        .render(&mut TemplateCtx::new(Encoding::LATIN_1, true))
        .unwrap_err();
    assert_eq!(e.position, 8, "{e}");
}

#[test]
fn literals() {
    let mut ctx = TemplateCtx::default();
    let t = Template::literal_text("{seq}");
    assert_eq!(t.render(&mut ctx).unwrap(), b"{seq}");
    assert_eq!(
        Template::parse(t.source())
            .unwrap()
            .render(&mut ctx)
            .unwrap(),
        b"{seq}"
    );
    let t = Template::literal_bytes(&[0, 0xff]);
    assert_eq!(t.render(&mut ctx).unwrap(), vec![0, 0xff]);
    assert_eq!(
        Template::parse(t.source())
            .unwrap()
            .render(&mut ctx)
            .unwrap(),
        vec![0, 0xff]
    );
}

#[test]
fn callers_variables() {
    let known = |n: &str| n == "1" || n == "id";
    let t = Template::parse_with("ACK {1} {id}/{seq}", false, &known).unwrap();
    assert_eq!(t.vars().collect::<Vec<_>>(), [("1", 5), ("id", 9)]);
    assert!(t.has_variables());
    let mut ctx = TemplateCtx::new(Encoding::GBK, false);
    ctx.vars = vec![
        ("1".into(), VarValue::Text("收".into())),
        ("id".into(), VarValue::Bytes(vec![0, 0xff])),
    ];
    assert_eq!(
        t.render(&mut ctx).unwrap(),
        b"ACK \xca\xd5 \x00\xff/1".to_vec()
    );
    // A name with no value renders as nothing.
    ctx.vars.clear();
    assert_eq!(t.render(&mut ctx).unwrap(), b"ACK  /2");
    // Hex mode: the bytes go in between the hex.
    let t = Template::parse_with("01 83 {1} 00", true, &known).unwrap();
    ctx.vars = vec![("1".into(), VarValue::Bytes(vec![0x2a]))];
    assert_eq!(t.render(&mut ctx).unwrap(), vec![1, 0x83, 0x2a, 0]);
    // Names the caller does not allow, and built-ins, are as before.
    let e = Template::parse_with("{2}", false, &known).unwrap_err();
    assert_eq!(
        (e.position, e.problem),
        (1, TemplateProblem::UnknownVariable("2".into()))
    );
    assert_eq!(
        Template::parse_with("{seq}", false, &known)
            .unwrap()
            .vars()
            .count(),
        0
    );
    assert!(Template::parse("{1}").is_err());
    // Text that the encoding cannot write fails at the variable.
    let t = Template::parse_with("ab{1}", false, &known).unwrap();
    let mut ctx = TemplateCtx::new(Encoding::LATIN_1, false);
    ctx.vars = vec![("1".into(), VarValue::Text("收".into()))];
    let e = t.render(&mut ctx).unwrap_err();
    assert_eq!(e.position, 3);
    assert!(matches!(e.problem, TemplateProblem::Encode(_)), "{e}");
    // Values are bounded by the output limit.
    let big = "{1}".repeat(20);
    let t = Template::parse_with(&big, false, &known).unwrap();
    ctx.vars = vec![("1".into(), VarValue::Bytes(vec![0; 1 << 20]))];
    let e = t.render(&mut ctx).unwrap_err();
    assert_eq!(e.problem, TemplateProblem::TooLarge { max: MAX_OUTPUT });
    assert!(is_var_name("n_1") && !is_var_name("") && !is_var_name("a:b"));
}

fn render_n(t: &Template, n: usize) -> Vec<Vec<u8>> {
    let mut ctx = TemplateCtx::default();
    (0..n).map(|_| t.render(&mut ctx).unwrap()).collect()
}

#[test]
fn binary_seq_every_width() {
    let t = Template::parse("{seq:u8}{seq:u16be}{seq:u16le}{seq:u32be}{seq:u32le}").unwrap();
    assert!(t.uses_seq() && t.has_variables());
    let mut ctx = TemplateCtx {
        seq: 0x0102_0304,
        ..Default::default()
    };
    let out = t.render(&mut ctx).unwrap();
    assert_eq!(out, [4, 3, 4, 4, 3, 1, 2, 3, 4, 4, 3, 2, 1]);
    ctx.seq = 256;
    assert_eq!(&t.render(&mut ctx).unwrap()[..3], &[0, 1, 0], "u8 wraps");
    let t = Template::parse("{seq:u16be}").unwrap();
    assert_eq!(render_n(&t, 2), vec![vec![0, 1], vec![0, 2]]);
}

#[test]
fn binary_seq_in_hex_mode_makes_modbus_tcp_ids() {
    let t = Template::parse_hex("{seq:u16be} 00 00 00 06 01 03 00 00 00 0a").unwrap();
    let out = render_n(&t, 2);
    assert_eq!(out[0], [0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 0x0a]);
    assert_eq!(out[1][..2], [0, 2]);
    let t = Template::parse_hex("00 {seq:u16be} 00").unwrap();
    assert_eq!(render_n(&t, 1)[0], [0, 0, 1, 0]);
}

#[test]
fn length_of_the_whole_message_and_after() {
    let t = Template::parse_hex("{seq:u16be} 00 00 {len:u16be:after} 01 03 00 00 00 0a").unwrap();
    assert_eq!(render_n(&t, 1)[0], [0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 0x0a]);
    let t = Template::parse("{len:u8}abc{len:u32le}").unwrap();
    assert_eq!(render_n(&t, 1)[0], [8, b'a', b'b', b'c', 8, 0, 0, 0]);
    let t = Template::parse("{len:u16le:after}xy").unwrap();
    assert_eq!(render_n(&t, 1)[0], [2, 0, b'x', b'y']);
    assert!(!Template::parse("{len:u8}ab").unwrap().has_variables());
}

#[test]
fn checksums_anywhere_in_each_order() {
    let rtu = Template::parse_hex("01 03 00 00 00 0a {crc16-modbus}").unwrap();
    assert_eq!(
        render_n(&rtu, 1)[0],
        [1, 3, 0, 0, 0, 0x0a, 0xC5, 0xCD],
        "CRC-16/MODBUS goes low byte first"
    );
    let le = Template::parse_hex("01 03 00 00 00 0a {crc16-modbus:le}").unwrap();
    assert_eq!(render_n(&le, 1)[0][6..], [0xC5, 0xCD]);
    let be = Template::parse_hex("01 03 00 00 00 0a {crc16-modbus:be}").unwrap();
    assert_eq!(render_n(&be, 1)[0][6..], [0xCD, 0xC5]);
    // A checksum in the middle over a range, and a trailer after it.
    let t = Template::parse_hex("02 31 32 {xor8:1..-2} 03").unwrap();
    assert_eq!(render_n(&t, 1)[0], [2, 0x31, 0x32, 0x31 ^ 0x32, 3]);
    // CRC-32 over everything but its own last four bytes, big-endian.
    let t = Template::parse("123456789{crc32:be:0..-4}").unwrap();
    assert_eq!(render_n(&t, 1)[0][9..], [0xCB, 0xF4, 0x39, 0x26]);
    // A header checksum over the payload after it.
    let t = Template::parse_hex("{sum8:1..} ff 02").unwrap();
    assert_eq!(render_n(&t, 1)[0], [0x01, 0xff, 0x02]);
    // An outer checksum covers an inner one as sent.
    let t = Template::parse_hex("{xor8:1..} 05 {sum8:1..2}").unwrap();
    assert_eq!(render_n(&t, 1)[0], [0x00, 0x05, 0x05]);
    // Names as checksum.rs knows them.
    for name in ["sum8", "xor8", "crc16-ccitt", "CRC-16/MODBUS", "crc32"] {
        assert!(Template::parse(&format!("a{{{name}}}")).is_ok(), "{name}");
    }
}

#[test]
fn binary_field_errors_name_the_token() {
    use super::super::binfield::FieldProblem as F;
    let e = Template::parse("ab{seq:u24}").unwrap_err();
    assert_eq!(
        e.problem,
        TemplateProblem::Field(F::UnknownInt("u24".into()))
    );
    assert_eq!(e.position, 7);
    let e = Template::parse("{len:u16be:before}").unwrap_err();
    assert_eq!(
        e.problem,
        TemplateProblem::Field(F::BadLenArg("before".into()))
    );
    let e = Template::parse("{crc32:0..x}").unwrap_err();
    assert_eq!(
        e.problem,
        TemplateProblem::Field(F::BadRange("0..x".into()))
    );
    assert!(
        e.to_string().contains("\"0..x\" is not a byte range"),
        "{e}"
    );
    let e = Template::parse("{len}").unwrap_err();
    assert_eq!(e.problem, TemplateProblem::LenNeedsWidth);
    let render_err = |s: &str| {
        Template::parse(s)
            .unwrap()
            .render(&mut TemplateCtx::default())
            .unwrap_err()
    };
    let e = render_err("ab{crc32:7..}");
    assert_eq!(
        e.problem,
        TemplateProblem::RangeOutside {
            token: "crc32:7..".into(),
            len: 6
        }
    );
    assert!(e.to_string().contains("{crc32:7..}"), "{e}");
    let e = render_err("ab{xor8:0..}");
    assert_eq!(
        e.problem,
        TemplateProblem::RangeCoversField("xor8:0..".into())
    );
    let e = render_err("{rand:300}{len:u8}");
    assert!(matches!(
        e.problem,
        TemplateProblem::LenTooBig {
            len: 301,
            max: 255,
            ..
        }
    ));
    let e = render_err("{xor8:1..}{xor8:0..1}");
    assert_eq!(e.problem, TemplateProblem::ChecksumLoop("xor8:1..".into()));
    let e = Template::parse(&"{xor8}".repeat(MAX_FILLED + 1)).unwrap_err();
    assert_eq!(
        e.problem,
        TemplateProblem::TooManyFields { max: MAX_FILLED }
    );
}

#[test]
fn conn_is_the_connections_number_with_seqs_forms() {
    let t = Template::parse("c{conn} z{conn:03} s{conn:3}|{seq}").unwrap();
    let mut ctx = TemplateCtx::default();
    assert_eq!(
        t.render(&mut ctx).unwrap(),
        b"c1 z001 s  1|1",
        "one client is #1"
    );
    ctx.conn = 42;
    assert_eq!(t.render(&mut ctx).unwrap(), b"c42 z042 s 42|2");
    assert_eq!(ctx.conn, 42, "a render does not move {{conn}}");
    let b = Template::parse("{conn:u16be}{conn:u8}").unwrap();
    ctx.conn = 0x0102;
    assert_eq!(b.render(&mut ctx).unwrap(), [1, 2, 2]);
    assert_eq!(Template::parse("{conn:x}").unwrap_err().position, 6);
    assert!(Template::parse("{conn:99}").is_err());
    assert!(Template::parse("{conn:u24}").is_err());
}
