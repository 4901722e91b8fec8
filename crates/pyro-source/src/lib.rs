//! Source files, spans and the bridge to miette.
//!
//! Every file the toolchain loads (the script, imported modules, embedded
//! `std/` modules, f-string fragments re-parsed from their parent) is added to
//! one [`SourceMap`], which gives it its own range of global byte offsets. A
//! [`Span`] is a pair of such offsets, so a bare span names both the file and
//! the position: the AST, the compiler's line table and VM tracebacks all
//! carry plain 8-byte spans, and only the edge (CLI or embedder) turns them
//! into a miette report through [`SourceMap::snapshot`].

pub mod clip;
pub mod order;
pub mod stack;

use std::fmt;
use std::sync::{Arc, RwLock};

use miette::{MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A half-open range `lo..hi` of global byte offsets into a [`SourceMap`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub const DUMMY: Span = Span { lo: 0, hi: 0 };

    pub fn new(lo: u32, hi: u32) -> Span {
        debug_assert!(lo <= hi, "span {lo}..{hi} is reversed");
        Span { lo, hi }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
        }
    }

    pub fn len(self) -> u32 {
        self.hi - self.lo
    }

    pub fn is_empty(self) -> bool {
        self.lo == self.hi
    }

    /// An empty span at the start of `self`.
    pub fn start(self) -> Span {
        Span {
            lo: self.lo,
            hi: self.lo,
        }
    }

    /// An empty span at the end of `self`.
    pub fn end(self) -> Span {
        Span {
            lo: self.hi,
            hi: self.hi,
        }
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.lo, self.hi)
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> SourceSpan {
        SourceSpan::new((span.lo as usize).into(), span.len() as usize)
    }
}

/// Identifies one file in a [`SourceMap`] (its index in load order).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// One loaded file: its display name, its text and where its global offsets start.
#[derive(Debug)]
pub struct SourceFile {
    id: FileId,
    name: String,
    text: Arc<str>,
    base: u32,
    line_starts: Vec<u32>,
    /// For text that is not pure ASCII: the number of characters before
    /// every [`CHAR_MARK`]-th byte, so that a column costs a binary search
    /// and at most [`CHAR_MARK`] bytes of counting, however long the line.
    char_marks: Option<Vec<u32>>,
}

/// Distance in bytes between two entries of [`SourceFile::char_marks`].
const CHAR_MARK: usize = 256;

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl SourceFile {
    pub fn id(&self) -> FileId {
        self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The shared text, for stages that keep borrowing it after the map moves on.
    pub fn text_arc(&self) -> Arc<str> {
        self.text.clone()
    }

    /// The global offset of this file's first byte.
    pub fn base(&self) -> u32 {
        self.base
    }

    /// The span covering the whole file.
    pub fn span(&self) -> Span {
        Span::new(self.base, self.base + self.text.len() as u32)
    }

    pub fn contains(&self, offset: u32) -> bool {
        offset >= self.base && offset <= self.base + self.text.len() as u32
    }

    /// The text a span covers (the span must lie in this file).
    pub fn slice(&self, span: Span) -> &str {
        let lo = (span.lo - self.base) as usize;
        let hi = (span.hi - self.base) as usize;
        self.text.get(lo..hi).unwrap_or("")
    }

    /// Line and column of a global offset inside this file. The cost does
    /// not grow with the length of the line (a minified file, a 1 MB line).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let local = offset.saturating_sub(self.base).min(self.text.len() as u32);
        let line = self.line_index(local);
        let start = self.line_starts[line] as usize;
        let col = self.chars_before(local as usize) - self.chars_before(start);
        LineCol {
            line: line as u32 + 1,
            col: col as u32 + 1,
        }
    }

    /// The 0-based line holding local byte offset `local`.
    fn line_index(&self, local: u32) -> usize {
        match self.line_starts.binary_search(&local) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The local byte offset where 0-based line `line` starts (the end of
    /// the text past the last line).
    fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.text.len(), |&s| s as usize)
    }

    /// How many characters the text has before local byte offset `at`
    /// (counting the bytes that start a character, so `at` may fall inside
    /// one).
    fn chars_before(&self, at: usize) -> usize {
        let at = at.min(self.text.len());
        let Some(marks) = &self.char_marks else {
            return at;
        };
        let chunk = at / CHAR_MARK;
        let counted = &self.text.as_bytes()[chunk * CHAR_MARK..at];
        marks[chunk] as usize + counted.iter().filter(|&&b| !is_continuation(b)).count()
    }

    /// The text of a 1-based line, without its line terminator.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else {
            return "";
        };
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
        .collect()
}

/// Whether a UTF-8 byte continues a character rather than starting one.
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

fn char_marks(text: &str) -> Option<Vec<u32>> {
    if text.is_ascii() {
        return None;
    }
    let mut marks = Vec::with_capacity(text.len() / CHAR_MARK + 1);
    let mut chars = 0u32;
    for chunk in text.as_bytes().chunks(CHAR_MARK) {
        marks.push(chars);
        chars += chunk.iter().filter(|&&b| !is_continuation(b)).count() as u32;
    }
    marks.push(chars);
    Some(marks)
}

/// All files loaded by one compilation or VM, each with its own offset range.
///
/// Cheap to clone (it is an `Arc`), and safe to add to from many tasks: an
/// `import` running in a spawned task registers its module here.
#[derive(Clone, Default)]
pub struct SourceMap {
    inner: Arc<RwLock<MapInner>>,
}

