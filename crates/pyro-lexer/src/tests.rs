use super::*;

fn kinds(src: &str) -> Vec<String> {
    let lexed = lex(src, 0);
    assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
    lexed.tokens.iter().map(|(_, t, _)| short(t)).collect()
}

fn short(t: &Tok<'_>) -> String {
    match t {
        Tok::Name(n) => n.to_string(),
        Tok::Number(Number::Int(n)) => n.to_string(),
        Tok::Number(Number::Float(x)) => format!("{x:?}f"),
        Tok::Str(s) => format!("{s:?}"),
        Tok::Newline => "NL".into(),
        Tok::Indent => "IN".into(),
        Tok::Dedent => "DE".into(),
        Tok::LtGeneric => "<gen".into(),
        Tok::GtJoined => ">j".into(),
        other => other.keyword().or(other.punct()).unwrap_or("?").to_string(),
    }
}

fn errors(src: &str) -> Vec<LexError> {
    lex(src, 0).errors
}

#[test]
fn indentation_blocks() {
    assert_eq!(
        kinds("if a:\n    b\n    if c:\n        d\ne\n").join(" "),
        "if a : NL IN b NL if c : NL IN d NL DE DE e NL"
    );
}

#[test]
fn blank_and_comment_lines_do_not_affect_layout() {
    assert_eq!(
        kinds("if a:\n\n  # c\n        // d\n  b\n").join(" "),
        "if a : NL IN b NL DE"
    );
}

#[test]
fn brackets_suspend_layout_and_backslash_joins() {
    assert_eq!(
        kinds("x = (1,\n  2)\ny = 1 + \\\n   2\n").join(" "),
        "x = ( 1 , 2 ) NL y = 1 + 2 NL"
    );
}

#[test]
fn both_comment_styles() {
    assert_eq!(
        kinds("let c = chan<int>(1) // capacity 1\n# full line\n").join(" "),
        "let c = chan <gen int > ( 1 ) NL"
    );
}

#[test]
fn numbers() {
    assert_eq!(
        kinds("42 1_000_000 0xff 0o17 0b1010 3.14 1e-9 2. .5 0..5").join(" "),
        "42 1000000 255 15 10 3.14f 1e-9f 2.0f 0.5f 0 .. 5 NL"
    );
}

#[test]
fn number_errors() {
    assert!(matches!(
        errors("9223372036854775808999999")[0],
        LexError::IntTooLarge { .. }
    ));
    assert!(matches!(errors("0x")[0], LexError::BadNumber { .. }));
    assert!(matches!(errors("0b102")[0], LexError::BadNumber { .. }));
    assert!(matches!(errors("1__0")[0], LexError::BadNumber { .. }));
    assert!(matches!(errors("12abc")[0], LexError::BadNumber { .. }));
    // Exactly 2**63 lexes: the parser accepts it only after unary minus.
    assert!(errors("9223372036854775808").is_empty());
}

