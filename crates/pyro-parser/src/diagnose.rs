//! Turns lalrpop's "unrecognized token, expected one of …" into a message a
//! person can act on. All the guessing about what the programmer meant lives
//! here, in one place.

use lalrpop_util::ParseError as LalrpopError;
use pyro_lexer::{Spanned, Tok};
use pyro_source::Span;

use crate::error::*;

/// Statement keywords whose header ends in `:` and opens a block.
const BLOCK_KEYWORDS: &[&str] = &[
    "if",
    "elif",
    "else",
    "while",
    "for",
    "def",
    "class",
    "record",
    "interface",
    "try",
    "except",
    "finally",
    "with",
    "select",
    "match",
    "case",
];

/// Where the tokens handed to the parser came from: a module's statement
/// (followed by the next statement's first token, if any) or an f-string field.
pub(crate) enum Context<'a, 's> {
    Statement { next: Option<&'a Spanned<'s>> },
    FString,
}

pub(crate) fn translate(
    error: LalrpopError<u32, Tok<'_>, SyntaxError>,
    tokens: &[Spanned<'_>],
    context: Context<'_, '_>,
    eof: u32,
) -> SyntaxError {
    let parse_error = match error {
        LalrpopError::User { error } => return error,
        LalrpopError::InvalidToken { location } => ParseError::new(
            UNEXPECTED_TOKEN,
            "invalid token",
            Span::new(location, location),
        ),
        LalrpopError::UnrecognizedEof { location, expected } => match context {
            // The statement ran into the next one: blame that token.
            Context::Statement { next: Some(next) } => {
                let mut with_next = tokens.to_vec();
                with_next.push(next.clone());
                unrecognized(next.clone(), &expected, &with_next)
            }
            Context::Statement { next: None } if expected.len() == 1 && expected[0] == "INDENT" => {
                let at = Span::new(location.min(eof), location.min(eof));
                let kw = line_keyword(tokens, tokens.len()).unwrap_or("block");
                ParseError::new(EXPECTED_BLOCK, format!("expected an indented block after `{kw}`"), at)
                    .label("the file ends before the block")
                    .help("indent the body of the block on the lines after the `:` (or write `pass` for an empty one)")
            }
            Context::Statement { next: None } => {
                let at = Span::new(location.min(eof), location.min(eof));
                ParseError::new(UNEXPECTED_EOF, "unexpected end of file", at)
                    .label(format!("expected {} here", describe_expected(&expected)))
            }
            Context::FString => {
                let at = Span::new(location, location);
                ParseError::new(EXPECTED_EXPRESSION, "incomplete expression in f-string", at)
                    .label(format!("expected {} here", describe_expected(&expected)))
            }
        },
        LalrpopError::ExtraToken {
            token: (lo, tok, hi),
        } => ParseError::new(
            UNEXPECTED_TOKEN,
            format!("unexpected {tok}"),
            Span::new(lo, hi),
        )
        .label("not expected here"),
        LalrpopError::UnrecognizedToken { token, expected } => {
            unrecognized(token, &expected, tokens)
        }
    };
    SyntaxError::Parse(parse_error)
}

fn unrecognized(token: Spanned<'_>, expected: &[String], tokens: &[Spanned<'_>]) -> ParseError {
    let (lo, tok, hi) = token;
    let span = Span::new(lo, hi);
    // The tokens here are shells (strings without their text): compare kinds.
    let index = tokens
        .iter()
        .position(|(l, t, _)| *l == lo && std::mem::discriminant(t) == std::mem::discriminant(&tok))
        .unwrap_or(tokens.len());
    let prev = index.checked_sub(1).and_then(|i| tokens.get(i));
    let prev2 = index.checked_sub(2).and_then(|i| tokens.get(i));
    let line_keyword = line_keyword(tokens, index);
    let expects = |name: &str| expected.iter().any(|e| e.trim_matches('"') == name);
    let at_end_of_prev = prev.map_or(span, |(_, _, phi)| Span::new(*phi, *phi));

    if tok == Tok::Indent {
        return ParseError::new(UNEXPECTED_INDENT, "unexpected indent", span)
            .label("this line is indented more than the one before")
            .help("only the lines of a block (after a line ending in `:`) are indented; line this one up with the previous line");
    }
    if expected.len() == 1 && expects("INDENT") {
        let kw = line_keyword.unwrap_or("block");
        return ParseError::new(EXPECTED_BLOCK, format!("expected an indented block after `{kw}`"), span)
            .label("the block should start here")
            .help("indent the body of the block on the lines after the `:` (or write `pass` for an empty one)");
    }
    if tok == Tok::If && matches!(prev, Some((_, Tok::Else, _))) {
        let else_span = prev.map_or(span, |(l, _, _)| Span::new(*l, hi));
        return ParseError::new(ELSE_IF, "`else if` is written `elif` in Pyro", else_span)
            .label("write `elif` here")
            .help("replace `else if` with `elif`");
    }
    if let Some(kw) = line_keyword.filter(|kw| BLOCK_KEYWORDS.contains(kw)) {
        if tok == Tok::LBrace && expects(":") {
            return ParseError::new(
                BRACE_BLOCK,
                "Pyro uses `:` and indentation for blocks, not braces",
                span,
            )
            .label("expected `:` here")
            .help(format!(
                "end the `{kw}` line with `:` and indent the body on the following lines"
            ));
        }
        if tok == Tok::Assign && matches!(kw, "if" | "elif" | "while") {
            return ParseError::new(
                ASSIGN_IN_CONDITION,
                "`=` assigns; to compare, use `==`",
                span,
            )
            .label("did you mean `==`?")
            .help("write `==` to test for equality in a condition");
        }
        if kw == "def" && tok == Tok::Colon && matches!(prev2, Some((_, Tok::Def, _))) {
            return ParseError::new(
                MISSING_COLON,
                "a function definition needs a parameter list",
                span,
            )
            .label("expected `(` here")
            .help("write `def name():` even when the function takes no parameters");
        }
        if expects(":") && !expects(")") && (tok == Tok::Newline || expected.len() <= 4) {
            let what = match kw {
                "if" | "elif" | "while" => format!("the `{kw}` condition"),
                "def" => "the function signature".to_string(),
                "class" | "record" | "interface" => format!("the `{kw}` header"),
                "for" => "the `for` clause".to_string(),
                _ => format!("`{kw}`"),
            };
            return ParseError::new(
                MISSING_COLON,
                format!("expected `:` after {what}"),
                at_end_of_prev,
            )
            .label("add `:` here")
            .help("a line that opens a block ends with `:`");
        }
    }
    let glued = |a: &Spanned<'_>, b: &Spanned<'_>| a.2 == b.0;
    if let (Some(p2), Some(p)) = (prev2, prev) {
        let doubled = |t: &Tok<'_>| p2.1 == *t && p.1 == *t && glued(p2, p);
        if tok == Tok::Newline && (doubled(&Tok::Plus) || doubled(&Tok::Minus)) {
            let op = if p.1 == Tok::Plus { "+" } else { "-" };
            return ParseError::new(
                NO_INCREMENT,
                format!("Pyro has no `{op}{op}` operator"),
                Span::new(p2.0, p.2),
            )
            .label("not an operator")
            .help(format!("write `x {op}= 1`"));
        }
    }
    if let Some(p) = prev {
        let pair = |a: Tok<'static>, b: Tok<'static>| p.1 == a && tok == b && p.2 == lo;
        let word = if pair(Tok::Amp, Tok::Amp) {
            Some(("&&", "and"))
        } else if pair(Tok::Pipe, Tok::Pipe) {
            Some(("||", "or"))
        } else {
            None
        };
        if let Some((op, word)) = word {
            return ParseError::new(
                C_LOGIC_OPERATOR,
                format!("Pyro writes `{op}` as `{word}`"),
                Span::new(p.0, hi),
            )
            .label(format!("use `{word}`"))
            .help(format!("logical operators are words: `a {word} b`"));
        }
    }
    let at_line_start = matches!(
        prev,
        None | Some((
            _,
            Tok::Newline | Tok::Indent | Tok::Dedent | Tok::StartModule,
            _
        ))
    );
    if at_line_start {
        let misplaced = match tok {
            Tok::Else => Some(("`else` without a matching `if`, `for`, `while` or `try`", "`else:` must line up with the `if` (or loop, or `try`) it belongs to, right after its block")),
            Tok::Elif => Some(("`elif` without a matching `if`", "`elif` must line up with an `if`, right after the `if` block")),
            Tok::Except => Some(("`except` without a matching `try`", "`except` clauses come right after the `try` block, before `else` and `finally`")),
            Tok::Finally => Some(("`finally` without a matching `try`", "`finally:` must line up with a `try`, after its `except` clauses")),
            Tok::Case => Some(("`case` outside a `match` or `select`", "indent `case` clauses inside a `match value:` or `select:` block")),
            _ => None,
        };
        if let Some((message, help)) = misplaced {
            return ParseError::new(UNEXPECTED_TOKEN, message, span)
                .label("misplaced clause")
                .help(help);
        }
    }
    if let (Some(p), Tok::Assign) = (prev, &tok) {
        if p.1 == Tok::Colon && p.2 == lo {
            return ParseError::new(
                UNEXPECTED_TOKEN,
                "Pyro has no `:=` operator",
                Span::new(p.0, hi),
            )
            .label("not an operator")
            .help("declare with `let x = value` (or `mut x = value` to reassign later)");
        }
    }
    if tok == Tok::Question {
        return ParseError::new(UNEXPECTED_TOKEN, "unexpected `?`", span)
            .label("`?` only marks optional types, as in `int?`")
            .help("Pyro's conditional expression is `a if condition else b`");
    }
    if tok == Tok::LBracket && expects("<") && !expects("]") {
        return ParseError::new(
            UNEXPECTED_TOKEN,
            "type arguments are written in angle brackets",
            span,
        )
        .label("expected `<` here")
        .help("write `list<int>`, `dict<string, int>` or `def f<T>(x: T)`");
    }
    if line_keyword == Some("record") && tok == Tok::Colon && expects("(") {
        return ParseError::new(
            UNEXPECTED_TOKEN,
            "a record lists its fields in parentheses",
            span,
        )
        .label("expected `(` and the fields here")
        .help("write `record Point(x: int, y: int):`");
    }
    // Two names (or a name and a literal) in a row at the start of a line:
    // usually a keyword from another language.
    if let (Some((_, Tok::Name(word), _)), true) =
        (prev, prev2.is_none() || at_line_start_of(prev2))
    {
        if starts_expression(&tok) || tok.keyword().is_some() {
            let help = foreign_keyword_help(word);
            let mut e = ParseError::new(
                UNEXPECTED_TOKEN,
                format!("unexpected {tok} after `{word}`"),
                span,
            )
            .label("expected an operator or the end of the line");
            e = e.help(
                help.unwrap_or("two expressions in a row: is an operator or a comma missing?"),
            );
            return e;
        }
    }
    if let Some(kw) = tok.keyword() {
        if expects("NAME")
            && !matches!(
                tok,
                Tok::True | Tok::False | Tok::None | Tok::Not | Tok::Lambda | Tok::Go
            )
        {
            return ParseError::new(
                KEYWORD_AS_NAME,
                format!("`{kw}` is a keyword and cannot be used as a name"),
                span,
            )
            .label("keyword")
            .help(format!("choose another name, such as `{kw}_`"));
        }
    }
    let wanted = describe_expected(expected);
    if starts_expression(&tok) && expects(",") {
        let closer = ["]", ")", "}"].into_iter().find(|c| expects(c));
        let wanted = closer.map_or("`,`".to_string(), |c| format!("`,` or `{c}`"));
        return ParseError::new(UNEXPECTED_TOKEN, format!("unexpected {tok}"), span)
            .label(format!("expected {wanted} before this"))
            .help("separate items with commas");
    }
    if tok == Tok::Newline && wanted == "an expression" {
        let after = prev
            .map(|(_, t, _)| format!(" after {t}"))
            .unwrap_or_default();
        return ParseError::new(
            EXPECTED_EXPRESSION,
            format!("expected an expression{after}"),
            at_end_of_prev,
        )
        .label("expression missing here");
    }
    let found = if tok == Tok::Newline {
        "end of line".to_string()
    } else {
        tok.to_string()
    };
    let at = if tok == Tok::Newline {
        at_end_of_prev
    } else {
        span
    };
    ParseError::new(UNEXPECTED_TOKEN, format!("unexpected {found}"), at)
        .label(format!("expected {wanted}"))
}

