//! `bytes`: arbitrary bytes, arbitrary UTF-8 and token soup through the
//! whole front end. Invalid UTF-8 is decoded lossily (the CLI rejects such
//! files before any stage sees them).

use super::{frontend, Outcome};
use crate::rng::Rng;

/// Pieces of Pyro's surface syntax, glued at random into token soup.
const VOCABULARY: &[&str] = &[
    "let ",
    "mut ",
    "def ",
    "return ",
    "if ",
    "elif ",
    "else",
    "while ",
    "for ",
    " in ",
    "break",
    "continue",
    "pass",
    "class ",
    "record ",
    "interface ",
    "type ",
    "import ",
    "from ",
    " as ",
    "try",
    "except ",
    "finally",
    "raise ",
    "go ",
    "select",
    "case ",
    "and ",
    "or ",
    "not ",
    " is ",
    "lambda ",
    "assert ",
    "with ",
    "match ",
    "true",
    "false",
    "None",
    "x",
    "y",
    "f",
    "self",
    "Error",
    "chan",
    "int",
    "str",
    "list",
    "dict",
    "any",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    "..",
    "..=",
    ";",
    "=",
    "==",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "**",
    "&",
    "|",
    "^",
    "~",
    "<<",
    ">>",
    "->",
    "?",
    "@",
    "\\",
    "+=",
    "-=",
    "//",
    "#",
    "0",
    "1",
    "42",
    "0x",
    "0b1",
    "0o7",
    "1_000",
    "1e",
    "1e-9",
    "2.",
    ".5",
    "9223372036854775808",
    "\"",
    "'",
    "\"\"\"",
    "f\"",
    "f\"{",
    "{x}",
    "}\"",
    "\\n",
    "\\u{",
    "\\u{1F600}",
    "\n",
    "\n    ",
    "\n        ",
    "\t",
    " ",
    "  ",
    "\r\n",
    "é",
    "漢",
    "\u{200b}",
    "\u{feff}",
    "list<",
    "int?",
    "chan<int>(",
];

pub fn generate(rng: &mut Rng) -> Vec<u8> {
    match rng.below(4) {
        0 => (0..rng.size(512)).map(|_| rng.next_u64() as u8).collect(),
        1 => {
            let mut s = String::new();
            for _ in 0..rng.size(300) {
                let c = if rng.chance(70) {
                    char::from(rng.below(128) as u8)
                } else {
                    char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}')
                };
                s.push(c);
            }
            s.into_bytes()
        }
        _ => {
            let mut s = String::new();
            for _ in 0..rng.size(400) {
                s.push_str(rng.word(VOCABULARY));
                if rng.chance(30) {
                    s.push(' ');
                }
            }
            s.into_bytes()
        }
    }
}

pub fn execute(input: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(input);
    match frontend::run("fuzz.pyro", &text, None) {
        Ok(()) => Outcome::Pass,
        Err(reason) => Outcome::Fail(reason),
    }
}