#[test]
fn strings_and_escapes() {
    assert_eq!(
        kinds(
            r#"'a' "b\n" """x
y""" r"\d" "\u{1F600}" "\x41""#
        )
        .join(" "),
        r#""a" "b\n" "x\ny" "\\d" "😀" "A" NL"#
    );
}

#[test]
fn string_errors() {
    assert!(matches!(
        errors("x = \"abc\ny = 1\n")[0],
        LexError::UnterminatedString { .. }
    ));
    assert!(matches!(
        errors("x = '''abc\n")[0],
        LexError::UnterminatedTripleString { .. }
    ));
    assert!(matches!(errors(r#""\q""#)[0], LexError::BadEscape { .. }));
    assert!(matches!(
        errors(r#""\u{110000}""#)[0],
        LexError::BadUnicodeEscape { .. }
    ));
}

#[test]
fn fstrings() {
    let lexed = lex(r#"f"x = {x + 1:>5} {{lit}} {d["k"]!r} {y=}""#, 0);
    assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
    let Tok::FStr(fs) = &lexed.tokens[0].1 else {
        panic!("not an f-string")
    };
    assert_eq!(fs.parts.len(), 6);
    let FPart::Expr(e) = &fs.parts[1] else {
        panic!()
    };
    assert_eq!(e.tokens.len(), 3);
    assert!(e.spec.is_some());
    let FPart::Expr(e) = &fs.parts[3] else {
        panic!()
    };
    assert_eq!(e.conversion, Some('r'));
    let FPart::Expr(e) = &fs.parts[5] else {
        panic!()
    };
    assert_eq!(e.debug_text.as_deref(), Some("y="));
    assert_eq!(fs.parts[2], FPart::Lit(" {lit} ".into()));
}

#[test]
fn fstring_errors() {
    assert!(matches!(
        errors(r#"f"a } b""#)[0],
        LexError::BadFString { .. }
    ));
    assert!(matches!(
        errors(r#"f"a {} b""#)[0],
        LexError::BadFString { .. }
    ));
}

#[test]
fn generics_and_shifts() {
    assert_eq!(kinds("chan<int>(4)").join(" "), "chan <gen int > ( 4 ) NL");
    assert_eq!(kinds("a < b > c").join(" "), "a < b > c NL");
    assert_eq!(kinds("a < b > (c)").join(" "), "a < b > ( c ) NL");
    assert_eq!(
        kinds("x: dict<string, list<int>> = 1").join(" "),
        "x : dict < string , list < int >j > = 1 NL"
    );
    assert_eq!(kinds("a >> b").join(" "), "a >j > b NL");
    assert_eq!(
        kinds("f<list<int>>(x)").join(" "),
        "f <gen list < int >j > ( x ) NL"
    );
}

#[test]
fn keywords_after_dot_are_names() {
    assert_eq!(
        kinds("m.match(x).type").join(" "),
        "m . match ( x ) . type NL"
    );
}

#[test]
fn layout_errors() {
    assert!(matches!(
        errors("if a:\n\tb\n")[0],
        LexError::TabInIndent { .. }
    ));
    assert!(matches!(
        errors("if a:\n    b\n  c\n")[0],
        LexError::BadDedent { .. }
    ));
    assert!(matches!(
        errors("f(1, 2\n")[0],
        LexError::UnclosedBracket { .. }
    ));
    assert!(matches!(
        errors("f(1]\n")[0],
        LexError::MismatchedBracket { .. }
    ));
    assert!(matches!(errors("x)\n")[0], LexError::UnmatchedClose { .. }));
    assert!(matches!(
        errors("x = $\n")[0],
        LexError::UnexpectedChar { .. }
    ));
}

#[test]
fn statement_starts() {
    let lexed = lex("if a:\n  b\nelse:\n  c\n@d\ndef f():\n  pass\nx\n", 0);
    let firsts: Vec<String> = lexed
        .statement_starts
        .iter()
        .map(|&i| short(&lexed.tokens[i].1))
        .collect();
    assert_eq!(firsts, ["if", "@", "x"]);
}

#[test]
fn crlf_and_no_trailing_newline() {
    assert_eq!(
        kinds("if a:\r\n  b\r\nc").join(" "),
        "if a : NL IN b NL DE c NL"
    );
}

#[test]
fn brackets_nest_up_to_the_limit() {
    let at_limit = format!("x = {}1{}\n", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert!(errors(&at_limit).is_empty());
    let deeper = format!("x = {}1{}\n", "[".repeat(50_000), "]".repeat(50_000));
    let errs = errors(&deeper);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(matches!(
        errs[0],
        LexError::TooDeep {
            what: "brackets",
            ..
        }
    ));
    // The error points at the first bracket past the limit.
    assert_eq!(errs[0].span().lo, 4 + MAX_DEPTH as u32);
}

/// `f"{f"{f"{...}"}"}"` nested `n` deep around `x`.
fn nested_fstrings(n: usize) -> String {
    let mut s = "x".to_string();
    for _ in 0..n {
        s = format!("f\"{{{s}}}\"");
    }
    s
}

#[test]
fn fstrings_nest_up_to_the_limit() {
    assert!(errors(&format!("y = {}\n", nested_fstrings(MAX_DEPTH))).is_empty());
    let errs = errors(&format!("y = {}\n", nested_fstrings(MAX_DEPTH + 1)));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(matches!(
        errs[0],
        LexError::TooDeep {
            what: "f-strings",
            ..
        }
    ));
    // Format specs nest fields too.
    let mut spec = "x".to_string();
    for _ in 0..MAX_DEPTH + 5 {
        spec = format!("{{x:{spec}}}");
    }
    let errs = errors(&format!("y = f\"{spec}\"\n"));
    assert!(
        errs.iter().any(|e| matches!(e, LexError::TooDeep { .. })),
        "{errs:?}"
    );
}

#[test]
fn nested_fstrings_lex_on_a_small_thread_stack() {
    let src = format!("y = {}\n", nested_fstrings(MAX_DEPTH));
    let t = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || lex(&src, 0).errors.len())
        .unwrap();
    assert_eq!(t.join().unwrap(), 0);
}

/// The `//` comments `lex` picks out as Python's floor division, as text.
fn floor(src: &str) -> Vec<&str> {
    lex(src, 10)
        .floor_comments
        .iter()
        .map(|s| &src[(s.lo - 10) as usize..(s.hi - 10) as usize])
        .collect()
}

#[test]
fn floor_division_comments_follow_an_operand_and_begin_like_one() {
    assert_eq!(floor("let h = n // 2\n"), ["// 2"]);
    assert_eq!(floor("x //= 3  \r\ny = f(a) //(b)\n"), ["//= 3", "//(b)"]);
    assert_eq!(floor("print(f\"{n // 2}\")\n"), ["// 2"]);
    assert_eq!(floor("xs[i] // k\nt = (1, 2) // two\n"), ["// k", "// two"]);
    // After a keyword, an operator, a colon or nothing; before a symbol.
    for quiet in [
        "// 2\n",
        "if x: // 2\n",
        "return // 2\n",
        "x = 1 + // 2\n",
        "x = 1 // -2\n",
        "x = 1 //\n",
        "x = 1 // \"s\"\n",
        "x = 1 # // 2\n",
        "s = \"a // 2\"\n",
    ] {
        assert!(floor(quiet).is_empty(), "{quiet:?}");
    }
}