fn at_line_start_of(token: Option<&Spanned<'_>>) -> bool {
    matches!(
        token,
        None | Some((
            _,
            Tok::Newline | Tok::Indent | Tok::Dedent | Tok::StartModule | Tok::Semi,
            _
        ))
    )
}

fn starts_expression(tok: &Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::Name(_)
            | Tok::Number(_)
            | Tok::Str(_)
            | Tok::FStr(_)
            | Tok::True
            | Tok::False
            | Tok::None
            | Tok::LBrace
            | Tok::Lambda
            | Tok::Not
    )
}

/// Help for a word that is a keyword in Python 2, Go, JavaScript or C.
fn foreign_keyword_help(word: &str) -> Option<&'static str> {
    Some(match word {
        "func" | "fn" | "function" | "fun" => "define a function with `def name(params):`",
        "var" | "const" | "val" | "auto" => {
            "declare with `let x = value`, or `mut x = value` if it will change"
        }
        "del" => {
            "Pyro has no `del`; remove items with methods such as `xs.remove(v)` or `d.pop(k)`"
        }
        "global" | "nonlocal" => {
            "Pyro has no `global`/`nonlocal`; delete the line: inside a function, assigning to a `mut` variable of the module or of an enclosing function declared earlier in the file updates it (assigning to a `let` binding is an error)"
        }
        "async" | "await" => {
            "Pyro has no async/await: any function may block, and `go f(x)` runs it concurrently"
        }
        "yield" => "Pyro has no generators; send values over a channel (`ch.push(v)`) instead",
        "print" | "exec" => "call it with parentheses: `print(value)`",
        "new" => "create objects by calling the class: `Point(1, 2)`",
        "throw" => "raise an error with `raise ValueError(\"...\")`",
        "catch" => "handle errors with `try:` ... `except ValueError as e:`",
        _ => return None,
    })
}

