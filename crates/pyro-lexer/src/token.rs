//! The token set: everything logos recognises, plus the layout tokens
//! (`Newline`, `Indent`, `Dedent`) and the disambiguated angle brackets
//! (`LtGeneric`, `GtJoined`) that only the layout pass produces.

use std::fmt;

use logos::Logos;

use crate::error::LexErrorKind;
use crate::scan::{self, Extras};

/// A token together with its global start and end offsets, as lalrpop wants it.
pub type Spanned<'s> = (u32, Tok<'s>, u32);

/// A numeric literal. Integers keep their full unsigned value so that the
/// parser can accept `-9223372036854775808` (the minimum `int`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(u64),
    Float(f64),
}

/// An f-string split into literal text and embedded expressions.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FString<'s> {
    pub parts: Vec<FPart<'s>>,
}

impl Drop for FString<'_> {
    /// F-strings nest (up to the nesting limit) through their fields'
    /// tokens and specs; they are taken apart with a work list, so dropping
    /// one never recurses.
    fn drop(&mut self) {
        let mut work = std::mem::take(&mut self.parts);
        while let Some(part) = work.pop() {
            if let FPart::Expr(mut field) = part {
                for (_, tok, _) in field.tokens.drain(..) {
                    if let Tok::FStr(mut inner) = tok {
                        work.append(&mut inner.parts);
                    }
                }
                if let Some(mut spec) = field.spec.take() {
                    work.append(&mut spec.parts);
                }
            }
        }
    }
}

/// Moves a token out of `slot`, leaving one of the same kind and span
/// without its text: strings and f-strings are moved rather than copied
/// (an f-string holds the tokens of its fields, nested), while what is left
/// still tells later passes, such as error diagnosis, what stood there.
pub fn take<'s>(slot: &mut Spanned<'s>) -> Spanned<'s> {
    let tok = match &mut slot.1 {
        Tok::Str(s) => Tok::Str(std::mem::take(s)),
        Tok::FStr(f) => Tok::FStr(std::mem::take(f)),
        other => other.clone(),
    };
    (slot.0, tok, slot.2)
}

impl<'s> Tok<'s> {
    /// A token of the same kind without the text of a string or f-string
    /// (cheap to copy, and enough to say what stood somewhere).
    pub fn shell(&self) -> Tok<'s> {
        match self {
            Tok::Str(_) => Tok::Str(String::new()),
            Tok::FStr(_) => Tok::FStr(FString::default()),
            other => other.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum FPart<'s> {
    /// Literal text, escapes and `{{`/`}}` already decoded.
    Lit(String),
    /// A `{expr!conv:spec}` replacement field.
    Expr(FExpr<'s>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FExpr<'s> {
    /// The expression's tokens, already through the layout pass.
    pub tokens: Vec<Spanned<'s>>,
    /// Global offsets of the expression text (without `=`, `!conv` or `:spec`).
    pub lo: u32,
    pub hi: u32,
    /// `r`, `s` or `a` from `{x!r}`.
    pub conversion: Option<char>,
    /// The format spec after `:`, which may itself contain replacement fields.
    pub spec: Option<FString<'s>>,
    /// `Some("x=")` for the self-documenting form `{x=}`.
    pub debug_text: Option<String>,
}

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(extras = Extras)]
#[logos(error = LexErrorKind)]
#[logos(skip r"[ \t\f\r]+")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
#[logos(skip(r"//[^\r\n]*", callback = scan::slash_comment, allow_greedy = true))]
#[logos(skip r"\\[ \t\f]*\r?\n")]
pub enum Tok<'s> {
    #[regex(r"\r?\n")]
    Newline,
    /// Produced by the layout pass only.
    Indent,
    /// Produced by the layout pass only.
    Dedent,
    /// Put in front of a module's tokens by the parser (never lexed): one
    /// generated parser then serves both modules and f-string fields.
    StartModule,
    /// Put in front of an f-string field's tokens by the parser.
    StartExpr,

    // Keywords.
    #[token("let")]
    Let,
    #[token("mut")]
    Mut,
    #[token("def")]
    Def,
    #[token("return")]
    Return,
    #[token("if")]
    If,
    #[token("elif")]
    Elif,
    #[token("else")]
    Else,
    #[token("while")]
    While,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("pass")]
    Pass,
    #[token("class")]
    Class,
    #[token("record")]
    Record,
    #[token("interface")]
    Interface,
    #[token("type")]
    Type,
    #[token("import")]
    Import,
    #[token("from")]
    From,
    #[token("as")]
    As,
    #[token("try")]
    Try,
    #[token("except")]
    Except,
    #[token("finally")]
    Finally,
    #[token("raise")]
    Raise,
    #[token("go")]
    Go,
    #[token("select")]
    Select,
    #[token("case")]
    Case,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("is")]
    Is,
    #[token("lambda")]
    Lambda,
    #[token("assert")]
    Assert,
    #[token("with")]
    With,
    #[token("match")]
    Match,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("None")]
    None,

    #[regex(r"[\p{XID_Start}_][\p{XID_Continue}]*")]
    Name(&'s str),

    #[regex(r"[0-9][0-9_]*", scan::decimal)]
    #[regex(r"\.[0-9][0-9_]*", scan::leading_dot_float)]
    #[regex(r"0[xXoObB][0-9A-Za-z_]*", scan::radix_int)]
    Number(Number),

    #[token("\"", |lex| scan::string(lex, scan::StrKind::plain()))]
    #[token("'", |lex| scan::string(lex, scan::StrKind::plain()))]
    #[token("\"\"\"", |lex| scan::string(lex, scan::StrKind::plain()))]
    #[token("'''", |lex| scan::string(lex, scan::StrKind::plain()))]
    #[regex(r#"[rR]("|'|"""|''')"#, |lex| scan::string(lex, scan::StrKind::raw()))]
    Str(String),

    #[regex(r#"[fF]("|'|"""|''')"#, |lex| scan::fstring(lex, false))]
    #[regex(r#"([fF][rR]|[rR][fF])("|'|"""|''')"#, |lex| scan::fstring(lex, true))]
    FStr(FString<'s>),

    // Operators and punctuation.
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("**")]
    StarStar,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("~")]
    Tilde,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("<<")]
    Shl,
    /// `<`; the layout pass turns it into `LtGeneric` when it opens type arguments.
    #[token("<")]
    Lt,
    /// `<` opening the type arguments of a generic call such as `chan<int>(4)`.
    LtGeneric,
    /// `>`; the layout pass turns it into `GtJoined` when another `>` follows
    /// with no space, so that `>>` is a shift in expressions but closes two
    /// type-argument lists in `dict<string, list<int>>`.
    #[token(">")]
    Gt,
    GtJoined,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusAssign,
    #[token("-=")]
    MinusAssign,
    #[token("*=")]
    StarAssign,
    #[token("/=")]
    SlashAssign,
    #[token("%=")]
    PercentAssign,
    #[token("**=")]
    StarStarAssign,
    #[token("&=")]
    AmpAssign,
    #[token("|=")]
    PipeAssign,
    #[token("^=")]
    CaretAssign,
    #[token("<<=")]
    ShlAssign,
    #[token(">>=")]
    ShrAssign,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("..=")]
    DotDotEq,
    #[token("...")]
    Ellipsis,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("->")]
    Arrow,
    #[token("@")]
    At,
    #[token("?")]
    Question,
}

