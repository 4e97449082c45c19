//! Tests of payload templates.

use super::*;

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