#[derive(Default)]
struct MapInner {
    files: Vec<Arc<SourceFile>>,
    next_base: u32,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns it. Offsets of different files never overlap:
    /// one spare byte separates them, so an end-of-file span stays in its file.
    pub fn add(&self, name: impl Into<String>, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        let text: Arc<str> = text.into();
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let base = inner.next_base;
        let file = Arc::new(SourceFile {
            id: FileId(inner.files.len() as u32),
            name: name.into(),
            line_starts: line_starts(&text),
            char_marks: char_marks(&text),
            base,
            text,
        });
        inner.next_base = base
            .saturating_add(file.text.len() as u32)
            .saturating_add(1);
        inner.files.push(file.clone());
        file
    }

    pub fn file(&self, id: FileId) -> Option<Arc<SourceFile>> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.files.get(id.0 as usize).cloned()
    }

    /// The file a global offset falls in.
    pub fn file_at(&self, offset: u32) -> Option<Arc<SourceFile>> {
        self.snapshot().file_at(offset).cloned()
    }

    /// An immutable view of every file loaded so far, for rendering diagnostics.
    pub fn snapshot(&self) -> SourceMapView {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        SourceMapView {
            files: inner.files.clone(),
        }
    }

    /// `file:line:col` of an offset, as shown in tracebacks and short diagnostics.
    pub fn location(&self, offset: u32) -> String {
        match self.file_at(offset) {
            Some(file) => {
                let lc = file.line_col(offset);
                format!("{}:{}:{}", file.name(), lc.line, lc.col)
            }
            None => "<unknown>".to_string(),
        }
    }
}

impl fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let view = self.snapshot();
        f.debug_list()
            .entries(view.files.iter().map(|file| file.name()))
            .finish()
    }
}

/// A frozen list of files implementing miette's [`SourceCode`] over global offsets.
#[derive(Clone, Debug)]
pub struct SourceMapView {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMapView {
    pub fn file_at(&self, offset: u32) -> Option<&Arc<SourceFile>> {
        let i = self.files.partition_point(|f| f.base <= offset);
        let file = self.files.get(i.checked_sub(1)?)?;
        file.contains(offset).then_some(file)
    }
}

impl SourceCode for SourceMapView {
    /// Reads only the lines around the span (found through the file's line
    /// table), so rendering a diagnostic costs the size of what it shows, not
    /// the size of the file.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let offset = span.offset() as u32;
        let file = self
            .file_at(offset)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let lo = span.offset() - file.base as usize;
        let hi = lo + span.len();
        // The window starts exactly `context_lines_before` lines above the
        // span (so miette finds the same context as in the whole file) and
        // ends a spare line below the context it may want.
        let first = file
            .line_index(lo as u32)
            .saturating_sub(context_lines_before);
        let last = file.line_index(hi.min(file.text.len()) as u32) + context_lines_after + 2;
        let (w_lo, w_hi) = (file.line_start(first), file.line_start(last));
        let window: &'a str = &file.text[w_lo..w_hi];
        let local = SourceSpan::new((lo - w_lo).into(), span.len());
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        let global = SourceSpan::new(
            (contents.span().offset() + w_lo + file.base as usize).into(),
            contents.span().len(),
        );
        // Line numbers and miette's line count are relative to the window;
        // both are reported as if counted from the top of the file.
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            contents.data(),
            global,
            contents.line() + first,
            contents.column(),
            contents.line_count() + first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_get_disjoint_ranges_and_line_columns() {
        let map = SourceMap::new();
        let a = map.add("a.pyro", "let x = 1\nprint(x)\n");
        let b = map.add("b.pyro", "é = 2\n");
        assert!(b.base() > a.span().hi);
        assert_eq!(a.line_col(a.base() + 10), LineCol { line: 2, col: 1 });
        assert_eq!(b.line_col(b.base() + 2), LineCol { line: 1, col: 2 });
        assert_eq!(map.file_at(b.base() + 1).unwrap().name(), "b.pyro");
        assert_eq!(map.location(a.base() + 14), "a.pyro:2:5");
        assert_eq!(a.line_text(2), "print(x)");
    }

    #[test]
    fn columns_count_characters_on_long_lines() {
        let line = "é😀a\tb".repeat(300);
        let text = format!("x\n{line}\n{line}");
        let map = SourceMap::new();
        let file = map.add("u.pyro", text.clone());
        for (i, _) in text.char_indices().step_by(7) {
            let before = &text[..i];
            let line_no = before.matches('\n').count() as u32 + 1;
            let start = before.rfind('\n').map_or(0, |n| n + 1);
            let col = text[start..i].chars().count() as u32 + 1;
            assert_eq!(
                file.line_col(file.base() + i as u32),
                LineCol { line: line_no, col },
                "at byte {i}"
            );
        }
    }

    #[test]
    fn miette_reads_spans_from_the_right_file() {
        let map = SourceMap::new();
        map.add("a.pyro", "one\ntwo\n");
        let b = map.add("b.pyro", "three\nfour\n");
        let view = map.snapshot();
        let span: SourceSpan = Span::new(b.base() + 6, b.base() + 10).into();
        let contents = view.read_span(&span, 0, 0).unwrap();
        assert_eq!(contents.name(), Some("b.pyro"));
        assert_eq!(std::str::from_utf8(contents.data()).unwrap(), "four");
        assert_eq!(contents.line(), 1);
    }
}