/// The keyword that starts the logical line containing token `index`.
fn line_keyword(tokens: &[Spanned<'_>], index: usize) -> Option<&'static str> {
    let start = tokens[..index.min(tokens.len())]
        .iter()
        .rposition(|(_, t, _)| {
            matches!(
                t,
                Tok::Newline | Tok::Indent | Tok::Dedent | Tok::Semi | Tok::StartModule
            )
        })
        .map_or(0, |i| i + 1);
    tokens.get(start).and_then(|(_, t, _)| t.keyword())
}

/// "an expression", "`)`", "`:` or `,`" ... from lalrpop's terminal names.
fn describe_expected(expected: &[String]) -> String {
    let names: Vec<&str> = expected.iter().map(|e| e.as_str()).collect();
    let has = |n: &str| names.contains(&n);
    if has("NAME") && has("NUMBER") && has("STRING") {
        return "an expression".to_string();
    }
    if names.len() > 6 {
        let key: Vec<&str> = [
            "\")\"", "\"]\"", "\"}\"", "\",\"", "\":\"", "\"=\"", "NEWLINE",
        ]
        .into_iter()
        .filter(|k| has(k))
        .collect();
        let mut words: Vec<String> = key
            .iter()
            .map(|k| {
                if *k == "NEWLINE" {
                    "end of line".to_string()
                } else {
                    format!("`{}`", k.trim_matches('"'))
                }
            })
            .collect();
        words.push("an operator".to_string());
        let last = words.pop().unwrap_or_default();
        return if words.is_empty() {
            last
        } else {
            format!("{} or {last}", words.join(", "))
        };
    }
    let mut words: Vec<String> = names
        .iter()
        .filter(|n| !matches!(**n, "LTG" | "GTJ" | "START_MODULE" | "START_EXPR"))
        .map(|n| match *n {
            "NAME" => "a name".to_string(),
            "NEWLINE" => "end of line".to_string(),
            "INDENT" => "an indented block".to_string(),
            "DEDENT" => "the end of the block".to_string(),
            "NUMBER" => "a number".to_string(),
            "STRING" => "a string".to_string(),
            "FSTRING" => "an f-string".to_string(),
            quoted => format!("`{}`", quoted.trim_matches('"')),
        })
        .collect();
    words.dedup();
    match words.len() {
        0 => "something else".to_string(),
        1 => words.remove(0),
        2..=5 => {
            let last = words.pop().unwrap_or_default();
            format!("{} or {last}", words.join(", "))
        }
        _ => format!(
            "{}, or one of {} other tokens",
            words[..4].join(", "),
            words.len() - 4
        ),
    }
}
