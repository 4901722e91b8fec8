//! Unit tests for `methods.rs`. Every expected value was produced by running
//! the equivalent expression under CPython 3.11 (only the quoting of
//! `str_repr` differs, by design).

use super::*;

fn sv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn cases(s: &str) -> [String; 5] {
    [upper(s), lower(s), capitalize(s), title(s), swapcase(s)]
}

type Predicate = (&'static str, fn(&str) -> bool);

/// Names of the predicates that hold for `s`, in Python's `is...` names.
fn preds(s: &str) -> String {
    let all: [Predicate; 10] = [
        ("digit", is_digit),
        ("decimal", is_decimal),
        ("numeric", is_numeric),
        ("alpha", is_alpha),
        ("alnum", is_alnum),
        ("space", is_space),
        ("upper", is_upper),
        ("lower", is_lower),
        ("title", is_title),
        ("identifier", is_identifier),
    ];
    let names: Vec<&str> = all.iter().filter(|(_, f)| f(s)).map(|(n, _)| *n).collect();
    names.join(" ")
}

fn search(s: &str, sub: &str, a: Option<i64>, b: Option<i64>) -> (i64, i64, i64, bool, bool) {
    (
        find(s, sub, a, b),
        rfind(s, sub, a, b),
        count(s, sub, a, b),
        starts_with(s, sub, a, b),
        ends_with(s, sub, a, b),
    )
}

fn just(s: &str, width: i64, fill: char) -> [String; 3] {
    [
        center(s, width, fill).unwrap(),
        ljust(s, width, fill).unwrap(),
        rjust(s, width, fill).unwrap(),
    ]
}

#[test]
fn case_conversions() {
    // Expected values: python3.11 s.upper(), s.lower(), s.capitalize(), s.title(), s.swapcase()
    assert_eq!(cases(""), ["", "", "", "", ""]);
    assert_eq!(
        cases("hello world"),
        [
            "HELLO WORLD",
            "hello world",
            "Hello world",
            "Hello World",
            "HELLO WORLD"
        ]
    );
    assert_eq!(
        cases("straße"),
        ["STRASSE", "straße", "Straße", "Straße", "STRASSE"]
    );
    assert_eq!(
        cases("ǆemal ǅ"),
        ["ǄEMAL Ǆ", "ǆemal ǆ", "ǅemal ǆ", "ǅemal ǅ", "ǄEMAL ǅ"]
    );
    assert_eq!(
        cases("ﬁne ﬂow"),
        ["FINE FLOW", "ﬁne ﬂow", "Fine ﬂow", "Fine Flow", "FINE FLOW"]
    );
    assert_eq!(
        cases("ΟΔΟΣ ΣΑ Σ"),
        [
            "ΟΔΟΣ ΣΑ Σ",
            "οδος σα σ",
            "Οδος σα σ",
            "Οδος Σα Σ",
            "οδος σα σ"
        ]
    );
    assert_eq!(
        cases("hello  wORLD 1st"),
        [
            "HELLO  WORLD 1ST",
            "hello  world 1st",
            "Hello  world 1st",
            "Hello  World 1St",
            "HELLO  World 1ST"
        ]
    );
    assert_eq!(cases("ŉ"), ["ʼN", "ŉ", "ʼN", "ʼN", "ʼN"]);
    assert_eq!(
        cases("é😀中"),
        ["É😀中", "é😀中", "É😀中", "É😀中", "É😀中"]
    );
    assert_eq!(
        cases("they're bill's"),
        [
            "THEY'RE BILL'S",
            "they're bill's",
            "They're bill's",
            "They'Re Bill'S",
            "THEY'RE BILL'S"
        ]
    );
    assert_eq!(
        cases("İstanbul"),
        ["İSTANBUL", "i̇stanbul", "İstanbul", "İstanbul", "i̇STANBUL"]
    );
    assert_eq!(cases("aΣb"), ["AΣB", "aσb", "Aσb", "Aσb", "AσB"]);
    assert_eq!(cases("aΣ"), ["AΣ", "aς", "Aς", "Aς", "Aς"]);
    assert_eq!(cases("ß"), ["SS", "ß", "Ss", "Ss", "SS"]);
    assert_eq!(cases("ᾳ"), ["ΑΙ", "ᾳ", "ᾼ", "ᾼ", "ΑΙ"]);
    assert_eq!(
        cases("ǅungla"),
        ["ǄUNGLA", "ǆungla", "ǅungla", "ǅungla", "ǅUNGLA"]
    );
    assert_eq!(
        cases("hELLO"),
        ["HELLO", "hello", "Hello", "Hello", "Hello"]
    );
    assert_eq!(
        cases("123abc"),
        ["123ABC", "123abc", "123abc", "123Abc", "123ABC"]
    );
    assert_eq!(cases("aͅΣ"), ["AΙΣ", "aͅς", "Aͅς", "Aͅς", "AΙς"]);
}

#[test]
fn strip_family() {
    // Expected values: python3.11 s.strip(chars), s.lstrip(chars), s.rstrip(chars)
    assert_eq!(strip("  hi  ", None), "hi");
    assert_eq!(lstrip("  hi  ", None), "hi  ");
    assert_eq!(rstrip("  hi  ", None), "  hi");
    assert_eq!(strip("\u{3000}\u{1c} hi \u{85}\n", None), "hi");
    assert_eq!(lstrip("\u{3000}\u{1c} hi \u{85}\n", None), "hi \u{85}\n");
    assert_eq!(
        rstrip("\u{3000}\u{1c} hi \u{85}\n", None),
        "\u{3000}\u{1c} hi"
    );
    assert_eq!(strip("xxhixx", Some("x")), "hi");
    assert_eq!(lstrip("xxhixx", Some("x")), "hixx");
    assert_eq!(rstrip("xxhixx", Some("x")), "xxhi");
    assert_eq!(strip("abcba", Some("ab")), "c");
    assert_eq!(lstrip("abcba", Some("ab")), "cba");
    assert_eq!(rstrip("abcba", Some("ab")), "abc");
    assert_eq!(strip("", None), "");
    assert_eq!(lstrip("", None), "");
    assert_eq!(rstrip("", None), "");
    assert_eq!(strip("", Some("x")), "");
    assert_eq!(lstrip("", Some("x")), "");
    assert_eq!(rstrip("", Some("x")), "");
    assert_eq!(strip("hi", Some("")), "hi");
    assert_eq!(lstrip("hi", Some("")), "hi");
    assert_eq!(rstrip("hi", Some("")), "hi");
    assert_eq!(strip("ééaéé", Some("é")), "a");
    assert_eq!(lstrip("ééaéé", Some("é")), "aéé");
    assert_eq!(rstrip("ééaéé", Some("é")), "ééa");
    assert_eq!(strip("   ", None), "");
    assert_eq!(lstrip("   ", None), "");
    assert_eq!(rstrip("   ", None), "");
    assert_eq!(strip("\u{200b}hi\u{200b}", None), "\u{200b}hi\u{200b}");
    assert_eq!(lstrip("\u{200b}hi\u{200b}", None), "\u{200b}hi\u{200b}");
    assert_eq!(rstrip("\u{200b}hi\u{200b}", None), "\u{200b}hi\u{200b}");
    assert_eq!(strip("\u{a0}hi\u{a0}", None), "hi");
    assert_eq!(lstrip("\u{a0}hi\u{a0}", None), "hi\u{a0}");
    assert_eq!(rstrip("\u{a0}hi\u{a0}", None), "\u{a0}hi");
    assert_eq!(strip("😀a😀", Some("😀")), "a");
    assert_eq!(lstrip("😀a😀", Some("😀")), "a😀");
    assert_eq!(rstrip("😀a😀", Some("😀")), "😀a");
}

#[test]
fn split_and_rsplit() {
    // Expected values: python3.11 s.split(sep, maxsplit), s.rsplit(sep, maxsplit); ''.split('') raises ValueError: empty separator
    assert_eq!(split("a b  c", None, -1), Ok(sv(&["a", "b", "c"])));
    assert_eq!(rsplit("a b  c", None, -1), Ok(sv(&["a", "b", "c"])));
    assert_eq!(split("  a b  c  ", None, -1), Ok(sv(&["a", "b", "c"])));
    assert_eq!(rsplit("  a b  c  ", None, -1), Ok(sv(&["a", "b", "c"])));
    assert_eq!(split("  a b  c  ", None, 1), Ok(sv(&["a", "b  c  "])));
    assert_eq!(rsplit("  a b  c  ", None, 1), Ok(sv(&["  a b", "c"])));
    assert_eq!(split("  a b  c  ", None, 0), Ok(sv(&["a b  c  "])));
    assert_eq!(rsplit("  a b  c  ", None, 0), Ok(sv(&["  a b  c"])));
    assert_eq!(split("", None, -1), Ok(sv(&[])));
    assert_eq!(rsplit("", None, -1), Ok(sv(&[])));
    assert_eq!(split("   ", None, -1), Ok(sv(&[])));
    assert_eq!(rsplit("   ", None, -1), Ok(sv(&[])));
    assert_eq!(split("a,b,,c", Some(","), -1), Ok(sv(&["a", "b", "", "c"])));
    assert_eq!(
        rsplit("a,b,,c", Some(","), -1),
        Ok(sv(&["a", "b", "", "c"]))
    );
    assert_eq!(split("a,b,,c", Some(","), 1), Ok(sv(&["a", "b,,c"])));
    assert_eq!(rsplit("a,b,,c", Some(","), 1), Ok(sv(&["a,b,", "c"])));
    assert_eq!(split("a,b,,c", Some(","), 0), Ok(sv(&["a,b,,c"])));
    assert_eq!(rsplit("a,b,,c", Some(","), 0), Ok(sv(&["a,b,,c"])));
    assert_eq!(split("", Some(","), -1), Ok(sv(&[""])));
    assert_eq!(rsplit("", Some(","), -1), Ok(sv(&[""])));
    assert_eq!(split("aaa", Some("aa"), -1), Ok(sv(&["", "a"])));
    assert_eq!(rsplit("aaa", Some("aa"), -1), Ok(sv(&["a", ""])));
    assert_eq!(
        split("a\u{3000}b\u{1c}c\u{85}d", None, -1),
        Ok(sv(&["a", "b", "c", "d"]))
    );
    assert_eq!(
        rsplit("a\u{3000}b\u{1c}c\u{85}d", None, -1),
        Ok(sv(&["a", "b", "c", "d"]))
    );
    assert_eq!(split("é😀é😀é", Some("😀"), -1), Ok(sv(&["é", "é", "é"])));
    assert_eq!(rsplit("é😀é😀é", Some("😀"), -1), Ok(sv(&["é", "é", "é"])));
    assert_eq!(split("a--b--c", Some("--"), 1), Ok(sv(&["a", "b--c"])));
    assert_eq!(rsplit("a--b--c", Some("--"), 1), Ok(sv(&["a--b", "c"])));
    assert_eq!(split("x", Some("xyz"), -1), Ok(sv(&["x"])));
    assert_eq!(rsplit("x", Some("xyz"), -1), Ok(sv(&["x"])));
    assert_eq!(split("a b c", None, 2), Ok(sv(&["a", "b", "c"])));
    assert_eq!(rsplit("a b c", None, 2), Ok(sv(&["a", "b", "c"])));
    assert_eq!(
        split("abc", Some(""), -1),
        Err("empty separator".to_string())
    );
    assert_eq!(
        rsplit("abc", Some(""), -1),
        Err("empty separator".to_string())
    );
}

#[test]
fn splitlines_cases() {
    // Expected values: python3.11 s.splitlines(keepends)
    assert_eq!(splitlines("", false), sv(&[]));
    assert_eq!(splitlines("", true), sv(&[]));
    assert_eq!(splitlines("a", false), sv(&["a"]));
    assert_eq!(splitlines("a", true), sv(&["a"]));
    assert_eq!(splitlines("a\n", false), sv(&["a"]));
    assert_eq!(splitlines("a\n", true), sv(&["a\n"]));
    assert_eq!(splitlines("\n", false), sv(&[""]));
    assert_eq!(splitlines("\n", true), sv(&["\n"]));
    assert_eq!(splitlines("a\nb\r\nc\rd", false), sv(&["a", "b", "c", "d"]));
    assert_eq!(
        splitlines("a\nb\r\nc\rd", true),
        sv(&["a\n", "b\r\n", "c\r", "d"])
    );
    assert_eq!(splitlines("a\r\n\r\nb", false), sv(&["a", "", "b"]));
    assert_eq!(splitlines("a\r\n\r\nb", true), sv(&["a\r\n", "\r\n", "b"]));
    assert_eq!(
        splitlines(
            "x\u{b}y\u{c}z\u{1c}1\u{1d}2\u{1e}3\u{85}4\u{2028}5\u{2029}6",
            false
        ),
        sv(&["x", "y", "z", "1", "2", "3", "4", "5", "6"])
    );
    assert_eq!(
        splitlines(
            "x\u{b}y\u{c}z\u{1c}1\u{1d}2\u{1e}3\u{85}4\u{2028}5\u{2029}6",
            true
        ),
        sv(&[
            "x\u{b}",
            "y\u{c}",
            "z\u{1c}",
            "1\u{1d}",
            "2\u{1e}",
            "3\u{85}",
            "4\u{2028}",
            "5\u{2029}",
            "6"
        ])
    );
    assert_eq!(splitlines("trailing\r", false), sv(&["trailing"]));
    assert_eq!(splitlines("trailing\r", true), sv(&["trailing\r"]));
    assert_eq!(splitlines("\n\n", false), sv(&["", ""]));
    assert_eq!(splitlines("\n\n", true), sv(&["\n", "\n"]));
}

#[test]
fn replace_cases() {
    // Expected values: python3.11 s.replace(old, new, count)
    assert_eq!(replace("hello", "l", "L", -1).unwrap(), "heLLo");
    assert_eq!(replace("hello", "l", "L", 1).unwrap(), "heLlo");
    assert_eq!(replace("hello", "l", "L", 0).unwrap(), "hello");
    assert_eq!(replace("abc", "", "-", -1).unwrap(), "-a-b-c-");
    assert_eq!(replace("abc", "", "-", 2).unwrap(), "-a-bc");
    assert_eq!(replace("", "", "x", -1).unwrap(), "x");
    assert_eq!(replace("", "", "x", 0).unwrap(), "");
    assert_eq!(replace("aaaa", "aa", "b", -1).unwrap(), "bb");
    assert_eq!(replace("é😀é", "é", "e", -1).unwrap(), "e😀e");
    assert_eq!(replace("abc", "x", "y", -1).unwrap(), "abc");
    assert_eq!(replace("abc", "abc", "", -1).unwrap(), "");
}

#[test]
fn search_with_character_indices() {
    // Expected values: python3.11 (s.find(sub, start, end), s.rfind(..), s.count(..), s.startswith(..), s.endswith(..))
    assert_eq!(search("hello", "l", None, None), (2, 3, 2, false, false));
    assert_eq!(search("hello", "z", None, None), (-1, -1, 0, false, false));
    assert_eq!(search("hello", "", None, None), (0, 5, 6, true, true));
    assert_eq!(search("hello", "", Some(5), None), (5, 5, 1, true, true));
    assert_eq!(
        search("hello", "", Some(6), None),
        (-1, -1, 0, false, false)
    );
    assert_eq!(search("hello", "l", Some(3), None), (3, 3, 1, true, false));
    assert_eq!(search("hello", "l", Some(-2), None), (3, 3, 1, true, false));
    assert_eq!(search("hello", "l", None, Some(-2)), (2, 2, 1, false, true));
    assert_eq!(
        search("hello", "l", Some(-100), Some(100)),
        (2, 3, 2, false, false)
    );
    assert_eq!(
        search("hello", "lo", Some(1), Some(4)),
        (-1, -1, 0, false, false)
    );
    assert_eq!(
        search("héllo wörld", "ö", None, None),
        (7, 7, 1, false, false)
    );
    assert_eq!(search("😀a😀a", "a", Some(2), None), (3, 3, 1, false, true));
    assert_eq!(
        search("😀a😀a", "😀", Some(-2), None),
        (2, 2, 1, true, false)
    );
    assert_eq!(
        search("中文中文", "中文", Some(1), None),
        (2, 2, 1, false, true)
    );
    assert_eq!(search("", "", None, None), (0, 0, 1, true, true));
    assert_eq!(search("", "a", None, None), (-1, -1, 0, false, false));
    assert_eq!(search("aaaa", "aa", None, None), (0, 2, 2, true, true));
    assert_eq!(
        search("abc", "abc", Some(0), Some(3)),
        (0, 0, 1, true, true)
    );
    assert_eq!(
        search("abc", "abc", Some(0), Some(2)),
        (-1, -1, 0, false, false)
    );
    assert_eq!(
        search("abc", "", Some(10), Some(20)),
        (-1, -1, 0, false, false)
    );
    assert_eq!(
        search("abc", "", Some(-1), Some(-2)),
        (-1, -1, 0, false, false)
    );
}

#[test]
fn predicates() {
    // Expected values: the names n for which python3.11 s.is<n>() is True
    assert_eq!(preds(""), "");
    assert_eq!(preds("123"), "digit decimal numeric alnum");
    assert_eq!(preds("١٢٣"), "digit decimal numeric alnum");
    assert_eq!(preds("²"), "digit numeric alnum");
    assert_eq!(preds("½"), "numeric alnum");
    assert_eq!(preds("一"), "numeric alpha alnum identifier");
    assert_eq!(preds("abc"), "alpha alnum lower identifier");
    assert_eq!(preds("ABC"), "alpha alnum upper identifier");
    assert_eq!(preds("Abc"), "alpha alnum title identifier");
    assert_eq!(preds("Hello World"), "title");
    assert_eq!(preds("Hello world"), "");
    assert_eq!(preds("a1"), "alnum lower identifier");
    assert_eq!(preds("_x"), "lower identifier");
    assert_eq!(preds("x_1"), "lower identifier");
    assert_eq!(preds("1x"), "alnum lower");
    assert_eq!(preds("ǅa"), "alpha alnum title identifier");
    assert_eq!(preds("ǅ"), "alpha alnum title identifier");
    assert_eq!(preds("é"), "alpha alnum lower identifier");
    assert_eq!(preds("É"), "alpha alnum upper title identifier");
    assert_eq!(preds("Σσ"), "alpha alnum title identifier");
    assert_eq!(preds(" \t\n"), "space");
    assert_eq!(preds("\u{3000}"), "space");
    assert_eq!(preds("\u{200b}"), "");
    assert_eq!(preds("😀"), "");
    assert_eq!(preds("hello!"), "lower");
    assert_eq!(preds("HELLO!"), "upper");
    assert_eq!(preds("1A"), "alnum upper title");
    assert_eq!(preds("á"), "lower identifier");
    assert_eq!(preds("हिन्दी"), "identifier");
    assert_eq!(preds("ᾳ"), "alpha alnum lower identifier");
    assert_eq!(preds("class"), "alpha alnum lower identifier");
    assert_eq!(preds("x·y"), "lower identifier");
    assert_eq!(preds("℘x"), "lower identifier");
    assert_eq!(preds("Ⅻ"), "numeric alnum upper title identifier");
}

#[test]
fn justify() {
    // Expected values: python3.11 [s.center(w, fill), s.ljust(w, fill), s.rjust(w, fill)]
    assert_eq!(just("", -5, '*'), ["", "", ""]);
    assert_eq!(just("", 0, '*'), ["", "", ""]);
    assert_eq!(just("", 4, '*'), ["****", "****", "****"]);
    assert_eq!(just("", 5, '*'), ["*****", "*****", "*****"]);
    assert_eq!(
        just("", 6, '😀'),
        ["😀😀😀😀😀😀", "😀😀😀😀😀😀", "😀😀😀😀😀😀"]
    );
    assert_eq!(just("a", -5, '*'), ["a", "a", "a"]);
    assert_eq!(just("a", 0, '*'), ["a", "a", "a"]);
    assert_eq!(just("a", 4, '*'), ["*a**", "a***", "***a"]);
    assert_eq!(just("a", 5, '*'), ["**a**", "a****", "****a"]);
    assert_eq!(
        just("a", 6, '😀'),
        ["😀😀a😀😀😀", "a😀😀😀😀😀", "😀😀😀😀😀a"]
    );
    assert_eq!(just("ab", -5, '*'), ["ab", "ab", "ab"]);
    assert_eq!(just("ab", 0, '*'), ["ab", "ab", "ab"]);
    assert_eq!(just("ab", 4, '*'), ["*ab*", "ab**", "**ab"]);
    assert_eq!(just("ab", 5, '*'), ["**ab*", "ab***", "***ab"]);
    assert_eq!(
        just("ab", 6, '😀'),
        ["😀😀ab😀😀", "ab😀😀😀😀", "😀😀😀😀ab"]
    );
    assert_eq!(just("é😀", -5, '*'), ["é😀", "é😀", "é😀"]);
    assert_eq!(just("é😀", 0, '*'), ["é😀", "é😀", "é😀"]);
    assert_eq!(just("é😀", 4, '*'), ["*é😀*", "é😀**", "**é😀"]);
    assert_eq!(just("é😀", 5, '*'), ["**é😀*", "é😀***", "***é😀"]);
    assert_eq!(
        just("é😀", 6, '😀'),
        ["😀😀é😀😀😀", "é😀😀😀😀😀", "😀😀😀😀é😀"]
    );
    assert_eq!(just("中文字", -5, '*'), ["中文字", "中文字", "中文字"]);
    assert_eq!(just("中文字", 0, '*'), ["中文字", "中文字", "中文字"]);
    assert_eq!(just("中文字", 4, '*'), ["中文字*", "中文字*", "*中文字"]);
    assert_eq!(just("中文字", 5, '*'), ["*中文字*", "中文字**", "**中文字"]);
    assert_eq!(
        just("中文字", 6, '😀'),
        ["😀中文字😀😀", "中文字😀😀😀", "😀😀😀中文字"]
    );
}

#[test]
fn zfill_cases() {
    // Expected values: python3.11 s.zfill(width)
    assert_eq!(zfill("", -1).unwrap(), "");
    assert_eq!(zfill("", 0).unwrap(), "");
    assert_eq!(zfill("", 1).unwrap(), "0");
    assert_eq!(zfill("", 3).unwrap(), "000");
    assert_eq!(zfill("", 5).unwrap(), "00000");
    assert_eq!(zfill("42", -1).unwrap(), "42");
    assert_eq!(zfill("42", 0).unwrap(), "42");
    assert_eq!(zfill("42", 1).unwrap(), "42");
    assert_eq!(zfill("42", 3).unwrap(), "042");
    assert_eq!(zfill("42", 5).unwrap(), "00042");
    assert_eq!(zfill("-42", -1).unwrap(), "-42");
    assert_eq!(zfill("-42", 0).unwrap(), "-42");
    assert_eq!(zfill("-42", 1).unwrap(), "-42");
    assert_eq!(zfill("-42", 3).unwrap(), "-42");
    assert_eq!(zfill("-42", 5).unwrap(), "-0042");
    assert_eq!(zfill("+42", -1).unwrap(), "+42");
    assert_eq!(zfill("+42", 0).unwrap(), "+42");
    assert_eq!(zfill("+42", 1).unwrap(), "+42");
    assert_eq!(zfill("+42", 3).unwrap(), "+42");
    assert_eq!(zfill("+42", 5).unwrap(), "+0042");
    assert_eq!(zfill("--4", -1).unwrap(), "--4");
    assert_eq!(zfill("--4", 0).unwrap(), "--4");
    assert_eq!(zfill("--4", 1).unwrap(), "--4");
    assert_eq!(zfill("--4", 3).unwrap(), "--4");
    assert_eq!(zfill("--4", 5).unwrap(), "-00-4");
    assert_eq!(zfill("é", -1).unwrap(), "é");
    assert_eq!(zfill("é", 0).unwrap(), "é");
    assert_eq!(zfill("é", 1).unwrap(), "é");
    assert_eq!(zfill("é", 3).unwrap(), "00é");
    assert_eq!(zfill("é", 5).unwrap(), "0000é");
    assert_eq!(zfill("-", -1).unwrap(), "-");
    assert_eq!(zfill("-", 0).unwrap(), "-");
    assert_eq!(zfill("-", 1).unwrap(), "-");
    assert_eq!(zfill("-", 3).unwrap(), "-00");
    assert_eq!(zfill("-", 5).unwrap(), "-0000");
    assert_eq!(zfill("+", -1).unwrap(), "+");
    assert_eq!(zfill("+", 0).unwrap(), "+");
    assert_eq!(zfill("+", 1).unwrap(), "+");
    assert_eq!(zfill("+", 3).unwrap(), "+00");
    assert_eq!(zfill("+", 5).unwrap(), "+0000");
    assert_eq!(zfill("a-1", -1).unwrap(), "a-1");
    assert_eq!(zfill("a-1", 0).unwrap(), "a-1");
    assert_eq!(zfill("a-1", 1).unwrap(), "a-1");
    assert_eq!(zfill("a-1", 3).unwrap(), "a-1");
    assert_eq!(zfill("a-1", 5).unwrap(), "00a-1");
    assert_eq!(zfill("-é", -1).unwrap(), "-é");
    assert_eq!(zfill("-é", 0).unwrap(), "-é");
    assert_eq!(zfill("-é", 1).unwrap(), "-é");
    assert_eq!(zfill("-é", 3).unwrap(), "-0é");
    assert_eq!(zfill("-é", 5).unwrap(), "-000é");
}

#[test]
fn partitions() {
    // Expected values: python3.11 s.partition(sep), s.rpartition(sep); 'abc'.partition('') raises ValueError: empty separator
    assert_eq!(
        partition("a=b=c", "="),
        Ok(("a".to_string(), "=".to_string(), "b=c".to_string()))
    );
    assert_eq!(
        rpartition("a=b=c", "="),
        Ok(("a=b".to_string(), "=".to_string(), "c".to_string()))
    );
    assert_eq!(
        partition("abc", "="),
        Ok(("abc".to_string(), "".to_string(), "".to_string()))
    );
    assert_eq!(
        rpartition("abc", "="),
        Ok(("".to_string(), "".to_string(), "abc".to_string()))
    );
    assert_eq!(
        partition("", "="),
        Ok(("".to_string(), "".to_string(), "".to_string()))
    );
    assert_eq!(
        rpartition("", "="),
        Ok(("".to_string(), "".to_string(), "".to_string()))
    );
    assert_eq!(
        partition("é😀é😀", "😀"),
        Ok(("é".to_string(), "😀".to_string(), "é😀".to_string()))
    );
    assert_eq!(
        rpartition("é😀é😀", "😀"),
        Ok(("é😀é".to_string(), "😀".to_string(), "".to_string()))
    );
    assert_eq!(
        partition("aaa", "aa"),
        Ok(("".to_string(), "aa".to_string(), "a".to_string()))
    );
    assert_eq!(
        rpartition("aaa", "aa"),
        Ok(("a".to_string(), "aa".to_string(), "".to_string()))
    );
    assert_eq!(
        partition("key: value", ": "),
        Ok(("key".to_string(), ": ".to_string(), "value".to_string()))
    );
    assert_eq!(
        rpartition("key: value", ": "),
        Ok(("key".to_string(), ": ".to_string(), "value".to_string()))
    );
    assert_eq!(partition("abc", ""), Err("empty separator".to_string()));
    assert_eq!(rpartition("abc", ""), Err("empty separator".to_string()));
}

#[test]
fn expandtabs_cases() {
    // Expected values: python3.11 s.expandtabs(tabsize)
    assert_eq!(expandtabs("a\tb", -1).unwrap(), "ab");
    assert_eq!(expandtabs("a\tb", 0).unwrap(), "ab");
    assert_eq!(expandtabs("a\tb", 1).unwrap(), "a b");
    assert_eq!(expandtabs("a\tb", 4).unwrap(), "a   b");
    assert_eq!(expandtabs("a\tb", 8).unwrap(), "a       b");
    assert_eq!(expandtabs("\t", -1).unwrap(), "");
    assert_eq!(expandtabs("\t", 0).unwrap(), "");
    assert_eq!(expandtabs("\t", 1).unwrap(), " ");
    assert_eq!(expandtabs("\t", 4).unwrap(), "    ");
    assert_eq!(expandtabs("\t", 8).unwrap(), "        ");
    assert_eq!(expandtabs("ab\tc\td", -1).unwrap(), "abcd");
    assert_eq!(expandtabs("ab\tc\td", 0).unwrap(), "abcd");
    assert_eq!(expandtabs("ab\tc\td", 1).unwrap(), "ab c d");
    assert_eq!(expandtabs("ab\tc\td", 4).unwrap(), "ab  c   d");
    assert_eq!(expandtabs("ab\tc\td", 8).unwrap(), "ab      c       d");
    assert_eq!(expandtabs("12345678\tx", -1).unwrap(), "12345678x");
    assert_eq!(expandtabs("12345678\tx", 0).unwrap(), "12345678x");
    assert_eq!(expandtabs("12345678\tx", 1).unwrap(), "12345678 x");
    assert_eq!(expandtabs("12345678\tx", 4).unwrap(), "12345678    x");
    assert_eq!(expandtabs("12345678\tx", 8).unwrap(), "12345678        x");
    assert_eq!(expandtabs("a\nb\tc", -1).unwrap(), "a\nbc");
    assert_eq!(expandtabs("a\nb\tc", 0).unwrap(), "a\nbc");
    assert_eq!(expandtabs("a\nb\tc", 1).unwrap(), "a\nb c");
    assert_eq!(expandtabs("a\nb\tc", 4).unwrap(), "a\nb   c");
    assert_eq!(expandtabs("a\nb\tc", 8).unwrap(), "a\nb       c");
    assert_eq!(expandtabs("x\r\ty", -1).unwrap(), "x\ry");
    assert_eq!(expandtabs("x\r\ty", 0).unwrap(), "x\ry");
    assert_eq!(expandtabs("x\r\ty", 1).unwrap(), "x\r y");
    assert_eq!(expandtabs("x\r\ty", 4).unwrap(), "x\r    y");
    assert_eq!(expandtabs("x\r\ty", 8).unwrap(), "x\r        y");
    assert_eq!(expandtabs("é😀\tz", -1).unwrap(), "é😀z");
    assert_eq!(expandtabs("é😀\tz", 0).unwrap(), "é😀z");
    assert_eq!(expandtabs("é😀\tz", 1).unwrap(), "é😀 z");
    assert_eq!(expandtabs("é😀\tz", 4).unwrap(), "é😀  z");
    assert_eq!(expandtabs("é😀\tz", 8).unwrap(), "é😀      z");
    assert_eq!(expandtabs("", -1).unwrap(), "");
    assert_eq!(expandtabs("", 0).unwrap(), "");
    assert_eq!(expandtabs("", 1).unwrap(), "");
    assert_eq!(expandtabs("", 4).unwrap(), "");
    assert_eq!(expandtabs("", 8).unwrap(), "");
}

#[test]
fn remove_affixes() {
    // Expected values: python3.11 s.removeprefix(p), s.removesuffix(p)
    assert_eq!(remove_prefix("prefix_rest", "prefix_"), "rest");
    assert_eq!(remove_suffix("prefix_rest", "prefix_"), "prefix_rest");
    assert_eq!(remove_prefix("abc", "x"), "abc");
    assert_eq!(remove_suffix("abc", "x"), "abc");
    assert_eq!(remove_prefix("abc", ""), "abc");
    assert_eq!(remove_suffix("abc", ""), "abc");
    assert_eq!(remove_prefix("", "a"), "");
    assert_eq!(remove_suffix("", "a"), "");
    assert_eq!(remove_prefix("😀x", "😀"), "x");
    assert_eq!(remove_suffix("😀x", "😀"), "😀x");
    assert_eq!(remove_prefix("abc", "abc"), "");
    assert_eq!(remove_suffix("abc", "abc"), "");
}

#[test]
fn reprs() {
    // Expected values: python3.11 repr(s); str_repr is the same text with Pyro's quote preference (double quotes unless the string has " but no ')
    assert_eq!(str_repr(""), "\"\"");
    assert_eq!(python_repr(""), "''");
    assert_eq!(str_repr("a"), "\"a\"");
    assert_eq!(python_repr("a"), "'a'");
    assert_eq!(str_repr("it's"), "\"it's\"");
    assert_eq!(python_repr("it's"), "\"it's\"");
    assert_eq!(str_repr("say \"hi\""), "'say \"hi\"'");
    assert_eq!(python_repr("say \"hi\""), "'say \"hi\"'");
    assert_eq!(str_repr("both ' and \""), "\"both ' and \\\"\"");
    assert_eq!(python_repr("both ' and \""), "'both \\' and \"'");
    assert_eq!(str_repr("back\\slash"), "\"back\\\\slash\"");
    assert_eq!(python_repr("back\\slash"), "'back\\\\slash'");
    assert_eq!(str_repr("nl\nrt\r\tx"), "\"nl\\nrt\\r\\tx\"");
    assert_eq!(python_repr("nl\nrt\r\tx"), "'nl\\nrt\\r\\tx'");
    assert_eq!(str_repr("\u{0}\u{1f}\u{7f}"), "\"\\x00\\x1f\\x7f\"");
    assert_eq!(python_repr("\u{0}\u{1f}\u{7f}"), "'\\x00\\x1f\\x7f'");
    assert_eq!(str_repr("é😀中"), "\"é😀中\"");
    assert_eq!(python_repr("é😀中"), "'é😀中'");
    assert_eq!(
        str_repr("\u{a0}\u{200b}\u{e0001}\u{85}"),
        "\"\\xa0\\u200b\\U000e0001\\x85\""
    );
    assert_eq!(
        python_repr("\u{a0}\u{200b}\u{e0001}\u{85}"),
        "'\\xa0\\u200b\\U000e0001\\x85'"
    );
    assert_eq!(str_repr("\u{d7ff}\u{e000}"), "\"\\ud7ff\\ue000\"");
    assert_eq!(python_repr("\u{d7ff}\u{e000}"), "'\\ud7ff\\ue000'");
    assert_eq!(str_repr("ǅ́"), "\"ǅ́\"");
    assert_eq!(python_repr("ǅ́"), "'ǅ́'");
}

#[test]
fn slices() {
    // Expected values: python3.11 s[start:stop:step]
    assert_eq!(slice("", None, None, 1), "");
    assert_eq!(slice("", None, None, -1), "");
    assert_eq!(slice("", Some(1), None, 1), "");
    assert_eq!(slice("", Some(-2), None, 1), "");
    assert_eq!(slice("", None, Some(-2), 1), "");
    assert_eq!(slice("", Some(1), Some(4), 1), "");
    assert_eq!(slice("", Some(4), Some(1), 1), "");
    assert_eq!(slice("", Some(4), Some(1), -1), "");
    assert_eq!(slice("", None, None, 2), "");
    assert_eq!(slice("", None, None, -2), "");
    assert_eq!(slice("", Some(100), Some(-100), -1), "");
    assert_eq!(slice("", Some(-1), Some(-100), -3), "");
    assert_eq!(slice("", None, None, -9223372036854775808), "");
    assert_eq!(slice("", Some(9223372036854775807), None, -1), "");
    assert_eq!(slice("abcdef", None, None, 1), "abcdef");
    assert_eq!(slice("abcdef", None, None, -1), "fedcba");
    assert_eq!(slice("abcdef", Some(1), None, 1), "bcdef");
    assert_eq!(slice("abcdef", Some(-2), None, 1), "ef");
    assert_eq!(slice("abcdef", None, Some(-2), 1), "abcd");
    assert_eq!(slice("abcdef", Some(1), Some(4), 1), "bcd");
    assert_eq!(slice("abcdef", Some(4), Some(1), 1), "");
    assert_eq!(slice("abcdef", Some(4), Some(1), -1), "edc");
    assert_eq!(slice("abcdef", None, None, 2), "ace");
    assert_eq!(slice("abcdef", None, None, -2), "fdb");
    assert_eq!(slice("abcdef", Some(100), Some(-100), -1), "fedcba");
    assert_eq!(slice("abcdef", Some(-1), Some(-100), -3), "fc");
    assert_eq!(slice("abcdef", None, None, -9223372036854775808), "f");
    assert_eq!(
        slice("abcdef", Some(9223372036854775807), None, -1),
        "fedcba"
    );
    assert_eq!(slice("é😀中文x", None, None, 1), "é😀中文x");
    assert_eq!(slice("é😀中文x", None, None, -1), "x文中😀é");
    assert_eq!(slice("é😀中文x", Some(1), None, 1), "😀中文x");
    assert_eq!(slice("é😀中文x", Some(-2), None, 1), "文x");
    assert_eq!(slice("é😀中文x", None, Some(-2), 1), "é😀中");
    assert_eq!(slice("é😀中文x", Some(1), Some(4), 1), "😀中文");
    assert_eq!(slice("é😀中文x", Some(4), Some(1), 1), "");
    assert_eq!(slice("é😀中文x", Some(4), Some(1), -1), "x文中");
    assert_eq!(slice("é😀中文x", None, None, 2), "é中x");
    assert_eq!(slice("é😀中文x", None, None, -2), "x中é");
    assert_eq!(slice("é😀中文x", Some(100), Some(-100), -1), "x文中😀é");
    assert_eq!(slice("é😀中文x", Some(-1), Some(-100), -3), "x😀");
    assert_eq!(slice("é😀中文x", None, None, -9223372036854775808), "x");
    assert_eq!(
        slice("é😀中文x", Some(9223372036854775807), None, -1),
        "x文中😀é"
    );
}

#[test]
fn sizes_a_program_chooses_are_checked() {
    use crate::alloc::AllocError;
    assert!(matches!(
        rjust("x", i64::MAX, '€'),
        Err(AllocError::OutOfMemory { .. })
    ));
    assert!(matches!(
        rjust("x", i64::MAX, ' '),
        Err(AllocError::OutOfMemory { .. })
    ));
    assert!(matches!(
        center("x", i64::MAX, ' '),
        Err(AllocError::OutOfMemory { .. })
    ));
    assert!(matches!(
        zfill("-1", i64::MAX),
        Err(AllocError::OutOfMemory { .. })
    ));
    assert!(matches!(
        expandtabs("\t\t\t", i64::MAX),
        Err(AllocError::TooLong(_))
    ));
    assert!(matches!(
        expandtabs("\t", i64::MAX),
        Err(AllocError::OutOfMemory { .. })
    ));
    assert!(replace(&"a".repeat(1000), "", &"b".repeat(1 << 20), -1).is_ok());
    assert_eq!(zfill("+7", 4).unwrap(), "+007");
}