impl Tok<'_> {
    /// The keyword spelling of a keyword token, if it is one.
    pub fn keyword(&self) -> Option<&'static str> {
        use Tok::*;
        Some(match self {
            Let => "let",
            Mut => "mut",
            Def => "def",
            Return => "return",
            If => "if",
            Elif => "elif",
            Else => "else",
            While => "while",
            For => "for",
            In => "in",
            Break => "break",
            Continue => "continue",
            Pass => "pass",
            Class => "class",
            Record => "record",
            Interface => "interface",
            Type => "type",
            Import => "import",
            From => "from",
            As => "as",
            Try => "try",
            Except => "except",
            Finally => "finally",
            Raise => "raise",
            Go => "go",
            Select => "select",
            Case => "case",
            And => "and",
            Or => "or",
            Not => "not",
            Is => "is",
            Lambda => "lambda",
            Assert => "assert",
            With => "with",
            Match => "match",
            True => "true",
            False => "false",
            None => "None",
            _ => return Option::None,
        })
    }

    /// The source spelling of a punctuation or operator token.
    pub fn punct(&self) -> Option<&'static str> {
        use Tok::*;
        Some(match self {
            Plus => "+",
            Minus => "-",
            Star => "*",
            StarStar => "**",
            Slash => "/",
            Percent => "%",
            Tilde => "~",
            Amp => "&",
            Pipe => "|",
            Caret => "^",
            Shl => "<<",
            Lt | LtGeneric => "<",
            Gt | GtJoined => ">",
            Le => "<=",
            Ge => ">=",
            EqEq => "==",
            NotEq => "!=",
            Assign => "=",
            PlusAssign => "+=",
            MinusAssign => "-=",
            StarAssign => "*=",
            SlashAssign => "/=",
            PercentAssign => "%=",
            StarStarAssign => "**=",
            AmpAssign => "&=",
            PipeAssign => "|=",
            CaretAssign => "^=",
            ShlAssign => "<<=",
            ShrAssign => ">>=",
            Dot => ".",
            DotDot => "..",
            DotDotEq => "..=",
            Ellipsis => "...",
            Comma => ",",
            Colon => ":",
            Semi => ";",
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Arrow => "->",
            At => "@",
            Question => "?",
            _ => return Option::None,
        })
    }
}

impl fmt::Display for Tok<'_> {
    /// How a token is named in a diagnostic: "`)`", "keyword `def`", "end of line".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(kw) = self.keyword() {
            return write!(f, "keyword `{kw}`");
        }
        if let Some(p) = self.punct() {
            return write!(f, "`{p}`");
        }
        match self {
            Tok::Newline => f.write_str("end of line"),
            Tok::Indent => f.write_str("indent"),
            Tok::Dedent => f.write_str("dedent"),
            Tok::StartModule | Tok::StartExpr => f.write_str("start of input"),
            Tok::Name(n) => write!(f, "name `{}`", pyro_source::clip::shorten(n, 40)),
            Tok::Number(Number::Int(n)) => write!(f, "number `{n}`"),
            Tok::Number(Number::Float(x)) => write!(f, "number `{x}`"),
            Tok::Str(_) => f.write_str("string literal"),
            Tok::FStr(_) => f.write_str("f-string"),
            _ => write!(f, "{self:?}"),
        }
    }
}
