//! Unit tests of parser behaviour that golden files show less directly:
//! precedence, error recovery and the error-code catalogue.

use super::*;

fn dump(src: &str) -> String {
    let parsed = parse_text(src, 0);
    assert!(parsed.errors.is_empty(), "{src:?}: {:?}", parsed.errors);
    parsed
        .module
        .body
        .iter()
        .map(|s| match &s.kind {
            ast::StmtKind::Expr(e) => dump::expr(e),
            _ => String::from("<stmt>"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn codes(src: &str) -> Vec<String> {
    parse_text(src, 0)
        .errors
        .iter()
        .map(|e| {
            miette::Diagnostic::code(e)
                .map(|c| c.to_string())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(dump("-2 ** 2"), "(- (** 2 2))");
    assert_eq!(dump("2 ** 3 ** 2"), "(** 2 (** 3 2))");
    assert_eq!(dump("a or b and not c"), "(or a (and b (not c)))");
    assert_eq!(dump("0 <= i < n"), "(cmp 0 <= i < n)");
    assert_eq!(dump("a < b > c"), "(cmp a < b > c)");
    assert_eq!(dump("x in 0..n + 1"), "(cmp x in (.. 0 (+ n 1)))");
    assert_eq!(dump("a | b ^ c & d << 1"), "(| a (^ b (& c (<< d 1))))");
    assert_eq!(dump("a >> 1 > b"), "(cmp (>> a 1) > b)");
    assert_eq!(
        dump("x if c else y if d else z"),
        "(ifelse c x (ifelse d y z))"
    );
    assert_eq!(dump("lambda a, b=1: a + b"), "(lambda (a (b = 1)) (+ a b))");
    assert_eq!(dump("not a in b"), "(not (cmp a in b))");
    assert_eq!(dump("a is not None"), "(cmp a is not None)");
}

#[test]
fn generic_calls_versus_comparisons() {
    assert_eq!(dump("chan<int>(4)"), "(call (generic chan int) 4)");
    assert_eq!(
        dump("f<dict<string, list<int>>>(x)"),
        "(call (generic f dict<string, list<int>>) x)"
    );
    assert_eq!(dump("a < b > (c)"), "(cmp a < b > c)");
}

#[test]
fn minimum_int_literal() {
    assert_eq!(dump("-9223372036854775808"), "-9223372036854775808");
    assert_eq!(codes("9223372036854775808"), ["E0008"]);
}

#[test]
fn independent_errors_are_all_reported() {
    let src = "x = \nif a\n    pass\nlet class = 1\nprint(1)\n";
    assert_eq!(codes(src), ["E0039", "E0023", "E0029"]);
    // The clean statement after them still parses.
    assert_eq!(parse_text(src, 0).module.body.len(), 1);
}

#[test]
fn error_codes_are_unique() {
    let mut seen: Vec<&str> = error::PARSE_ERROR_CLASSES.iter().map(|c| c.code).collect();
    seen.sort_unstable();
    let before = seen.len();
    seen.dedup();
    assert_eq!(seen.len(), before);
}

#[test]
fn spans_are_global_offsets() {
    let parsed = parse_text("let x = 1\n", 100);
    assert_eq!(parsed.module.body[0].span, pyro_source::Span::new(100, 109));
}
